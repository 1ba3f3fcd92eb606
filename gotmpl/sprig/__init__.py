"""Sprig v3.2.3's ``TxtFuncMap()``: the function set Helm charts and Istio 1.8+
templates are written against, with Go-identical results.

This package owns sprig's functions; ``gotmpl.funcs`` stays the one place
function sets are named and handed out (``gotmpl.funcs.sprig_funcs``). Each
module implements one family of sprig's functions (its file in sprig's source
is named in the module's doc comment) and registers them here with their Go
signature, so the template engine converts arguments and reports wrong types
exactly as Go's reflect-based call does:

    @sprig_func("trim", "func(string) string")
    def trim(s: str) -> str: ...

Conversions sprig does through spf13/cast and its own helpers (``strval``,
``toInt64``...) live in :mod:`gotmpl.sprig.cast`, imported by every family.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

from .. import values as V

__all__ = ["sprig_func", "sprig_funcs", "REGISTRY", "FAMILIES"]

REGISTRY: dict[str, Callable[..., Any]] = {}

# The modules of this package that register functions, one per sprig family.
FAMILIES = (
    "strings",
    "defaults",
    "lists",
    "dicts",
    "reflection",
    "mathfuncs",
    "encoding",
    "hashes",
    "semver",
    "regex",
    "paths",
    "dates",
    "uuids",
    "crypto",
    "network",
    "osenv",
)


def sprig_func(name: str, signature: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn`` as sprig's ``name`` with its Go signature (``func(...) ...``)."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in REGISTRY:
            raise ValueError(f"sprig function {name} registered twice")
        REGISTRY[name] = V.go_signature(signature)(fn)
        return fn

    return register


def sprig_funcs() -> dict[str, Callable[..., Any]]:
    """Every registered sprig function, by name (a fresh dict)."""
    for family in FAMILIES:
        try:
            importlib.import_module(f"{__name__}.{family}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{family}":
                raise
    return dict(REGISTRY)

"""Shared helpers for sprig's differential tests: one template, rendered by the Go
oracle with ``"funcs": ["sprig"]`` and by gotmpl with ``sprig_funcs()``.

    from sprig_support import compare, go_render, need_sprig, typed

    def test_x(oracle):
        need_sprig(oracle)
        compare(oracle, "{{ trim . }}", typed("string", " x "))

Data is given in the oracle's typed value encoding (/work/shared/oracle/README.md
"typed value encoding"; shorthand JSON works too); gotmpl gets the same value
through ``gotmpl.values.from_typed_json``. ``compare`` asserts identical output
bytes and identical error text and phase, and returns the oracle's response.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable
from typing import Any

import gofuncs  # noqa: F401 - registers oracle.T / oracle.Stringer for typed data
import pytest

from gotmpl import values as V
from gotmpl.runtime import ExecError
from gotmpl.sprig import sprig_funcs
from gotmpl.template import ParseError, Template

__all__ = ["compare", "compare_many", "funcs", "go_render", "need_sprig", "ours", "output_bytes", "request", "typed"]

_FUNCS: dict[str, Any] | None = None


def typed(t: str, v: Any) -> dict[str, Any]:
    """A typed value for the oracle: ``{"t": t, "v": v}``."""
    return {"t": t, "v": v}


def need_sprig(oracle: Any) -> None:
    """Skip unless the oracle was built with sprig (ORACLE_SPRIG=1)."""
    if not oracle.info().get("sprig"):
        pytest.skip("Go oracle built without sprig (build it with ORACLE_SPRIG=1)")


def funcs() -> dict[str, Any]:
    """gotmpl's sprig functions (loaded once)."""
    global _FUNCS
    if _FUNCS is None:
        _FUNCS = sprig_funcs()
    return _FUNCS


def request(template: str, data_typed: Any = None, name: str = "t") -> dict[str, Any]:
    r: dict[str, Any] = {"name": name, "template": template, "funcs": ["sprig"]}
    if data_typed is not None:
        r["data"] = data_typed
    return r


def output_bytes(resp: dict[str, Any]) -> bytes:
    """The exact output bytes of a response (ours or the oracle's)."""
    if "output_b64" in resp:
        return base64.b64decode(resp["output_b64"])
    return resp["output"].encode("utf-8", "surrogateescape")


def go_render(oracle: Any, template: str, data_typed: Any = None) -> tuple[str, str | None]:
    """(output, error text or None) of Go with sprig."""
    resp = oracle.run(request(template, data_typed))
    assert resp["phase"] != "request", resp
    return resp["output"], resp["error"]


def ours(r: dict[str, Any]) -> dict[str, Any]:
    """The oracle's response to request r, computed by gotmpl with sprig_funcs()."""
    out = io.StringIO()
    try:
        data = V.from_typed_json(r.get("data"))
        t = Template(r.get("name", "t")).funcs(funcs())
        t.parse(r["template"])
        t.execute(out, data)
    except ParseError as e:
        return {"output": "", "error": str(e), "phase": "parse"}
    except ExecError as e:
        return {"output": out.getvalue(), "error": str(e), "phase": "exec"}
    return {"output": out.getvalue(), "error": None, "phase": None}


def _differs(got: dict[str, Any], want: dict[str, Any]) -> bool:
    return (got["error"], got["phase"]) != (want["error"], want["phase"]) or output_bytes(got) != output_bytes(want)


def _report(r: dict[str, Any], got: dict[str, Any], want: dict[str, Any]) -> str:
    return f"{r}\n ours: {got}\n   go: {want}"


def compare(oracle: Any, template: str, data: Any = None) -> dict[str, Any]:
    """Render with Go and gotmpl; assert identical output and error; Go's response."""
    r = request(template, data)
    want = oracle.run(r)
    assert want["phase"] != "request", want
    got = ours(r)
    assert not _differs(got, want), _report(r, got, want)
    return want


def compare_many(oracle: Any, cases: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    """compare() for many (template, data) pairs in one oracle round trip; reports every difference."""
    reqs = [request(t, d) for t, d in cases]
    wants = oracle.run_many(reqs)
    bad = []
    for r, want in zip(reqs, wants):
        assert want["phase"] != "request", (r, want)
        got = ours(r)
        if _differs(got, want):
            bad.append(_report(r, got, want))
    assert not bad, "\n\n".join(bad[:8]) + f"\n({len(bad)} of {len(reqs)} differ)"
    return wants

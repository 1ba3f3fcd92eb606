"""Kubernetes label selectors as the injector uses them
(``metav1.LabelSelectorAsSelector`` then ``Selector.Matches``), for the
neverInjectSelector / alwaysInjectSelector of Istio 1.1+.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from gotmpl import values as V

__all__ = ["SelectorError", "compile_selector"]

_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\Z")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")

Matcher = Callable[[Mapping[str, str]], bool]


class SelectorError(ValueError):
    """A selector Kubernetes would refuse (Istio logs it and skips the selector)."""


def _check_key(key: str) -> None:
    prefix, _, name = key.rpartition("/")
    if "/" in prefix or (prefix and (len(prefix) > 253 or not _DNS1123_SUBDOMAIN.match(prefix))):
        raise SelectorError(f"invalid label key {key!r}: prefix part must be a DNS-1123 subdomain")
    if not name or len(name) > 63 or not _NAME.match(name):
        raise SelectorError(
            f"invalid label key {key!r}: name part must consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character (at most 63 characters)"
        )


def _check_value(value: str) -> None:
    if value and (len(value) > 63 or not _NAME.match(value)):
        raise SelectorError(f"invalid label value {value!r}: must be 63 characters or less and be alphanumeric, '-', '_' or '.'")


def _requirement(key: str, op: str, values: list[str]) -> Matcher:
    _check_key(key)
    if op in ("In", "NotIn"):
        if not values:
            raise SelectorError("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty")
        for v in values:
            _check_value(v)
        allowed = frozenset(values)
        if op == "In":
            return lambda labels: key in labels and labels[key] in allowed
        return lambda labels: key not in labels or labels[key] not in allowed
    if op in ("Exists", "DoesNotExist"):
        if values:
            raise SelectorError("values: Invalid value: values set must be empty for exists and does not exist")
        if op == "Exists":
            return lambda labels: key in labels
        return lambda labels: key not in labels
    raise SelectorError(f"{op!r} is not a valid pod selector operator")


def compile_selector(selector: Any) -> Matcher | None:
    """A metav1.LabelSelector (gotmpl value) as a predicate over a pod's labels;
    None for the empty selector, which Istio skips (``selector.Empty()``)."""
    fields = selector.fields
    requirements: list[Matcher] = []
    for key, value in V.map_items(fields.get("MatchLabels")) if fields.get("MatchLabels") else []:
        requirements.append(_requirement(key, "In", [value]))
    for expr in V.elements(fields.get("MatchExpressions")) or []:
        f = expr.fields
        requirements.append(_requirement(f["Key"], V.unwrap_scalar(f["Operator"]), list(V.elements(f["Values"]) or [])))
    if not requirements:
        return None
    return lambda labels: all(r(labels) for r in requirements)

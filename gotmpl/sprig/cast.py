"""Sprig's value conversions: ``strval``/``strslice`` (sprig's strings.go) and
the spf13/cast conversions sprig calls (``toInt64``, ``toInt``, ``toFloat64``
in numeric.go), as the cast version vendored with the oracle's sprig does them.

Every family imports these. They take gotmpl values as an ``interface {}``
parameter receives them (see gotmpl.values: Python scalars, ``Typed`` sized or
named scalars, ``Slice``/``Map``/``Ptr``..., None for nil) and follow Go's
*type switches*: ``case int64`` matches only the unnamed type int64, never a
named type such as ``time.Duration`` (those fall to the default case).

API
---
``strval(v) -> str``            sprig's strval: string, []byte, error, fmt.Stringer, else ``%v``
``to_string_slice(v) -> list``  sprig's strslice (None for a nil ``[]string``, which it returns as is)
``to_int64(v) -> int``          cast.ToInt64 (errors give 0)
``to_int(v) -> int``            cast.ToInt (int is 64 bits on the oracle's amd64: same as to_int64)
``to_float64(v) -> float``      cast.ToFloat64 (errors give 0)
``to_bool(v) -> bool``          cast.ToBool (errors give False)
``indirect(v)``                 cast's indirect: follow non-nil pointers
``go_int64(f) -> int``          Go's ``int64(f)`` for a float on amd64 (NaN / out of range: -2**63)
``wrap_int64(x) -> int``        two's complement wrap to int64 (Go's ``int64(u)`` for a uint64)
``is_nil_interface(v)``         whether v is a nil ``interface {}`` (None, MISSING, a nil error)
``method_text(v, name)``        call a niladic ``name() string`` method in v's method set, or None
"""

from __future__ import annotations

import math
from typing import Any

from .. import values as V
from ..gofmt import sprintf
from ..strconv import NumError, from_go_bytes, parse_float, parse_int

__all__ = [
    "go_int64",
    "indirect",
    "is_nil_interface",
    "method_text",
    "strval",
    "to_bool",
    "to_float64",
    "to_int",
    "to_int64",
    "to_string_slice",
    "wrap_int64",
]

Kind = V.Kind
MIN_INT64 = -(1 << 63)

# Unnamed basic types cast's type switches name, by GoType identity.
_SIGNED = frozenset({V.INT8, V.INT16, V.INT32, V.INT64})
_UNSIGNED = frozenset({V.UINT, V.UINT8, V.UINT16, V.UINT32, V.UINT64})
_FLOATS = frozenset({V.FLOAT32, V.FLOAT64})
_STRING_SLICE = V.slice_of(V.STRING)


def is_nil_interface(v: Any) -> bool:
    """Whether v is a nil ``interface {}`` as a Go function receives it."""
    return v is None or v is V.MISSING or type(v) is V.NilInterface


def indirect(v: Any) -> Any:
    """cast's indirect: dereference pointers until a non-pointer or a nil pointer."""
    while type(v) is V.Ptr and v.target is not None:
        elem = v.type.elem
        v = V.coerce(elem, v.target) if elem is not None else v.target
    return v


def wrap_int64(x: int) -> int:
    """Go's conversion of an integer to int64 (two's complement wrap)."""
    x &= (1 << 64) - 1
    return x - (1 << 64) if x >= 1 << 63 else x


def go_int64(f: float) -> int:
    """Go's ``int64(f)`` on amd64: truncation; NaN and out-of-range give -2**63."""
    if math.isnan(f) or not -(2.0**63) <= f < 2.0**63:
        return MIN_INT64
    return int(f)


def _basic(v: Any) -> tuple[V.GoType | None, Any]:
    """(unnamed basic type, Python value) of v, or (None, v) for anything else."""
    cls = type(v)
    if cls is int:
        return V.INT, v
    if cls is str:
        return V.STRING, v
    if cls is float:
        return V.FLOAT64, v
    if cls is bool:
        return V.BOOL, v
    if cls is V.Typed and v.type.name is None:
        return v.type, v.value
    return None, v


def _trim_zero_decimal(s: str) -> str:
    """cast's trimZeroDecimal: "12.00" -> "12" (a trailing run of zeros after a dot)."""
    found_zero = False
    for i in range(len(s), 0, -1):
        c = s[i - 1]
        if c == ".":
            if found_zero:
                return s[: i - 1]
        elif c == "0":
            found_zero = True
        else:
            return s
    return s


def to_int64(v: Any) -> int:
    """cast.ToInt64 (sprig's toInt64): the int64 v stands for, 0 when cast fails."""
    v = indirect(v)
    t, x = _basic(v)
    if t is None:
        return 0
    if t is V.INT or t in _SIGNED:
        return x
    if t in _UNSIGNED:
        return wrap_int64(x)
    if t in _FLOATS:
        return go_int64(x)
    if t is V.STRING:
        try:
            return parse_int(_trim_zero_decimal(x), 0, 64)
        except NumError:
            return 0
    if t is V.BOOL:
        return 1 if x else 0
    return 0


def to_int(v: Any) -> int:
    """cast.ToInt (sprig's toInt); Go's int is 64 bits on the oracle's platform."""
    return to_int64(v)


def to_float64(v: Any) -> float:
    """cast.ToFloat64 (sprig's toFloat64): 0 when cast fails (a string out of range too)."""
    v = indirect(v)
    t, x = _basic(v)
    if t is None:
        return 0.0
    if t is V.INT or t in _SIGNED or t in _UNSIGNED:
        return float(x)
    if t in _FLOATS:
        return float(x)
    if t is V.STRING:
        try:
            return parse_float(x, 64)
        except NumError:
            return 0.0
    if t is V.BOOL:
        return 1.0 if x else 0.0
    return 0.0


_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def to_bool(v: Any) -> bool:
    """cast.ToBool: bools, int != 0, strconv.ParseBool strings; False otherwise."""
    v = indirect(v)
    t, x = _basic(v)
    if t is V.BOOL:
        return x
    if t is V.INT:
        return x != 0
    if t is V.STRING:
        return x in _TRUE
    return False


def method_text(v: Any, name: str) -> str | None:
    """Call v's niladic ``name() string`` method (Error, String) if its method set has
    one; None otherwise. A panicking method raises (sprig does not recover)."""
    if type(v) is V.Ptr and v.type.elem is not None and v.type.elem.kind == Kind.INTERFACE:
        return None
    found = V.find_method(v, name)
    if found is None:
        return None
    ft = found[0].func_type
    if ft.params or ft.variadic or list(ft.results) != [V.STRING]:
        return None
    fn = V.method_of(v, name)
    if fn is None:
        return None
    result = fn()
    return result if type(result) is str else str(V.unwrap_scalar(result))


def strval(v: Any) -> str:
    """sprig's strval: a string as is, []byte as text, an error's Error(), a
    fmt.Stringer's String(), anything else ``fmt.Sprintf("%v", v)``."""
    cls = type(v)
    if cls is str:
        return v
    if cls is bytes:
        return from_go_bytes(v)
    if is_nil_interface(v):
        return "<nil>"
    if cls is V.Slice and v.type is V.BYTES:
        return from_go_bytes(bytes(v.items or []))
    if isinstance(v, BaseException) and not isinstance(v, V.GoError):
        return str(v)
    for name in ("Error", "String"):
        text = method_text(v, name)
        if text is not None:
            return text
    return sprintf("%v", v)


def to_string_slice(v: Any) -> list[str] | None:
    """sprig's strslice: a []string as is (None for a nil one), the non-nil elements
    of a []interface {} or any slice/array as strval strings, [] for nil, else [strval(v)]."""
    cls = type(v)
    if cls is V.Slice and v.type is _STRING_SLICE:
        return None if v.items is None else [x for x in V.elements(v)]
    if cls is list or cls is tuple:
        return [strval(x) for x in v if not is_nil_interface(x)]
    if is_nil_interface(v):
        return []
    t = V.type_of(v)
    if t is not None and t.kind in (Kind.SLICE, Kind.ARRAY):
        return [strval(x) for x in V.elements(v) if not is_nil_interface(x)]
    return [strval(v)]

"""Sprig's reflection functions (sprig's reflect.go, plus ``deepEqual``, which
functions.go maps to Go's ``reflect.DeepEqual``).

``typeOf`` is ``fmt.Sprintf("%T", v)`` and ``kindOf`` reflect's Kind name
(``invalid`` for nil); ``typeIs``/``typeIsLike``/``kindIs`` compare those
names with a target. :func:`deep_equal` is reflect.DeepEqual over gotmpl
values; the list family (``uniq``, ``without``, ``has``) uses it too.
"""

from __future__ import annotations

import math
from typing import Any

from .. import values as V
from ..gotime import TIME as _TIME
from ..gofmt import sprintf
from . import sprig_func

__all__ = ["deep_equal", "kind_name", "type_name"]

Kind = V.Kind


# --- names of types and kinds ----------------------------------------------------------------


def type_name(v: Any) -> str:
    """``%T`` of an ``interface {}`` value (``<nil>`` for nil)."""
    return sprintf("%T", v)


def kind_name(v: Any) -> str:
    """``reflect.ValueOf(v).Kind().String()`` (``invalid`` for nil)."""
    if v is None or v is V.MISSING or type(v) is V.NilInterface:
        return "invalid"
    t = V.type_of(v)
    return t.kind if t is not None else "invalid"


@sprig_func("typeOf", "func(interface {}) string")
def type_of(src: Any) -> str:
    return type_name(src)


@sprig_func("typeIs", "func(string, interface {}) bool")
def type_is(target: str, src: Any) -> bool:
    return target == type_name(src)


@sprig_func("typeIsLike", "func(string, interface {}) bool")
def type_is_like(target: str, src: Any) -> bool:
    t = type_name(src)
    return target == t or "*" + target == t


@sprig_func("kindOf", "func(interface {}) string")
def kind_of(src: Any) -> str:
    return kind_name(src)


@sprig_func("kindIs", "func(string, interface {}) bool")
def kind_is(target: str, src: Any) -> bool:
    return target == kind_name(src)


# --- reflect.DeepEqual ----------------------------------------------------------------------------


def _as_iface(v: Any) -> Any:
    """A value as an ``interface {}`` holds it: a nil error is nil, an error
    value its dynamic type."""
    if v is V.MISSING or type(v) is V.NilInterface:
        return None
    if isinstance(v, V.GoError):
        return v.as_any()
    return v


def deep_equal(x: Any, y: Any) -> bool:
    """Go's reflect.DeepEqual(x, y) for two ``interface {}`` values."""
    x, y = _as_iface(x), _as_iface(y)
    if x is None or y is None:
        return x is None and y is None
    tx, ty = V.type_of(x), V.type_of(y)
    if tx is not ty:
        return False
    return _deep(x, y, tx, set())


def _iface_equal(x: Any, y: Any, visited: set) -> bool:
    """Two values held in interface slots (elements of []interface {}...)."""
    x, y = _as_iface(x), _as_iface(y)
    if x is None or y is None:
        return x is None and y is None
    tx, ty = V.type_of(x), V.type_of(y)
    if tx is not ty:
        return False
    return _deep(x, y, tx, visited)


def _slice_parts(v: Any) -> tuple[Any, int, list | None]:
    """(identity of the backing array, offset, elements or None for nil)."""
    cls = type(v)
    if cls is list or cls is tuple or cls is bytes:
        return v, 0, list(v) if cls is not bytes else V.elements(v)
    if cls is V.Slice:
        if v.items is None:
            return None, 0, None
        if v.backing is not None:
            return v.backing, v.offset, V.elements(v)
        return v.items, 0, V.elements(v)
    return v, 0, V.elements(v)


def _elem_equal(a: Any, b: Any, t: V.GoType, visited: set) -> bool:
    if t.kind == Kind.INTERFACE:
        return _iface_equal(a, b, visited)
    return _deep(a, b, t, visited)


def _deep(a: Any, b: Any, t: V.GoType, visited: set) -> bool:
    """deepValueEqual for two values of the same type t."""
    k = t.kind
    if k == Kind.SLICE:
        ida, offa, ea = _slice_parts(a)
        idb, offb, eb = _slice_parts(b)
        if (ea is None) != (eb is None):
            return False
        if ea is None:
            return True
        if len(ea) != len(eb):
            return False
        if ida is idb and offa == offb:
            return True  # the same underlying array
        key = (id(a), id(b), t)
        if key in visited:
            return True
        visited.add(key)
        return all(_elem_equal(x, y, t.elem, visited) for x, y in zip(ea, eb))
    if k == Kind.ARRAY:
        return all(_elem_equal(x, y, t.elem, visited) for x, y in zip(V.elements(a), V.elements(b)))
    if k == Kind.MAP:
        return _map_equal(a, b, t, visited)
    if k == Kind.PTR:
        return _ptr_equal(a, b, t, visited)
    if k == Kind.STRUCT:
        if t is _TIME:
            return _time_equal(a, b)
        return all(
            _elem_equal(x, y, f.type, visited)
            for (f, x), (_, y) in zip(V.struct_fields(a), V.struct_fields(b))
        )
    if k == Kind.INTERFACE:
        return _iface_equal(a, b, visited)
    if k == Kind.FUNC:
        return V.is_nil(a) and V.is_nil(b)
    if k == Kind.CHAN:
        return a is b
    return V.unwrap_scalar(a) == V.unwrap_scalar(b)


def _time_equal(a: Any, b: Any) -> bool:
    """time.Time{wall, ext, loc}: the same instant in the same location (UTC
    is a nil *Location, an offset a fixed zone: equal instants in different
    zones differ)."""
    return a._instant() == b._instant() and a.zone == b.zone and a.when.utcoffset() == b.when.utcoffset()


def _ptr_equal(a: Any, b: Any, t: V.GoType, visited: set) -> bool:
    if isinstance(a, BaseException) or isinstance(b, BaseException):
        # Error values: *errors.errorString, equal pointees when the texts are.
        return a is b or str(a) == str(b)
    if a is b:
        return True
    ta, tb = a.target, b.target
    if ta is None or tb is None:
        return ta is None and tb is None
    if ta is tb:
        return True
    key = (id(a), id(b), t)
    if key in visited:
        return True
    visited.add(key)
    elem = t.elem
    return _elem_equal(V.coerce(elem, ta), V.coerce(elem, tb), elem, visited)


def _map_data(m: Any) -> dict | None:
    return m if type(m) is dict else m.data


def _map_equal(a: Any, b: Any, t: V.GoType, visited: set) -> bool:
    da, db = _map_data(a), _map_data(b)
    if (da is None) != (db is None):
        return False
    da, db = da or {}, db or {}
    if len(da) != len(db):
        return False
    if da is db:
        return True
    key = (id(a), id(b), t)
    if key in visited:
        return True
    visited.add(key)
    elem = t.elem
    natural = V.natural_for(elem)
    missing = object()
    for k, x in da.items():
        if isinstance(k, float) and math.isnan(k):
            return False  # a NaN key is never found
        y = db.get(k, missing)
        if y is missing:
            return False
        if not natural:
            x, y = V.coerce(elem, x), V.coerce(elem, y)
        if not _elem_equal(x, y, elem, visited):
            return False
    return True


@sprig_func("deepEqual", "func(interface {}, interface {}) bool")
def deep_equal_func(x: Any, y: Any) -> bool:
    return deep_equal(x, y)

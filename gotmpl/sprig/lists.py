"""Sprig's list functions (sprig's list.go): ``list``/``tuple``, ``push``/``append``,
``prepend``, ``first``, ``rest``, ``last``, ``initial``, ``reverse``, ``uniq``,
``without``, ``has``, ``compact``, ``slice``, ``concat``, ``chunk`` and their
``must`` variants.

They take any slice or array through reflection (``reflect.TypeOf(list).Kind()``):
another kind is an error ("Cannot find first on type int"), which the ``must``
variants return and the plain ones panic with; either way text/template reports
``error calling NAME: ...``. A nil list panics inside reflect (a nil pointer
dereference), as in Go. Elements come out as ``interface {}`` values.

Go's ``append`` over-allocates, and sprig's ``slice`` (reflect's Value.Slice)
may reach past the length up to the capacity, so results built by appending
keep Go's capacity (:func:`go_append_cap`): ``slice (append (list 1 2 3) 4) 0 6``
is ``[1 2 3 4 <nil> <nil>]`` as in Go.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from .. import values as V
from . import sprig_func
from .cast import go_int64, is_nil_interface, to_int
from .reflection import deep_equal

__all__ = ["NIL_DEREFERENCE", "go_append_cap", "go_slice_result", "list_items", "list_kind"]

Kind = V.Kind
NIL_DEREFERENCE = "runtime error: invalid memory address or nil pointer dereference"
_LIST_KINDS = (Kind.SLICE, Kind.ARRAY)


# --- Go's append growth (runtime.growslice with the amd64 size classes) -------------------------

_SIZE_CLASSES = (
    8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320,
    352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
    2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472,
    9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264,
    28672, 32768,
)  # fmt: skip
_MAX_SMALL_SIZE = 32768
_MALLOC_HEADER = 8
_MIN_SIZE_FOR_HEADER = 512
_PAGE_SIZE = 8192


def _roundupsize(size: int, noscan: bool) -> int:
    """runtime.roundupsize: the bytes mallocgc really gives for ``size``."""
    if size <= _MAX_SMALL_SIZE - _MALLOC_HEADER:
        req = size + (_MALLOC_HEADER if not noscan and size > _MIN_SIZE_FOR_HEADER else 0)
        cls = _SIZE_CLASSES[bisect.bisect_left(_SIZE_CLASSES, req)] if req > 0 else 0
        return cls - (req - size)
    return (size + _PAGE_SIZE - 1) // _PAGE_SIZE * _PAGE_SIZE


def _grow(old_cap: int, new_len: int, elem_size: int, noscan: bool) -> int:
    """runtime.growslice's new capacity (nextslicecap, then size-class rounding)."""
    newcap = old_cap
    double = newcap + newcap
    if new_len > double:
        newcap = new_len
    elif old_cap < 256:
        newcap = double
    else:
        while newcap < new_len:
            newcap += (newcap + 3 * 256) >> 2
    return _roundupsize(newcap * elem_size, noscan) // elem_size


def go_append_cap(length: int, elem_size: int = 16, noscan: bool = False, start_cap: int = 0) -> int:
    """The capacity of a slice of ``length`` elements built by appending one at a
    time to a slice of capacity ``start_cap`` (16-byte interface/string elements
    by default; ``[]int`` is 8 bytes and noscan)."""
    cap = start_cap
    while cap < length:
        cap = _grow(cap, cap + 1, elem_size, noscan)
    return cap


def go_slice_result(items: list, cap: int, slice_type: V.GoType = V.SLICE_ANY, zero: Any = None) -> Any:
    """A slice result with Go's capacity: a plain list when cap == len, else a
    Slice whose backing array holds zero values past the length."""
    if cap <= len(items):
        return items if slice_type is V.SLICE_ANY else V.Slice(slice_type, items)
    backing = items + [zero] * (cap - len(items))
    return V.Slice(slice_type, items, backing, 0, cap)


# --- reflection over the list argument ---------------------------------------------------------------


def _as_iface(v: Any) -> Any:
    """An element as ``l2.Index(i).Interface()`` gives it to an ``interface {}``."""
    if type(v) is V.NilInterface:
        return None
    if isinstance(v, V.GoError):
        return v.as_any()
    return v


def list_kind(v: Any) -> str:
    """``reflect.TypeOf(v).Kind()``; nil has no type, and Go dereferences nil."""
    if is_nil_interface(v):
        raise V.GoError(NIL_DEREFERENCE)
    t = V.type_of(v)
    return t.kind


def list_items(v: Any) -> list:
    """The elements of a slice or array, as interface values."""
    cls = type(v)
    if cls is list or cls is tuple:
        return [_as_iface(x) for x in v]
    return [_as_iface(x) for x in V.elements(v)]


def _checked_items(v: Any, message: str) -> list:
    """The list's elements, or the error ``message % kind`` for another kind."""
    k = list_kind(v)
    if k not in _LIST_KINDS:
        raise V.GoError(message % k)
    return list_items(v)


def _appended(items: list, start_cap: int = 0) -> Any:
    """A []interface {} built by appending to an empty one of capacity start_cap."""
    return go_slice_result(items, go_append_cap(len(items), start_cap=start_cap))


# --- the functions ------------------------------------------------------------------------------------


@sprig_func("list", "func(...interface {}) []interface {}")
def list_(*v: Any) -> list:
    return [_as_iface(x) for x in v]


@sprig_func("tuple", "func(...interface {}) []interface {}")
def tuple_(*v: Any) -> list:
    return [_as_iface(x) for x in v]


def _push(lst: Any, v: Any) -> Any:
    items = _checked_items(lst, "Cannot push on type %s")
    n = len(items)
    cap = _grow(n, n + 1, 16, False)
    return go_slice_result(items + [v], cap)


@sprig_func("push", "func(interface {}, interface {}) []interface {}")
def push(lst: Any, v: Any) -> Any:
    return _push(lst, v)


@sprig_func("append", "func(interface {}, interface {}) []interface {}")
def append_(lst: Any, v: Any) -> Any:
    return _push(lst, v)


@sprig_func("mustPush", "func(interface {}, interface {}) ([]interface {}, error)")
def must_push(lst: Any, v: Any) -> Any:
    return _push(lst, v)


@sprig_func("mustAppend", "func(interface {}, interface {}) ([]interface {}, error)")
def must_append(lst: Any, v: Any) -> Any:
    return _push(lst, v)


def _prepend(lst: Any, v: Any) -> Any:
    items = _checked_items(lst, "Cannot prepend on type %s")
    # append([]interface{}{v}, nl...): growth from a capacity of 1.
    n = len(items) + 1
    cap = 1 if n == 1 else _grow(1, n, 16, False)
    return go_slice_result([v] + items, cap)


@sprig_func("prepend", "func(interface {}, interface {}) []interface {}")
def prepend(lst: Any, v: Any) -> Any:
    return _prepend(lst, v)


@sprig_func("mustPrepend", "func(interface {}, interface {}) ([]interface {}, error)")
def must_prepend(lst: Any, v: Any) -> Any:
    return _prepend(lst, v)


_MAKESLICE = "runtime error: makeslice: len out of range"


def _chunk(size: int, lst: Any) -> list:
    from .mathfuncs import go_float_div, go_floor, go_mod

    items = _checked_items(lst, "Cannot chunk type %s")
    n = len(items)
    cs = go_int64(go_floor(go_float_div(float(n - 1), float(size))) + 1)
    if cs < 0:
        raise V.GoError(_MAKESLICE)
    out = []
    for i in range(cs):
        clen = size
        if i == cs - 1:
            clen = go_int64(go_floor(go_mod(float(n), float(size))))
            if clen == 0:
                clen = size
        if clen < 0:
            raise V.GoError(_MAKESLICE)
        chunk = []
        for j in range(clen):
            ix = i * size + j
            if not 0 <= ix < n:
                raise V.GoError("reflect: slice index out of range")
            chunk.append(items[ix])
        out.append(chunk)
    return out


@sprig_func("chunk", "func(int, interface {}) [][]interface {}")
def chunk(size: int, lst: Any) -> list:
    return _chunk(size, lst)


@sprig_func("mustChunk", "func(int, interface {}) ([][]interface {}, error)")
def must_chunk(size: int, lst: Any) -> list:
    return _chunk(size, lst)


def _last(lst: Any) -> Any:
    items = _checked_items(lst, "Cannot find last on type %s")
    return items[-1] if items else None


@sprig_func("last", "func(interface {}) interface {}")
def last(lst: Any) -> Any:
    return _last(lst)


@sprig_func("mustLast", "func(interface {}) (interface {}, error)")
def must_last(lst: Any) -> Any:
    return _last(lst)


def _first(lst: Any) -> Any:
    items = _checked_items(lst, "Cannot find first on type %s")
    return items[0] if items else None


@sprig_func("first", "func(interface {}) interface {}")
def first(lst: Any) -> Any:
    return _first(lst)


@sprig_func("mustFirst", "func(interface {}) (interface {}, error)")
def must_first(lst: Any) -> Any:
    return _first(lst)


def _rest(lst: Any) -> list | None:
    items = _checked_items(lst, "Cannot find rest on type %s")
    return items[1:] if items else None  # nil for an empty list


@sprig_func("rest", "func(interface {}) []interface {}")
def rest(lst: Any) -> list | None:
    return _rest(lst)


@sprig_func("mustRest", "func(interface {}) ([]interface {}, error)")
def must_rest(lst: Any) -> list | None:
    return _rest(lst)


def _initial(lst: Any) -> list | None:
    items = _checked_items(lst, "Cannot find initial on type %s")
    return items[:-1] if items else None  # nil for an empty list


@sprig_func("initial", "func(interface {}) []interface {}")
def initial(lst: Any) -> list | None:
    return _initial(lst)


@sprig_func("mustInitial", "func(interface {}) ([]interface {}, error)")
def must_initial(lst: Any) -> list | None:
    return _initial(lst)


def _reverse(lst: Any) -> list:
    items = _checked_items(lst, "Cannot find reverse on type %s")
    return items[::-1]


@sprig_func("reverse", "func(interface {}) []interface {}")
def reverse(lst: Any) -> list:
    return _reverse(lst)


@sprig_func("mustReverse", "func(interface {}) ([]interface {}, error)")
def must_reverse(lst: Any) -> list:
    return _reverse(lst)


def _empty(v: Any) -> bool:
    """sprig's empty (defaults.go), which compact uses."""
    from .defaults import empty

    return empty(v)


def _compact(lst: Any) -> Any:
    items = _checked_items(lst, "Cannot compact on type %s")
    return _appended([x for x in items if not _empty(x)])


@sprig_func("compact", "func(interface {}) []interface {}")
def compact(lst: Any) -> Any:
    return _compact(lst)


@sprig_func("mustCompact", "func(interface {}) ([]interface {}, error)")
def must_compact(lst: Any) -> Any:
    return _compact(lst)


def in_list(haystack: Iterable[Any], needle: Any) -> bool:
    """sprig's inList: reflect.DeepEqual against each element."""
    return any(deep_equal(needle, h) for h in haystack)


def _uniq(lst: Any) -> Any:
    items = _checked_items(lst, "Cannot find uniq on type %s")
    dest: list = []
    for x in items:
        if not in_list(dest, x):
            dest.append(x)
    return _appended(dest)


@sprig_func("uniq", "func(interface {}) []interface {}")
def uniq(lst: Any) -> Any:
    return _uniq(lst)


@sprig_func("mustUniq", "func(interface {}) ([]interface {}, error)")
def must_uniq(lst: Any) -> Any:
    return _uniq(lst)


def _without(lst: Any, omit: tuple) -> Any:
    items = _checked_items(lst, "Cannot find without on type %s")
    return _appended([x for x in items if not in_list(omit, x)])


@sprig_func("without", "func(interface {}, ...interface {}) []interface {}")
def without(lst: Any, *omit: Any) -> Any:
    return _without(lst, omit)


@sprig_func("mustWithout", "func(interface {}, ...interface {}) ([]interface {}, error)")
def must_without(lst: Any, *omit: Any) -> Any:
    return _without(lst, omit)


def _has(needle: Any, haystack: Any) -> bool:
    if is_nil_interface(haystack):
        return False
    return in_list(_checked_items(haystack, "Cannot find has on type %s"), needle)


@sprig_func("has", "func(interface {}, interface {}) bool")
def has(needle: Any, haystack: Any) -> bool:
    return _has(needle, haystack)


@sprig_func("mustHas", "func(interface {}, interface {}) (bool, error)")
def must_has(needle: Any, haystack: Any) -> bool:
    return _has(needle, haystack)


def _backing(v: Any) -> tuple[list, int, int, int]:
    """(backing array, offset, len, cap) of a slice value (raw elements, as a
    Slice of that type stores them)."""
    cls = type(v)
    if cls is V.Slice:
        if v.backing is not None:
            return v.backing, v.offset, len(v.items or []), v.cap
        items = list(v.items or [])
    elif cls is list or cls is tuple or cls is bytes:
        items = list(v)
    else:
        items = V.elements(v)
    return items, 0, len(items), len(items)


def _slice(lst: Any, indices: tuple) -> Any:
    k = list_kind(lst)
    if k not in _LIST_KINDS:
        raise V.GoError(f"list should be type of slice or array but {k}")
    backing, offset, n, cap = _backing(lst)
    if n == 0:
        return None
    start = to_int(indices[0]) if indices else 0
    end = n if len(indices) < 2 else to_int(indices[1])
    if k == Kind.ARRAY:
        raise V.GoError("reflect.Value.Slice: slice of unaddressable array")
    if start < 0 or end < start or end > cap:
        raise V.GoError("reflect.Value.Slice: slice index out of bounds")
    t = V.type_of(lst)
    raw = backing[offset + start : offset + end]
    if cap - start == len(raw):
        if t is V.BYTES:
            return bytes(V.unwrap_scalar(b) for b in raw)
        return raw if t is V.SLICE_ANY else V.Slice(t, raw)
    return V.Slice(t, raw, backing, offset + start, cap - start)


@sprig_func("slice", "func(interface {}, ...interface {}) interface {}")
def slice_(lst: Any, *indices: Any) -> Any:
    return _slice(lst, indices)


@sprig_func("mustSlice", "func(interface {}, ...interface {}) (interface {}, error)")
def must_slice(lst: Any, *indices: Any) -> Any:
    return _slice(lst, indices)


@sprig_func("concat", "func(...interface {}) interface {}")
def concat(*lists: Any) -> Any:
    res: list = []
    for lst in lists:
        k = list_kind(lst)
        if k not in _LIST_KINDS:
            raise V.GoError(f"Cannot concat type {k} as list")
        res.extend(list_items(lst))
    if not res:
        return V.Slice(V.SLICE_ANY, None)  # var res []interface{}: a nil slice
    return _appended(res)

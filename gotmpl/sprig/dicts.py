"""Sprig's dictionary functions (sprig's dict.go): ``dict``, ``get``, ``set``,
``unset``, ``hasKey``, ``pluck``, ``keys``, ``pick``, ``omit``, ``values``,
``dig``, ``merge``/``mustMerge``, ``mergeOverwrite``/``mustMergeOverwrite``
(imdario/mergo 0.3.12, the version the oracle vendors: :func:`_deep_merge`),
``deepCopy``/``mustDeepCopy`` (mitchellh/copystructure: :func:`_deep_copy`).

Dictionaries are ``map[string]interface {}``: Python dicts, or a nil map
(``Map`` without data). ``set``, ``unset`` and the merges change their first
argument in place and return it, as in Go.

Go ranges over maps in a random order, so ``keys`` and ``values`` have no
order in Go; gotmpl gives them in sorted key order (byte order of the keys),
and merges visit source keys in that order too.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

from .. import values as V
from . import sprig_func
from .cast import is_nil_interface, strval
from .lists import go_append_cap, go_slice_result

__all__ = ["sorted_keys"]

Kind = V.Kind
_STRING_SLICE = V.slice_of(V.STRING)


def _data(d: Any) -> dict | None:
    """The entries of a map[string]interface {} (None for a nil map)."""
    if type(d) is dict:
        return d
    return d.data if type(d) is V.Map else None


def _go_key(s: str) -> bytes:
    return s.encode("utf-8", "surrogateescape")


def sorted_keys(d: dict | None) -> list[str]:
    """The keys of a map[string]... in byte order (gotmpl's map iteration order)."""
    if not d:
        return []
    return sorted(d, key=_go_key)


def _appended(items: list) -> Any:
    """A []interface {} built by appending to ``[]interface{}{}``."""
    return go_slice_result(items, go_append_cap(len(items)))


# --- simple access ------------------------------------------------------------------------------


@sprig_func("get", "func(map[string]interface {}, string) interface {}")
def get(d: Any, key: str) -> Any:
    data = _data(d)
    if data is not None and key in data:
        return data[key]
    return ""


@sprig_func("set", "func(map[string]interface {}, string, interface {}) map[string]interface {}")
def set_(d: Any, key: str, value: Any) -> Any:
    data = _data(d)
    if data is None:
        raise V.GoError("assignment to entry in nil map")
    data[key] = value
    return d


@sprig_func("unset", "func(map[string]interface {}, string) map[string]interface {}")
def unset(d: Any, key: str) -> Any:
    data = _data(d)
    if data is not None:
        data.pop(key, None)
    return d


@sprig_func("hasKey", "func(map[string]interface {}, string) bool")
def has_key(d: Any, key: str) -> bool:
    data = _data(d)
    return data is not None and key in data


@sprig_func("pluck", "func(string, ...map[string]interface {}) []interface {}")
def pluck(key: str, *d: Any) -> Any:
    res = []
    for dct in d:
        data = _data(dct)
        if data is not None and key in data:
            res.append(data[key])
    return _appended(res)


@sprig_func("keys", "func(...map[string]interface {}) []string")
def keys(*dicts: Any) -> Any:
    k: list[str] = []
    for dct in dicts:
        k.extend(sorted_keys(_data(dct)))
    return go_slice_result(k, go_append_cap(len(k)), _STRING_SLICE, "")


@sprig_func("pick", "func(map[string]interface {}, ...string) map[string]interface {}")
def pick(dct: Any, *keys: str) -> dict:
    data = _data(dct) or {}
    return {k: data[k] for k in keys if k in data}


@sprig_func("omit", "func(map[string]interface {}, ...string) map[string]interface {}")
def omit(dct: Any, *keys: str) -> dict:
    data = _data(dct) or {}
    drop = set(keys)
    return {k: data[k] for k in sorted_keys(data) if k not in drop}


@sprig_func("dict", "func(...interface {}) map[string]interface {}")
def dict_(*v: Any) -> dict:
    d: dict = {}
    n = len(v)
    for i in range(0, n, 2):
        key = strval(v[i])
        d[key] = v[i + 1] if i + 1 < n else ""
    return d


@sprig_func("values", "func(map[string]interface {}) []interface {}")
def values(dct: Any) -> Any:
    data = _data(dct)
    return _appended([data[k] for k in sorted_keys(data)])


# --- dig ------------------------------------------------------------------------------------------


def _assert_type(v: Any, want: str, ok: bool) -> None:
    """A Go type assertion ``v.(T)`` on an interface {}: panics when it fails."""
    if not ok:
        have = "nil" if is_nil_interface(v) else str(V.type_of(v))
        raise V.GoError(f"interface conversion: interface {{}} is {have}, not {want}")


def _as_dict(v: Any) -> dict | None:
    """``v.(map[string]interface{})``: the entries (None for a nil map)."""
    ok = type(v) is dict or type(v) is V.Map and v.type is V.MAP_STRING_ANY
    _assert_type(v, "map[string]interface {}", ok)
    return _data(v)


@sprig_func("dig", "func(...interface {}) (interface {}, error)")
def dig(*ps: Any) -> Any:
    if len(ps) < 3:
        raise V.GoError("dig needs at least three arguments")
    data = _as_dict(ps[-1])
    default = ps[-2]
    ks = []
    for p in ps[:-2]:
        _assert_type(p, "string", type(p) is str)
        ks.append(p)
    while True:
        k, ks = ks[0], ks[1:]
        if data is None or k not in data:
            return default
        step = data[k]
        if not ks:
            return step
        data = _as_dict(step)


# --- deepCopy: mitchellh/copystructure -----------------------------------------------------------------


def _exported(name: str) -> bool:
    return name[:1].isupper()


def _deep_copy(v: Any) -> Any:
    """copystructure.Copy of a non-nil value: containers are copied all the way
    down (keeping nil maps, slices and pointers nil, and a slice's capacity);
    unexported struct fields are left zero, so an error value (an
    *errors.errorString, whose text is unexported) copies as an empty error."""
    cls = type(v)
    if v is None or cls is V.NilInterface:
        return v
    if cls in (str, int, float, bool, complex, bytes, V.Typed, V.Func) or v is V.MISSING:
        return v
    if cls is list or cls is tuple:
        return [_deep_copy(x) for x in v]
    if cls is dict:
        return {k: _deep_copy(x) for k, x in v.items()}
    if cls is V.Slice:
        if v.items is None:
            return V.Slice(v.type, None)
        items = [_deep_copy(x) for x in v.items]
        if v.backing is not None and v.cap > len(items):
            zero = V.zero_value(v.type.elem)
            return V.Slice(v.type, items, items + [zero] * (v.cap - len(items)), 0, v.cap)
        return V.Slice(v.type, items)
    if cls is V.Array:
        return V.Array(v.type, [_deep_copy(x) for x in v.items])
    if cls is V.Map:
        if v.data is None:
            return V.Map(v.type, None)
        return V.Map(v.type, {k: _deep_copy(x) for k, x in v.data.items()})
    if cls is V.Ptr:
        return V.Ptr(v.type, None if v.target is None else _deep_copy(v.target))
    if cls is V.Struct:
        fields = {}
        for f in v.type.fields:
            x = v.fields.get(f.name)
            fields[f.name] = _deep_copy(x) if _exported(f.name) else V.zero_value(f.type)
        return V.Struct(v.type, fields)
    if isinstance(v, V.GoError):
        e = V.GoError("")
        return e.as_error_interface() if v.typed_error else e
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        out = copy.copy(v)
        for f in dataclasses.fields(v):
            setattr(out, f.name, _deep_copy(getattr(v, f.name)))
        return out
    return v


def _must_deep_copy(i: Any) -> Any:
    if is_nil_interface(i):
        # copystructure asks the type of the nil result: reflect panics.
        raise V.GoError("reflect: call of reflect.Value.Type on zero Value")
    return _deep_copy(i)


@sprig_func("deepCopy", "func(interface {}) interface {}")
def deep_copy(i: Any) -> Any:
    return _must_deep_copy(i)


@sprig_func("mustDeepCopy", "func(interface {}) (interface {}, error)")
def must_deep_copy(i: Any) -> Any:
    return _must_deep_copy(i)


# --- merge: imdario/mergo 0.3.12 -------------------------------------------------------------------


class _MergeError(Exception):
    """An error mergo returns (sprig's merge swallows it, mustMerge returns it)."""


_DIFFERENT_TYPES = "src and dst must be of same type"
_NILABLE = frozenset({Kind.CHAN, Kind.FUNC, Kind.MAP, Kind.INTERFACE, Kind.SLICE, Kind.PTR})


class _RV:
    """A reflect.Value as mergo sees it: a value of static type ``type`` (for an
    interface-typed slot, ``value`` is the dynamic value or None), settable
    when ``setter`` is given; ``addr`` names an addressable location."""

    __slots__ = ("addr", "setter", "type", "value")

    def __init__(
        self, value: Any, type_: V.GoType | None, setter: Callable[[Any], None] | None = None, addr: Any = None
    ) -> None:
        self.value = value
        self.type = type_
        self.setter = setter
        self.addr = addr

    @property
    def valid(self) -> bool:
        return self.type is not None

    def kind(self) -> str:
        return self.type.kind if self.type is not None else "invalid"

    def can_set(self) -> bool:
        return self.setter is not None

    def is_nil(self, method: str = "reflect.Value.IsNil") -> bool:
        k = self.kind()
        if k not in _NILABLE:
            raise V.GoError(f"reflect: call of {method} on {k if self.valid else 'zero'} Value")
        if k == Kind.INTERFACE:
            return self.value is None
        return V.is_nil(self.value)

    def interface(self) -> Any:
        return self.value

    def elem(self) -> _RV:
        k = self.kind()
        if k == Kind.INTERFACE:
            return _value_of(self.value)
        if k == Kind.PTR:
            p = self.value
            if isinstance(p, BaseException):
                # An error value (*errors.errorString): setting its struct changes
                # the text of that very error, wherever it is held.
                st = V.ERROR_VALUE_TYPE.elem

                def set_text(x: Any, p: Any = p) -> None:
                    p.args = (x.fields["s"],)

                return _RV(V.Struct(st, {"s": str(p)}), st, set_text, ("err", id(p)))
            if p.target is None:
                return _RV(None, None)
            et = self.type.elem

            def set_target(x: Any, p: Any = p) -> None:
                p.target = x

            return _RV(V.coerce(et, p.target), et, set_target, ("ptr", id(p)))
        raise V.GoError(f"reflect: call of reflect.Value.Elem on {k} Value")

    def length(self) -> int:
        k = self.kind()
        v = self.value
        if k == Kind.STRING:
            return len(_go_key(V.unwrap_scalar(v)))
        if k == Kind.MAP:
            return len(_data(v) or {})
        if k == Kind.ARRAY:
            return self.type.length
        return len(V.elements(v)) if not (type(v) is V.Slice and v.items is None) else 0

    def set(self, src: _RV) -> None:
        if self.setter is None:
            raise V.GoError("reflect: reflect.Value.Set using unaddressable value")
        _assignable(src, self.type, "reflect.Set")
        x = _stored(src)
        self.setter(x)
        self.value = x  # the Value sees the memory it set

    # --- maps

    def map_keys(self) -> list[Any]:
        data = _data(self.value)
        if not data:
            return []
        if type(self.value) is dict:
            return sorted_keys(data)
        keys = [k for k, _ in V.sorted_map_items(self.value)]
        return keys

    def _key(self, key: Any, method: str) -> Any:
        kt = self.type.key
        k_rv = _value_of(key)
        _assignable(k_rv, kt, method)
        return V.map_key(kt, key) if type(self.value) is not dict else key

    def map_index(self, key: Any) -> _RV:
        dk = self._key(key, "reflect.Value.MapIndex")
        data = _data(self.value)
        et = self.type.elem
        if data is None or dk not in data:
            return _RV(None, None)
        x = data[dk]
        return _RV(x if V.natural_for(et) else V.coerce(et, x), et)

    def set_map_index(self, key: Any, elem: _RV) -> None:
        dk = self._key(key, "reflect.Value.SetMapIndex")
        _assignable(elem, self.type.elem, "reflect.Value.SetMapIndex")
        data = _data(self.value)
        if data is None:
            raise V.GoError("assignment to entry in nil map")
        data[dk] = _stored(elem)

    # --- structs

    def field(self, i: int) -> _RV:
        if self.kind() != Kind.STRUCT:
            raise V.GoError(f"reflect: call of reflect.Value.Field on {self.kind() if self.valid else 'zero'} Value")
        fields = self.type.fields
        if i >= len(fields):
            raise V.GoError("reflect: Field index out of range")
        f = fields[i]
        x = V.get_field(self.value, f)
        setter = None
        if self.setter is not None and _exported(f.name):
            setter = _field_setter(self.value, f)
        return _RV(x, f.type, setter, (self.addr, i) if self.addr is not None else None)


def _field_setter(s: Any, f: V.StructField) -> Callable[[Any], None]:
    def set_field(x: Any) -> None:
        if type(s) is V.Struct:
            s.fields[f.name] = x
        else:
            setattr(s, f.attr or f.name, V.unwrap_scalar(x) if type(x) is V.Typed and f.type.name is None else x)

    return set_field


def _value_of(x: Any) -> _RV:
    """reflect.ValueOf(x) for an interface value (invalid for nil)."""
    if is_nil_interface(x):
        return _RV(None, None)
    if isinstance(x, V.GoError):
        x = x.as_any()
    return _RV(x, V.type_of(x))


def _assignable(src: _RV, t: V.GoType, method: str) -> None:
    """reflect's assignTo check: panics unless src's type is assignable to t."""
    if not src.valid:
        return
    st = src.type
    if st is t or st.assignable_to(t):
        return
    raise V.GoError(f"{method}: value of type {st} is not assignable to type {t}")


def _stored(src: _RV) -> Any:
    """The value to store for src (Go copies structs and arrays by value)."""
    x = src.value
    cls = type(x)
    if cls is V.Struct:
        return V.Struct(x.type, dict(x.fields))
    if cls is V.Array:
        return V.Array(x.type, list(x.items))
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return copy.copy(x)
    return x


def _is_empty(v: _RV) -> bool:
    """mergo's isEmptyValue."""
    k = v.kind()
    if k in (Kind.ARRAY, Kind.MAP, Kind.SLICE, Kind.STRING):
        return v.length() == 0
    if k == Kind.BOOL:
        return not V.unwrap_scalar(v.value)
    if k in V.INT_KINDS or k in V.UINT_KINDS or k in V.FLOAT_KINDS:
        return V.unwrap_scalar(v.value) == 0
    if k in (Kind.INTERFACE, Kind.PTR):
        if v.is_nil():
            return True
        return _is_empty(v.elem())
    if k == Kind.FUNC:
        return v.is_nil()
    return k == "invalid"


def _is_reflect_nil(v: _RV) -> bool:
    return v.kind() in _NILABLE and v.is_nil()


def _has_mergeable_fields(v: _RV) -> bool:
    for i, f in enumerate(v.type.fields):
        if f.embedded and f.type.kind == Kind.STRUCT:
            if _has_mergeable_fields(v.field(i)):
                return True
        elif _exported(f.name):
            return True
    return False


def _make_map(t: V.GoType) -> Any:
    return {} if t is V.MAP_STRING_ANY else V.Map(t, {})


def _make_slice(t: V.GoType) -> _RV:
    return _RV([] if t is V.SLICE_ANY else (b"" if t is V.BYTES else V.Slice(t, [])), t)


def _deep_merge(dst: _RV, src: _RV, visited: set, overwrite: bool) -> None:
    """mergo's deepMerge (no transformers, no slice appending or deep copying)."""
    if not src.valid:
        return
    if dst.addr is not None:
        key = (dst.addr, dst.type)
        if key in visited:
            return
        visited.add(key)
    k = dst.kind()
    if k == Kind.STRUCT:
        if _has_mergeable_fields(dst):
            for i in range(len(dst.type.fields)):
                _deep_merge(dst.field(i), src.field(i), visited, overwrite)
        elif dst.can_set() and (_is_reflect_nil(dst) or overwrite) and not _is_empty(src):
            dst.set(src)
    elif k == Kind.MAP:
        _merge_map(dst, src, visited, overwrite)
    elif k == Kind.SLICE:
        if dst.can_set() and not _is_empty(src) and (overwrite or _is_empty(dst)):
            dst.set(src)
    elif k in (Kind.PTR, Kind.INTERFACE):
        _merge_pointer(dst, src, visited, overwrite)
    elif (_is_empty(dst) or overwrite) and not _is_empty(src) and dst.can_set():
        dst.set(src)


def _merge_pointer(dst: _RV, src: _RV, visited: set, overwrite: bool) -> None:
    if _is_reflect_nil(src):
        return
    if src.kind() != Kind.INTERFACE:
        if dst.is_nil() or (src.kind() != Kind.PTR and overwrite):
            if dst.can_set() and (overwrite or _is_empty(dst)):
                dst.set(src)
        elif src.kind() == Kind.PTR:
            _deep_merge(dst.elem(), src.elem(), visited, overwrite)
        elif dst.elem().type is src.type:
            _deep_merge(dst.elem(), src, visited, overwrite)
        else:
            raise _MergeError(_DIFFERENT_TYPES)
        return
    if dst.is_nil() or overwrite:
        if dst.can_set() and (overwrite or _is_empty(dst)):
            dst.set(src)
        return
    if dst.elem().kind() == src.elem().kind():
        _deep_merge(dst.elem(), src.elem(), visited, overwrite)


def _merge_map(dst: _RV, src: _RV, visited: set, overwrite: bool) -> None:
    if dst.is_nil() and not src.is_nil():
        if not dst.can_set():
            return
        dst.set(_RV(_make_map(dst.type), dst.type))
    if src.kind() != Kind.MAP:
        if overwrite:
            dst.set(src)
        return
    for key in src.map_keys():
        src_el = src.map_index(key)
        if not src_el.valid:
            continue
        dst_el = dst.map_index(key)
        if src_el.kind() in (Kind.CHAN, Kind.FUNC, Kind.MAP, Kind.INTERFACE, Kind.SLICE) and src_el.is_nil():
            if overwrite:
                dst.set_map_index(key, src_el)
            continue
        dyn = V.type_of(src_el.interface()).kind
        if dyn in (Kind.STRUCT, Kind.PTR, Kind.MAP):
            d2 = _value_of(dst_el.interface()) if dst_el.valid else dst_el
            _deep_merge(d2, _value_of(src_el.interface()), visited, overwrite)
        elif dyn == Kind.SLICE:
            src_slice = _value_of(src_el.interface())
            if not dst_el.valid or dst_el.is_nil():
                dst_slice = _make_slice(src_slice.type)
            else:
                dst_slice = _value_of(dst_el.interface())
            if not _is_empty(src) and (overwrite or _is_empty(dst)):
                dst_slice = src_slice
            dst.set_map_index(key, dst_slice)
        if dst_el.valid and not _is_empty(dst_el) and dyn in (Kind.MAP, Kind.SLICE):
            continue
        if (src_el.kind() != Kind.PTR and overwrite) or not dst_el.valid or _is_empty(dst_el):
            if dst.is_nil():
                dst.set(_RV(_make_map(dst.type), dst.type))
            dst.set_map_index(key, src_el)


def _merge_all(dst: Any, srcs: tuple, overwrite: bool) -> Any:
    """sprig's merge loop: mergo.Merge(&dst, src) for each src; the final dst."""
    holder = [dst]

    def set_dst(x: Any) -> None:
        holder[0] = x

    for src in srcs:
        vdst = _RV(holder[0], V.MAP_STRING_ANY, set_dst, ("dst",))
        _deep_merge(vdst, _RV(src, V.MAP_STRING_ANY), set(), overwrite)
    return holder[0]


@sprig_func("merge", "func(map[string]interface {}, ...map[string]interface {}) interface {}")
def merge(dst: Any, *srcs: Any) -> Any:
    try:
        return _merge_all(dst, srcs, False)
    except _MergeError:
        return ""


@sprig_func("mustMerge", "func(map[string]interface {}, ...map[string]interface {}) (interface {}, error)")
def must_merge(dst: Any, *srcs: Any) -> Any:
    try:
        return _merge_all(dst, srcs, False)
    except _MergeError as e:
        raise V.GoError(str(e)) from None


@sprig_func("mergeOverwrite", "func(map[string]interface {}, ...map[string]interface {}) interface {}")
def merge_overwrite(dst: Any, *srcs: Any) -> Any:
    try:
        return _merge_all(dst, srcs, True)
    except _MergeError:
        return ""


@sprig_func("mustMergeOverwrite", "func(map[string]interface {}, ...map[string]interface {}) (interface {}, error)")
def must_merge_overwrite(dst: Any, *srcs: Any) -> Any:
    try:
        return _merge_all(dst, srcs, True)
    except _MergeError as e:
        raise V.GoError(str(e)) from None

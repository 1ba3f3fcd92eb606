"""Go's encoding/json for Kubernetes objects, producing gotmpl values.

This module owns the typed half of what Istio's kube-inject does to a
Kubernetes object: ``json.Unmarshal`` of a JSON-like Python value into the Go
types of :mod:`injector.k8stypes` (:func:`decode`), and ``json.Marshal`` of such
a typed value back to JSON-like Python (:func:`encode`), plus Go's compact JSON
text (:func:`dumps`). The YAML side (ghodss/yaml, gopkg.in/yaml.v2) lives in
:mod:`injector.goyaml`.

Decoded objects are gotmpl values, so templates see Go field names and Go
types: structs are ``values.Struct`` keyed by Go field name, pointers
``values.Ptr``, slices ``values.Slice`` (``[]interface{}`` a list), maps
``values.Map`` (``map[string]interface{}`` a dict), sized ints and named
scalars ``values.Typed``; ``string``, ``bool``, ``int`` stay plain.

encoding/json rules followed (Go 1.27 source, which matches the Go releases
Istio 0.5-1.8 were built with on everything used here): exact-then-folded key
matching, unknown keys ignored, ``null`` resetting only pointers, maps,
slices and interfaces, objects merged into existing structs and pointers,
fields promoted from embedded structs, ``omitempty`` (never for structs),
``omitzero`` (only honoured when asked: Go before 1.24 ignored it), map keys
sorted. The custom JSON of metav1.Time, resource.Quantity (Kubernetes'
canonical form), intstr.IntOrString, runtime.RawExtension and
metav1.FieldsV1 is reimplemented here.

Errors are :class:`JSONError` (a ValueError) with Go's message and a ``path``
attribute (``spec.template.spec.containers[0].ports[0].containerPort``).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import functools
import json as _pyjson
import math
import re
from typing import Any

from gotmpl import values as V
from gotmpl.sprig.gojson import indent  # Go's json.Indent, re-exported
from gotmpl.gotime import TIME, GoTime, format_year
from gotmpl.strconv import NumError, format_float, parse_float, parse_int, parse_uint

from . import k8stypes, kubehistory

__all__ = [
    "JSONError",
    "go_type",
    "type_for_kind",
    "decode",
    "encode",
    "dumps",
    "indent",
    "zero",
    "json_float_text",
    "json_string",
    "json_fields",
    "json_field",
    "has_custom_json",
    "parse_quantity",
    "round_up_quantity",
    "quantity_string",
    "quantity_milli_value",
    "quantity",
    "int_or_string",
    "raw_extension",
    "raw_json",
]


class JSONError(ValueError):
    """An encoding/json error: ``str()`` is Go's message, ``path`` where it happened.
    Type errors also keep what was found (``what``, e.g. ``number 1.5``) and the
    Go type it could not go into (``gotype``)."""

    def __init__(self, message: str, path: str = "", what: str = "", gotype: V.GoType | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.what = what
        self.gotype = gotype


# --- Go types from the generated table ---------------------------------------------------------

_TYPES: dict[str, V.GoType] = {}
# The special Go types whose JSON is custom, by GoType.
_SPECIAL: dict[V.GoType, str] = {}
_SPECIAL_KEYS = {
    "metav1.Time": "time",
    "resource.Quantity": "quantity",
    "intstr.IntOrString": "intorstring",
    "runtime.RawExtension": "raw",
    "metav1.FieldsV1": "raw",
}


@dataclasses.dataclass(frozen=True)
class _FieldMeta:
    """A struct field as the table describes it (beyond gotmpl's StructField)."""

    name: str
    type: V.GoType
    json: str
    omitempty: bool
    omitzero: bool
    embedded: bool
    dash: bool
    exported: bool
    inline: bool = False


_FIELD_META: dict[V.GoType, tuple[_FieldMeta, ...]] = {}

_BASIC = {
    "bool": V.BOOL, "string": V.STRING, "int": V.INT, "int8": V.INT8, "int16": V.INT16,
    "int32": V.INT32, "int64": V.INT64, "uint": V.UINT, "uint8": V.UINT8, "byte": V.UINT8,
    "uint16": V.UINT16, "uint32": V.UINT32, "uint64": V.UINT64, "float32": V.FLOAT32,
    "float64": V.FLOAT64, "interface{}": V.ANY,
}  # fmt: skip


def go_type(name: str, kube: tuple[int, int] | None = None) -> V.GoType:
    """The GoType for a table key (``corev1.Pod``) or a Go type expression over
    table keys (``[]corev1.Container``, ``map[string]string``, ``*int32``), as
    it was in Kubernetes ``kube`` (None: the table's, the newest; see
    :mod:`injector.kubehistory`)."""
    t = _TYPES.get(name) if kube is None else None
    if t is None:
        t = _parse_expr(name, kube)
    return t


def type_for_kind(api_version: str, kind: str) -> str | None:
    """The table key kube-inject decodes an (apiVersion, kind) object into, or None."""
    return k8stypes.KINDS.get((api_version, kind))


def _parse_expr(expr: str, kube: tuple[int, int] | None = None) -> V.GoType:
    expr = expr.strip()
    if expr.startswith("*"):
        return V.ptr_to(_parse_expr(expr[1:], kube))
    if expr.startswith("[]"):
        return V.slice_of(_parse_expr(expr[2:], kube))
    if expr.startswith("map["):
        depth, i = 1, 4
        while depth:
            depth += {"[": 1, "]": -1}.get(expr[i], 0)
            i += 1
        return V.map_of(_parse_expr(expr[4 : i - 1], kube), _parse_expr(expr[i:], kube))
    if expr in _BASIC:
        return _BASIC[expr]
    if expr == "time.Time":
        return TIME
    if expr in k8stypes.TYPES:
        if kube is not None and _changed_since(expr, kube):
            return _build_versioned(expr, kube)
        return _build(expr)
    raise ValueError(f"unknown Go type {expr!r}")


_TYPE_KEY = re.compile(r"[A-Za-z0-9_]+\.[A-Za-z0-9_]+")
_CHANGED: dict[tuple[str, tuple[int, int]], bool] = {}


def _changed_since(key: str, kube: tuple[int, int], visiting: frozenset[str] = frozenset()) -> bool:
    """Whether the type (or a type it holds) differs in Kubernetes ``kube``."""
    cached = _CHANGED.get((key, kube))
    if cached is not None:
        return cached
    if key in visiting:
        return False
    _, _, kind, payload = k8stypes.TYPES[key]
    if kubehistory.go_name(key, "", kube)[1] is not None:
        changed = True
    elif kind == "named":
        changed = any(_changed_since(k, kube, visiting | {key}) for k in _TYPE_KEY.findall(payload) if k in k8stypes.TYPES)
    else:
        changed = any(
            not kubehistory.has_field(key, fname, kube)
            or any(_changed_since(k, kube, visiting | {key}) for k in _TYPE_KEY.findall(ftype) if k in k8stypes.TYPES)
            for fname, ftype, _, _ in payload
        )
    if not visiting:
        _CHANGED[(key, kube)] = changed
    return changed


def _build(key: str) -> V.GoType:
    """Build (once) the named GoType of a table entry. Not values.named: Go prints
    distinct types alike (apps/v1 and OpenShift's ``v1.DeploymentStrategy``), so
    these types are keyed by table key, not by printed name."""
    t = _TYPES.get(key)
    if t is not None:
        return t
    return _make(key, None, _TYPES, key)


def _build_versioned(key: str, kube: tuple[int, int]) -> V.GoType:
    """The type as Kubernetes ``kube`` had it: fields added later left out,
    renamed types under their old names (only built for types that differ)."""
    cache_key = f"{key}@{kube[0]}.{kube[1]}"
    t = _TYPES.get(cache_key)
    if t is not None:
        return t
    return _make(key, kube, _TYPES, cache_key)


def _make(key: str, kube: tuple[int, int] | None, cache: dict[str, V.GoType], cache_key: str) -> V.GoType:
    go_name, _, kind, payload = k8stypes.TYPES[key]
    go_name, _ = kubehistory.go_name(key, go_name, kube)
    if kind == "named":
        under = _parse_expr(payload, kube)
        t = V.GoType(under.kind, go_name)
        t.elem, t.key, t.length, t.fields = under.elem, under.key, under.length, under.fields
        cache[cache_key] = t
        t.methods.update(_hand_written_methods(key))
        return t
    t = V.GoType(V.Kind.STRUCT, go_name)
    cache[cache_key] = t  # before the fields: types may refer to themselves through pointers
    metas = []
    for fname, ftype, fjson, flags in payload:
        if not kubehistory.has_field(key, fname, kube):
            continue
        ftype_key = ftype.lstrip("*[]")
        if "e" in flags and kube is not None and ftype_key in k8stypes.TYPES:
            # An embedded field is named after its type: renamed with it.
            old_field = kubehistory.go_name(ftype_key, "", kube)[1]
            fname = old_field or fname
        metas.append(
            _FieldMeta(
                name=fname,
                type=_parse_expr(ftype, kube),
                json=fjson,
                omitempty="o" in flags,
                omitzero="z" in flags,
                embedded="e" in flags,
                dash="-" in flags,
                exported="u" not in flags,
                inline="i" in flags,
            )
        )
    _FIELD_META[t] = tuple(metas)
    t.fields = tuple(V.StructField(m.name, m.type, _tag_text(m), embedded=m.embedded) for m in metas)
    special = _SPECIAL_KEYS.get(key)
    if special:
        _SPECIAL[t] = special
        t.methods.update(_special_methods(special))
    t.methods.update(_hand_written_methods(key))
    if key in k8stypes.STRING_FORMATS:
        t.methods["String"] = _generated_string_method(t, key, kube)
    return t


def _tag_text(m: _FieldMeta) -> str:
    if m.dash:
        return 'json:"-"'
    opts = [m.json] + (["inline"] if m.inline else []) + (["omitempty"] if m.omitempty else [])
    opts += ["omitzero"] if m.omitzero else []
    text = ",".join(opts)
    return f'json:"{text}"' if text else ""


def _init_types() -> None:
    for key in k8stypes.TYPES:
        _build(key)


# --- JSON field lists (encoding/json typeFields) ---------------------------------------------


@dataclasses.dataclass(frozen=True)
class _JField:
    name: str
    index: tuple[str, ...]  # Go field names from the outer struct down
    type: V.GoType
    omitempty: bool
    omitzero: bool
    tagged: bool


_JSON_FIELDS: dict[V.GoType, tuple[tuple[_JField, ...], dict[str, _JField], dict[str, _JField]]] = {}


def _struct_metas(t: V.GoType) -> tuple[_FieldMeta, ...]:
    metas = _FIELD_META.get(t)
    if metas is not None:
        return metas
    # A struct gotmpl knows but the table does not (anonymous structs): every
    # exported field, named by its Go name unless a json tag says otherwise.
    out = []
    for f in t.fields:
        name, opts = _parse_tag(f.tag)
        out.append(
            _FieldMeta(f.name, f.type, name, "omitempty" in opts, "omitzero" in opts, f.embedded, name == "-", f.exported)
        )
    return tuple(out)


def _parse_tag(tag: str) -> tuple[str, list[str]]:
    m = re.search(r'json:"([^"]*)"', tag or "")
    if not m:
        return "", []
    parts = m.group(1).split(",")
    return parts[0], parts[1:]


_VALID_TAG_PUNCT = set("!#$%&()*+-./:;<=>?@[]^_{|}~ ")


def _valid_tag(name: str) -> bool:
    return bool(name) and all(c in _VALID_TAG_PUNCT or c.isalpha() or c.isdigit() for c in name)


def json_fields(t: V.GoType) -> tuple[_JField, ...]:
    """The JSON fields of struct type t in encoding order (typeFields)."""
    return _json_fields(t)[0]


def json_field(t: V.GoType, key: str) -> _JField | None:
    """The field of struct type t a JSON object key decodes into (an exact
    name match first, else the first case-insensitive one), or None."""
    _, exact, folded = _json_fields(t)
    return exact.get(key) or folded.get(_fold(key))


def has_custom_json(t: V.GoType) -> bool:
    """Whether t has its own MarshalJSON/UnmarshalJSON (Time, Quantity, ...)."""
    return t in _SPECIAL


def _json_fields(t: V.GoType) -> tuple[tuple[_JField, ...], dict[str, _JField], dict[str, _JField]]:
    cached = _JSON_FIELDS.get(t)
    if cached is not None:
        return cached
    fields: list[_JField] = []
    nxt: list[tuple[V.GoType, tuple[str, ...]]] = [(t, ())]
    next_count: dict[V.GoType, int] = {}
    visited: set[V.GoType] = set()
    while nxt:
        current, nxt = nxt, []
        count, next_count = next_count, {}
        for ft, index in current:
            if ft in visited:
                continue
            visited.add(ft)
            for m in _struct_metas(ft):
                inner = m.type.elem if m.type.kind == V.Kind.PTR else m.type
                if m.embedded:
                    if not m.exported and inner.kind != V.Kind.STRUCT:
                        continue
                elif not m.exported:
                    continue
                if m.dash:
                    continue
                name = m.json if _valid_tag(m.json) else ""
                ftype = m.type.elem if (m.type.name is None and m.type.kind == V.Kind.PTR) else m.type
                if name or not m.embedded or ftype.kind != V.Kind.STRUCT:
                    field = _JField(name or m.name, index + (m.name,), m.type, m.omitempty, m.omitzero, bool(name))
                    fields.append(field)
                    if count.get(ft, 0) > 1:
                        fields.append(field)  # a duplicate annihilates both below
                    continue
                next_count[ftype] = next_count.get(ftype, 0) + 1
                if next_count[ftype] == 1:
                    nxt.append((ftype, index + (m.name,)))
    order = {f: i for i, f in enumerate(fields)}
    fields.sort(key=lambda f: (f.name.encode("utf-8"), len(f.index), not f.tagged, order[f]))
    kept: list[_JField] = []
    i = 0
    while i < len(fields):
        j = i + 1
        while j < len(fields) and fields[j].name == fields[i].name:
            j += 1
        group = fields[i:j]
        if len(group) == 1 or not (
            len(group[0].index) == len(group[1].index) and group[0].tagged == group[1].tagged
        ):
            kept.append(group[0])
        i = j
    kept.sort(key=lambda f: _index_order(t, f.index))
    exact = {f.name: f for f in kept}
    folded: dict[str, _JField] = {}
    for f in kept:
        folded.setdefault(_fold(f.name), f)
    result = (tuple(kept), exact, folded)
    _JSON_FIELDS[t] = result
    return result


def _index_order(t: V.GoType, index: tuple[str, ...]) -> tuple[int, ...]:
    out = []
    for name in index:
        t = t.elem if t.kind == V.Kind.PTR else t
        names = [m.name for m in _struct_metas(t)]
        i = names.index(name)
        out.append(i)
        t = _struct_metas(t)[i].type
    return tuple(out)


def _fold(name: str) -> str:
    """encoding/json's foldName: ASCII upper-cased, other runes to the smallest
    rune of their simple case-fold set (so K matches the Kelvin sign)."""
    out = []
    for c in name:
        if c < "\x80":
            out.append(c.upper())
        else:
            out.append(_fold_rune(c))
    return "".join(out)


@functools.lru_cache(maxsize=None)
def _fold_rune(c: str) -> str:
    # The fold orbit of c, approximated with Python's case mappings, plus the
    # two ASCII-linked specials Go's unicode tables hold.
    orbit = {c, c.lower(), c.upper(), c.casefold()}
    orbit = {x for x in orbit if len(x) == 1}
    extra = {"\u212a": "k", "\u017f": "s", "k": "\u212a", "s": "\u017f", "K": "\u212a", "S": "\u017f"}
    for x in list(orbit):
        if x in extra:
            orbit.add(extra[x])
            orbit |= {extra[x].lower(), extra[x].upper()}
    orbit = {x for x in orbit if len(x) == 1}
    smallest = min(orbit)
    return smallest.upper() if smallest < "\x80" else smallest


# --- zero values ---------------------------------------------------------------------------------


def zero(t: V.GoType | str) -> Any:
    """Go's zero value of a type (a table key, a type expression or a GoType)."""
    if isinstance(t, str):
        t = go_type(t)
    return _zero(t)


_ZERO_TIME = GoTime(_dt.datetime(1, 1, 1, tzinfo=_dt.timezone.utc), 0, "UTC")


def _zero(t: V.GoType) -> Any:
    if t is TIME:
        return _ZERO_TIME
    k = t.kind
    if k == V.Kind.STRUCT:
        return V.Struct(t, {f.name: _zero(f.type) for f in t.fields})
    if k == V.Kind.ARRAY:
        return V.Array(t, [_zero(t.elem) for _ in range(t.length)])
    return V.zero_value(t)


# --- decoding (json.Unmarshal) ------------------------------------------------------------------


class _Ctx:
    """encoding/json's errorContext plus our readable path."""

    __slots__ = ("struct", "stack", "path", "saved")

    def __init__(self, path: str) -> None:
        self.struct: V.GoType | None = None
        self.stack: list[str] = []
        self.path = path
        self.saved: JSONError | None = None

    def type_error(self, what: str, t: V.GoType) -> JSONError:
        if self.struct is not None or self.stack:
            struct_name = self.struct.name.rsplit(".", 1)[-1] if self.struct is not None and self.struct.name else ""
            msg = f"json: cannot unmarshal {what} into Go struct field {struct_name}.{'.'.join(self.stack)} of type {t}"
        else:
            msg = f"json: cannot unmarshal {what} into Go value of type {t}"
        return JSONError(msg, self.path, what, t)

    def save(self, err: JSONError) -> None:
        # Go keeps decoding after a type error and reports the first one.
        if self.saved is None:
            self.saved = err


def decode(doc: Any, type_name: str | V.GoType, path: str = "", into: Any = None) -> Any:
    """encoding/json.Unmarshal of a JSON-like value into Go type ``type_name``.

    ``doc`` is what json.Unmarshal would read: dicts with string keys, lists,
    str, bool, None, int and float (a float stands for Go's JSON text of it, so
    ``3.0`` decodes into an int field as 3). YAML must first go through
    goyaml.yaml_to_json, which converts scalars for string fields as
    ghodss/yaml does. ``into`` is an existing value to decode into (Go merges
    objects into it); by default the type's zero value. ``path`` prefixes the
    error paths.
    """
    t = type_name if isinstance(type_name, V.GoType) else go_type(type_name)
    ctx = _Ctx(path)
    value = _decode(doc, t, _zero(t) if into is None else into, ctx)
    if ctx.saved is not None:
        raise ctx.saved
    return value


def _describe_json(j: Any) -> str:
    if j is None:
        return "null"
    if j is True or j is False:
        return "bool"
    if isinstance(j, str):
        return "string"
    if isinstance(j, (int, float)):
        return "number"
    if isinstance(j, list):
        return "array"
    return "object"


def _decode(j: Any, t: V.GoType, cur: Any, ctx: _Ctx) -> Any:
    special = _SPECIAL.get(t)
    if special is not None:
        return _decode_special(special, j, t, cur, ctx)
    k = t.kind
    if j is None:
        if k in (V.Kind.PTR, V.Kind.MAP, V.Kind.SLICE, V.Kind.INTERFACE):
            return _zero(t)
        return cur  # Go ignores null for other kinds
    if k == V.Kind.PTR:
        target = cur.target if isinstance(cur, V.Ptr) and cur.target is not None else _zero(t.elem)
        return V.Ptr(t, _decode(j, t.elem, target, ctx))
    if k == V.Kind.INTERFACE:
        return _generic(j, ctx)
    if isinstance(j, dict):
        return _decode_object(j, t, cur, ctx)
    if isinstance(j, list):
        return _decode_array(j, t, cur, ctx)
    return _decode_literal(j, t, cur, ctx)


def _generic(j: Any, ctx: _Ctx) -> Any:
    """A JSON value as encoding/json gives it to interface{}: numbers float64."""
    if isinstance(j, bool) or j is None or isinstance(j, str):
        return j
    if isinstance(j, int):
        return float(j)  # Go parses the number text as a float64
    if isinstance(j, float):
        _check_float(j, 64)
        return j
    if isinstance(j, list):
        return [_generic(x, ctx) for x in j]
    if isinstance(j, dict):
        return {k: _generic(x, ctx) for k, x in j.items()}
    raise JSONError(f"json: unsupported value {j!r}", ctx.path)


def _sorted_keys(d: dict) -> list[str]:
    # json.Marshal of a Go map sorts keys bytewise, and Unmarshal reads them in that order.
    return sorted(d, key=lambda k: k.encode("utf-8", "surrogatepass"))


def _decode_object(j: dict, t: V.GoType, cur: Any, ctx: _Ctx) -> Any:
    k = t.kind
    if k == V.Kind.MAP:
        key_kind = t.key.kind
        if key_kind != V.Kind.STRING and key_kind not in V.INT_KINDS and key_kind not in V.UINT_KINDS:
            ctx.save(ctx.type_error("object", t))
            return cur
        data = dict(cur.data) if isinstance(cur, V.Map) and cur.data is not None else {}
        base = ctx.path
        for key in _sorted_keys(j):
            ctx.path = f"{base}.{key}" if base else key
            elem = _decode(j[key], t.elem, _zero(t.elem), ctx)
            map_key = _map_key(key, t.key, ctx)
            if map_key is not None:
                data[map_key] = elem
        ctx.path = base
        return data if t is V.MAP_STRING_ANY else V.Map(t, data)
    if k != V.Kind.STRUCT:
        ctx.save(ctx.type_error("object", t))
        return cur
    fields = dict(cur.fields) if isinstance(cur, V.Struct) else {f.name: _zero(f.type) for f in t.fields}
    value = V.Struct(t, fields)
    base_path, base_struct, base_len = ctx.path, ctx.struct, len(ctx.stack)
    for key in _sorted_keys(j):
        f = json_field(t, key)
        if f is None:
            continue  # unknown keys are ignored
        ctx.path = f"{base_path}.{key}" if base_path else key
        _decode_field(j[key], value, t, f, ctx)
        del ctx.stack[base_len:]
        ctx.struct = base_struct
    ctx.path = base_path
    return value


def _decode_field(j: Any, value: V.Struct, t: V.GoType, f: _JField, ctx: _Ctx) -> None:
    """Decode into the (possibly promoted) field f of struct value, in place."""
    holder = value
    holder_type = t
    for depth, name in enumerate(f.index[:-1]):
        ctx.stack.append(name)  # Go names the embedded fields it passes through
        inner = holder.fields[name]
        ftype = next(m.type for m in _struct_metas(holder_type) if m.name == name)
        if ftype.kind == V.Kind.PTR:
            if inner.target is None:
                inner = V.Ptr(ftype, _zero(ftype.elem))
            holder.fields[name] = inner
            nested = V.Struct(ftype.elem, dict(inner.target.fields))
            inner.target = nested
            holder, holder_type = nested, ftype.elem
        else:
            nested = V.Struct(ftype, dict(inner.fields))
            holder.fields[name] = nested
            holder, holder_type = nested, ftype
    ctx.struct = t  # Go names the struct whose key this is, not the embedded one
    ctx.stack.append(f.name)
    last = f.index[-1]
    holder.fields[last] = _decode(j, f.type, holder.fields[last], ctx)


def _map_key(key: str, kt: V.GoType, ctx: _Ctx) -> Any:
    if kt.kind == V.Kind.STRING:
        return key
    try:
        if kt.kind in V.INT_KINDS:
            return parse_int(key, 10, V.BITS[kt.kind])
        return parse_uint(key, 10, V.BITS[kt.kind])
    except NumError:
        message = f"json: cannot unmarshal number {key} into Go value of type {kt}"
        ctx.save(JSONError(message, ctx.path, "number " + key, kt))
        return None


def _decode_array(j: list, t: V.GoType, cur: Any, ctx: _Ctx) -> Any:
    k = t.kind
    if k not in (V.Kind.SLICE, V.Kind.ARRAY):
        ctx.save(ctx.type_error("array", t))
        return cur
    base = ctx.path
    items = []
    for i, x in enumerate(j):
        ctx.path = f"{base}[{i}]"
        if k == V.Kind.ARRAY and i >= t.length:
            continue  # Go discards extra elements
        items.append(_decode(x, t.elem, _zero(t.elem), ctx))
    ctx.path = base
    if k == V.Kind.ARRAY:
        items += [_zero(t.elem) for _ in range(t.length - len(items))]
        return V.Array(t, items)
    if t is V.SLICE_ANY:
        return items
    if t is V.BYTES:
        return bytes(V.unwrap_scalar(x) for x in items)
    return V.Slice(t, items)


def _decode_literal(j: Any, t: V.GoType, cur: Any, ctx: _Ctx) -> Any:
    k = t.kind
    if isinstance(j, bool):
        if k == V.Kind.BOOL:
            return j if t is V.BOOL else V.Typed(t, j)
        ctx.save(ctx.type_error("bool", t))
        return cur
    if isinstance(j, str):
        if k == V.Kind.STRING:
            return j if t is V.STRING else V.Typed(t, j)
        if k == V.Kind.SLICE and t.elem.kind == V.Kind.UINT8:
            try:
                data = base64.b64decode(j.encode("ascii"), validate=True)
            except (ValueError, UnicodeEncodeError):
                ctx.save(JSONError("illegal base64 data at input byte 0", ctx.path))
                return cur
            return data if t is V.BYTES else V.Slice(t, [V.Typed(t.elem, b) for b in data])
        ctx.save(ctx.type_error("string", t))
        return cur
    if isinstance(j, (int, float)):
        text = str(j) if isinstance(j, int) else json_float_text(j)
        return _decode_number(text, t, cur, ctx)
    raise JSONError(f"json: unsupported value {j!r}", ctx.path)


def _decode_number(text: str, t: V.GoType, cur: Any, ctx: _Ctx) -> Any:
    k = t.kind
    try:
        if k in V.INT_KINDS:
            n = parse_int(text, 10, 64)
            if not -(1 << (V.BITS[k] - 1)) <= n < (1 << (V.BITS[k] - 1)):
                raise NumError("ParseInt", text, "overflow")
            return n if t is V.INT else V.Typed(t, n)
        if k in V.UINT_KINDS:
            n = parse_uint(text, 10, 64)
            if n >= 1 << V.BITS[k]:
                raise NumError("ParseUint", text, "overflow")
            return V.Typed(t, n)
        if k in V.FLOAT_KINDS:
            f = parse_float(text, V.BITS[k])
            return f if t is V.FLOAT64 else V.Typed(t, f)
    except NumError:
        ctx.save(ctx.type_error("number " + text, t))
        return cur
    ctx.save(ctx.type_error("number", t))
    return cur


# --- the special types: decoding -----------------------------------------------------------


def _decode_special(special: str, j: Any, t: V.GoType, cur: Any, ctx: _Ctx) -> Any:
    """The UnmarshalJSON methods. Their errors end decoding at once (Go returns
    an Unmarshaler's error immediately); type errors inside them get the field
    context like any other."""
    if special == "time":
        return _decode_time(j, t, cur, ctx)
    if special == "quantity":
        return _decode_quantity(j, t, cur, ctx)
    if special == "intorstring":
        return _decode_int_or_string(j, t, cur, ctx)
    return _decode_raw(j, t, cur)


def _decode_time(j: Any, t: V.GoType, cur: Any, ctx: _Ctx) -> Any:
    if j is None:
        return _zero(t)
    if not isinstance(j, str):
        raise ctx.type_error(_describe_json(j), V.STRING)
    return V.Struct(t, {"Time": _parse_rfc3339(j, ctx)})


_RFC3339_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})\Z")


def _parse_rfc3339(s: str, ctx: _Ctx) -> GoTime:
    """time.Parse(time.RFC3339, s), then .Local() with the process in UTC."""
    m = _RFC3339_RE.match(s)
    err = f'parsing time "{s}" as "2006-01-02T15:04:05Z07:00": cannot parse "{s}" as "2006"'
    if m is None:
        raise JSONError(err, ctx.path)
    y, mo, d, h, mi, sec, frac, tz = m.groups()
    tzinfo = _dt.timezone.utc
    if tz != "Z":
        sign = -1 if tz[0] == "-" else 1
        tzinfo = _dt.timezone(sign * _dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])))
    nanos = int((frac or "0")[:9].ljust(9, "0"))
    try:
        g = GoTime.date(int(y), int(mo), int(d), int(h), int(mi), int(sec), nanos, tzinfo)
    except ValueError:
        raise JSONError(f'parsing time "{s}": value out of range', ctx.path) from None
    return g.utc()


def _decode_int_or_string(j: Any, t: V.GoType, cur: Any, ctx: _Ctx) -> Any:
    fields = dict(cur.fields) if isinstance(cur, V.Struct) else dict(_zero(t).fields)
    type_t = next(f.type for f in t.fields if f.name == "Type")
    if isinstance(j, str):
        fields["Type"] = V.Typed(type_t, 1)
        fields["StrVal"] = j
        return V.Struct(t, fields)
    fields["Type"] = V.Typed(type_t, 0)
    if j is None:
        return V.Struct(t, fields)
    inner = _Ctx(ctx.path)
    value = _decode(j, V.INT32, fields["IntVal"], inner)
    if inner.saved is not None:
        # json.Unmarshal inside UnmarshalJSON failed: Go returns that error at
        # once, with the context of the field being decoded.
        raise ctx.type_error(inner.saved.what, inner.saved.gotype or V.INT32)
    fields["IntVal"] = value
    return V.Struct(t, fields)


def _decode_raw(j: Any, t: V.GoType, cur: Any) -> Any:
    """RawExtension / FieldsV1: keep the raw JSON bytes (a null keeps the old ones)."""
    fields = dict(cur.fields) if isinstance(cur, V.Struct) else dict(_zero(t).fields)
    if j is not None:
        fields["Raw"] = dumps(j).encode("utf-8", "surrogatepass")
    return V.Struct(t, fields)


def raw_extension(doc: Any) -> V.Struct:
    """A runtime.RawExtension holding ``doc`` (JSON-like) as its raw JSON."""
    return _decode_raw(doc, go_type("runtime.RawExtension"), None)


def raw_json(ext: V.Struct) -> Any:
    """The JSON-like value a RawExtension (or FieldsV1) holds: its Object's
    encoding if set (as Go's MarshalJSON does when Raw is nil), else its raw
    bytes parsed, None when empty."""
    raw = ext.fields.get("Raw")
    if raw is None or (isinstance(raw, V.Slice) and raw.items is None):
        obj = ext.fields.get("Object")
        return encode(obj) if obj is not None else None
    return _loads(bytes(raw).decode("utf-8", "surrogateescape"))


# --- resource.Quantity ---------------------------------------------------------------------------

_QUANTITY_RE_TEXT = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = "quantities must match the regular expression '" + _QUANTITY_RE_TEXT + "'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

_DEC_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BIN_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DEC_BY_EXP = {v: k for k, v in _DEC_SUFFIXES.items()}
_BIN_BY_EXP = {v: k for k, v in _BIN_SUFFIXES.items()}
_MAX_INT64 = (1 << 63) - 1
_NANO = -9


def _wrap_int32(n: int) -> int:
    n &= 0xFFFFFFFF
    return n - (1 << 32) if n >= 1 << 31 else n


def _parse_quantity_string(s: str) -> tuple[bool, str, str, str, str]:
    """Kubernetes' parseQuantityString: (positive, value, num, denom, suffix)."""
    positive, pos, end = True, 0, len(s)
    if pos < end and s[0] in "+-":
        positive = s[0] == "+"
        pos += 1
    while True:  # leading zeros
        if pos >= end:
            return positive, "0", "0", "", ""
        if s[pos] != "0":
            break
        pos += 1
    start = pos
    while pos < end and s[pos].isascii() and s[pos].isdigit():
        pos += 1
    num = s[start:pos] or "0"
    if pos >= end:
        return positive, s, s[start:end], "", ""
    denom = ""
    if s[pos] == ".":
        pos += 1
        start = pos
        while pos < end and s[pos].isascii() and s[pos].isdigit():
            pos += 1
        denom = s[start:pos]
        if pos >= end:
            return positive, s, num, denom, ""
    value = s[:pos]
    suffix_start = pos
    while pos < end and s[pos] in "eEinumkKMGTP":
        pos += 1
    if pos >= end:
        return positive, value, num, denom, s[suffix_start:]
    if s[pos] in "+-":
        pos += 1
    while pos < end and s[pos].isascii() and s[pos].isdigit():
        pos += 1
    if pos >= end:
        return positive, value, num, denom, s[suffix_start:]
    raise ValueError(ERR_FORMAT_WRONG)


def _interpret_suffix(suffix: str) -> tuple[int, int, str]:
    """(base, exponent, format) of a quantity suffix."""
    if suffix in _DEC_SUFFIXES:
        return 10, _DEC_SUFFIXES[suffix], "DecimalSI"
    if suffix in _BIN_SUFFIXES:
        return 2, _BIN_SUFFIXES[suffix], "BinarySI"
    if len(suffix) > 1 and suffix[0] in "eE":
        try:
            return 10, _wrap_int32(parse_int(suffix[1:], 10, 64)), "DecimalExponent"
        except NumError:
            pass
    raise ValueError(ERR_SUFFIX)


@dataclasses.dataclass
class _Amount:
    """A quantity's value: ``unscaled * 10**exp10``; ``dec`` says whether Go holds
    it as an inf.Dec (else as an int64Amount)."""

    unscaled: int
    exp10: int
    dec: bool


def parse_quantity(s: str) -> V.Struct:
    """resource.ParseQuantity as a gotmpl value; ValueError with Kubernetes' message."""
    t = go_type("resource.Quantity")
    if s == "":
        raise ValueError(ERR_FORMAT_WRONG)
    if s == "0":
        return _quantity_value(t, _Amount(0, 0, False), "DecimalSI", "0")
    positive, value, num, denom, suffix = _parse_quantity_string(s)
    base, exponent, fmt = _interpret_suffix(suffix)
    fast = _parse_quantity_fast(s, positive, num, denom, exponent, fmt)
    if fast is not None:
        amount, keep = fast
        return _quantity_value(t, amount, fmt, s if keep else "")
    return _parse_quantity_dec(t, positive, value, base, exponent, fmt)


def _parse_quantity_fast(
    s: str, positive: bool, num: str, denom: str, exponent: int, fmt: str
) -> tuple[_Amount, bool] | None:
    """The int64 path of ParseQuantity: (amount, keep the input string) or None."""
    mantissa = 1
    if fmt in ("DecimalExponent", "DecimalSI"):
        scale = exponent
        precision = 18 - (len(num) + len(denom))
    elif exponent >= 0 and not denom:
        scale = 0
        mantissa = 1 << exponent
        precision = 15 - len(num) - int(exponent * 3 / 10) - 1
    else:
        return None
    if precision < 0:
        return None
    scale -= len(denom)
    if scale < _NANO:
        return None
    shifted = num + denom
    value = int(shifted)
    result = value * mantissa
    if result > _MAX_INT64:
        return None
    if not positive:
        result = -result
    if fmt == "BinarySI":
        keep = exponent % 10 == 0 and (value & 0x07) != 0
    else:
        keep = _go_mod(scale, 3) == 0 and not shifted.endswith("000") and shifted[0] != "0"
    return _Amount(result, scale, False), keep


def _go_mod(a: int, b: int) -> int:
    """Go's % (truncated): the result has the sign of a."""
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def _parse_quantity_dec(t: V.GoType, positive: bool, value: str, base: int, exponent: int, fmt: str) -> V.Struct:
    """The inf.Dec path of ParseQuantity."""
    m = re.fullmatch(r"([+-]?)(\d*)(?:\.(\d*))?", value)
    if m is None or not (m.group(2) or m.group(3)):
        raise ValueError(ERR_NUMERIC)
    sign, whole, frac = m.group(1), m.group(2), m.group(3) or ""
    unscaled = int((whole + frac) or "0")
    if sign == "-":
        unscaled = -unscaled
    exp10 = -len(frac)
    if base == 10:
        exp10 += exponent
    else:
        unscaled <<= exponent
    negative = unscaled < 0
    unscaled = abs(unscaled)
    if unscaled != 0:
        unscaled, exp10 = _round_up(unscaled, exp10, _NANO)
    if fmt == "BinarySI" and _cmp_amount(unscaled, exp10, _MAX_INT64, 0) > 0:
        unscaled, exp10 = _MAX_INT64, 0
    if fmt == "BinarySI" and unscaled != 0 and _cmp_amount(unscaled, exp10, 1, 0) < 0:
        fmt = "DecimalSI"
    if negative:
        unscaled = -unscaled
    return _quantity_value(t, _Amount(unscaled, exp10, True), fmt, "")


def _round_up(unscaled: int, exp10: int, min_exp: int) -> tuple[int, int]:
    """inf.Dec Round to scale -min_exp with RoundUp (away from zero), non-negative input."""
    if exp10 >= min_exp:
        return unscaled * 10 ** (exp10 - min_exp), min_exp
    q, r = divmod(unscaled, 10 ** (min_exp - exp10))
    return q + (1 if r else 0), min_exp


def _cmp_amount(u1: int, e1: int, u2: int, e2: int) -> int:
    e = min(e1, e2)
    a, b = u1 * 10 ** (e1 - e), u2 * 10 ** (e2 - e)
    return (a > b) - (a < b)


def _quantity_value(t: V.GoType, amount: _Amount, fmt: str, s: str) -> V.Struct:
    fields = dict(_zero(t).fields)
    int64_t = next(f.type for f in t.fields if f.name == "i")
    dec_t = next(f.type for f in t.fields if f.name == "d")
    scale_t = next(f.type for f in int64_t.fields if f.name == "scale")
    if amount.dec:
        fields["d"] = V.Struct(dec_t, {"Dec": _inf_dec(dec_t.fields[0].type, amount.unscaled, -amount.exp10)})
    else:
        fields["i"] = V.Struct(
            int64_t, {"value": V.Typed(V.INT64, amount.unscaled), "scale": V.Typed(scale_t, amount.exp10)}
        )
    fields["s"] = s
    fields["Format"] = V.Typed(next(f.type for f in t.fields if f.name == "Format"), fmt)
    return V.Struct(t, fields)


def _inf_dec(ptr_t: V.GoType, unscaled: int, scale: int) -> V.Ptr:
    """A *inf.Dec: {unscaled big.Int{neg, abs []Word}, scale inf.Scale}."""
    dec_t = ptr_t.elem
    big_t = dec_t.fields[0].type
    nat_t = big_t.fields[1].type
    words, mag = [], abs(unscaled)
    while mag:
        words.append(V.Typed(nat_t.elem, mag & 0xFFFFFFFFFFFFFFFF))
        mag >>= 64
    big = V.Struct(big_t, {"neg": unscaled < 0, "abs": V.Slice(nat_t, words or None)})
    return V.Ptr(ptr_t, V.Struct(dec_t, {"unscaled": big, "scale": V.Typed(dec_t.fields[1].type, scale)}))


def _amount_of(q: V.Struct) -> _Amount:
    dec = q.fields["d"].fields["Dec"]
    if isinstance(dec, V.Ptr) and dec.target is not None:
        big = dec.target.fields["unscaled"]
        words = big.fields["abs"].items or []
        mag = 0
        for w in reversed(words):
            mag = (mag << 64) | V.unwrap_scalar(w)
        unscaled = -mag if big.fields["neg"] else mag
        return _Amount(unscaled, -V.unwrap_scalar(dec.target.fields["scale"]), True)
    i = q.fields["i"]
    return _Amount(V.unwrap_scalar(i.fields["value"]), V.unwrap_scalar(i.fields["scale"]), False)


def quantity_string(q: V.Struct) -> str:
    """Quantity.String(): the cached string, else the canonical form."""
    s = q.fields.get("s", "")
    return s if s else _canonicalize(q)


def _canonicalize(q: V.Struct) -> str:
    """Quantity.CanonicalizeBytes: mantissa and suffix with the exponent as large
    as possible and no fractional digits (Kubernetes 1.9-1.3x rules; an exponent
    beyond DecimalSI's "E" gets no suffix, as before Kubernetes fixed that)."""
    amount = _amount_of(q)
    if amount.unscaled == 0:
        return "0"
    fmt = V.unwrap_scalar(q.fields["Format"])
    if fmt == "BinarySI":
        if _cmp_amount(abs(amount.unscaled), amount.exp10, 1024, 0) < 0:
            fmt = "DecimalSI"
        else:
            whole, exact = _to_integer_round_up(amount)
            if not exact:
                fmt = "DecimalSI"
    elif fmt not in ("DecimalExponent", "DecimalSI"):
        fmt = "DecimalExponent"
    if fmt == "BinarySI":
        number, exp = _remove_factors(whole, 1024)
        return str(number) + _BIN_BY_EXP.get(exp * 10, "")
    number, exp = _remove_factors(amount.unscaled, 10)
    exp += amount.exp10
    while exp % 3:
        number *= 10
        exp -= 1
    if fmt == "DecimalSI":
        return str(number) + _DEC_BY_EXP.get(exp, "")
    return str(number) + ("" if exp == 0 else f"e{exp}")


def _to_integer_round_up(amount: _Amount) -> tuple[int, bool]:
    if amount.exp10 >= 0:
        return amount.unscaled * 10**amount.exp10, True
    mag, exp = _round_up(abs(amount.unscaled), amount.exp10, 0)
    mag //= 10**exp if exp > 0 else 1
    whole = -mag if amount.unscaled < 0 else mag
    return whole, _cmp_amount(whole, 0, amount.unscaled, amount.exp10) == 0


def _remove_factors(n: int, base: int) -> tuple[int, int]:
    sign, mag, times = (-1 if n < 0 else 1), abs(n), 0
    while mag >= base and mag % base == 0:
        mag //= base
        times += 1
    return sign * mag, times


def round_up_quantity(quantity: V.Struct, scale: int) -> V.Struct:
    """``Quantity.RoundUp(scale)`` on a copy: an inf.Dec amount is rounded
    (inf.RoundUp, away from zero) to ``scale`` and its string cleared; an int64
    amount is left alone (string kept) when its scale is at least ``scale``,
    else divided down, rounding away from zero (negativeScaleInt64)."""
    amount = _amount_of(quantity)
    fmt = V.unwrap_scalar(quantity.fields["Format"])
    if amount.dec:
        magnitude, exp10 = _round_up(abs(amount.unscaled), amount.exp10, scale)
        unscaled = -magnitude if amount.unscaled < 0 else magnitude
        return _quantity_value(quantity.type, _Amount(unscaled, exp10, True), fmt, "")
    if amount.exp10 >= scale:
        return quantity
    divisor = 10 ** (scale - amount.exp10)
    magnitude, remainder = divmod(abs(amount.unscaled), divisor)
    if remainder:
        magnitude += 1
    unscaled = -magnitude if amount.unscaled < 0 else magnitude
    return _quantity_value(quantity.type, _Amount(unscaled, scale, False), fmt, "")


def quantity_milli_value(q: V.Struct) -> int:
    """Quantity.MilliValue(): the value in thousandths, rounded up."""
    amount = _amount_of(q)
    exp = amount.exp10 + 3
    if exp >= 0:
        return amount.unscaled * 10**exp
    return -((-amount.unscaled) // 10**-exp)


def quantity(s: str) -> V.Struct:
    """A resource.Quantity parsed from s (resource.MustParse)."""
    return parse_quantity(s)


def _decode_quantity(j: Any, t: V.GoType, cur: Any, ctx: _Ctx) -> Any:
    if j is None:
        fields = dict(cur.fields) if isinstance(cur, V.Struct) else dict(_zero(t).fields)
        zero_q = _zero(t)
        fields["i"], fields["d"] = zero_q.fields["i"], zero_q.fields["d"]
        return V.Struct(t, fields)
    raw = dumps(j)
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        raw = raw[1:-1]
    try:
        return parse_quantity(raw.strip())
    except ValueError as e:
        raise JSONError(str(e), ctx.path) from None


# --- the special types: methods for templates ------------------------------------------------------


def _special_methods(special: str) -> dict[str, V.Method]:
    string_fn = V.func_of([], [V.STRING])
    if special == "intorstring":
        return {
            "String": V.Method("String", string_fn, lambda v: _int_or_string_text(v), pointer_receiver=True),
            "IntValue": V.Method("IntValue", V.func_of([], [V.INT]), _int_or_string_int, pointer_receiver=True),
        }
    if special == "quantity":
        return {"String": V.Method("String", string_fn, quantity_string, pointer_receiver=True)}
    # metav1.Time has no String of its own: time.Time's is promoted through its
    # embedded field (gotmpl.values' method promotion).
    return {}


# --- the String() methods Kubernetes' generated.pb.go has -----------------------------------------
#
# gogo-protobuf generated a String() with a pointer receiver for every API
# struct; k8stypes.STRING_FORMATS says how each prints (see its header). A nil
# receiver prints "nil". Fields are read as the generated code reads them: a
# struct value field's String() runs on its address, "%v" gets a copy.

_STRING_FN = V.func_of([], [V.STRING])


def _generated_string_method(t: V.GoType, key: str, kube: tuple[int, int] | None) -> V.Method:
    open_, fields = k8stypes.STRING_FORMATS[key]
    if kube is not None:
        # The type as an older Kubernetes had it: its own name, the fields it had
        # (embedded ones under their old names).
        renamed = {}
        for fname, ftype, _, flags in k8stypes.TYPES[key][3]:
            old = kubehistory.go_name(ftype.lstrip("*[]"), "", kube)[1] if "e" in flags else None
            if old:
                renamed[fname] = old
        names = {f.name for f in t.fields}
        fields = tuple(
            (renamed.get(label, label), *rest) for label, *rest in fields if renamed.get(label, label) in names
        )
        open_ = "&" + t.name.rsplit(".", 1)[-1] + "{"

    def call(v: Any) -> str:
        if v is None:
            return "nil"
        return _generated_string(open_, fields, v)

    return V.Method("String", _STRING_FN, call, pointer_receiver=True)


def _generated_string(open_: str, fields: tuple, v: V.Struct) -> str:
    from gotmpl.gofmt import sprintf

    parts = [open_]
    for label, how, replace, strip_amp, prefix in fields:
        x = v.fields[label]
        if how == "sprintf%v":
            text = sprintf("%v", x)
        elif how == "String()":
            text = _own_string(x)
        elif how == "valueToStringGenerated":
            text = "nil" if x.target is None else "*" + sprintf("%v", V.coerce(x.type.elem, x.target))
        elif how == "repeated":
            text = prefix + "".join(_own_string(e).replace("&", "", 1) + "," for e in V.elements(x)) + "}"
        elif how == "repeated%v":
            text = prefix + "".join(sprintf("%v", e) + "," for e in V.elements(x)) + "}"
        else:  # "map": keys as strings, sorted (sortkeys.Strings), values copies
            items = sorted(
                ((V.unwrap_scalar(k), val) for k, val in V.map_items(x)),
                key=lambda kv: kv[0].encode("utf-8", "surrogateescape"),
            )
            text = prefix + "".join(sprintf("%v: %v,", k, val) for k, val in items) + "}"
        if replace is not None:
            text = text.replace(replace[0], replace[1], 1)
        if strip_amp:
            text = text.replace("&", "", 1)
        parts.append(label + ":" + text + ",")
    parts.append("}")
    return "".join(parts)


def _own_string(x: Any) -> str:
    """``x.String()`` in the generated code: the field's (or element's) own
    pointer-receiver String(), on its address or the pointer it is."""
    if type(x) is V.Ptr:
        return x.type.elem.method_table()["String"].call(x.target)
    return V.type_of(x).method_table()["String"].call(x)


def _hand_written_methods(key: str) -> dict[str, V.Method]:
    """Value-receiver String() methods written by hand in apimachinery and api."""
    fn = _HAND_WRITTEN_STRINGS.get(key)
    return {"String": V.Method("String", _STRING_FN, fn)} if fn is not None else {}


def _fields_v1_string(v: V.Struct) -> str:
    raw = v.fields["Raw"]
    data = raw if type(raw) is bytes else bytes(V.unwrap_scalar(b) for b in (raw.items or []))
    return data.decode("utf-8", "surrogateescape")


_HAND_WRITTEN_STRINGS = {
    # func (rn ResourceName) String() string { return string(rn) }
    "corev1.ResourceName": lambda v: V.unwrap_scalar(v),
    # func (n NamespacedName) String() string { return n.Namespace + "/" + n.Name }
    "types.NamespacedName": lambda v: v.fields["Namespace"] + "/" + v.fields["Name"],
    # func (f FieldsV1) String() string { return string(f.Raw) }
    "metav1.FieldsV1": _fields_v1_string,
}


def _int_or_string_text(v: V.Struct) -> str:
    if V.unwrap_scalar(v.fields["Type"]) == 1:
        return v.fields["StrVal"]
    return str(V.unwrap_scalar(v.fields["IntVal"]))


def _int_or_string_int(v: V.Struct) -> int:
    if V.unwrap_scalar(v.fields["Type"]) == 1:
        m = re.match(r"[+-]?\d+", v.fields["StrVal"])
        return int(m.group(0)) if m and m.group(0) == v.fields["StrVal"] else 0
    return V.unwrap_scalar(v.fields["IntVal"])


def int_or_string(x: int | str) -> V.Struct:
    """intstr.FromInt / FromString as a gotmpl value."""
    t = go_type("intstr.IntOrString")
    type_t = t.fields[0].type
    if isinstance(x, str):
        return V.Struct(t, {"Type": V.Typed(type_t, 1), "IntVal": V.Typed(V.INT32, 0), "StrVal": x})
    return V.Struct(t, {"Type": V.Typed(type_t, 0), "IntVal": V.Typed(V.INT32, _wrap_int32(x)), "StrVal": ""})


# --- encoding (json.Marshal) -------------------------------------------------------------------------


def encode(value: Any, omitzero: bool = False) -> Any:
    """encoding/json.Marshal of a gotmpl value, as JSON-like Python: dicts in Go's
    field (struct) or sorted-key (map) order, lists, str, int, float, bool, None.

    ``omitzero`` honours the ``omitzero`` tag option (Go >= 1.24, so Istio
    1.25+); Istio 0.5-1.8 were built with Go versions that ignored it, which is
    why their goldens show ``creationTimestamp: null``.
    """
    return _encode(value, V.type_of(value), omitzero)


def _encode(v: Any, t: V.GoType | None, omitzero: bool) -> Any:
    if t is None:
        raise JSONError("json: cannot marshal an invalid value")
    special = _SPECIAL.get(t)
    if special is not None:
        return _encode_special(special, v, t, omitzero)
    cls = type(v)
    if v is None:
        return None
    if cls is V.Typed:
        return _encode_scalar(v.value, v.type)
    if cls is bool or cls is str:
        return v
    if cls is int:
        return v
    if cls is float:
        _check_float(v, 64)
        return v
    if cls is V.Ptr:
        return None if v.target is None else _encode(v.target, t.elem, omitzero)
    if cls is V.Struct:
        return _encode_struct(v, v.type, omitzero)
    if cls is V.Slice:
        if v.items is None:
            return None
        if v.type.elem.kind == V.Kind.UINT8:
            return base64.b64encode(bytes(V.unwrap_scalar(x) for x in v.items)).decode("ascii")
        return [_encode(x, _elem_type(x, v.type.elem), omitzero) for x in v.items]
    if cls is bytes:
        return base64.b64encode(v).decode("ascii")
    if cls is list or cls is tuple:
        return [_encode(x, V.type_of(x), omitzero) for x in v]
    if cls is V.Array:
        return [_encode(x, _elem_type(x, v.type.elem), omitzero) for x in v.items]
    if cls is V.Map:
        if v.data is None:
            return None
        return _encode_map(V.map_items(v), v.type.key, omitzero)
    if cls is dict:
        return _encode_map(list(v.items()), V.STRING, omitzero)
    if isinstance(v, GoTime):
        return _format_rfc3339_nano(v)
    if hasattr(v, "__dict__") and V.type_of(v) is not None and V.type_of(v).kind == V.Kind.STRUCT:
        return _encode_struct(v, V.type_of(v), omitzero)
    raise JSONError(f"json: unsupported type: {t}")


def _elem_type(x: Any, declared: V.GoType) -> V.GoType:
    # Elements are stored as values of the element type; interface elements
    # carry their own dynamic type.
    if declared.kind == V.Kind.INTERFACE:
        return V.type_of(x)
    return declared


def _encode_scalar(x: Any, t: V.GoType) -> Any:
    if t.kind in V.FLOAT_KINDS:
        _check_float(x, V.BITS[t.kind])
        return float(x)
    if t.kind in V.COMPLEX_KINDS:
        raise JSONError(f"json: unsupported type: {t}")
    return x


def _check_float(f: float, bits: int) -> None:
    if math.isinf(f) or math.isnan(f):
        raise JSONError(f"json: unsupported value: {format_float(f, 'g', -1, bits)}")


def _encode_map(items: list[tuple[Any, Any]], key_type: V.GoType, omitzero: bool) -> dict:
    out = []
    for k, x in items:
        k = V.unwrap_scalar(k)
        if isinstance(k, bool) or not isinstance(k, (str, int)):
            raise JSONError(f"json: unsupported type: map[{key_type}]")
        out.append((str(k), x))
    out.sort(key=lambda kv: kv[0].encode("utf-8", "surrogatepass"))
    return {k: _encode(x, V.type_of(x), omitzero) for k, x in out}


def _encode_struct(v: Any, t: V.GoType, omitzero: bool) -> dict:
    out: dict[str, Any] = {}
    for f in json_fields(t):
        fv = _field_by_index(v, t, f.index)
        if fv is _ABSENT:
            continue
        if f.omitempty and _is_empty(fv, f.type):
            continue
        if omitzero and f.omitzero and _is_zero(fv, f.type):
            continue
        out[f.name] = _encode(fv, _elem_type(fv, f.type), omitzero)
    return out


_ABSENT = object()


def _get_field(v: Any, sf: V.StructField) -> Any:
    if type(v) is V.Struct:
        x = v.fields.get(sf.name, _ABSENT)
        return _zero(sf.type) if x is _ABSENT else x
    return V.get_field(v, sf)


def _field_by_index(v: Any, t: V.GoType, index: tuple[str, ...]) -> Any:
    for name in index:
        if isinstance(v, V.Ptr):
            if v.target is None:
                return _ABSENT  # fields promoted through a nil embedded pointer are skipped
            v, t = v.target, t.elem
        sf = t.field(name)
        v = _get_field(v, sf)
        t = sf.type
    return v


def _is_empty(v: Any, t: V.GoType) -> bool:
    """encoding/json's isEmptyValue (never true for structs)."""
    k = t.kind
    if k in (V.Kind.ARRAY, V.Kind.MAP, V.Kind.SLICE, V.Kind.STRING):
        return _length(v) == 0
    if k == V.Kind.BOOL or k in V.NUMBER_KINDS:
        return not V.unwrap_scalar(v)
    if k in (V.Kind.INTERFACE, V.Kind.PTR):
        return V.is_nil(v)
    return False


def _length(v: Any) -> int:
    if isinstance(v, V.Slice):
        return len(v.items or ())
    if isinstance(v, V.Map):
        return len(v.data or ())
    if isinstance(v, V.Array):
        return len(v.items)
    if isinstance(v, V.Typed):
        return len(v.value)
    return len(v)


def _is_zero(v: Any, t: V.GoType) -> bool:
    """omitzero's test: the type's IsZero method where it has one, else reflect's IsZero."""
    special = _SPECIAL.get(t)
    if special == "time":
        return _time_is_zero(v.fields["Time"])
    if special == "quantity":
        return _amount_of(v).unscaled == 0
    k = t.kind
    if t is TIME:
        return _time_is_zero(v)
    if k == V.Kind.STRUCT:
        return all(_is_zero(_get_field(v, f), f.type) for f in t.fields)
    if k == V.Kind.ARRAY:
        return all(_is_zero(x, t.elem) for x in v.items)
    if k in (V.Kind.SLICE, V.Kind.MAP, V.Kind.PTR, V.Kind.INTERFACE, V.Kind.FUNC):
        return V.is_nil(v)
    return not V.unwrap_scalar(v)


def _time_is_zero(g: GoTime) -> bool:
    return g == _ZERO_TIME


def _encode_special(special: str, v: Any, t: V.GoType, omitzero: bool) -> Any:
    """The MarshalJSON methods."""
    if special == "time":
        g = v.fields["Time"]
        if _time_is_zero(g):
            return None
        u = g.utc()
        w = u.when
        return f"{format_year(u.year)}-{w.month:02d}-{w.day:02d}T{w.hour:02d}:{w.minute:02d}:{w.second:02d}Z"
    if special == "quantity":
        return quantity_string(v)
    if special == "intorstring":
        kind = V.unwrap_scalar(v.fields["Type"])
        if kind == 0:
            return V.unwrap_scalar(v.fields["IntVal"])
        if kind == 1:
            return v.fields["StrVal"]
        raise JSONError("json: error calling MarshalJSON for type intstr.IntOrString: impossible IntOrString.Type")
    return raw_json(v)


def _format_rfc3339_nano(g: GoTime) -> str:
    """time.Time.MarshalJSON: RFC 3339 with nanoseconds, years 0-9999 only."""
    w = g.when
    if not 0 <= g.year <= 9999:
        raise JSONError(
            "json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: year outside of range [0,9999]"
        )
    text = f"{g.year:04d}-{w.month:02d}-{w.day:02d}T{w.hour:02d}:{w.minute:02d}:{w.second:02d}"
    if g.nanos:
        text += "." + f"{g.nanos:09d}".rstrip("0")
    off = w.utcoffset() or _dt.timedelta(0)
    if not off:
        return text + "Z"
    minutes = int(off.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


# --- JSON text ------------------------------------------------------------------------------------------


def json_float_text(f: float, bits: int = 64) -> str:
    """encoding/json's text for a float: like ES6, 'e' format outside [1e-6, 1e21)."""
    _check_float(f, bits)
    a = abs(f)
    fmt = "f"
    if a != 0 and (a < 1e-6 or a >= 1e21):
        fmt = "e"
    text = format_float(f, fmt, -1, bits)
    if fmt == "e" and len(text) >= 4 and text[-4] == "e" and text[-3] == "-" and text[-2] == "0":
        text = text[:-2] + text[-1]
    return text


_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def json_string(s: str, escape_html: bool = True) -> str:
    """Go's JSON text of a string (``<>&`` escaped unless escape_html is False)."""
    return _json_string(s, escape_html)


# Characters _json_string escapes; a string without any is copied as it is.
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f<>&\u2028\u2029\ud800-\udfff]')
_NEEDS_ESCAPE_NO_HTML = re.compile('["\\\\\x00-\x1f\u2028\u2029\ud800-\udfff]')


def _json_string(s: str, escape_html: bool = True) -> str:
    if not (_NEEDS_ESCAPE if escape_html else _NEEDS_ESCAPE_NO_HTML).search(s):
        return '"' + s + '"'
    out = ['"']
    for c in s:
        o = ord(c)
        if c in _JSON_ESCAPES:
            out.append(_JSON_ESCAPES[c])
        elif o < 0x20 or (escape_html and c in "<>&") or o in (0x2028, 0x2029):
            out.append(f"\\u{o:04x}")
        elif 0xD800 <= o <= 0xDFFF:
            out.append("\\ufffd")  # an invalid byte (gotmpl keeps it as a lone surrogate)
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def dumps(value: Any, escape_html: bool = True) -> str:
    """Go's json.Marshal text of a JSON-like value (compact, ``<>&`` escaped,
    floats formatted as Go does, dict order kept). gotmpl values are encoded first."""
    if isinstance(value, (V.Struct, V.Slice, V.Map, V.Ptr, V.Typed, V.Array)):
        value = encode(value)
    parts: list[str] = []
    _dump(value, parts, escape_html)
    return "".join(parts)


def _dump(v: Any, out: list[str], escape_html: bool) -> None:
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, str):
        out.append(_json_string(v, escape_html))
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, float):
        out.append(json_float_text(v))
    elif isinstance(v, (list, tuple)):
        out.append("[")
        for i, x in enumerate(v):
            if i:
                out.append(",")
            _dump(x, out, escape_html)
        out.append("]")
    elif isinstance(v, dict):
        out.append("{")
        for i, (k, x) in enumerate(v.items()):
            if i:
                out.append(",")
            out.append(_json_string(str(k), escape_html))
            out.append(":")
            _dump(x, out, escape_html)
        out.append("}")
    else:
        raise JSONError(f"json: unsupported type: {type(v).__name__}")


def _loads(text: str) -> Any:
    """Parse JSON text (a RawExtension's bytes) keeping integers exact."""
    try:
        return _pyjson.loads(text)
    except ValueError as e:
        raise JSONError(f"json: error calling MarshalJSON for type runtime.RawExtension: {e}") from None


_init_types()

"""Our Go-typed values as the Go oracle's typed JSON (``{"t": type, "v": payload}``).

The oracle builds its data from type expressions and cannot have named
Kubernetes types, embedded fields or unexported fields. This converter writes
a gotmpl value with its static type as the closest value the oracle can hold:
named scalar types become their underlying type (Go prints and compares them
alike), Kubernetes structs anonymous structs with their json tags, embedded
structs flattened into their parent (same promoted fields, same JSON),
resource.Quantity its canonical string, metav1.Time a time.Time; values
already in the oracle's encoding (the mesh's typed JSON) are passed through.
"""

from __future__ import annotations

from typing import Any

from gotmpl import values as V
from injector import gojson

Kind = V.Kind

_SCALAR = {
    Kind.BOOL: "bool", Kind.STRING: "string", Kind.INT: "int", Kind.INT8: "int8", Kind.INT16: "int16",
    Kind.INT32: "int32", Kind.INT64: "int64", Kind.UINT: "uint", Kind.UINT8: "uint8", Kind.UINT16: "uint16",
    Kind.UINT32: "uint32", Kind.UINT64: "uint64", Kind.FLOAT32: "float32", Kind.FLOAT64: "float64",
}  # fmt: skip


def _special(t: V.GoType) -> str | None:
    if t.name == "resource.Quantity":
        return "quantity"
    if t.name == "v1.Time" and t.kind == Kind.STRUCT and len(t.fields) == 1:
        return "time"
    if t.name == "intstr.IntOrString":
        return "intorstring"
    return None


def type_expr(t: V.GoType, memo: dict[int, str] | None = None) -> str:
    memo = {} if memo is None else memo
    cached = memo.get(id(t))
    if cached is not None:
        return cached
    k = t.kind
    special = _special(t)
    if special == "quantity":
        out = "string"
    elif special == "time":
        out = "time.Time"
    elif k in _SCALAR:
        out = _SCALAR[k]
    elif k == Kind.PTR:
        out = "*" + type_expr(t.elem, memo)
    elif k == Kind.SLICE:
        out = "[]" + type_expr(t.elem, memo)
    elif k == Kind.ARRAY:
        out = f"[{t.length}]" + type_expr(t.elem, memo)
    elif k == Kind.MAP:
        out = f"map[{type_expr(t.key, memo)}]{type_expr(t.elem, memo)}"
    elif k == Kind.INTERFACE:
        out = "any"
    elif k == Kind.STRUCT:
        parts = [f"{name} {type_expr(ft, memo)}" + (f" `{tag}`" if tag else "") for name, ft, tag in _flat_fields(t)]
        out = "struct{" + "; ".join(parts) + "}"
    else:
        raise TypeError(f"no oracle type for {t}")
    memo[id(t)] = out
    return out


def _flat_fields(t: V.GoType) -> list[tuple[str, V.GoType, str]]:
    """Exported fields, embedded structs' fields in their place."""
    out = []
    for f in t.fields:
        if not f.exported or f.name[:1].islower():
            continue
        if _is_embedded(f) and f.type.kind == Kind.STRUCT and _special(f.type) is None:
            out.extend(_flat_fields(f.type))
            continue
        out.append((f.name, f.type, f.tag))
    return out


def _is_embedded(f: V.StructField) -> bool:
    return f.embedded


def payload(t: V.GoType, v: Any) -> Any:
    k = t.kind
    special = _special(t)
    if special == "quantity":
        return gojson.quantity_string(v)
    if special == "time":
        return gojson._format_rfc3339_nano(v.fields["Time"])
    if k in _SCALAR:
        x = V.unwrap_scalar(v)
        if k in (Kind.INT64, Kind.UINT64, Kind.UINT) and abs(x) > 2**53:
            return str(x)
        return x
    if k == Kind.PTR:
        return None if v is None or v.target is None else payload(t.elem, v.target)
    if k in (Kind.SLICE, Kind.ARRAY):
        items = V.elements(v) if v is not None else None
        if items is None or (k == Kind.SLICE and isinstance(v, V.Slice) and v.items is None):
            return None
        return [payload(t.elem, x) for x in items]
    if k == Kind.MAP:
        if v is None or (isinstance(v, V.Map) and v.data is None):
            return None
        return {str(V.unwrap_scalar(key)): payload(t.elem, x) for key, x in V.map_items(v)}
    if k == Kind.INTERFACE:
        if v is None or v is V.MISSING:
            return None
        vt = V.type_of(v)
        return {"t": type_expr(vt), "v": payload(vt, v)}
    if k == Kind.STRUCT:
        return _struct_payload(t, v)
    raise TypeError(f"no oracle payload for {t}")


def _struct_payload(t: V.GoType, v: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in t.fields:
        if not f.exported or f.name[:1].islower():
            continue
        value = V.get_field(v, f)
        if _is_embedded(f) and f.type.kind == Kind.STRUCT and _special(f.type) is None:
            out.update(_struct_payload(f.type, value))
            continue
        out[f.name] = payload(f.type, value)
    return out


def typed(t: V.GoType, v: Any) -> dict[str, Any]:
    """``{"t", "v"}`` for the oracle."""
    return {"t": type_expr(t), "v": payload(t, v)}


def template_data(data: V.Ptr, mesh_json: dict[str, Any], proxy_json: dict[str, Any]) -> dict[str, Any]:
    """SidecarTemplateData (our ``&data``) for the oracle: the Kubernetes parts
    converted, MeshConfig/ProxyConfig in meshconfig's typed JSON, Values as
    shorthand JSON (the oracle decodes it as Istio does: numbers float64)."""
    struct_t = data.type.elem
    parts, values = [], {}
    for f in struct_t.fields:
        value = data.target.fields[f.name]
        if f.name == "MeshConfig":
            parts.append(f"MeshConfig {mesh_json['t']}")
            values[f.name] = mesh_json["v"]
        elif f.name == "ProxyConfig":
            parts.append(f"ProxyConfig {proxy_json['t']}")
            values[f.name] = proxy_json["v"]
        elif f.name == "Values":
            parts.append("Values map[string]any")
            values[f.name] = value
        else:
            parts.append(f"{f.name} {type_expr(f.type)}")
            values[f.name] = payload(f.type, value)
    return {"t": "*struct{" + "; ".join(parts) + "}", "v": values}

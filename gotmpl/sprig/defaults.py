"""Sprig's defaults.go: default, empty, coalesce, all, any, ternary and the JSON
functions (fromJson, toJson, toPrettyJson, toRawJson and their must* forms).

The JSON functions use Go 1.27's encoding/json as gotmpl.sprig.gojson
implements it (Marshal, MarshalIndent, an Encoder without HTML escaping,
Unmarshal into ``interface {}``), with Go's error texts.
"""

from __future__ import annotations

from typing import Any

from .. import values as V
from . import gojson, sprig_func
from .cast import is_nil_interface
from .gojson import JSONError, value_length

Kind = V.Kind

# --- empty and friends -----------------------------------------------------------------------------


def is_empty(v: Any) -> bool:
    """sprig's empty: the zero value of its type (a struct never; nil pointers,
    funcs, interfaces yes; containers and strings by length)."""
    if is_nil_interface(v):
        return True
    t = V.type_of(v)
    if t is None:
        return True
    k = t.kind
    if k in (Kind.ARRAY, Kind.SLICE, Kind.MAP, Kind.STRING):
        return value_length(v) == 0
    if k == Kind.STRUCT:
        return False
    if k == Kind.BOOL or k in V.NUMBER_KINDS:
        return V.unwrap_scalar(v) == 0
    return V.is_nil(v)


@sprig_func("default", "func(interface {}, ...interface {}) interface {}")
def dfault(d: Any, *given: Any) -> Any:
    if not given or is_empty(given[0]):
        return d
    return given[0]


@sprig_func("empty", "func(interface {}) bool")
def empty(given: Any) -> bool:
    return is_empty(given)


@sprig_func("coalesce", "func(...interface {}) interface {}")
def coalesce(*v: Any) -> Any:
    for x in v:
        if not is_empty(x):
            return x
    return None


@sprig_func("all", "func(...interface {}) bool")
def all_(*v: Any) -> bool:
    return all(not is_empty(x) for x in v)


@sprig_func("any", "func(...interface {}) bool")
def any_(*v: Any) -> bool:
    return any(not is_empty(x) for x in v)


@sprig_func("ternary", "func(interface {}, interface {}, bool) interface {}")
def ternary(vt: Any, vf: Any, v: bool) -> Any:
    return vt if v else vf


# --- JSON --------------------------------------------------------------------------------------------


@sprig_func("fromJson", "func(string) interface {}")
def from_json(v: str) -> Any:
    return gojson.unmarshal(v)[0]


@sprig_func("mustFromJson", "func(string) (interface {}, error)")
def must_from_json(v: str) -> Any:
    out, err = gojson.unmarshal(v)
    if err is not None:
        raise err
    return out


@sprig_func("toJson", "func(interface {}) string")
def to_json(v: Any) -> str:
    try:
        return gojson.marshal(v)
    except JSONError:
        return ""


@sprig_func("mustToJson", "func(interface {}) (string, error)")
def must_to_json(v: Any) -> str:
    return gojson.marshal(v)


@sprig_func("toPrettyJson", "func(interface {}) string")
def to_pretty_json(v: Any) -> str:
    try:
        return gojson.indent(gojson.marshal(v))
    except JSONError:
        return ""


@sprig_func("mustToPrettyJson", "func(interface {}) (string, error)")
def must_to_pretty_json(v: Any) -> str:
    return gojson.indent(gojson.marshal(v))


@sprig_func("toRawJson", "func(interface {}) string")
def to_raw_json(v: Any) -> str:
    return gojson.marshal(v, escape_html=False)  # sprig panics with the error


@sprig_func("mustToRawJson", "func(interface {}) (string, error)")
def must_to_raw_json(v: Any) -> str:
    return gojson.marshal(v, escape_html=False)

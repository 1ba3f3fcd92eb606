"""Istio's sidecar-injector template functions, release by release (0.5 to 1.8).

This module owns the FuncMap Istio's injector hands to text/template in each
release, as Python functions with their exact Go signatures for
``gotmpl.Template.funcs``: :func:`istio_funcs`. Results and error texts are those
of the Go oracle (``../shared/oracle/istio.go``), which reimplements Istio's
functions; where the oracle deliberately differs from Istio (its types, its
``oracle:`` errors, the 1.24-1.30 ProxyConfig defaults that protoToJSON cleans
with) this module follows the oracle and says so.

It also owns the Go encodings those functions need over gotmpl values:
encoding/json's Marshal (:func:`marshal_json`; Go 1.27's, i.e. json/v2 under
the v1 options) and Unmarshal into ``interface {}`` (:func:`unmarshal_json`),
and the jsonpb-like writer behind ``protoToJSON``. YAML is ``injector.goyaml``'s:
toYaml hands it encoding/json's output as a JSON-like value (:func:`json_value`).

From 1.8 Istio registers sprig's ``TxtFuncMap()`` first and its own functions
over it. Sprig lives elsewhere: pass it as ``base_funcs`` (so that ``render``'s
nested template sees it too), or merge it underneath yourself
(``{**sprig, **istio_funcs(v)}``).

Where the oracle, and so this module, deliberately differs from real Istio:

* Type names: durations are ``*main.Duration`` / ``*main.GogoDuration`` (Istio:
  ``*duration.Duration`` / ``*types.Duration``), so type errors name them so.
* annotation's ObjectMeta, the ports functions' ``[]Container`` and
  protoToJSON's message are ``interface {}`` parameters read by field name:
  wrong arguments are the function's errors (``error calling annotation: wrong
  type for value; expected v1.ObjectMeta; got string``) where Istio's typed
  parameters make text/template report them; a struct without the needed
  field is an ``oracle: ...`` error.
* indent pads with strings.Repeat; Istio's fmt width gives ``%!(BADWIDTH)``
  beyond 1e6 spaces.
* protoToJSON (1.6+) cleans with the 1.24-1.30 DefaultProxyConfig (Istio 1.6-1.8
  had other defaults: zipkin Tracing, Concurrency 2, NONE auth in 1.6).
"""

from __future__ import annotations

import base64
import datetime as _dt
import itertools
import math
import os
import re
import unicodedata
from typing import Any, Callable, Iterable, Iterator, Mapping

from gotmpl import values as V
from gotmpl.sprig.gojson import parse_json_tag, tag_lookup
from gotmpl.gofmt import sprint
from gotmpl.gotime import TIME, GoTime, format_duration
from gotmpl.runtime import ExecError
from gotmpl.strconv import format_float, from_go_bytes, go_bytes
from gotmpl.template import ParseError, Template
from gotmpl.values import Kind

from .protos import (
    ENUM_NAMES,
    ENUMS,
    BoolValue,
    ClientTLSSettings,
    Tracing,
    Tracing_Datadog,
    Tracing_Lightstep,
    Tracing_Zipkin,
    DurationPB,
    DurationV1,
    GogoDuration,
    Int32Value,
    Int64Value,
    StringValue,
    UInt32Value,
    proto_to_go_duration,
)

__all__ = [
    "FIRST_VERSION",
    "LAST_VERSION",
    "istio_funcs",
    "marshal_json",
    "unmarshal_json",
    "json_value",
    "JSONError",
]

Version = tuple[int, int, int]
FIRST_VERSION: Version = (0, 5, 0)
# The last release this module knows; 1.9 drops render and later releases change more.
LAST_VERSION: Version = (1, 8, 1 << 30)


# --- the FuncMap per release ------------------------------------------------------------------


def istio_funcs(
    version: tuple[int, int, int],
    env: Mapping[str, str] | None = None,
    render_data: Callable[[], Any] | None = None,
    *,
    base_funcs: Mapping[str, Callable[..., Any]] | None = None,
) -> dict[str, Callable[..., Any]]:
    """The template functions of Istio release ``version`` (0.5.0 to 1.8.x).

    ``env`` is what ``env`` (1.5+) reads instead of ``os.environ``;
    ``render_data()`` gives the data ``render`` (1.2-1.8) executes its nested
    template with (None: nil data). ``base_funcs`` are registered first and
    Istio's over them, as Istio 1.8 does with sprig (its default from 1.8);
    ``render`` sees the whole map.
    """
    v = _check_version(version)
    if base_funcs is None and v >= (1, 8, 0):
        from gotmpl.funcs import sprig_funcs

        base_funcs = sprig_funcs()  # Istio 1.8 registers sprig's TxtFuncMap first
    funcs: dict[str, Callable[..., Any]] = dict(base_funcs or {})
    if v >= (0, 6, 0):
        funcs["formatDuration"] = _format_duration_fn(GogoDuration if v >= (1, 1, 0) else DurationV1)
    if v >= (0, 8, 0):
        skip_udp = v >= (1, 4, 0)
        funcs["isset"] = isset
        funcs["includeInboundPorts"] = _ports_fn(skip_proxy=False, skip_udp=skip_udp)
        if v >= (1, 0, 3):
            funcs["applicationPorts"] = _ports_fn(skip_proxy=True, skip_udp=skip_udp)
            funcs["excludeInboundPort"] = exclude_inbound_port
            funcs["annotation"] = annotation
            funcs["toJson"] = to_json
    if v >= (1, 1, 0):
        funcs["kubevirtInterfaces"] = identity
        funcs["toJSON"] = to_json
        funcs["fromJSON"] = from_json
        funcs["toYaml"] = to_yaml
        funcs["indent"] = indent
        funcs["directory"] = directory
        funcs["valueOrDefault"] = value_or_default if v >= (1, 2, 0) else value_or_default_string
    if v >= (1, 2, 0):
        funcs["contains"] = contains
        funcs["render"] = _render_fn(funcs, render_data)
    if v >= (1, 3, 0):
        funcs["structToJSON"] = struct_to_json
        funcs["toLower"] = to_lower
    if v >= (1, 4, 0):
        funcs["protoToJSON"] = _proto_to_json_fn(clean=v >= (1, 6, 0))
    if v >= (1, 5, 0):
        funcs["env"] = _env_fn(env)
    if v >= (1, 8, 0):
        funcs["appendMultusNetwork"] = append_multus_network
    return funcs


def _check_version(version: tuple[int, int, int]) -> Version:
    v = tuple(version)
    if len(v) != 3 or not all(type(n) is int and n >= 0 for n in v):
        raise ValueError(f"bad Istio version {version!r}: want (major, minor, patch)")
    if not FIRST_VERSION <= v <= LAST_VERSION:
        raise ValueError(f"Istio {'.'.join(map(str, v))} is not supported: istio_funcs knows 0.5.0 to 1.8.x")
    return v  # type: ignore[return-value]


def _signed(signature: V.GoType | str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Attach a Go signature (a GoType, or Go type text) to a function."""
    fn.__go_signature__ = signature if isinstance(signature, V.GoType) else V.parse_type(signature)  # type: ignore[attr-defined]
    return fn


class _Err(V.GoError):
    """A function's error result (text/template prints ``error calling NAME: <text>``)."""


# --- durations ----------------------------------------------------------------------------------


def _format_duration_fn(cls: type) -> Callable[..., Any]:
    """formatDuration over the release's protobuf Duration pointer: Go's
    Duration.String(), or "1s" for nil and for an invalid duration (0.6-1.8)."""

    def format_duration_fn(d: Any) -> str:
        target = d.target if type(d) is V.Ptr else d
        if target is None:
            return "1s"
        ns, bad = proto_to_go_duration(target.Seconds, target.Nanos)
        return "1s" if bad else format_duration(ns)

    sig = V.func_of([V.ptr_to(V.class_type(cls))], [V.STRING])
    return _signed(sig, format_duration_fn)


# --- small string functions --------------------------------------------------------------------


@V.go_signature("func(map[string]string, string) bool")
def isset(m: Any, key: str) -> bool:
    """isset: whether the key is present (a nil map has none)."""
    data = m.data if type(m) is V.Map else m
    return bool(data) and key in data


@V.go_signature("func(string) string")
def identity(s: str) -> str:
    """kubevirtInterfaces: the argument unchanged."""
    return s


@V.go_signature("func(string, string) string")
def value_or_default_string(value: str, default: str) -> str:
    """valueOrDefault of 1.1: the default for an empty string."""
    return default if value == "" else value


@V.go_signature("func(interface {}, interface {}) interface {}")
def value_or_default(value: Any, default: Any) -> Any:
    """valueOrDefault of 1.2+: the default when ``value == ""`` or ``value == nil``
    in Go, i.e. a nil interface or an (unnamed) string that is empty."""
    if value is None or (type(value) is str and value == ""):
        return default
    return value


_MAX_ALLOC = 1 << 48  # the Go runtime's largest allocation on 64-bit Linux


@V.go_signature("func(int, string) string")
def indent(spaces: int, source: str) -> str:
    """Istio's indent: pad every line but the first with |spaces| spaces.

    Istio pads with fmt (``"% Ns"``); the oracle, and this, use strings.Repeat,
    which differs beyond fmt's width limit of 1e6 (Istio prints %!(BADWIDTH)).
    """
    n = -spaces if spaces < 0 else spaces
    if n >= 1 << 63:  # -MinInt64 overflows and stays negative in Go
        raise _Err("strings: negative Repeat count")
    if n > _MAX_ALLOC:  # Go builds the padding first, even for one line
        raise _Err("runtime error: makeslice: len out of range")
    lines = source.split("\n")
    if len(lines) == 1:
        return source
    pad = " " * n
    return "\n".join([lines[0]] + [pad + line for line in lines[1:]])


@V.go_signature("func(string) string")
def directory(path: str) -> str:
    """directory: Go's path.Split directory part (up to and including the last "/")."""
    return path[: path.rfind("/") + 1]


@V.go_signature("func(string, string) bool")
def contains(needle: str, haystack: str) -> bool:
    """Istio's contains (needle first): strings.Contains on the bytes."""
    if needle.isascii() and haystack.isascii():
        return needle in haystack
    return go_bytes(needle) in go_bytes(haystack)


@V.go_signature("func(string) string")
def to_lower(s: str) -> str:
    """strings.ToLower: Unicode simple lower case per rune; invalid bytes become U+FFFD."""
    if s.isascii():
        return s.lower()
    return "".join(_lower_rune(ch) for ch in _canonical(s))


def _lower_rune(ch: str) -> str:
    o = ord(ch)
    if 0xD800 <= o <= 0xDFFF:
        return "\ufffd"  # an invalid byte: strings.Map writes RuneError
    if o == 0x130:
        return "i"  # Go's simple mapping; Python's full mapping adds U+0307
    low = ch.lower()
    return low if len(low) == 1 else ch


# Go's unicode.IsSpace (Python's str.isspace also counts U+001C..U+001F).
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def _trim_space(s: str) -> str:
    return s.strip(_GO_SPACE)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _canonical(s: str) -> str:
    """The canonical str of a Go string: escaped bytes that form valid UTF-8 rejoined."""
    if _SURROGATE.search(s):
        return from_go_bytes(go_bytes(s))
    return s


@V.go_signature("func(interface {}, string) string")
def exclude_inbound_port(port: Any, excluded: str) -> str:
    """excludeInboundPort: add ``fmt.Sprint(port)`` to a comma list unless it is
    there (compared untrimmed) or empty/"0"; otherwise the list is re-joined trimmed."""
    port_str = _trim_space(sprint(port))
    if port_str in ("", "0"):
        return excluded
    kept = []
    for part in excluded.split(","):
        if part == port_str:
            return excluded
        part = _trim_space(part)
        if part:
            kept.append(part)
    kept.append(port_str)
    return ",".join(kept)


def _env_fn(env: Mapping[str, str] | None) -> Callable[..., Any]:
    def env_fn(key: str, default: str) -> str:
        source = env if env is not None else os.environ
        value = source.get(key, "")
        return value if value != "" else default

    return _signed("func(string, string) string", env_fn)


def _render_fn(funcs: Mapping[str, Callable[..., Any]], render_data: Callable[[], Any] | None) -> Callable[..., Any]:
    """render (1.2-1.8): the argument parsed as a new template "inject" with the
    same functions and executed with the request data; "" on any error."""

    def render(text: str) -> str:
        try:
            nested = Template("inject").funcs(funcs).parse(text)
            return nested.render(render_data() if render_data is not None else None)
        except (ParseError, ExecError):
            return ""

    return _signed("func(string) string", render)


# --- reflection over gotmpl values (the oracle's "any" parameters) ----------------------------


def _deref(v: Any) -> Any:
    """What a non-nil pointer points to (an error value is *errors.errorString)."""
    if type(v) is V.Ptr:
        return V.coerce(v.type.elem, v.target)
    return V.Struct(V.ERROR_VALUE_TYPE.elem, {"s": str(v)})


def _is_nil_pointer(v: Any) -> bool:
    return type(v) is V.Ptr and v.target is None


def _field(v: Any, name: str) -> tuple[V.StructField, Any] | None:
    """reflect's FieldByName on a struct value: (field, value) or None."""
    for f, x in V.struct_fields(v):
        if f.name == name:
            return f, (V.zero_value(f.type) if x is V.MISSING else x)
    return None


def _string_of(v: Any) -> str:
    """The oracle's stringOf: through pointers and interfaces (nil gives ""), a
    string kind as is, anything else fmt.Sprint."""
    while True:
        if v is None or v is V.MISSING or type(v) is V.NilInterface or _is_nil_pointer(v):
            return ""
        if type(v) is V.Ptr or isinstance(v, V.GoError):
            v = _deref(v)
            continue
        break
    if type(v) is str:
        return v
    if V.type_of(v).kind == Kind.STRING:
        return V.unwrap_scalar(v)
    return sprint(v)


def _wrong_type(want: str, got: Any) -> _Err:
    if got is None:
        return _Err(f"invalid value; expected {want}")
    return _Err(f"wrong type for value; expected {want}; got {V.type_of(got)}")


def _struct_arg(arg: Any, want: str) -> Any:
    """A struct argument: a struct, or a non-nil pointer to one (text/template
    dereferences a pointer argument for a struct parameter)."""
    if arg is None:
        raise _wrong_type(want, None)
    t = V.type_of(arg)
    v = arg
    if t.kind == Kind.PTR:
        if _is_nil_pointer(arg):
            raise _Err(f"dereference of nil pointer of type {t}")
        v = _deref(arg)
    if V.type_of(v).kind != Kind.STRUCT:
        raise _wrong_type(want, arg)
    return v


def _containers_arg(arg: Any) -> list | None:
    """A []Container argument: a slice of structs (or a pointer to one); None for nil."""
    if arg is None:
        return None
    t = V.type_of(arg)
    v = arg
    if t.kind == Kind.PTR and t.elem.kind == Kind.SLICE:
        if _is_nil_pointer(arg):
            raise _Err(f"dereference of nil pointer of type {t}")
        v, t = _deref(arg), t.elem
    if t.kind != Kind.SLICE or t.elem.kind != Kind.STRUCT:
        raise _wrong_type("[]v1.Container", arg)
    return V.elements(v)


def _ports_fn(skip_proxy: bool, skip_udp: bool) -> Callable[..., Any]:
    """includeInboundPorts / applicationPorts: the containers' port numbers,
    comma-joined (applicationPorts skips the istio-proxy container, 1.4+ skip
    UDP and SCTP ports)."""

    def container_ports(containers: Any) -> str:
        parts: list[str] = []
        for c in _containers_arg(containers) or ():
            if skip_proxy and _string_of(_required_field(c, "Name", "container")[1]) == "istio-proxy":
                continue
            parts.extend(_port_numbers(c, skip_udp))
        return ",".join(parts)

    return _signed("func(interface {}) (string, error)", container_ports)


def _required_field(v: Any, name: str, what: str) -> tuple[V.StructField, Any]:
    found = _field(v, name)
    if found is None:
        raise _Err(f"oracle: {what} type {V.type_of(v)} has no field {name}")
    return found


def _port_numbers(container: Any, skip_udp: bool) -> Iterator[str]:
    ports_field, ports = _required_field(container, "Ports", "container")
    if ports_field.type.kind != Kind.SLICE:
        raise _Err(f"oracle: Ports of {V.type_of(container)} is not a slice")
    port_type = ports_field.type.elem
    for port in V.elements(ports):
        if port_type.kind != Kind.STRUCT:
            raise _Err(f"oracle: port type {port_type} is not a struct")
        if skip_udp:
            protocol = _field(port, "Protocol")
            if protocol is not None and _string_of(protocol[1]) in ("UDP", "SCTP"):
                continue
        number_field, number = _required_field(port, "ContainerPort", "port")
        if number_field.type.kind not in V.INT_KINDS and number_field.type.kind not in V.UINT_KINDS:
            raise _Err(f"oracle: ContainerPort of {port_type} is not an integer")
        yield str(_int32(V.unwrap_scalar(number)))


def _int32(n: int) -> int:
    n &= 0xFFFFFFFF
    return n - (1 << 32) if n >= 1 << 31 else n


@V.go_signature("func(interface {}, string, interface {}) (string, error)")
def annotation(meta: Any, name: str, default: Any) -> str:
    """annotation(ObjectMeta, name, default): the annotation, or fmt.Sprint(default)."""
    m = _struct_arg(meta, "v1.ObjectMeta")
    found = _field(m, "Annotations")
    if found is None or found[0].type.kind != Kind.MAP or found[0].type.key.kind != Kind.STRING:
        raise _Err(f"oracle: {V.type_of(m)} has no field Annotations of type map[string]string")
    field, annotations = found
    data = annotations if type(annotations) is dict else (annotations.data or {})
    if name in data:
        value = data[name]
        elem = field.type.elem
        return _string_of(value if type(annotations) is dict or V.natural_for(elem) else V.coerce(elem, value))
    return sprint(default)


# --- JSON functions -----------------------------------------------------------------------------


@V.go_signature("func(map[string]string) string")
def to_json(m: Any) -> str:
    """toJSON / toJson: encoding/json of a map[string]string; "{}" for nil."""
    if type(m) is V.Map and m.data is None:
        return "{}"
    return marshal_json(m)


@V.go_signature("func(string) interface {}")
def from_json(text: str) -> Any:
    """fromJSON: json.Unmarshal into interface {}; the string "{}" on error."""
    try:
        return unmarshal_json(text)
    except JSONError:
        return "{}"


@V.go_signature("func(interface {}) string")
def struct_to_json(v: Any) -> str:
    """structToJSON: encoding/json of any value; "{}" for nil and on error."""
    if v is None:
        return "{}"
    try:
        return marshal_json(v)
    except JSONError:
        return "{}"


@V.go_signature("func(interface {}) string")
def to_yaml(v: Any) -> str:
    """toYaml: ghodss/yaml Marshal (encoding/json, read back by yaml.v2, written
    by yaml.v2); "" on any error."""
    from . import goyaml  # imported when first needed: it pulls in PyYAML

    try:
        return goyaml.marshal(json_value(v))
    except (JSONError, goyaml.YAMLError):
        return ""


@V.go_signature("func(string, string) string")
def append_multus_network(existing: str, network: str) -> str:
    """appendMultusNetwork (1.8+): add the Istio CNI network to a pod's Multus
    networks annotation, either a JSON list of {"name", "namespace"} objects or
    a comma list of names; unchanged when already present or unparsable."""
    if existing == "":
        return network
    close = existing.rfind("]")
    if close >= 0:
        return _append_to_json_networks(existing, close, network)
    for name in existing.split(","):
        if _trim_space(name) == network:
            return existing
    return existing + ", " + network


def _append_to_json_networks(existing: str, close: int, network: str) -> str:
    try:
        networks = unmarshal_json(existing)
    except JSONError:
        return existing
    # Decoded into []map[string]any: anything else is an unmarshal error.
    if networks is not None and (type(networks) is not list or any(n is not None and type(n) is not dict for n in networks)):
        return existing
    ns, name = "", network
    parts = network.split("/")
    if len(parts) >= 2:
        ns, name = parts[0], parts[1]
    for entry in networks or ():
        entry = entry or {}
        have = entry.get("namespace")
        if _json_equals(entry.get("name"), name) and _json_equals("" if have is None else have, ns):
            return existing
    if ns:
        item = f', {{"name": "{name}", "namespace": "{ns}"}}'
    else:
        item = f', {{"name": "{name}"}}'
    return existing[:close] + item + existing[close:]


def _json_equals(decoded: Any, s: str) -> bool:
    """Go's ``interface{} == string``: a string with the same bytes."""
    return type(decoded) is str and decoded == s


# --- encoding/json: Marshal -------------------------------------------------------------------
#
# Go 1.27 builds encoding/json on encoding/json/v2 with the v1 options
# (DefaultOptionsV1), so this follows v2's code paths where they show: struct
# tags are parsed by v2's rules (the `embed` and `format` options included),
# invalid UTF-8 is written as a raw U+FFFD, map keys may be floats, and
# omitempty/omitzero use v1's legacy definitions.


class JSONError(ValueError):
    """encoding/json could not marshal or unmarshal (the Istio functions swallow it)."""


_ESCAPES_HTML = re.compile('[\x00-\x1f"\\\\<>&\u2028\u2029\ud800-\udfff]')
_ESCAPES = re.compile('[\x00-\x1f"\\\\\u2028\u2029\ud800-\udfff]')
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match) -> str:
    ch = m.group()
    short = _SHORT_ESCAPES.get(ch)
    if short is not None:
        return short
    o = ord(ch)
    if 0xD800 <= o <= 0xDFFF:
        return "\ufffd"  # an invalid UTF-8 byte is replaced, not escaped
    return "\\u%04x" % o


def json_string(s: str, escape_html: bool = True) -> str:
    """encoding/json's string form: quoted; control characters, U+2028/U+2029
    and (with escape_html) <, >, & escaped; invalid UTF-8 as U+FFFD."""
    s = _canonical(s)
    return '"' + (_ESCAPES_HTML if escape_html else _ESCAPES).sub(_escape, s) + '"'


_F32_SMALL = 9.99999997475242707877e-07  # float32(1e-6)
_F32_LARGE = 1.00000002004087734272e21  # float32(1e21)


def _json_float(f: float, bits: int) -> str:
    """jsonwire.AppendFloat: 'f' layout, 'e' outside [1e-6, 1e21), e-09 -> e-9."""
    if math.isnan(f) or math.isinf(f):
        raise JSONError(f"json: unsupported value: {format_float(f, 'g', -1, bits)}")
    a = abs(f)
    small, large = (1e-6, 1e21) if bits == 64 else (_F32_SMALL, _F32_LARGE)
    fmt = "e" if a != 0 and (a < small or a >= large) else "f"
    text = format_float(f, fmt, -1, bits)
    if fmt == "e" and len(text) >= 4 and text[-4] == "e" and text[-3] == "-" and text[-2] == "0":
        text = text[:-2] + text[-1]
    return text


def marshal_json(value: Any, escape_html: bool = True) -> str:
    """encoding/json's Marshal of a gotmpl value; raises JSONError where Go
    errors (funcs, complex numbers, NaN and infinities, map keys that do not
    marshal as strings, struct tags with a `format`)."""
    out: list[str] = []
    try:
        _Marshal(out, escape_html).value(value, False)
    except RecursionError:
        raise JSONError("json: unsupported value: encountered a cycle") from None
    return "".join(out)


_SCALAR_KINDS = frozenset({Kind.BOOL, Kind.STRING}) | V.INT_KINDS | V.UINT_KINDS | V.FLOAT_KINDS


class _Marshal:
    """One Marshal call: the output and the HTML-escaping flag."""

    def __init__(self, out: list[str], html: bool) -> None:
        self.out = out
        self.html = html

    def value(self, v: Any, quoted: bool) -> None:
        """Append v; ``quoted`` is the `string` tag option of the field holding it."""
        out = self.out
        cls = type(v)
        if cls is str:
            out.append(json_string(json_string(v, self.html), False) if quoted else json_string(v, self.html))
        elif cls is bool:
            out.append(('"true"' if v else '"false"') if quoted else ("true" if v else "false"))
        elif cls is int:
            out.append(f'"{v}"' if quoted else str(v))
        elif cls is float:
            text = _json_float(v, 64)
            out.append(f'"{text}"' if quoted else text)
        elif v is None or v is V.MISSING or cls is V.NilInterface:
            out.append("null")
        elif isinstance(v, V.GoError):
            out.append("{}")  # *errors.errorString: a struct without exported fields
        else:
            self.typed(v, V.type_of(v), quoted)

    def typed(self, v: Any, t: V.GoType, quoted: bool) -> None:
        k = t.kind
        if t is TIME:
            self.out.append('"' + _rfc3339_nano(*_time_parts(v)) + '"')  # its MarshalJSON
        elif k in _SCALAR_KINDS:
            if k in V.FLOAT_KINDS:
                text = _json_float(V.unwrap_scalar(v), V.BITS[k])
            elif k == Kind.STRING or k == Kind.BOOL:
                self.value(V.unwrap_scalar(v), quoted)
                return
            else:
                text = str(V.unwrap_scalar(v))
            self.out.append(f'"{text}"' if quoted else text)
        elif k == Kind.PTR:
            if _is_nil_pointer(v):
                self.out.append("null")
            else:  # `string` applies through one pointer, not two
                self.value(_deref(v), quoted and t.elem.kind != Kind.PTR)
        elif k == Kind.SLICE and V.is_nil(v):
            self.out.append("null")
        elif k == Kind.SLICE and t.elem.kind == Kind.UINT8:  # []byte is base64 text; [N]byte an array
            self.out.append('"' + base64.b64encode(_bytes_of(v)).decode("ascii") + '"')
        elif k in (Kind.SLICE, Kind.ARRAY):
            self.list(V.elements(v))
        elif k == Kind.MAP:
            self.map(v, t)
        elif k == Kind.STRUCT:
            self.struct(v, t)
        else:
            raise JSONError(f"json: unsupported type: {t}")

    def list(self, items: list) -> None:
        self.out.append("[")
        for i, x in enumerate(items):
            if i:
                self.out.append(",")
            self.value(x, False)
        self.out.append("]")

    def map(self, v: Any, t: V.GoType) -> None:
        if V.is_nil(v):
            self.out.append("null")
            return
        string_keys = t.key.kind == Kind.STRING
        entries = []
        for key, x in V.map_items(v):
            name = V.unwrap_scalar(key) if string_keys else _map_key_name(key, t.key)
            entries.append((go_bytes(name), name, x))
        entries.sort(key=lambda e: e[0])
        self.out.append("{")
        self.members((name, x) for _, name, x in entries)
        self.out.append("}")

    def members(self, items: Iterable[tuple[str, Any]], first: bool = True) -> None:
        """Object members after an opening brace (``first``: none written yet)."""
        for name, x in items:
            if not first:
                self.out.append(",")
            first = False
            self.out.append(json_string(name, self.html))
            self.out.append(":")
            self.value(x, False)

    def struct(self, v: Any, t: V.GoType) -> None:
        layout = _json_layout(t)
        if layout.format_error:
            raise JSONError(f"json: Go struct field has unsupported `format` tag option ({t})")
        self.out.append("{")
        first = True
        for jf in layout.fields:
            found, x = _field_by_path(v, jf.path)
            if not found:
                continue  # a nil embedded pointer
            if (jf.omit_zero and _is_zero(jf.field.type, x)) or (jf.omit_empty and _is_legacy_empty(jf.field.type, x)):
                continue
            if not first:
                self.out.append(",")
            first = False
            self.out.append(json_string(jf.name, self.html))
            self.out.append(":")
            self.value(x, jf.quoted)
        if layout.fallback is not None:
            found, m = _field_by_path(v, layout.fallback.path)
            while found and type(m) is V.Ptr:
                found, m = (False, None) if m.target is None else (True, _deref(m))
            if found and not V.is_nil(m):
                items = sorted(((V.unwrap_scalar(k), x) for k, x in V.map_items(m)), key=lambda e: go_bytes(e[0]))
                self.members(items, first=first)
        self.out.append("}")


def _map_key_name(key: Any, static: V.GoType) -> str:
    """The JSON object name of a non-string map key: integers and floats as
    their text, through pointers; anything else is an error. An interface key
    holding a float64 or a bool is written as a number/bool token: an error."""
    t = V.type_of(key) if static.kind == Kind.INTERFACE else static
    if static.kind == Kind.INTERFACE and (key is None or type(key) is float or t.kind == Kind.BOOL):
        raise JSONError("json: map key does not marshal as a JSON string")
    while t.kind == Kind.PTR:
        if _is_nil_pointer(key):
            raise JSONError("json: nil map key")
        key, t = _deref(key), t.elem
    k = t.kind
    if k == Kind.STRING:
        return V.unwrap_scalar(key)
    if k in V.INT_KINDS or k in V.UINT_KINDS:
        return str(V.unwrap_scalar(key))
    if k in V.FLOAT_KINDS:
        return _json_float(V.unwrap_scalar(key), V.BITS[k])
    raise JSONError(f"json: unsupported map key type {t}")


def _bytes_of(v: Any) -> bytes:
    if type(v) is bytes:
        return v
    return bytes(V.unwrap_scalar(x) & 0xFF for x in V.elements(v))


def _field_by_path(v: Any, path: tuple[int, ...]) -> tuple[bool, Any]:
    """reflect's FieldByIndex without allocating: (False, None) at a nil pointer."""
    for depth, i in enumerate(path):
        if depth:
            while type(v) is V.Ptr:
                if v.target is None:
                    return False, None
                v = _deref(v)
        f, x = V.struct_fields(v)[i]
        v = V.zero_value(f.type) if x is V.MISSING else x
    return True, v


class _JSONField:
    """A struct field as encoding/json/v2 sees it (its `json` tag parsed)."""

    __slots__ = ("field", "path", "name", "has_name", "omit_empty", "omit_zero", "quoted", "embed", "format")

    def __init__(self, field: V.StructField, struct_tag: str, path: tuple[int, ...]) -> None:
        tag = parse_json_tag(tag_lookup(struct_tag, "json") or "")
        self.field = field
        self.path = path
        self.has_name = tag.name is not None
        self.name = _SURROGATE.sub("\ufffd", _canonical(tag.name)) if tag.name is not None else field.name
        self.omit_empty, self.omit_zero, self.embed, self.format = tag.omitempty, tag.omitzero, tag.embed, tag.format
        ft = field.type.elem if field.type.kind == Kind.PTR else field.type
        self.quoted = tag.string and ft.kind in _SCALAR_KINDS


class _JSONLayout:
    __slots__ = ("fields", "fallback", "format_error")

    def __init__(self, fields: list[_JSONField], fallback: _JSONField | None, format_error: bool) -> None:
        self.fields = fields
        self.fallback = fallback
        self.format_error = format_error


_JSON_LAYOUTS: dict[V.GoType, _JSONLayout] = {}


def _json_layout(t: V.GoType) -> _JSONLayout:
    """v2's makeStructFields: the exported fields (breadth-first through
    `embed`ded structs), the dominant one per JSON name (shallowest, else the
    only tagged one, else none), in depth-first order; plus the embedded map
    whose entries follow them."""
    cached = _JSON_LAYOUTS.get(t)
    if cached is not None:
        return cached
    fields: list[_JSONField] = []
    fallbacks: list[_JSONField] = []
    format_error = False
    queue = [(t, (), True)]
    seen = {t}
    while queue:
        st, path, visit_children = queue.pop(0)
        for i, f in enumerate(st.fields):
            tag = _struct_tag(st, f)
            if tag_lookup(tag, "json") == "-" or not _is_exported(f.name):
                continue
            jf = _JSONField(f, tag, path + (i,))
            if jf.embed and not jf.has_name:
                target = f.type.elem if f.type.kind == Kind.PTR and f.type.name is None else f.type
                if target.kind == Kind.STRUCT:
                    if visit_children:
                        queue.append((target, jf.path, target not in seen))
                    seen.add(target)
                    continue
                if target.kind == Kind.MAP and target.key.kind == Kind.STRING:
                    fallbacks.append(jf)
                    continue
            format_error = format_error or jf.format != ""
            fields.append(jf)
    fields.sort(key=lambda jf: (go_bytes(jf.name), len(jf.path), not jf.has_name))
    kept = []
    for _, group in itertools.groupby(fields, key=lambda jf: jf.name):
        group = list(group)
        if len(group) == 1 or len(group[0].path) != len(group[1].path) or group[0].has_name != group[1].has_name:
            kept.append(group[0])
    kept.sort(key=lambda jf: jf.path)
    fallback = None
    if len(fallbacks) == 1 or (len(fallbacks) > 1 and len(fallbacks[0].path) != len(fallbacks[1].path)):
        fallback = fallbacks[0]
    layout = _JSONLayout(kept, fallback, format_error)
    _JSON_LAYOUTS[t] = layout
    return layout


def _struct_tag(owner: V.GoType, f: V.StructField) -> str:
    """A field's Go struct tag. injector.protos' classes stand for the oracle's
    Go types, whose fields are all tagged `json:"lowerCamel,omitempty"`."""
    if owner in _PROTO_STRUCTS:
        return f'json:"{f.name[0].lower() + f.name[1:]},omitempty"'
    return f.tag


_PROTO_STRUCTS = frozenset(
    V.class_type(c)
    for c in (DurationV1, GogoDuration, DurationPB, BoolValue, Int32Value, UInt32Value, Int64Value, StringValue,
              Tracing, Tracing_Zipkin, Tracing_Lightstep, Tracing_Datadog, ClientTLSSettings)
)  # fmt: skip


def _is_exported(name: str) -> bool:
    """Go's rule: the name starts with an upper-case letter (Lu)."""
    return bool(name) and unicodedata.category(_canonical(name)[0]) == "Lu"


def _is_legacy_empty(t: V.GoType, v: Any) -> bool:
    """omitempty as encoding/json v1 defined it, by the field's static type."""
    k = t.kind
    if k in (Kind.STRING, Kind.ARRAY, Kind.SLICE, Kind.MAP):
        if k == Kind.STRING:
            return V.unwrap_scalar(v) == ""
        if V.is_nil(v):
            return True
        return len(V.map_items(v) if k == Kind.MAP else V.elements(v)) == 0
    if k in (Kind.PTR, Kind.INTERFACE):
        return v is None or v is V.MISSING or type(v) is V.NilInterface or _is_nil_pointer(v)
    if k in V.NUMBER_KINDS or k == Kind.BOOL:
        return not V.unwrap_scalar(v)  # -0.0 counts as empty
    return False


def _is_zero(t: V.GoType, v: Any) -> bool:
    """reflect.Value.IsZero of a value in a slot of static type t (a negative
    zero is zero); time.Time by its IsZero method, as omitzero calls it."""
    if t.kind == Kind.INTERFACE or v is None or v is V.MISSING:
        return v is None or v is V.MISSING or type(v) is V.NilInterface
    if isinstance(v, V.GoError):
        return False
    t = V.type_of(v)
    k = t.kind
    if t is TIME:
        when, nanos = _time_parts(v)
        return nanos == 0 and _same_instant(when, _ZERO_TIME)
    if k in V.NUMBER_KINDS or k in (Kind.BOOL, Kind.STRING):
        return not V.unwrap_scalar(v)
    if k == Kind.PTR and t.elem is TIME and not V.is_nil(v):
        return _is_zero(TIME, _deref(v))  # *time.Time has IsZero too
    if k in (Kind.PTR, Kind.MAP, Kind.SLICE, Kind.FUNC):
        return V.is_nil(v)
    if k == Kind.ARRAY:
        return all(_is_zero(t.elem, x) for x in V.elements(v))
    if k == Kind.STRUCT:
        return all(_is_zero(f.type, x) for f, x in V.struct_fields(v))
    return False


_ZERO_TIME = _dt.datetime(1, 1, 1, tzinfo=_dt.timezone.utc)


def _time_parts(v: Any) -> tuple[_dt.datetime, int]:
    """A time.Time's instant and nanoseconds (gotmpl's zero time.Time is a bare Struct)."""
    if isinstance(v, GoTime):
        return v.when, v.nanos
    return _ZERO_TIME, 0


def _same_instant(a: _dt.datetime, b: _dt.datetime) -> bool:
    try:
        return a == b
    except OverflowError:
        return False


def _rfc3339_nano(when: Any, nanos: int) -> str:
    """time.RFC3339Nano: fractional seconds without trailing zeros, Z for UTC."""
    text = f"{when.year:04d}-{when.month:02d}-{when.day:02d}T{when.hour:02d}:{when.minute:02d}:{when.second:02d}"
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    offset = when.utcoffset()
    minutes = int(offset.total_seconds()) // 60 if offset else 0
    if minutes == 0:
        return text + "Z"
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


# --- encoding/json: Unmarshal into interface {} -------------------------------------------------

_JSON_SPACE = " \t\n\r"
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_JSON_CHUNK = re.compile(r'[^"\\\x00-\x1f]*')
_JSON_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_JSON_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_MAX_DEPTH = 10000  # encoding/json's maxNestingDepth


def unmarshal_json(text: str) -> Any:
    """encoding/json's Unmarshal into ``interface {}``: objects as dicts, arrays
    as lists, numbers as float64; invalid UTF-8 and lone surrogates become
    U+FFFD. Raises JSONError where Go returns an error (syntax, nesting deeper
    than 10000, a number beyond float64)."""
    return _JSONReader(_canonical(text), _float_number).document()


def _float_number(text: str) -> float:
    f = float(text)
    if math.isinf(f):
        raise JSONError(f"json: cannot unmarshal number {text} into Go value of type float64")
    return f


class _JSONReader:
    """An iterative JSON reader (no recursion limit short of Go's depth limit)
    with encoding/json's grammar and string rules; ``number`` converts number
    literals."""

    def __init__(self, text: str, number: Callable[[str], Any]) -> None:
        self.text = text
        self.number = number
        self.pos = 0

    def fail(self, what: str = "invalid character") -> JSONError:
        return JSONError(f"json: {what} at offset {self.pos}")

    def skip_space(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _JSON_SPACE:
            pos += 1
        self.pos = pos

    def document(self) -> Any:
        self.skip_space()
        # Open containers: [container, pending key or None].
        stack: list[list] = []
        while True:
            value, opened = self.value_start(len(stack))
            if opened is not None:
                stack.append(opened)
                continue
            while True:
                self.skip_space()
                if not stack:
                    if self.pos != len(self.text):
                        raise self.fail()
                    return value
                frame = stack[-1]
                container = frame[0]
                if type(container) is list:
                    container.append(value)
                else:
                    container[frame[1]] = value
                ch = self.text[self.pos] if self.pos < len(self.text) else ""
                if ch == ",":
                    self.pos += 1
                    self.skip_space()
                    if type(container) is dict:
                        frame[1] = self.key()
                    break
                if ch == ("]" if type(container) is list else "}"):
                    self.pos += 1
                    stack.pop()
                    value = container
                    continue
                raise self.fail()

    def value_start(self, depth: int) -> tuple[Any, list | None]:
        """A scalar value, or (None, frame) for a container with a first element to read."""
        text, pos = self.text, self.pos
        if pos >= len(text):
            raise self.fail("unexpected end of JSON input")
        ch = text[pos]
        if ch in "[{":
            if depth + 1 > _MAX_DEPTH:
                raise self.fail("exceeded max depth")
            self.pos = pos + 1
            self.skip_space()
            close = "]" if ch == "[" else "}"
            if self.pos < len(text) and text[self.pos] == close:
                self.pos += 1
                return ([] if ch == "[" else {}), None
            if ch == "[":
                return None, [[], None]
            container: dict = {}
            return None, [container, self.key()]
        if ch == '"':
            return self.string(), None
        if ch == "-" or "0" <= ch <= "9":
            m = _JSON_NUMBER.match(text, pos)
            if m is None:
                raise self.fail()
            self.pos = m.end()
            return self.number(m.group()), None
        for word, value in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, pos):
                self.pos = pos + len(word)
                return value, None
        raise self.fail()

    def key(self) -> str:
        start = self.pos
        if start >= len(self.text) or self.text[start] != '"':
            raise self.fail()
        k = self.string()
        self.skip_space()
        if self.pos >= len(self.text) or self.text[self.pos] != ":":
            raise self.fail()
        self.pos += 1
        self.skip_space()
        return k

    def string(self) -> str:
        text = self.text
        i = self.pos + 1
        parts = []
        while True:
            m = _JSON_CHUNK.match(text, i)
            chunk = m.group()
            parts.append(chunk)
            i = m.end()
            if i >= len(text):
                self.pos = i
                raise self.fail("unexpected end of JSON input")
            ch = text[i]
            if ch == '"':
                break
            if ch != "\\":
                self.pos = i
                raise self.fail()
            esc = text[i + 1 : i + 2]
            if esc in _JSON_SIMPLE:
                parts.append(_JSON_SIMPLE[esc])
                i += 2
            elif esc == "u":
                r, i = self.unicode_escape(i)
                parts.append(r)
            else:
                self.pos = i
                raise self.fail("invalid escape")
        self.pos = i + 1
        return _SURROGATE.sub("\ufffd", "".join(parts))

    def unicode_escape(self, i: int) -> tuple[str, int]:
        """\\uXXXX at i: a pair of surrogate escapes joins, a lone surrogate is U+FFFD."""
        r = self.hex4(i)
        i += 6
        if 0xD800 <= r <= 0xDFFF:
            if 0xD800 <= r < 0xDC00 and self.text.startswith("\\u", i):
                r2 = self.hex4(i)
                if 0xDC00 <= r2 <= 0xDFFF:
                    return chr(0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00)), i + 6
            return "\ufffd", i
        return chr(r), i

    def hex4(self, i: int) -> int:
        m = _JSON_HEX4.match(self.text, i + 2)
        if m is None:
            self.pos = i
            raise self.fail("invalid escape")
        return int(m.group(), 16)


# --- the JSON value toYaml hands to ghodss/yaml ----------------------------------------------------


def json_value(value: Any) -> Any:
    """encoding/json's output for a gotmpl value, as JSON-like Python: dicts
    with str keys (in Go's order), lists, str (invalid UTF-8 as U+FFFD), bool,
    None, int for an integer literal and float for any other number. This is
    what ``injector.goyaml.marshal`` takes (it models yaml.v2 re-reading the
    JSON text). Raises JSONError where json.Marshal fails."""
    return _JSONReader(marshal_json(value), _literal_number).document()


def _literal_number(text: str) -> Any:
    return int(text) if _JSON_INT.fullmatch(text) else float(text)


_JSON_INT = re.compile(r"-?[0-9]+")


# --- protoToJSON --------------------------------------------------------------------------------

_DURATION_TYPES = frozenset(V.class_type(c) for c in (DurationV1, GogoDuration, DurationPB))
_WRAPPER_TYPES = frozenset(V.class_type(c) for c in (BoolValue, Int32Value, UInt32Value, Int64Value, StringValue))
_ENUM_NAMES_BY_TYPE = {ENUMS[name]: names for name, names in ENUM_NAMES.items()}
# Quoted like int64 in protobuf JSON; the smaller integer kinds are plain numbers.
_QUOTED_INT_KINDS = frozenset({Kind.INT, Kind.INT64, Kind.UINT, Kind.UINT64, Kind.UINTPTR})


def _proto_to_json_fn(clean: bool) -> Callable[..., Any]:
    """protoToJSON: protobuf JSON of a message (a pointer to a struct), compact,
    HTML-escaped as jsonpb does (1.4-1.13); from 1.6 a ProxyConfig is first
    cleaned of fields equal to DefaultProxyConfig (the oracle uses the
    1.24-1.30 defaults, so 1.6-1.23 output can differ from Istio's)."""

    def proto_to_json(msg: Any) -> str:
        if msg is None:
            return "{}"
        t = V.type_of(msg)
        if t.kind != Kind.PTR or t.elem.kind != Kind.STRUCT:
            raise _wrong_type("proto.Message", msg)
        if _is_nil_pointer(msg):
            return "{}"
        sv = _deref(msg)
        st = V.type_of(sv)
        overrides = _proxy_config_defaults(sv) if clean and _looks_like_proxy_config(st) else {}
        out: list[str] = []
        try:
            _ProtoWriter(out, html=True).value(sv, st, True, overrides)
        except JSONError:
            return "{}"
        return "".join(out)

    return _signed("func(interface {}) (string, error)", proto_to_json)


def _looks_like_proxy_config(t: V.GoType) -> bool:
    return all(t.field(name) is not None for name in ("ConfigPath", "BinaryPath", "DiscoveryAddress", "ProxyAdminPort"))


def _proxy_config_defaults(pc: Any) -> dict[str, Any]:
    """The fields the oracle's cleanProxyConfig clears (to their zero values).
    Its other rules (nil Tracing, Concurrency, ...; empty ProxyMetadata) do not
    change the output: those fields are omitted either way."""
    cleared = {}
    for f, x in V.struct_fields(pc):
        if not _is_exported(f.name):
            continue  # reflect cannot set it
        rule = _PROXY_DEFAULTS.get(f.name)
        if rule is not None and rule(f.type, x):
            cleared[f.name] = V.zero_value(f.type)
    return cleared


def _default_string(s: str) -> Callable[[V.GoType, Any], bool]:
    return lambda t, x: t.kind == Kind.STRING and V.unwrap_scalar(x) == s


def _default_int(n: int) -> Callable[[V.GoType, Any], bool]:
    return lambda t, x: t.kind in V.INT_KINDS and V.unwrap_scalar(x) == n


def _default_duration(seconds: int) -> Callable[[V.GoType, Any], bool]:
    def check(t: V.GoType, x: Any) -> bool:
        if t.kind != Kind.PTR or t.elem not in _DURATION_TYPES or _is_nil_pointer(x):
            return False
        d = x.target
        return d.Seconds == seconds and d.Nanos == 0

    return check


def _default_cluster_name(t: V.GoType, x: Any) -> bool:
    """ClusterName (a oneof) holding ServiceCluster "istio-proxy"."""
    while type(x) is V.Ptr and x.target is not None:
        x = _deref(x)
    if x is None or _is_nil_pointer(x) or isinstance(x, V.GoError) or V.type_of(x).kind != Kind.STRUCT:
        return False
    found = _field(x, "ServiceCluster")
    return found is not None and found[0].type.kind == Kind.STRING and V.unwrap_scalar(found[1]) == "istio-proxy"


_PROXY_DEFAULTS: dict[str, Callable[[V.GoType, Any], bool]] = {
    "ConfigPath": _default_string("./etc/istio/proxy"),
    "BinaryPath": _default_string("/usr/local/bin/envoy"),
    "ControlPlaneAuthPolicy": _default_int(1),
    "ServiceCluster": _default_string("istio-proxy"),
    "ClusterName": _default_cluster_name,
    "DrainDuration": _default_duration(45),
    "TerminationDrainDuration": _default_duration(5),
    "DiscoveryAddress": _default_string("istiod.istio-system.svc:15012"),
    "ProxyAdminPort": _default_int(15000),
    "StatNameLength": _default_int(189),
    "StatusPort": _default_int(15020),
}


def _proto_json_name(f: V.StructField) -> str:
    """The JSON name: json= (else name=) of a ``protobuf`` tag, else the Go name
    with its first byte lower-cased (as the oracle does, byte-wise)."""
    tag = tag_lookup(f.tag, "protobuf") or ""
    parts = tag.split(",")
    for prefix in ("json=", "name="):
        for part in parts:
            if part.startswith(prefix):
                return part[len(prefix) :]
    raw = go_bytes(f.name)
    head = raw[:1]
    head = head.lower() if head.isascii() else "\ufffd".encode()  # ToLower of a lone lead byte
    return from_go_bytes(head + raw[1:])


class _ProtoWriter:
    """The oracle's pjWriter: jsonpb-like output of the oracle's Go structs.

    ``addr`` tracks reflect's addressability, which decides whether a [N]byte
    array can be read as bytes (reflect panics otherwise, and text/template
    reports the panic as the function's error).
    """

    def __init__(self, out: list[str], html: bool) -> None:
        self.out = out
        self.html = html

    def str(self, s: str) -> None:
        self.out.append(json_string(s, self.html))

    def value(self, v: Any, static: V.GoType, addr: bool, overrides: Mapping[str, Any] | None = None) -> None:
        if static.kind == Kind.INTERFACE:
            addr = False  # what an interface holds is not addressable
        while True:
            if v is None or v is V.MISSING or type(v) is V.NilInterface or _is_nil_pointer(v):
                self.out.append("null")
                return
            if type(v) is V.Ptr or isinstance(v, V.GoError):
                v, addr = _deref(v), True
                continue
            break
        t = V.type_of(v)
        k = t.kind
        names = _ENUM_NAMES_BY_TYPE.get(t)
        if names is not None:
            n = _int32(V.unwrap_scalar(v))
            if n in names:
                self.str(names[n])
            else:
                self.out.append(str(V.unwrap_scalar(v)))
        elif t in _DURATION_TYPES:
            self.str(_proto_duration_text(v.Seconds, v.Nanos))
        elif t in _WRAPPER_TYPES:
            f, x = V.struct_fields(v)[0]
            self.value(x, f.type, addr)
        elif t is TIME:
            when, nanos = _time_parts(v)
            self.str(_rfc3339_nano(when.astimezone(_dt.timezone.utc), nanos))
        elif k == Kind.STRUCT:
            self.message(v, addr, overrides or {})
        elif k == Kind.BOOL:
            self.out.append("true" if V.unwrap_scalar(v) else "false")
        elif k == Kind.STRING:
            self.str(V.unwrap_scalar(v))
        elif k in V.INT_KINDS or k in V.UINT_KINDS:
            text = str(V.unwrap_scalar(v))
            if k in _QUOTED_INT_KINDS:
                self.str(text)
            else:
                self.out.append(text)
        elif k in V.FLOAT_KINDS:
            self.float(V.unwrap_scalar(v), V.BITS[k])
        elif k in (Kind.SLICE, Kind.ARRAY):
            self.list(v, t, addr)
        elif k == Kind.MAP:
            self.map(v, t)
        else:
            raise JSONError(f"unsupported kind {k}")

    def float(self, f: float, bits: int) -> None:
        if math.isnan(f):
            self.str("NaN")
        elif math.isinf(f):
            self.str("Infinity" if f > 0 else "-Infinity")
        else:
            self.out.append(format_float(f, "g", -1, bits))

    def list(self, v: Any, t: V.GoType, addr: bool) -> None:
        if t.elem.kind == Kind.UINT8 or type(v) is bytes:
            if t.kind == Kind.ARRAY and not addr:
                raise _Err("reflect.Value.Bytes of unaddressable byte array")
            self.str(base64.b64encode(_bytes_of(v)).decode("ascii"))
            return
        elem_addr = t.kind == Kind.SLICE or addr  # slice elements are always addressable
        self.out.append("[")
        for i, x in enumerate(V.elements(v)):
            if i:
                self.out.append(",")
            self.value(x, t.elem, elem_addr)
        self.out.append("]")

    def map(self, v: Any, t: V.GoType) -> None:
        entries = sorted(((sprint(key), x) for key, x in V.map_items(v)), key=lambda e: go_bytes(e[0]))
        self.out.append("{")
        for i, (key, x) in enumerate(entries):
            if i:
                self.out.append(",")
            self.str(key)
            self.out.append(":")
            self.value(x, t.elem, False)  # map values are not addressable
        self.out.append("}")

    def message(self, v: Any, addr: bool, overrides: Mapping[str, Any]) -> None:
        self.out.append("{")
        first = True
        for f, x in V.struct_fields(v):
            if x is V.MISSING:
                x = V.zero_value(f.type)
            x = overrides.get(f.name, x)
            if not _is_exported(f.name) or f.name.startswith("XXX_") or _proto_is_zero(f.type, x):
                continue
            for name, static, value, value_addr in self.members(f, x, addr):
                if not first:
                    self.out.append(",")
                first = False
                self.str(name)
                self.out.append(":")
                self.value(value, static, value_addr)
        self.out.append("}")

    def members(self, f: V.StructField, x: Any, addr: bool) -> list[tuple[str, V.GoType, Any, bool]]:
        """What a field contributes: itself, or for an interface (oneof) field
        holding a message, every exported field of that message."""
        if f.type.kind == Kind.INTERFACE:
            inner, inner_addr = x, False
            while (type(inner) is V.Ptr and inner.target is not None) or isinstance(inner, V.GoError):
                inner, inner_addr = _deref(inner), True
            it = V.type_of(inner) if inner is not None else None
            if (
                it is not None
                and type(inner) is not V.Ptr
                and it.kind == Kind.STRUCT
                and it not in _DURATION_TYPES
                and it not in _WRAPPER_TYPES
            ):
                return [
                    (_proto_json_name(g), g.type, V.zero_value(g.type) if y is V.MISSING else y, inner_addr)
                    for g, y in V.struct_fields(inner)
                    if _is_exported(g.name)
                ]
        return [(_proto_json_name(f), f.type, x, addr)]


def _proto_is_zero(t: V.GoType, v: Any) -> bool:
    """The oracle's protoIsZero: nil, empty, or the zero scalar; structs and
    arrays never are."""
    k = t.kind
    if k == Kind.INTERFACE:  # a nil interface only: one holding a nil pointer is set
        return v is None or type(v) is V.NilInterface
    if k == Kind.PTR:
        return _is_nil_pointer(v)
    if k == Kind.SLICE:
        return len(V.elements(v)) == 0 if type(v) is not V.Slice else not v.items
    if k == Kind.MAP:
        return (type(v) is V.Map and v.data is None) or len(V.map_items(v)) == 0
    if k in (Kind.STRUCT, Kind.ARRAY):
        return False
    return _is_zero(t, v)


def _proto_duration_text(seconds: int, nanos: int) -> str:
    """A Duration as protobuf JSON: "-1.500s" (the oracle's layout, int64 wrap-around included)."""
    sign = ""
    if seconds < 0 or nanos < 0:
        sign, seconds, nanos = "-", _int64(-seconds), -nanos
    text = sign + str(seconds)
    if nanos != 0:
        frac = f"{nanos:09d}"
        for _ in range(2):
            if frac.endswith("000"):
                frac = frac[:-3]
        text += "." + frac
    return text + "s"


def _int64(n: int) -> int:
    n &= (1 << 64) - 1
    return n - (1 << 64) if n >= 1 << 63 else n



# --- the oracle's "istio@X.Y[.Z]" function sets for gotmpl.batch ---------------------------------


def _batch_func_set(spec: str) -> dict[str, Callable[..., Any]] | None:
    """``istio@X.Y[.Z]`` as the oracle names Istio's sets (X.Y: its last patch)."""
    from .versions import VersionError, parse_version

    if not spec.startswith("istio@"):
        return None
    try:
        version = parse_version(spec[len("istio@") :])
    except VersionError:
        return None
    if not FIRST_VERSION <= version <= LAST_VERSION:
        return None
    return istio_funcs(version)


def _register_batch_sets() -> None:
    from gotmpl import batch

    if _batch_func_set not in batch.FUNC_SET_PROVIDERS:
        batch.FUNC_SET_PROVIDERS.append(_batch_func_set)


_register_batch_sets()

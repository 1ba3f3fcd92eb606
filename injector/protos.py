"""Istio's protobuf types as its injector templates see them.

Templates print and compare fields of Istio's mesh configuration: durations
(three generations of protobuf Duration, each printing differently), enums
(printing their names), wrapper messages (BoolValue, Int32Value, ...) and the
tracing oneof with its nil-safe getters. These classes reproduce what Go's
text/template sees of them: the Go fields, the methods (on the pointer receiver,
as generated code has them) and ``String()``.

Go type names: the Go oracle's copies of these types are ``main.Duration``,
``main.AuthenticationPolicy``, ...; ours print the same names, so differential
tests compare byte for byte. (Istio's binaries name them ``duration.Duration``,
``types.Duration``, ``v1alpha1.AuthenticationPolicy``; only ``%T`` and type
errors would show the difference.)
"""

from __future__ import annotations

import dataclasses
from typing import Any

from gotmpl import values as V
from gotmpl.gotime import format_duration, parse_duration

__all__ = [
    "DurationV1",
    "GogoDuration",
    "DurationPB",
    "BoolValue",
    "Int32Value",
    "UInt32Value",
    "Int64Value",
    "StringValue",
    "ENUMS",
    "enum_type",
    "Tracing",
    "register_oracle_types",
]

MAX_PROTO_SECONDS = 315576000000


def proto_to_go_duration(secs: int, nanos: int) -> tuple[int, str]:
    """golang/protobuf's ptypes.Duration: (nanoseconds, "" or the reason it is invalid)."""
    if secs < -MAX_PROTO_SECONDS or secs > MAX_PROTO_SECONDS:
        return 0, "seconds out of range"
    if nanos <= -1_000_000_000 or nanos >= 1_000_000_000:
        return 0, "nanos out of range"
    if (secs < 0 < nanos) or (secs > 0 > nanos):
        return 0, "seconds and nanos have different signs"
    d = secs * 1_000_000_000
    if not -(1 << 63) <= d < (1 << 63):
        return 0, "is out of range for time.Duration"
    d += nanos
    if not -(1 << 63) <= d < (1 << 63):
        return 0, "is out of range for time.Duration"
    return d, ""


class _Duration:
    Seconds: V.Int64
    Nanos: V.Int32

    def __init__(self, Seconds: int = 0, Nanos: int = 0) -> None:  # noqa: N803 - Go field names
        self.Seconds = Seconds
        self.Nanos = Nanos

    @classmethod
    def from_go(cls, ns: int) -> "_Duration":
        secs = int(ns / 1_000_000_000)
        return cls(secs, ns - secs * 1_000_000_000)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and (self.Seconds, self.Nanos) == (other.Seconds, other.Nanos)

    def __hash__(self) -> int:
        return hash((self.Seconds, self.Nanos))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.Seconds}, {self.Nanos})"

    @V.pointer_receiver
    @V.go_signature("func() int64")
    def GetSeconds(self) -> int:
        return self.Seconds if self is not None else 0

    @V.pointer_receiver
    @V.go_signature("func() int32")
    def GetNanos(self) -> int:
        return self.Nanos if self is not None else 0


class DurationV1(_Duration):
    """golang/protobuf's Duration (Istio 0.5-1.0): prints its compact text form."""

    __go_type__ = "main.Duration"

    @V.pointer_receiver
    @V.go_signature("func() string")
    def String(self) -> str:
        text = ""
        if self.Seconds:
            text += f"seconds:{self.Seconds} "
        if self.Nanos:
            text += f"nanos:{self.Nanos} "
        return text


class GogoDuration(_Duration):
    """gogo/protobuf's types.Duration (Istio 1.1-1.13): prints as a Go duration."""

    __go_type__ = "main.GogoDuration"

    @V.pointer_receiver
    @V.go_signature("func() string")
    def String(self) -> str:
        if self is None:  # gogo's DurationFromProto(nil) error, in parentheses
            return "(duration: nil Duration)"
        d, err = proto_to_go_duration(self.Seconds, self.Nanos)
        if err:
            sep = " " if err.startswith("is ") else ": "
            go_string = f"&types.Duration{{Seconds: {self.Seconds},\nNanos: {self.Nanos},\n}}"
            return f"(duration: {go_string}{sep}{err})"
        return format_duration(d)


class DurationPB(_Duration):
    """google.golang.org/protobuf's durationpb (Istio 1.14+)."""

    __go_type__ = "main.DurationPB"

    @V.pointer_receiver
    @V.go_signature("func() string")
    def String(self) -> str:
        parts = []
        if self.Seconds:
            parts.append(f"seconds:{self.Seconds}")
        if self.Nanos:
            parts.append(f"nanos:{self.Nanos}")
        return " ".join(parts)

    @V.pointer_receiver
    @V.go_signature("func() time.Duration")
    def AsDuration(self) -> Any:
        from gotmpl.gotime import DURATION

        secs, nanos = (self.Seconds, self.Nanos) if self is not None else (0, 0)
        t = secs * 1_000_000_000 + nanos
        if not -(1 << 63) <= t < (1 << 63):
            t = -(1 << 63) if secs < 0 else (1 << 63) - 1
        return V.Typed(DURATION, t)


# --- wrappers ----------------------------------------------------------------------------------


def _wrapper(name: str, value_type: Any, zero: Any, text: Any) -> type:
    def String(self: Any) -> str:  # noqa: N802 - Go method name
        if self is None:
            return "<nil>"
        if self.Value == zero:
            return ""
        return "value:" + text(self.Value)

    def GetValue(self: Any) -> Any:  # noqa: N802
        return self.Value if self is not None else zero

    String = V.pointer_receiver(V.go_signature("func() string")(String))
    GetValue = V.pointer_receiver(GetValue)
    cls = dataclasses.make_dataclass(
        name,
        [("Value", value_type, dataclasses.field(default=zero))],
        namespace={"String": String, "GetValue": GetValue, "__go_type__": "main." + name},
    )
    return cls


def _quote(s: str) -> str:
    from gotmpl.strconv import quote

    return quote(s)


BoolValue = _wrapper("BoolValue", bool, False, lambda v: "true")
Int32Value = _wrapper("Int32Value", V.Int32, 0, str)
UInt32Value = _wrapper("UInt32Value", V.Uint32, 0, str)
Int64Value = _wrapper("Int64Value", V.Int64, 0, str)
StringValue = _wrapper("StringValue", str, "", _quote)
for _cls, _sig in ((BoolValue, "bool"), (Int32Value, "int32"), (UInt32Value, "uint32"), (Int64Value, "int64"), (StringValue, "string")):
    _cls.GetValue.__go_signature__ = V.parse_type(f"func() {_sig}")


# --- enums ------------------------------------------------------------------------------------------

ENUM_NAMES: dict[str, dict[int, str]] = {
    "AuthenticationPolicy": {0: "NONE", 1: "MUTUAL_TLS", 1000: "INHERIT"},
    "MeshConfig_AuthPolicy": {0: "NONE", 1: "MUTUAL_TLS"},
    "ProxyConfig_InboundInterceptionMode": {0: "REDIRECT", 1: "TPROXY", 2: "NONE"},
    "MeshConfig_OutboundTrafficPolicy_Mode": {0: "REGISTRY_ONLY", 1: "ALLOW_ANY", 3: "ALLOW_ANY_DYNAMIC_DNS"},
    "MeshConfig_InboundTrafficPolicy_Mode": {0: "PASSTHROUGH", 1: "LOCALHOST"},
    "MeshConfig_ExtensionProvider_ServiceAttributeEnrichment": {0: "ISTIO_CANONICAL", 1: "OTEL_SEMANTIC_CONVENTIONS"},
}


def enum_type(name: str) -> V.GoType:
    """A protobuf enum: a named int32 printing its value's NAME (unknown numbers as digits)."""
    names = ENUM_NAMES[name]

    def string(v: Any) -> str:
        n = V.unwrap_scalar(v)
        return names.get(n, str(n))

    return V.named("main." + name, V.INT32, {"String": V.Method("String", V.func_of([], [V.STRING]), string)})


ENUMS = {name: enum_type(name) for name in ENUM_NAMES}


def enum_value(name: str, value: int | str) -> V.Typed:
    """An enum value from its number or NAME."""
    if isinstance(value, str):
        for n, text in ENUM_NAMES[name].items():
            if text == value:
                return V.Typed(ENUMS[name], n)
        raise ValueError(f"unknown main.{name} name {value!r}")
    return V.Typed(ENUMS[name], value)


# --- tracing ------------------------------------------------------------------------------------------


def _nil_safe(attr: str, result: str | type) -> Any:
    """A generated getter: nil-safe, on the pointer receiver."""
    zero = None if isinstance(result, type) else {"string": "", "bool": False}[result]

    def getter(self: Any) -> Any:
        return zero if self is None else getattr(self, attr)

    getter.__go_signature__ = V.func_of(
        [], [V.ptr_to(V.class_type(result)) if isinstance(result, type) else V.parse_type(result)]
    )
    return V.pointer_receiver(getter)


@dataclasses.dataclass
class Tracing_Zipkin:  # noqa: N801 - Go's generated name
    __go_type__ = "main.Tracing_Zipkin"
    Address: str = ""
    GetAddress = _nil_safe("Address", "string")


@dataclasses.dataclass
class Tracing_Datadog:  # noqa: N801
    __go_type__ = "main.Tracing_Datadog"
    Address: str = ""
    GetAddress = _nil_safe("Address", "string")


@dataclasses.dataclass
class Tracing_Lightstep:  # noqa: N801
    __go_type__ = "main.Tracing_Lightstep"
    Address: str = ""
    AccessToken: str = ""
    Secure: bool = False
    CacertPath: str = ""
    GetAddress = _nil_safe("Address", "string")
    GetAccessToken = _nil_safe("AccessToken", "string")
    GetSecure = _nil_safe("Secure", "bool")
    GetCacertPath = _nil_safe("CacertPath", "string")


@dataclasses.dataclass
class ClientTLSSettings:
    __go_type__ = "main.ClientTLSSettings"
    CaCertificates: str = ""
    GetCaCertificates = _nil_safe("CaCertificates", "string")


@dataclasses.dataclass
class Tracing:
    __go_type__ = "main.Tracing"
    Zipkin: Tracing_Zipkin | None = None
    Lightstep: Tracing_Lightstep | None = None
    Datadog: Tracing_Datadog | None = None
    TlsSettings: ClientTLSSettings | None = None
    Sampling: float = 0.0


Tracing.GetZipkin = _nil_safe("Zipkin", Tracing_Zipkin)
Tracing.GetLightstep = _nil_safe("Lightstep", Tracing_Lightstep)
Tracing.GetDatadog = _nil_safe("Datadog", Tracing_Datadog)
Tracing.GetTlsSettings = _nil_safe("TlsSettings", ClientTLSSettings)


# --- the oracle's typed encoding -------------------------------------------------------------------


def _decode_struct(cls: type, j: Any, path: str, special: Any = None) -> Any:
    if special is not None:
        done, value = special(j, path)
        if done:
            return value
    if type(j) is not dict:
        raise ValueError(f"{path}: cannot decode {j!r} as {V.class_type(cls)}")
    t = V.class_type(cls)
    kwargs = {}
    for name, x in j.items():
        f = t.field(name)
        if f is None:
            raise ValueError(f"{path}: unknown field {name} in {t}")
        kwargs[name] = _raw(V.decode_as(x, f.type, f"{path}.{name}"))
    return cls(**kwargs)


def _raw(v: Any) -> Any:
    """Python attribute values: scalars unwrapped, pointers to objects as the object."""
    if type(v) is V.Typed and v.type.name is None:
        return v.value
    if type(v) is V.Ptr:
        return v.target
    return v


def _duration_shortcut(cls: type) -> Any:
    def special(j: Any, path: str) -> tuple[bool, Any]:
        if type(j) is str:
            try:
                return True, cls.from_go(parse_duration(j))
            except ValueError as e:
                raise ValueError(f"{path}: {e}") from None
        return False, None

    return special


def _wrapper_shortcut(cls: type) -> Any:
    def special(j: Any, path: str) -> tuple[bool, Any]:
        if type(j) is dict or j is None:
            return False, None
        f = V.class_type(cls).field("Value")
        return True, cls(_raw(V.decode_as(j, f.type, path + ".Value")))

    return special


def register_oracle_types() -> None:
    """Let gotmpl.values.from_typed_json decode the oracle's ``oracle.*`` Istio types."""
    for cls in (DurationV1, GogoDuration, DurationPB):
        name = "oracle." + cls.__go_type__.split(".", 1)[1]
        V.register_named_type(name, V.class_type(cls), lambda j, p, c=cls: _decode_struct(c, j, p, _duration_shortcut(c)))
    for cls in (BoolValue, Int32Value, UInt32Value, Int64Value, StringValue):
        name = "oracle." + cls.__name__
        V.register_named_type(name, V.class_type(cls), lambda j, p, c=cls: _decode_struct(c, j, p, _wrapper_shortcut(c)))
    for name in ENUM_NAMES:

        def decode(j: Any, path: str, n: str = name) -> Any:
            if type(j) is str:
                try:
                    int(j, 10)
                except ValueError:
                    try:
                        return enum_value(n, j)
                    except ValueError as e:
                        raise ValueError(f"{path}: {e}") from None
            return V.Typed(ENUMS[n], V.unwrap_scalar(V.decode_as(j, V.INT32, path)))

        V.register_named_type("oracle." + name, ENUMS[name], decode)
    for cls in (Tracing, Tracing_Zipkin, Tracing_Datadog, Tracing_Lightstep, ClientTLSSettings):
        V.register_named_type("oracle." + cls.__name__, V.class_type(cls), lambda j, p, c=cls: _decode_struct(c, j, p))

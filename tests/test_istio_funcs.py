"""Istio's injector template functions (injector.funcs) against the Go oracle.

Every request runs twice: through the oracle's ``istio@X.Y[.Z]`` function set
(../shared/oracle/istio.go) and through gotmpl with ``istio_funcs(version)``;
output, error text and phase must be identical. Hand-picked cases cover each
function at the releases where it appears or changes (and the release before,
where calling it is a parse error), with valid and invalid arguments; Hypothesis
generates arguments per group of functions.

For 1.8 the oracle's set includes sprig underneath Istio's functions, ours does
not (sprig is attached by the caller), so the 1.8 cases call Istio's functions only.
"""

from __future__ import annotations

import base64
import collections
import importlib.util
import io
import json
from typing import Any, Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gofuncs  # noqa: F401 - registers oracle.T for the typed data
from conftest import hypothesis_examples
from gotmpl import values as V
from gotmpl.funcs import SPRIG_FUNC_NAMES, istio_func_names, parse_istio_version
from gotmpl.runtime import ExecError
from gotmpl.template import ParseError, Template
from injector.funcs import istio_funcs
from injector.protos import register_oracle_types

register_oracle_types()

HAVE_GOYAML = importlib.util.find_spec("injector.goyaml") is not None
NO_GOYAML = "injector.goyaml not available yet"
EXAMPLES = hypothesis_examples(300)

# Requests checked per function (reported by test_zz_counts with -s).
CHECKED: collections.Counter = collections.Counter()


# --- running both sides -------------------------------------------------------------------------


def typed(t: str, v: Any) -> dict:
    return {"t": t, "v": v}


def req(version: str, template: str, data: Any = None, **extra: Any) -> dict:
    r = {"template": template, "funcs": [f"istio@{version}"]}
    if data is not None:
        r["data"] = data
    r.update(extra)
    return r


def ours(r: dict) -> dict:
    """The oracle's response, computed by gotmpl with injector.funcs."""
    version = parse_istio_version(r["funcs"][0])
    data = V.from_typed_json(r.get("data"))
    funcs = istio_funcs(version, env=r.get("istio_env"), render_data=lambda: data)
    out = io.StringIO()
    try:
        t = Template(r.get("name", "t"))
        if r.get("delims"):
            t.delims(*r["delims"])
        t.funcs(funcs).parse(r["template"])
        t.execute(out, data)
    except ParseError as e:
        return {"output": "", "error": str(e), "phase": "parse"}
    except ExecError as e:
        return {"output": out.getvalue(), "error": str(e), "phase": "exec"}
    return {"output": out.getvalue(), "error": None, "phase": None}


def _output_bytes(resp: dict) -> bytes:
    if "output_b64" in resp:
        return base64.b64decode(resp["output_b64"])
    return resp["output"].encode("utf-8", "surrogateescape")


def check(oracle, requests: Iterable[dict], label: str = "") -> None:
    requests = list(requests)
    wants = oracle.run_many(requests)
    bad = []
    for r, want in zip(requests, wants):
        assert want["phase"] != "request", (r, want)
        got = ours(r)
        if (got["error"], got["phase"]) != (want["error"], want["phase"]) or _output_bytes(got) != _output_bytes(want):
            bad.append((r, got, want))
    CHECKED[label] += len(requests)
    assert not bad, "\n\n".join(f"{r}\n ours: {g}\n   go: {w}" for r, g, w in bad[:5]) + f"\n({len(bad)} differ)"


# --- the function sets --------------------------------------------------------------------------

VERSIONS = [(0, 5, 0), (0, 6, 0), (0, 7, 1), (0, 8, 0), (1, 0, 0), (1, 0, 2), (1, 0, 3), (1, 1, 0), (1, 2, 0),
            (1, 3, 0), (1, 4, 0), (1, 5, 0), (1, 6, 0), (1, 7, 0), (1, 8, 0), (1, 8, 99)]  # fmt: skip


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: ".".join(map(str, v)))
def test_names_match_istio(version) -> None:
    names = set(istio_funcs(version))
    want = istio_func_names(version)
    if version >= (1, 8, 0):
        # Istio's own functions; sprig's are merged underneath by the caller.
        assert names <= want and names | SPRIG_FUNC_NAMES == want
    else:
        assert names == want


def test_base_funcs_are_underneath() -> None:
    def fake_indent(*args: Any) -> str:
        return "sprig"

    def fake_upper(s: str) -> str:
        return s.upper()

    funcs = istio_funcs((1, 8, 0), base_funcs={"indent": fake_indent, "upper": fake_upper})
    assert funcs["upper"] is fake_upper and funcs["indent"] is not fake_indent
    # render's nested template sees the base functions too.
    out = Template("t").funcs(funcs).parse('{{render "{{upper `x`}}"}}').render(None)
    assert out == "X"


@pytest.mark.parametrize("version", [(0, 4, 9), (1, 9, 0), (2, 0, 0), (1, 8), (-1, 0, 0)])
def test_unsupported_versions(version) -> None:
    with pytest.raises(ValueError):
        istio_funcs(version)


def test_invalid_utf8_like_go() -> None:
    """Go strings that are not UTF-8 cannot reach the oracle (its requests are
    JSON); expected values from Go 1.27's sources: jsonwire.AppendQuote writes a
    raw U+FFFD per invalid byte, the JSON decoder replaces them too,
    strings.Contains compares bytes, strings.ToLower maps invalid bytes to U+FFFD."""
    funcs = istio_funcs((1, 8, 0))
    m = V.Map(V.parse_type("map[string]string"), {"k\udcff": "\udcc3<"})
    assert funcs["toJSON"](m) == '{"k\ufffd":"\ufffd\\u003c"}'
    assert funcs["fromJSON"]('["\udcff\udcc3\udca9"]') == ["\ufffdé"]
    assert funcs["contains"]("\udcc3", "é") is True
    assert funcs["toLower"]("\udcffÀ\udcc3\udca9") == "\ufffdàé"
    assert funcs["directory"]("\udcff/x") == "\udcff/"


def test_env_reads_os_environ(monkeypatch) -> None:
    monkeypatch.setenv("INJECTOR_FUNCS_TEST", "from-os")
    t = Template("t").funcs(istio_funcs((1, 5, 0))).parse('{{env "INJECTOR_FUNCS_TEST" "d"}}|{{env "INJECTOR_FUNCS_NOPE" "d"}}')
    assert t.render(None) == "from-os|d"


# --- hand-picked cases, per function --------------------------------------------------------------

# Containers and pods as the oracle's struct type expressions (istio-data.md).
PORT = "struct{Name string; ContainerPort int32; Protocol string}"
CONTAINER = f"struct{{Name string; Image string; Ports []{PORT}}}"
OBJECT_META = "struct{Name string; Namespace string; Labels map[string]string; Annotations map[string]string}"

DURATION_PAYLOADS = [
    None, {}, "0s", "1.5s", "-2.25s", "500ms", "1h30m", "1µs", {"Seconds": 90}, {"Seconds": 3600},
    {"Seconds": 45}, {"Seconds": -1, "Nanos": -500000000}, {"Seconds": 1, "Nanos": -1}, {"Seconds": -1, "Nanos": 1},
    {"Nanos": 999999999}, {"Nanos": 1000000000}, {"Nanos": -1000000000}, {"Nanos": 1}, {"Nanos": 1500},
    {"Seconds": 315576000000}, {"Seconds": 315576000001}, {"Seconds": -315576000001},
    {"Seconds": 9223372036, "Nanos": 854775807}, {"Seconds": 9223372036, "Nanos": 854775808},
    {"Seconds": -9223372036, "Nanos": -854775808}, {"Seconds": -9223372036, "Nanos": -854775809},
    {"Seconds": "9223372036854775807"}, {"Seconds": "-9223372036854775808"}, {"Seconds": 31536000},
]  # fmt: skip


def cases_format_duration() -> list[dict]:
    out = []
    for version, dtype in (("0.6", "Duration"), ("0.7.1", "Duration"), ("1.0", "Duration"), ("1.1", "GogoDuration"), ("1.8", "GogoDuration")):
        for payload in DURATION_PAYLOADS:
            out.append(req(version, "{{formatDuration .}}", typed(f"*oracle.{dtype}", payload)))
            out.append(req(version, "{{formatDuration .D}}", typed(f"*struct{{D *oracle.{dtype}}}", {"D": payload})))
        other = "GogoDuration" if dtype == "Duration" else "Duration"
        out += [
            req(version, "{{formatDuration .}}", typed(f"*oracle.{other}", "1s")),
            req(version, "{{formatDuration .}}", typed("*oracle.DurationPB", "1s")),
            req(version, "{{formatDuration .}}", "1s"),
            req(version, "{{formatDuration nil}}"),
            req(version, "{{formatDuration}}"),
            req(version, "{{formatDuration 1}}"),
            req(version, "{{formatDuration .X}}", {"Y": 1}),
            req(version, "{{. | formatDuration}}", typed(f"*oracle.{dtype}", "3s")),
            req(version, "{{formatDuration .D}}", typed(f"struct{{D oracle.{dtype}}}", {"D": "2s"})),
            req(version, "{{formatDuration .}}", typed(f"oracle.{dtype}", "2s")),
        ]
    out.append(req("0.5", "{{formatDuration .}}", typed("*oracle.Duration", "1s")))
    return out


def cases_isset() -> list[dict]:
    out = [req("0.7.1", '{{isset .M "a"}}', typed("map[string]map[string]string", {"M": {}}))]
    for version in ("0.8", "1.0.3", "1.8"):
        for m in ({"a": ""}, {"b": "x"}, {}, None, {"a": "1", "b": "2"}):
            out.append(req(version, '{{isset .M "a"}}', typed("struct{M map[string]string}", {"M": m})))
        out += [
            req(version, '{{isset .M "a"}}', {"M": {"a": "x"}}),
            req(version, '{{isset .ObjectMeta.Annotations "x"}}', typed(f"*struct{{ObjectMeta *{OBJECT_META}}}", {"ObjectMeta": {"Annotations": {"x": "1"}}})),
            req(version, '{{isset nil "a"}}'),
            req(version, "{{isset .M 1}}", typed("struct{M map[string]string}", {"M": {}})),
            req(version, "{{isset .M .K}}", typed("struct{M map[string]string; K int}", {"M": {}, "K": 1})),
            req(version, "{{isset .M}}", typed("struct{M map[string]string}", {"M": {}})),
            req(version, '{{isset .Missing "a"}}', {"x": 1}),
            req(version, '{{isset . "a"}}', typed("map[string]int", {"a": 1})),
            req(version, '{{isset . ""}}', typed("map[string]string", {"": "x"})),
        ]
    return out


def _containers(*specs: tuple) -> list[dict]:
    return [{"Name": name, "Ports": [{"ContainerPort": p, "Protocol": proto} for p, proto in ports]} for name, ports in specs]


PODS = [
    _containers(("app", [(80, "TCP"), (53, "UDP"), (9000, "SCTP"), (8080, "")]), ("istio-proxy", [(15090, "TCP")])),
    _containers(("a", []), ("b", [(1, "udp"), (2, "UDP ")]), ("istio-proxy", [])),
    _containers(("istio-proxy", [(15001, "")]), ("x", [(7, "TCP"), (7, "TCP")])),
    _containers(),
    None,
]


def cases_ports() -> list[dict]:
    out = []
    for name, versions in (("includeInboundPorts", ("0.7.1", "0.8", "1.0", "1.3", "1.4", "1.8")), ("applicationPorts", ("1.0.2", "1.0.3", "1.3", "1.4", "1.8"))):
        call = "{{" + name + " %s}}"
        for version in versions:
            for pod in PODS:
                out.append(req(version, call % ".", typed(f"[]{CONTAINER}", pod)))
                out.append(req(version, call % ".Spec.Containers", typed(f"*struct{{Spec *struct{{Containers []{CONTAINER}}}}}", {"Spec": {"Containers": pod}})))
            weird = [
                typed(f"*[]{CONTAINER}", None),
                typed(f"*[]{CONTAINER}", _containers(("a", [(1, "")]))),
                typed("[]any", [1]),
                "ports",
                typed(f"[]*{CONTAINER}", [None]),
                typed(f"[1]{CONTAINER}", [{"Name": "a"}]),
                typed("[]struct{Name string}", [{"Name": "a"}]),
                typed("[]struct{Ports []struct{ContainerPort int32}}", [{"Ports": [{"ContainerPort": 5}]}]),
                typed("[]struct{Name string; Ports []any}", [{"Name": "a", "Ports": []}]),
                typed("[]struct{Name string; Ports []any}", [{"Name": "a", "Ports": [1]}]),
                typed("[]struct{Name string; Ports map[string]int}", [{"Name": "a", "Ports": {}}]),
                typed("[]struct{Name string; Ports []struct{Protocol string}}", [{"Name": "a", "Ports": [{"Protocol": "TCP"}]}]),
                typed("[]struct{Name string; Ports []struct{ContainerPort int64}}", [{"Name": "a", "Ports": [{"ContainerPort": 4294967297}, {"ContainerPort": -1}]}]),
                typed("[]struct{Name string; Ports []struct{ContainerPort uint32}}", [{"Name": "a", "Ports": [{"ContainerPort": 4294967295}]}]),
                typed("[]struct{Name string; Ports []struct{ContainerPort uint8}}", [{"Name": "a", "Ports": [{"ContainerPort": 255}]}]),
                typed("[]struct{Name string; Ports []struct{ContainerPort float64}}", [{"Name": "a", "Ports": [{"ContainerPort": 1}]}]),
                typed("[]struct{Name string; Ports []struct{ContainerPort any}}", [{"Name": "a", "Ports": [{"ContainerPort": 1}]}]),
                typed("[]struct{Name string; Ports []struct{ContainerPort string}}", [{"Name": "a", "Ports": [{"ContainerPort": "80"}]}]),
                typed("[]struct{Name *string; Ports []struct{ContainerPort int32; Protocol *string}}",
                      [{"Name": None, "Ports": [{"ContainerPort": 1, "Protocol": "UDP"}, {"ContainerPort": 2, "Protocol": None}]}]),
                typed("[]struct{Name any; Ports []struct{ContainerPort int32; Protocol any}}",
                      [{"Name": "istio-proxy", "Ports": [{"ContainerPort": 1}]}, {"Name": 5, "Ports": [{"ContainerPort": 2, "Protocol": "SCTP"}, {"ContainerPort": 3, "Protocol": 17}]}]),
                typed("[]struct{Name string; Ports []struct{ContainerPort int32; Protocol int}}", [{"Name": "x", "Ports": [{"ContainerPort": 3, "Protocol": 17}]}]),
                typed("[]struct{Ports []struct{ContainerPort int32}}", []),
                typed("[]struct{Ports []struct{ContainerPort int32}}", [{"Ports": None}]),
            ]  # fmt: skip
            out += [req(version, call % ".", data) for data in weird]
            out += [req(version, call % "nil"), req(version, call % ".Missing", {"a": 1}), req(version, call % ""), req(version, call % "1")]
    return out


def cases_annotation() -> list[dict]:
    om = f"*struct{{ObjectMeta *{OBJECT_META}; X any}}"
    out = [req("1.0.2", '{{annotation .ObjectMeta "a" "d"}}', typed(om, {"ObjectMeta": {}}))]
    for version in ("1.0.3", "1.3", "1.8"):
        for ann in ({"a": "x"}, {"b": "y"}, {"a": ""}, None, {}):
            for default in ('"d"', "15020", "nil", "true", "1.5", ".X", "-0"):
                out.append(req(version, f'{{{{annotation .ObjectMeta "a" {default}}}}}', typed(om, {"ObjectMeta": {"Annotations": ann}, "X": typed("[]int32", [1, 2])})))
        data = [
            typed(f"struct{{ObjectMeta {OBJECT_META}}}", {"ObjectMeta": {"Annotations": {"a": "v"}}}),
            typed(f"struct{{ObjectMeta *{OBJECT_META}}}", {"ObjectMeta": None}),
            typed("struct{ObjectMeta string}", {"ObjectMeta": "x"}),
            typed("struct{ObjectMeta any}", {"ObjectMeta": None}),
            typed("struct{ObjectMeta *int}", {"ObjectMeta": 1}),
            typed(f"struct{{ObjectMeta **{OBJECT_META}}}", {"ObjectMeta": {}}),
            typed("struct{ObjectMeta *struct{Name string}}", {"ObjectMeta": {}}),
            typed("struct{ObjectMeta *struct{Annotations map[string]any}}", {"ObjectMeta": {"Annotations": {"a": 5, "b": None}}}),
            typed("struct{ObjectMeta *struct{Annotations map[string]any}}", {"ObjectMeta": {"Annotations": {"a": None}}}),
            typed("struct{ObjectMeta *struct{Annotations map[string]*string}}", {"ObjectMeta": {"Annotations": {"a": None}}}),
            typed("struct{ObjectMeta *struct{Annotations map[string]*string}}", {"ObjectMeta": {"Annotations": {"a": "p"}}}),
            typed("struct{ObjectMeta *struct{Annotations map[string]int32}}", {"ObjectMeta": {"Annotations": {"a": 7}}}),
            typed("struct{ObjectMeta *struct{Annotations map[int]string}}", {"ObjectMeta": {"Annotations": {"1": "x"}}}),
            typed("struct{ObjectMeta *struct{Annotations []string}}", {"ObjectMeta": {"Annotations": []}}),
            typed("struct{ObjectMeta error}", {"ObjectMeta": "boom"}),
            {"ObjectMeta": {"Annotations": {"a": "x"}}},
        ]
        out += [req(version, '{{annotation .ObjectMeta "a" "d"}}', d) for d in data]
        out += [
            req(version, '{{annotation .Missing "a" "d"}}', {"x": 1}),
            req(version, '{{annotation nil "a" "d"}}'),
            req(version, '{{annotation .ObjectMeta 1 "d"}}', typed(om, {"ObjectMeta": {}})),
            req(version, '{{annotation .ObjectMeta "a"}}', typed(om, {"ObjectMeta": {}})),
            req(version, '{{annotation .ObjectMeta "a" .Missing}}', typed(f"*struct{{ObjectMeta *{OBJECT_META}; M map[string]any}}", {"ObjectMeta": {}, "M": {}})),
        ]
    return out


def cases_exclude_inbound_port() -> list[dict]:
    out = [req("1.0.2", '{{excludeInboundPort 1 ""}}')]
    pairs = [
        ("15020", '"4, 5"'), ('"15020"', '""'), ("15020", '"15020"'), ("15020", '" 15020"'), ("0", '"1,2"'), ('""', '"1"'),
        ('" "', '"1"'), ("nil", '"1"'), ("1.5", '"1"'), ("true", '""'), ('"a,b"', '"a"'), ("7", '",,1,,"'), ("7", '" , "'),
        ("7", '"1,\\t2\\n"'), ("7", '"\\u00a01"'), ("7", '"\\x1c1,\\x1d"'), ('" 80 "', '"80"'), ('"\\u00a080\\u2003"', '""'),
        ("-1", '"-1"'), ("1e3", '""'), (".X", '"3"'), (".Missing", '"3"'), ("15020", "1"), ("15020", ".X"),
        ('"80"', '"80 ,81"'), ("80", '"81, 80"'), ('"\\u0085 9"', '"9\\u0085"'),
    ]  # fmt: skip
    for version in ("1.0.3", "1.8"):
        for port, excluded in pairs:
            out.append(req(version, f"{{{{excludeInboundPort {port} {excluded}}}}}", typed("map[string]any", {"X": typed("int32", 3)})))
    return out


MAPS = [{"a": "<b>&</b>", "z": "\u2028\u2029", "m": "\x01\x7f\b\f\n\r\t\"\\", "é": "ü", "": ""}, {}, None, {"k": "v"}]


def cases_to_json() -> list[dict]:
    out = [req("1.0.2", "{{toJson .}}", typed("map[string]string", {})), req("1.0.3", "{{toJSON .}}", typed("map[string]string", {}))]
    for version in ("1.0.3", "1.1", "1.8"):
        names = ("toJson", "toJSON") if version != "1.0.3" else ("toJson",)
        for name in names:
            out += [req(version, f"{{{{{name} .}}}}", typed("map[string]string", m)) for m in MAPS]
            out += [
                req(version, f"{{{{{name} .}}}}", {"a": "b"}),
                req(version, f"{{{{{name} nil}}}}"),
                req(version, f"{{{{{name} .Missing}}}}", {"a": 1}),
                req(version, f"{{{{{name} .ObjectMeta.Labels}}}}", typed(f"*struct{{ObjectMeta *{OBJECT_META}}}", {"ObjectMeta": {"Labels": {"app": "x", "v": "1"}}})),
            ]
    return out


def cases_small_string_funcs() -> list[dict]:
    out = []
    for version in ("1.0.3", "1.1", "1.8"):
        out += [
            req(version, '{{kubevirtInterfaces "net1,net2"}}'),
            req(version, "{{kubevirtInterfaces 1}}"),
            req(version, "{{kubevirtInterfaces .}}", ""),
        ]
    for version in ("1.1", "1.2", "1.8"):
        for text in ("a\nb\nc", "", "\n", "a\r\nb", "one", "\n\n x\n"):
            for n in (2, 0, -3, 1):
                out.append(req(version, f"{{{{indent {n} .}}}}", text))
        out += [
            req(version, '{{indent "2" "a"}}'),
            req(version, "{{indent .N `a\nb`}}", typed("struct{N int64}", {"N": 2})),
            req(version, "{{indent -9223372036854775808 `a`}}"),
            req(version, "{{indent 9223372036854775807 `a`}}"),
            req(version, "{{indent 281474976710657 `a`}}"),
            req(version, "{{indent 2}}"),
            req(version, '{{"x\ny" | indent 4}}'),
        ]
        for path in ("a/b/c", "abc", "/", "", "a//", "é/x", "/etc/istio/proxy/envoy.yaml", "./x"):
            out.append(req(version, "{{directory .}}", path))
        out.append(req(version, "{{directory 1}}"))
    for version in ("1.1", "1.2", "1.3", "1.8"):
        out += [req(version, "{{toLower .}}", s) for s in ("ÀİΣ ǅ Ω", "ẞK", "ABC", "", "ΑΣ ΣΑ Σ", "ǈǋǲ", "ⅫⓐⒶ", "\U00010400\U0001e900", "ꞫꞮ")]
        out += [req(version, "{{contains .A .B}}", typed("struct{A, B string}", ab)) for ab in (
            {"A": "a", "B": "cat"}, {"A": "", "B": ""}, {"A": "x", "B": ""}, {"A": "é", "B": "café"}, {"A": "cat", "B": "a"})]
        out.append(req(version, "{{contains 1 `a`}}"))
    return out


def cases_value_or_default() -> list[dict]:
    out = [req("1.0.3", '{{valueOrDefault "" "d"}}')]
    args = ['"" "d"', '"x" "d"', "nil \"d\"", '0 "d"', 'false "d"', '.Values.missing "d"', '.Values.empty "d"',
            '.Values.zero "d"', '.Values.nilptr "d"', '.Values.m "d"', '.Values.empty .Values.missing', '"x"', '.Values.n .Values.empty',
            '.Values.empty nil', '(print) "d"', '.Values.s "d"']  # fmt: skip
    data = typed("struct{Values map[string]any}", {"Values": {
        "empty": "", "zero": 0, "nilptr": typed("*int", None), "m": {}, "n": None, "s": typed("[]string", [])}})  # fmt: skip
    for version in ("1.1", "1.2", "1.8"):
        out += [req(version, f"{{{{valueOrDefault {a}}}}}", data) for a in args]
        out += [req(version, f"{{{{printf `%T` (valueOrDefault {a})}}}}", data) for a in args]
    return out


JSON_TEXTS = [
    '{"a":1,"b":[true,false,null],"c":{"d":"e"}}', "[1, 2.5, -0, 1e-400]", "null", "  \"str\" ", "1e400", "-1e400",
    "{}", "[]", "", " ", "tru", "-", "01", "1.", ".5", "+1", "NaN", "Infinity", '{"a":1,"a":2}', '{"a":1,}', "[1,]",
    '"\\ud800"', '"\\ud83d\\ude00"', '"\\udc00\\ud800\\udc00"', '"\\ud800\\u0041"', '"\\ud800\\ud800"', '"\\u00e9\\/\\b"',
    '"\\x"', '"a\tb"', '"\\u12"', "\ufeff{}", "{} {}", '{"a" 1}', '{1:2}', "[1 2]", "123456789012345678901234567890",
    "1E+2", "1e-7", "0.1", "-0.0", '"\u2028<>&"', '{"":""}', "[[[[[]]]]]", "true false", "nul", "[\n\r\t]", "\u00a01",
]  # fmt: skip


def cases_from_json() -> list[dict]:
    out = [req("1.0.3", "{{fromJSON `{}`}}")]
    for version in ("1.1", "1.8"):
        out += [req(version, "{{fromJSON .}}|{{printf `%T` (fromJSON .)}}", text) for text in JSON_TEXTS]
        out += [
            req(version, "{{(fromJSON .).a}}", '{"a":{"b":1}}'),
            req(version, '{{index (fromJSON .) "a"}}', '{"a":[1]}'),
            req(version, "{{len (fromJSON .)}}", "[" * 10000 + "]" * 10000),
            req(version, "{{printf `%T` (fromJSON .)}}", "[" * 10001 + "]" * 10001),
            req(version, "{{fromJSON 1}}"),
        ]
    return out


def _pc(fields: str) -> str:
    return f"*struct{{{fields}}}"


PROXY_CONFIG = _pc(
    "ConfigPath string; BinaryPath string; ServiceCluster string; DrainDuration *oracle.GogoDuration; "
    "TerminationDrainDuration *oracle.GogoDuration; DiscoveryAddress string; ProxyAdminPort int32; "
    "ControlPlaneAuthPolicy oracle.AuthenticationPolicy; StatNameLength int32; StatusPort int32; Concurrency *oracle.Int32Value; "
    "InterceptionMode oracle.ProxyConfig_InboundInterceptionMode; ProxyMetadata map[string]string; Tracing *oracle.Tracing; "
    "HoldApplicationUntilProxyStarts *oracle.BoolValue; ClusterName any; Big int64; Ratio float64; Tags []string"
)
DEFAULT_PROXY = {
    "ConfigPath": "./etc/istio/proxy", "BinaryPath": "/usr/local/bin/envoy", "ServiceCluster": "istio-proxy",
    "DrainDuration": "45s", "TerminationDrainDuration": "5s", "DiscoveryAddress": "istiod.istio-system.svc:15012",
    "ProxyAdminPort": 15000, "ControlPlaneAuthPolicy": "MUTUAL_TLS", "StatNameLength": 189, "StatusPort": 15020,
}  # fmt: skip


def cases_proto_to_json() -> list[dict]:
    changed = dict(DEFAULT_PROXY, ConfigPath="/etc/istio/proxy", DrainDuration="45.5s", ControlPlaneAuthPolicy="NONE",
                   Concurrency=2, InterceptionMode="TPROXY", ProxyMetadata={"B": "<&>", "A": ""}, Big=-5, Ratio=0.5,
                   HoldApplicationUntilProxyStarts=False, Tracing={"Zipkin": {"Address": "z:9411"}, "Sampling": 1.5},
                   ClusterName=typed("*struct{ServiceCluster string}", {"ServiceCluster": "istio-proxy"}), Tags=["a", "b"])  # fmt: skip
    payloads = [
        (PROXY_CONFIG, DEFAULT_PROXY), (PROXY_CONFIG, changed), (PROXY_CONFIG, {}), (PROXY_CONFIG, None),
        (PROXY_CONFIG, dict(DEFAULT_PROXY, ClusterName=typed("*struct{ServiceCluster string}", {"ServiceCluster": "istio-proxy"}))),
        (PROXY_CONFIG, dict(DEFAULT_PROXY, ClusterName=typed("*struct{ServiceCluster string}", {"ServiceCluster": "x"}))),
        (PROXY_CONFIG, dict(DEFAULT_PROXY, ClusterName=typed("struct{ServiceCluster string}", {"ServiceCluster": "istio-proxy"}))),
        (PROXY_CONFIG, dict(DEFAULT_PROXY, ClusterName=typed("*struct{ServiceCluster string}", None))),
        (PROXY_CONFIG, dict(DEFAULT_PROXY, ClusterName="plain")),
        (PROXY_CONFIG, dict(DEFAULT_PROXY, ControlPlaneAuthPolicy=7, InterceptionMode=2, Concurrency=0)),
        (PROXY_CONFIG, dict(DEFAULT_PROXY, DrainDuration={"Seconds": -3, "Nanos": -5}, TerminationDrainDuration={"Seconds": 5, "Nanos": 1})),
        (_pc("A int64; B uint64; C int32; D uint32; E int; F uint8; G int8; H uintptr"), {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": -7, "H": 8}),
        (_pc("A float32; B float64; C float64; D float64; E float64"), {"A": 0.1, "B": "NaN", "C": "+Inf", "D": "-Inf", "E": 1e21}),
        (_pc("A []byte; B [2]uint8; C []int64; D map[int]string; E map[string]*oracle.Int64Value"), {"A": "hi", "B": [1, 2], "C": [1, 2], "D": [[2, "b"], [10, "a"]], "E": {"x": 5, "y": None}}),
        (_pc("A complex128"), {"A": [1, 2]}),
        (_pc("A any"), {"A": typed("[2]uint8", [1, 2])}),
        (_pc("A any"), {"A": typed("*[2]uint8", [1, 2])}),
        (_pc("A any"), {"A": 1.5}),
        (_pc("A any; B any"), {"A": typed("*struct{X int32; Y string}", {"X": 0}), "B": typed("*oracle.GogoDuration", "1s")}),
        (_pc("A any"), {"A": typed("*oracle.StringValue", "s")}),
        (_pc("A any"), {"A": typed("error", "boom")}),
        (_pc("A time.Duration; B time.Time; C time.Time"), {"A": 1500000000, "B": "2020-01-02T03:04:05.5+01:00", "C": "0001-01-01T00:00:00Z"}),
        (_pc('A string `protobuf:"bytes,1,opt,name=a_b,json=aB,proto3"`; B string `protobuf:"bytes,2,opt,name=b_c"`; CamelCase string; XXX_unrecognized []byte'),
         {"A": "1", "B": "2", "CamelCase": "3", "XXX_unrecognized": "x"}),
        (_pc("A *oracle.BoolValue; B *oracle.UInt32Value; C *oracle.Int64Value; D *oracle.StringValue; E oracle.MeshConfig_OutboundTrafficPolicy_Mode"),
         {"A": True, "B": 7, "C": 8, "D": "<x>", "E": "ALLOW_ANY"}),
        (_pc("ConfigPath string; BinaryPath string; DiscoveryAddress string"), {"ConfigPath": "./etc/istio/proxy"}),
        ("*oracle.GogoDuration", "1.5s"), ("*oracle.BoolValue", True), ("*oracle.Tracing", {"Lightstep": {"Secure": True}}),
        ("*int", 1), ("struct{A int}", {"A": 1}), ("[]int", [1]), ("*[]int", [1]), ("string", "x"),
    ]  # fmt: skip
    out = [req("1.3", "{{protoToJSON .}}", typed(PROXY_CONFIG, {}))]
    for version in ("1.4", "1.5", "1.6", "1.8"):
        out += [req(version, "{{protoToJSON .}}", typed(t, v)) for t, v in payloads]
        out += [req(version, "{{protoToJSON nil}}"), req(version, "{{protoToJSON .Missing}}", {"a": 1}), req(version, "{{protoToJSON .}}", {"a": 1})]
    return out


STRUCT_VALUES = [
    typed('struct{A int `json:"a,omitempty"`; B string `json:",omitempty"`; C *int `json:"c"`; D []int `json:"d,omitempty"`; E map[string]int `json:"e,omitempty"`}', {}),
    typed('struct{A int `json:"a,string"`; B string `json:",string"`; C *int `json:"c,string"`; D float64 `json:"d,string"`; E bool `json:",string"`; F []int `json:",string"`}', {"A": 1, "B": "x<", "C": 5, "D": 0.5}),
    typed('struct{A int `json:"-"`; B int `json:"-,"`; C int `json:"x y"`; D int `json:"\\u00e9"`; E int `json:"a\\\\b"`; F int `json:"!#$%"`}', {"A": 1, "B": 2}),
    typed('struct{A int `json:"x"`; B int `json:"x"`; X int; C int `json:"y"`; Y int}', {"A": 1, "B": 2, "X": 3, "C": 4, "Y": 5}),
    typed('struct{A float64 `json:",omitzero"`; B struct{C int} `json:",omitzero"`; D []int `json:",omitzero"`; E time.Time `json:",omitzero"`; F float64 `json:",omitempty"`}', {"D": [], "F": "-0"}),
    typed("struct{A float32; B float64; C float64; D float64; E float64}", {"A": 1e-7, "B": 1e21, "C": 123456789.0, "D": 1e-6, "E": "-0"}),
    typed("struct{A float32}", {"A": 1e21}), typed("struct{A float32}", {"A": 9.99999e20}),
    typed("[]any", [{"t": "float64", "v": "NaN"}]), typed("complex128", [1, 2]), typed("map[bool]int", [[True, 1]]),
    typed("map[int]string", [[10, "a"], [-2, "b"], [3, "c"]]), typed("map[uint8]int", [[1, 1]]), typed("map[float64]int", [[1, 1]]),
    typed("[]byte", "hi\x00"), typed("[2]uint8", [1, 2]), typed("[]uint16", [1]), typed("*int", None), typed("[]int", None),
    typed("map[string]int", None), typed("time.Duration", 1500), typed("time.Time", "2020-01-02T03:04:05.123+01:00"),
    typed("oracle.AuthenticationPolicy", "MUTUAL_TLS"), typed("*oracle.GogoDuration", "1.5s"), typed("*oracle.BoolValue", True),
    typed("error", "boom"), typed("oracle.T", {"S": "s", "N": 1}), typed("*oracle.Tracing", {"Zipkin": {"Address": "<a>"}}),
    typed("string", "\u2028<&>\x7f\x01é"), {"b": [1, 2.5, None, True], "a": {"c": "d"}}, 1e21, 1e20, 0.000001, 1e-7, -0.0,
    typed("int64", "-9223372036854775808"), typed("uint64", "18446744073709551615"), typed("float32", 3.4e38),
    typed("[]any", []), typed("struct{}", {}), typed("map[string]any", {}), typed("*struct{A *struct{B []*int}}", {"A": {"B": [1, None]}}),
    # Go 1.27's encoding/json is json/v2 under v1 options: v2's tag grammar, embed, format, map keys.
    typed('struct{F []int `json:",string"`; G map[string]int `json:",string"`; H struct{A int} `json:",string"`; I any `json:",string"`; J **int `json:",string"`}',
          {"F": [1], "G": {"a": 1}, "H": {"A": 1}, "I": typed("int", 1), "J": 1}),
    typed('struct{F time.Duration `json:",string"`; G oracle.AuthenticationPolicy `json:",string"`; H time.Time `json:",string"`; I []byte `json:",string"`}',
          {"F": 5, "G": 1, "H": "2020-01-01T00:00:00Z", "I": "ab"}),
    typed('struct{A int `json:"f,omitempty "`; B int `json:"g, omitempty"`; C int `json:"1a"`; D int `json:"a\'b"`; E int `json:"\'q\'"`; F int `json:"_x-y"`}', {}),
    typed('struct{A int `json:"x,string,string"`; B int `json:"y,omitEmpty"`}', {"A": 1}),
    typed('struct{A int `json:",format:x"`}', {"A": 1}), typed('struct{A int `json:",format"`}', {"A": 1}),
    typed('struct{A int `json:",format:\'\'"`}', {"A": 1}), typed('struct{A int `json:",case:ignore"`; B int `json:",case:bogus,omitempty"`}', {"A": 1}),
    typed('struct{A int `json:",embed"`; B int `json:",inline"`}', {"A": 1}),
    typed('struct{A struct{B int; C int} `json:",embed"`; B int}', {"A": {"B": 1, "C": 2}, "B": 3}),
    typed('struct{A *struct{B int; C int} `json:",embed"`; D int}', {"A": None, "D": 3}),
    typed('struct{A *struct{B int; C int} `json:",embed"`; D int}', {"A": {"C": 4}, "D": 3}),
    typed('struct{A map[string]int `json:",embed"`; B int}', {"A": {"z": 1, "B": 2, "a": 3}, "B": 3}),
    typed('struct{A map[string]int `json:",embed"`; B map[string]int `json:",embed"`}', {"A": {"a": 1}, "B": {"b": 2}}),
    typed('struct{A struct{B int `json:"x"`} `json:",embed"`; C struct{D int `json:"x"`} `json:",embed"`}', {}),
    typed('struct{A struct{B int} `json:",embed,omitempty"`; C struct{D int} `json:"n,embed"`}', {}),
    typed('struct{A struct{B struct{C int} `json:",embed"`} `json:",embed"`; C int `json:"C"`}', {"A": {"B": {"C": 1}}, "C": 2}),
    typed("map[any]int", [["a", 1]]), typed("map[any]int", [[1, 1]]), typed("map[any]int", [[typed("int", 1), 1]]),
    typed("map[any]int", [[typed("float32", 1.5), 1]]), typed("map[any]int", [[True, 1]]), typed("map[any]int", [[None, 1]]),
    typed("map[any]int", [[typed("*string", "p"), 1]]), typed("map[any]int", [[typed("[2]int", [1, 2]), 1]]),
    typed("map[any]int", [[typed("oracle.AuthenticationPolicy", 1), 1]]), typed("map[any]int", None), typed("map[any]int", []),
    typed("map[float64]int", [[1e21, 1], [0.5, 2], ["-0", 3]]), typed("map[float32]int", [["NaN", 1]]), typed("map[*int]int", [[1, 1]]),
    typed("map[*int]int", [[None, 1]]), typed("map[**int]int", [[1, 1]]), typed("map[[2]int]int", [[[1, 2], 1]]), typed("map[error]int", [["e", 1]]),
    typed("map[oracle.T]int", [[{"S": "a", "N": 1}, 1]]), typed("map[time.Duration]int", [[1, 1]]), typed("map[complex64]int", [[[1, 2], 1]]),
    typed("map[int8]int", [[-1, 1], [2, 2], [10, 3]]), typed("map[string]int", {"b": 1, "a": 2, "é": 3, "Z": 4}),
    typed('struct{A [0]int `json:",omitempty"`; B [1]int `json:",omitempty"`; C float64 `json:",omitempty"`; D struct{} `json:",omitempty"`}', {"C": "-0"}),
    typed('struct{A float64 `json:",omitzero"`; B [1]int `json:",omitzero"`; C []int `json:",omitzero"`; D map[string]int `json:",omitzero"`; '
          'E *int `json:",omitzero"`; F any `json:",omitzero"`; G time.Time `json:",omitzero"`; H struct{A int} `json:",omitzero"`; I *time.Time `json:",omitzero"`}',
          {"A": "-0", "C": [], "D": {}, "F": typed("int", 0), "I": "0001-01-01T00:00:00Z"}),
    typed('struct{A oracle.T `json:",omitzero"`; B *oracle.GogoDuration `json:",omitzero"`; C *struct{B int} `json:",omitempty"`}', {"B": "0s", "C": {}}),
    typed('struct{A int `json:"a"`; B int `json:"a"`; C int `json:"c"`; D int `json:"C"`}', {"A": 1, "B": 2, "C": 3, "D": 4}),
    typed('struct{A int; B int `json:"A"`}', {"A": 1, "B": 2}), typed('struct{A int `json:"<&>"`}', {"A": 1}),
]  # fmt: skip


def cases_struct_to_json() -> list[dict]:
    out = [req("1.2", "{{structToJSON .}}", 1)]
    for version in ("1.3", "1.8"):
        out += [req(version, "{{structToJSON .}}", v) for v in STRUCT_VALUES]
        out += [req(version, "{{structToJSON nil}}"), req(version, "{{structToJSON .Missing}}", {"a": 1}), req(version, "{{structToJSON}}")]
    return out


def cases_render() -> list[dict]:
    data = typed("*struct{A string; T string; Values map[string]any}", {"A": "a<", "T": "{{.A}}-{{.A}}", "Values": {"x": 1}})
    texts = ["{{.A}}", "{{.Nope}}", "{{", "{{.A.B}}", "{{render .T}}", '{{render "{{render `{{.A}}`}}"}}', "", "{{.Values.x}}",
             "{{.Values.missing}}", '{{toLower "ABC"}}', '{{env "K" "d"}}', "{{template `x`}}", '{{define "x"}}X{{end}}{{template "x"}}',
             "{{formatDuration nil}}", "{{undefinedFunc}}", "{{index .Values 1}}", "[[.A]]", '{{protoToJSON nil}}']  # fmt: skip
    out = [req("1.1", '{{render "x"}}')]
    for version in ("1.2", "1.5", "1.7", "1.8"):
        out += [req(version, "{{render .X}}", typed("struct{X string}", {"X": t})) for t in texts]
        out += [req(version, f"{{{{render {json.dumps(t)}}}}}", data, istio_env={"K": "v"}) for t in texts]
        out += [req(version, "{{render 1}}"), req(version, "[{{render .T}}]", data)]
    return out


def cases_env() -> list[dict]:
    env = {"A": "x", "E": "", "S": " ", "U": "é\u2028"}
    out = [req("1.4", '{{env "A" "d"}}', istio_env=env)]
    for version in ("1.5", "1.8"):
        out += [req(version, f'{{{{env "{k}" "d"}}}}', istio_env=env) for k in ("A", "E", "S", "U", "NOPE", "")]
        out += [req(version, '{{env "A" ""}}', istio_env={}), req(version, '{{env "A"}}', istio_env=env), req(version, '{{env 1 "d"}}', istio_env=env)]
    return out


MULTUS = [
    ("", "istio-cni"), ("a, b", "b"), ("a,b", "c"), (" istio-cni ,x", "istio-cni"), ("x", "istio-cni"),
    ('[{"name":"a"}]', "istio-cni"), ('[{"name":"a"}]', "kube-system/istio-cni"), ('[{"name":"istio-cni"}]', "istio-cni"),
    ('[{"name":"istio-cni","namespace":"kube-system"}]', "kube-system/istio-cni"), ('[{"name":"istio-cni","namespace":"x"}]', "istio-cni"),
    ('[{"name":"istio-cni","namespace":null}]', "istio-cni"), ('[{"name":"istio-cni","namespace":""}]', "/istio-cni"),
    ("[not json]", "istio-cni"), ('{"a":1}', "istio-cni"), ("[1]", "x"), ("[null]", "x"), ('["x"]', "x"), ("[]", "x"),
    ("null ]", "x"), ('[{"name":"a"}] ', "x"), ('[{"name":"a"}]]', "x"), ('[{"name":"a","n":1e400}]', "x"), ("a/b/c", "a/b/c"),
    ('[{"name":"b"}]', "a/b/c"), ('[{"name":1}]', "1"), ('[{"name":"x"},{"name":"y"}] x]', "z"), ('[{"name":"\\u00e9"}]', "é"),
    ('[{"name":"a"}]', 'q"uote'), ("[ ]", "/"), ('[{"name":"a"}, {"name":"b"}]', "ns/a"),
]  # fmt: skip


def cases_append_multus_network() -> list[dict]:
    out = [req("1.7", '{{appendMultusNetwork "" "x"}}')]
    for version in ("1.8", "1.8.0"):
        out += [req(version, "{{appendMultusNetwork .A .B}}", typed("struct{A, B string}", {"A": a, "B": b})) for a, b in MULTUS]
        out += [req(version, '{{appendMultusNetwork 1 "x"}}')]
    return out


YAML_VALUES = [
    {"b": [1, 2.5, None, True], "a": {"c": "d", "e": []}, "f": {}}, [], {}, None, "", "x", 1, 1.5, 1e20, 1e21, -0.0, 0.1,
    ["yes", "on", "no", "null", "~", "1.0", "0x1F", "2020-01-01", ":", "- a", "#x", "a: b", "a\nb", "a\n", " x", "x ", "'", '"', "@"],
    {"k" * 1022: 1}, {"k" * 1023: 1}, {"a\u0085b": 1}, ["a\u0085b", "a \u0085 \u0085  \u0085 b", "q\u0085--- r", "q\u0085---"],
    ["\u007f"], ["\u0080"], ["\ufffe"], ["\u2028", "é", "<&>"], {"10": 1, "9": 2, "a10": 3, "a9": 4, "B": 5, "_": 6},
    typed("struct{Name string `json:\"name\"`; Port int32 `json:\"port,omitempty\"`; Tags []string}", {"Name": "x", "Tags": ["a"]}),
    typed("[]any", [{"t": "float64", "v": "NaN"}]), typed("complex128", [1, 2]), typed("uint64", "18446744073709551615"),
    typed("int64", "-9223372036854775808"), typed("map[int]string", [[2, "b"], [10, "a"]]), typed("[]byte", "hi"),
    typed("*oracle.GogoDuration", "1.5s"), {"long": "word " * 30},
]  # fmt: skip


def cases_to_yaml() -> list[dict]:
    out = [req("1.0.3", "{{toYaml .}}", {})]
    for version in ("1.1", "1.8"):
        out += [req(version, "{{toYaml .}}", v) for v in YAML_VALUES]
        out += [req(version, "{{toYaml nil}}"), req(version, "{{toYaml .Values | indent 2}}", {"Values": {"a": {"b": [1, "x"]}}})]
    return out


def cases_argument_conversion() -> list[dict]:
    """text/template converts and checks arguments against each function's Go signature."""
    data = [
        ("{{indent .D `a\nb`}}", "struct{D time.Duration}", {"D": 2}), ("{{indent .D `a\nb`}}", "struct{D oracle.AuthenticationPolicy}", {"D": 2}),
        ("{{toLower .D}}", "struct{D oracle.AuthenticationPolicy}", {"D": 2}), ("{{indent 2 .D}}", "struct{D []byte}", {"D": "x"}),
        ("{{kubevirtInterfaces .D}}", "struct{D error}", {"D": "x"}), ("{{kubevirtInterfaces .D}}", "struct{D *string}", {"D": "x"}),
        ("{{kubevirtInterfaces .D}}", "struct{D *string}", {"D": None}), ("{{kubevirtInterfaces .D}}", "struct{D any}", {"D": "x"}),
        ("{{kubevirtInterfaces .D}}", "struct{D any}", {"D": None}), ("{{isset .D `a`}}", "struct{D *map[string]string}", {"D": {"a": "b"}}),
        ("{{indent .D `a`}}", "struct{D int32}", {"D": 1}), ("{{indent .D `a`}}", "struct{D uint}", {"D": 1}),
        ("{{indent 1.0 `a`}}", "struct{}", {}), ("{{indent 'a' `a\nb`}}", "struct{}", {}), ("{{indent 0x10 `a\nb`}}", "struct{}", {}),
        ("{{contains `a` .D}}", "struct{D string}", {"D": "cat"}), ("{{contains}}", "struct{}", {}), ("{{toLower `A` `B`}}", "struct{}", {}),
    ]  # fmt: skip
    return [req(version, t, typed(ty, v)) for version in ("1.3", "1.8") for t, ty, v in data]


CASES = {
    "formatDuration": cases_format_duration,
    "isset": cases_isset,
    "includeInboundPorts/applicationPorts": cases_ports,
    "annotation": cases_annotation,
    "excludeInboundPort": cases_exclude_inbound_port,
    "toJson/toJSON": cases_to_json,
    "kubevirtInterfaces/indent/directory/toLower/contains": cases_small_string_funcs,
    "valueOrDefault": cases_value_or_default,
    "fromJSON": cases_from_json,
    "structToJSON": cases_struct_to_json,
    "protoToJSON": cases_proto_to_json,
    "render": cases_render,
    "env": cases_env,
    "appendMultusNetwork": cases_append_multus_network,
    "argument conversion": cases_argument_conversion,
}


@pytest.mark.parametrize("label", list(CASES))
def test_hand_picked(oracle, label: str) -> None:
    check(oracle, CASES[label](), label)


@pytest.mark.skipif(not HAVE_GOYAML, reason=NO_GOYAML)
def test_hand_picked_to_yaml(oracle) -> None:
    check(oracle, cases_to_yaml(), "toYaml")


# Differences that are gotmpl's, not this module's (they pass once gotmpl is fixed).
# text/template passes &value for a pointer parameter when the struct value is
# addressable (validateType's value.Addr()), and refuses a copy.
ADDRESSABLE = [
    req("1.1", "{{formatDuration .D}}", typed("*struct{D oracle.GogoDuration}", {"D": "2s"})),
    req("0.6", "{{formatDuration .D}}", typed("*struct{D oracle.Duration}", {"D": "2s"})),
    req("1.1", "{{formatDuration .D}}", typed("struct{D oracle.GogoDuration}", {"D": "2s"})),
    req("1.1", "{{range .}}{{formatDuration .}}{{end}}", typed("[]oracle.GogoDuration", ["2s", "1m"])),
    req("1.1", "{{range .}}{{formatDuration .}}{{end}}", typed("map[string]oracle.GogoDuration", {"a": "2s"})),
]


def test_addressable_values_go_to_pointer_parameters(oracle) -> None:
    check(oracle, ADDRESSABLE, "addressable")


# --- generated arguments ----------------------------------------------------------------------------

# Characters where Go and Python disagree easily: separators, Unicode spaces and
# case pairs, JSON/HTML/YAML specials.
_SPECIAL = list(" ,/\n\t\r\x85\xa0\u2028\u3000\x1c:[]{}\"'\\<>&#-_.0123456789aAbBzZéİıΣσςẞßǅǆK€😀\x00\x01\x7f\ufffd") + ["istio-cni", "UDP", "\u0130", "\u2126"]
TEXT = st.lists(st.one_of(st.sampled_from(_SPECIAL), st.characters(exclude_categories=["Cs"])), max_size=12).map("".join)
SHORT_TEXT = st.lists(st.sampled_from(list("ab,/ .\n") + ["istio-cni", "ns/x", "15020"]), max_size=5).map("".join)


def _versions(*names: str) -> st.SearchStrategy[str]:
    return st.sampled_from(names)


@settings(max_examples=EXAMPLES)
@given(
    version=_versions("1.1", "1.2", "1.3", "1.5", "1.8"),
    a=TEXT,
    b=TEXT,
    # Not 2**31..2**48: Go would allocate that much padding (or die trying).
    n=st.one_of(st.integers(-40, 40), st.sampled_from([0, 1, -1, 100000, -(2**63), 2**63 - 1, 2**48 + 1])),
    m=st.dictionaries(SHORT_TEXT, TEXT, max_size=4),
)
def test_generated_string_functions(oracle, version: str, a: str, b: str, n: int, m: dict) -> None:
    data = typed("struct{A, B string; N int; M map[string]string}", {"A": a, "B": b, "N": str(n), "M": m})
    templates = ["{{kubevirtInterfaces .A}}", "{{valueOrDefault .A .B}}", "{{directory .A}}", "{{indent .N .A}}",
                 "{{excludeInboundPort .A .B}}", "{{excludeInboundPort .N .B}}", "{{isset .M .A}}", "{{toJSON .M}}",
                 "{{fromJSON .A}}"]  # fmt: skip
    if version != "1.1":
        templates += ["{{contains .A .B}}", "{{valueOrDefault .M.x .B}}", "{{render .A}}"]
    if version not in ("1.1", "1.2"):
        templates += ["{{toLower .A}}", "{{structToJSON .}}"]
    if version in ("1.5", "1.8"):
        templates += ["{{env .A .B}}"]
    if version == "1.8":
        templates += ["{{appendMultusNetwork .A .B}}"]
    env = {a: b, b: ""}
    check(oracle, [req(version, t, data, istio_env=env) for t in templates], "generated: strings")


def _json_text() -> st.SearchStrategy[str]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False), TEXT)
    values = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(SHORT_TEXT, kids, max_size=4)), max_leaves=12)
    dumped = st.builds(lambda v, ascii_only, indent: json.dumps(v, ensure_ascii=ascii_only, indent=indent), values, st.booleans(), st.sampled_from([None, 1]))
    mutations = st.sampled_from(["", " ", "x", ",", "]", "}", '"', "\\", "1e400", "\\ud800", "\t", "-", "0"])
    return st.one_of(
        dumped,
        st.builds(lambda text, i, junk: text[: i % (len(text) + 1)] + junk + text[i % (len(text) + 1) :], dumped, st.integers(0, 99), mutations),
        st.builds(lambda text, i: text[: i % (len(text) + 1)], dumped, st.integers(0, 99)),
    )


def _networks() -> st.SearchStrategy[str]:
    entry = st.fixed_dictionaries({"name": st.sampled_from(["a", "istio-cni", "x"])}, optional={"namespace": st.sampled_from(["", "ns", "kube-system", None])})
    lists = st.lists(st.one_of(entry, st.sampled_from([None, 1, "s"])), max_size=3).map(lambda v: json.dumps(v, separators=(",", ":")))
    return st.one_of(lists, st.lists(st.sampled_from(["a", " istio-cni", "x ", "ns/a"]), max_size=3).map(",".join), _json_text())


@settings(max_examples=EXAMPLES)
@given(version=_versions("1.1", "1.8"), text=_json_text(), existing=_networks(), network=st.sampled_from(["istio-cni", "ns/a", "kube-system/istio-cni", "a", "/x", "a/b/c", ""]))
def test_generated_json_text(oracle, version: str, text: str, existing: str, network: str) -> None:
    data = typed("struct{T, E, N string}", {"T": text, "E": existing, "N": network})
    templates = ["{{fromJSON .T}}|{{printf `%T` (fromJSON .T)}}"]
    if version == "1.8":
        templates += ["{{appendMultusNetwork .E .N}}", "{{appendMultusNetwork .T .N}}"]
    check(oracle, [req(version, t, data) for t in templates], "generated: fromJSON/appendMultusNetwork")


# Typed values for structToJSON / toYaml / protoToJSON: (Go type expression, payload).
def _float_payload(f: float) -> Any:
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0 and str(f).startswith("-"):
        return "-0"
    return f


_SCALAR_VALUES = st.one_of(
    st.tuples(st.just("bool"), st.booleans()),
    st.tuples(st.just("string"), TEXT),
    st.tuples(st.just("int"), st.integers(-(2**63), 2**63 - 1).map(str)),
    st.tuples(st.sampled_from(["int8", "int32", "int64", "uint8", "uint16", "uint64", "uintptr"]), st.integers(0, 127)),
    st.tuples(st.just("int32"), st.integers(-(2**31), 2**31 - 1)),
    st.tuples(st.just("uint64"), st.integers(0, 2**64 - 1).map(str)),
    st.tuples(st.just("float64"), st.floats().map(_float_payload)),
    st.tuples(st.just("float64"), st.sampled_from([1e21, 1e20, 1e-6, 1e-7, 123456789.0, 0.1, 3.0, -2.5])),
    st.tuples(st.just("float32"), st.floats(width=32).map(_float_payload)),
    st.tuples(st.just("time.Duration"), st.integers(-(10**12), 10**12)),
    st.tuples(st.just("oracle.AuthenticationPolicy"), st.sampled_from(["NONE", "MUTUAL_TLS", 7])),
    st.tuples(st.just("*oracle.GogoDuration"), st.sampled_from([None, "1.5s", "0s", {"Seconds": -1, "Nanos": 5}])),
    st.tuples(st.just("*oracle.Int32Value"), st.sampled_from([None, 0, 5])),
    st.tuples(st.just("[]byte"), st.sampled_from([None, "", "hi"])),
    st.tuples(st.just("complex128"), st.just([1, 2])),
    st.tuples(st.just("any"), st.recursive(st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False), TEXT),
                                           lambda k: st.one_of(st.lists(k, max_size=3), st.dictionaries(SHORT_TEXT, k, max_size=3)), max_leaves=6)),
)  # fmt: skip

_TAGS = ["", 'json:"x"', 'json:"x,omitempty"', 'json:",omitempty"', 'json:"-"', 'json:"-,"', 'json:",string"', 'json:"y,omitzero"',
         'json:"a b"', 'json:"€"', 'json:"x,string,omitempty"', 'json:"z"', 'protobuf:"bytes,1,opt,name=p_q,json=pQ"', 'json:",embed"']  # fmt: skip


def _compose(kids: st.SearchStrategy) -> st.SearchStrategy:
    def slice_of(tv: tuple) -> st.SearchStrategy:
        return st.one_of(st.just((f"[]{tv[0]}", None)), st.lists(st.just(tv[1]), max_size=3).map(lambda xs: (f"[]{tv[0]}", xs)))

    def map_of(tv: tuple) -> st.SearchStrategy:
        return st.one_of(
            st.dictionaries(SHORT_TEXT, st.just(tv[1]), max_size=3).map(lambda d: (f"map[string]{tv[0]}", d)),
            st.lists(st.integers(-5, 20), max_size=3, unique=True).map(lambda ks: (f"map[int]{tv[0]}", [[k, tv[1]] for k in ks])),
            st.just((f"map[string]{tv[0]}", None)),
        )

    def pointer_to(tv: tuple) -> st.SearchStrategy:
        return st.sampled_from([(f"*{tv[0]}", tv[1]), (f"*{tv[0]}", None)])

    def struct_of(fields: list) -> st.SearchStrategy:
        names = ["A", "B", "C", "X", "Y"][: len(fields)]
        return st.lists(st.sampled_from(_TAGS), min_size=len(fields), max_size=len(fields)).map(
            lambda tags: (
                "struct{" + "; ".join(f"{n} {t}" + (f" `{tag}`" if tag else "") for n, (t, _), tag in zip(names, fields, tags)) + "}",
                {n: v for n, (_, v) in zip(names, fields)},
            )
        )

    return st.one_of(
        kids.flatmap(slice_of),
        kids.flatmap(map_of),
        kids.flatmap(pointer_to),
        st.lists(kids, min_size=0, max_size=4).flatmap(struct_of),
    )


TYPED_VALUES = st.recursive(_SCALAR_VALUES, _compose, max_leaves=8)


@settings(max_examples=EXAMPLES)
@given(version=_versions("1.3", "1.8"), tv=TYPED_VALUES)
def test_generated_struct_to_json(oracle, version: str, tv: tuple) -> None:
    data = typed(*tv)
    check(oracle, [req(version, "{{structToJSON .}}", data)], "generated: structToJSON")


@pytest.mark.skipif(not HAVE_GOYAML, reason=NO_GOYAML)
@settings(max_examples=EXAMPLES)
@given(version=_versions("1.1", "1.8"), tv=TYPED_VALUES)
def test_generated_to_yaml(oracle, version: str, tv: tuple) -> None:
    check(oracle, [req(version, "{{toYaml .}}", typed(*tv))], "generated: toYaml")


@settings(max_examples=EXAMPLES)
@given(version=_versions("1.4", "1.5", "1.6", "1.8"), tv=TYPED_VALUES, defaults=st.dictionaries(st.sampled_from(sorted(DEFAULT_PROXY)), st.booleans()))
def test_generated_proto_to_json(oracle, version: str, tv: tuple, defaults: dict) -> None:
    # A ProxyConfig-like message (some fields at their defaults) with one generated field.
    proxy = {k: (v if keep else _OTHER_PROXY[k]) for k, v in DEFAULT_PROXY.items() for keep in [defaults.get(k, True)]}
    fields = PROXY_CONFIG[len("*struct{") : -1] + f"; Extra {tv[0]}"
    requests = [
        req(version, "{{protoToJSON .}}", typed(f"*struct{{{fields}}}", dict(proxy, Extra=tv[1]) if tv[1] is not None else proxy)),
        req(version, "{{protoToJSON .}}", typed(f"*struct{{Extra {tv[0]}}}", {"Extra": tv[1]} if tv[1] is not None else {})),
    ]
    check(oracle, requests, "generated: protoToJSON")


_OTHER_PROXY = {
    "ConfigPath": "/etc/istio/proxy", "BinaryPath": "", "ServiceCluster": "svc", "DrainDuration": "45.5s",
    "TerminationDrainDuration": None, "DiscoveryAddress": "istio-pilot:15010", "ProxyAdminPort": 15001,
    "ControlPlaneAuthPolicy": "NONE", "StatNameLength": 0, "StatusPort": 15021,
}  # fmt: skip


_PORT = st.fixed_dictionaries({"ContainerPort": st.one_of(st.integers(0, 65535), st.integers(-(2**31), 2**31 - 1))},
                              optional={"Protocol": st.sampled_from(["TCP", "UDP", "SCTP", "udp", ""]), "Name": SHORT_TEXT})  # fmt: skip
_CONTAINER = st.fixed_dictionaries({"Name": st.sampled_from(["istio-proxy", "app", "istio-proxy ", ""]), "Ports": st.one_of(st.none(), st.lists(_PORT, max_size=3))})


@settings(max_examples=EXAMPLES)
@given(
    version=_versions("0.8", "1.0.3", "1.3", "1.4", "1.8"),
    containers=st.one_of(st.none(), st.lists(_CONTAINER, max_size=3)),
    annotations=st.one_of(st.none(), st.dictionaries(st.sampled_from(["a", "b", "sidecar.istio.io/inject", ""]), TEXT, max_size=3)),
    default=st.one_of(st.sampled_from(['"d"', "15020", "nil", "true", "1.5", ".Spec", ".Meta.Labels"]), TEXT.map(json.dumps)),
)
def test_generated_pod_functions(oracle, version: str, containers: list | None, annotations: dict | None, default: str) -> None:
    data = typed(f"*struct{{Meta *{OBJECT_META}; Spec *struct{{Containers []{CONTAINER}}}}}",
                 {"Meta": {"Annotations": annotations, "Labels": {"app": "x"}}, "Spec": {"Containers": containers}})  # fmt: skip
    templates = ["{{includeInboundPorts .Spec.Containers}}"]
    if version != "0.8":
        templates += ["{{applicationPorts .Spec.Containers}}", f'{{{{annotation .Meta "a" {default}}}}}',
                      f'{{{{annotation .Meta "sidecar.istio.io/inject" {default}}}}}', f"{{{{excludeInboundPort {default} `1, 2`}}}}"]  # fmt: skip
    check(oracle, [req(version, t, data) for t in templates], "generated: ports/annotation")


_INT64 = st.one_of(st.integers(-(2**63), 2**63 - 1), st.integers(-(10**6), 10**6), st.sampled_from([315576000000, 315576000001, 9223372036, -9223372036]))
_INT32 = st.one_of(st.integers(-(2**31), 2**31 - 1), st.integers(-(10**9), 10**9), st.sampled_from([0, 999999999, 1000000000, -999999999, 854775807, 854775808]))


@settings(max_examples=EXAMPLES)
@given(version=_versions("0.6", "1.0", "1.1", "1.8"), seconds=_INT64, nanos=_INT32, null=st.booleans())
def test_generated_durations(oracle, version: str, seconds: int, nanos: int, null: bool) -> None:
    dtype = "Duration" if version in ("0.6", "1.0") else "GogoDuration"
    payload = None if null else {"Seconds": str(seconds), "Nanos": nanos}
    requests = [req(version, "{{formatDuration .}}", typed(f"*oracle.{dtype}", payload))]
    if dtype == "GogoDuration":  # and as a message (protoToJSON exists from 1.4)
        json_version = "1.4" if version == "1.1" else version
        requests.append(req(json_version, "{{protoToJSON .}}|{{structToJSON .}}", typed("*oracle.GogoDuration", payload)))
    check(oracle, requests, "generated: durations")


def test_zz_counts(capsys) -> None:
    """Prints how many requests each group compared with the oracle (run with -s)."""
    with capsys.disabled():
        for label, n in sorted(CHECKED.items()):
            print(f"  {n:6d}  {label}")

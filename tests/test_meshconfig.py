"""injector.meshconfig: Istio's MeshConfig/ProxyConfig per release, mesh files, and Go.

* Types and defaults of 0.5.0 / 0.5.1 against ``../shared/gotypes/istio-meshconfig.json``
  (parsed from Istio's Go sources); the other releases' tables are smoke-checked here
  (types parse, defaults validate) - their facts are documented in the module.
* The mesh ConfigMaps shipped as plain files (0.5-0.8 ``istio-config.yaml.tmpl``)
  apply cleanly and give the expected values; for 1.x, whose ConfigMaps are Helm
  templates, hand-rendered meshes in each chart's style (default values) do.
* Bad mesh files give Istio's exact error texts; the apply semantics (strict or
  lenient unknown fields, the zero-dropping re-encode of 0.5-1.6, the merge of
  1.7-1.8) are pinned by small cases.
* Renders of ``.MeshConfig`` / ``.ProxyConfig`` fields with our gotmpl values equal
  the Go oracle's renders of our typed JSON, for every release.
"""

from __future__ import annotations

import io
import json
import pathlib
from typing import Any

import pytest

from gotmpl import values as V
from gotmpl.funcs import parse_istio_version
from gotmpl.runtime import ExecError
from gotmpl.template import Template
from injector import meshconfig as M
from injector.funcs import istio_funcs

M.protos.register_oracle_types()


def shared_path(shared: pathlib.Path, *parts: str) -> pathlib.Path:
    path = shared.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


# --- versions and types -----------------------------------------------------------------------


def test_resolve_version() -> None:
    assert M.resolve_version("0.5") == (0, 5, 0)
    assert M.resolve_version("0.5.0") == (0, 5, 0)
    assert M.resolve_version("0.5.1") == (0, 5, 1)
    assert M.resolve_version("1.1") == M.resolve_version("1.1.17") == (1, 1, 99)
    assert M.resolve_version("istio@1.8") == (1, 8, 99)
    for bad in ("0.4", "1.9", "1", "x.y"):
        with pytest.raises(ValueError):
            M.resolve_version(bad)


DURATION_TYPE = {v: ("*main.GogoDuration" if v >= "1.1" else "*main.Duration") for v in M.VERSIONS}


@pytest.mark.parametrize("version", M.VERSIONS)
def test_types(version: str) -> None:
    mt, pt = M.mesh_type(version), M.proxy_type(version)
    assert mt.kind == V.Kind.PTR and mt.elem.kind == V.Kind.STRUCT
    # MeshConfig.DefaultConfig is the very type of .ProxyConfig.
    assert mt.elem.field("DefaultConfig").type is pt
    assert str(pt.elem.field("DrainDuration").type) == DURATION_TYPE[version]
    assert str(mt.elem.field("ProxyListenPort").type) == "int32"
    assert str(pt.elem.field("ControlPlaneAuthPolicy").type) == "main.AuthenticationPolicy"
    v = M.resolve_version(version)
    concurrency = pt.elem.field("Concurrency")
    if v < (0, 5, 1):
        assert concurrency is None
    else:
        assert str(concurrency.type) == ("*main.Int32Value" if v >= (1, 7, 0) else "int32")
    hold = pt.elem.field("HoldApplicationUntilProxyStarts")
    assert (hold is not None) == (v >= (1, 7, 0))
    if hold is not None:
        assert str(hold.type) == "*main.BoolValue"
    # GetTracing mirrors Tracing wherever Tracing exists.
    tracing, get_tracing = pt.elem.field("Tracing"), pt.elem.field("GetTracing")
    assert (tracing is None) == (get_tracing is None) == (v < (1, 1, 0))
    if tracing is not None:
        assert tracing.type is get_tracing.type and str(tracing.type) == "*main.Tracing"
    assert (pt.elem.field("InterceptionMode") is not None) == (v >= (0, 8, 0))
    auth = mt.elem.field("AuthPolicy")
    assert (auth is not None) == (v < (1, 8, 0))
    if auth is not None:
        assert str(auth.type) == "main.MeshConfig_AuthPolicy"
    if v >= (1, 1, 0):
        mode = mt.elem.field("OutboundTrafficPolicy").type.elem.field("Mode")
        assert str(mode.type) == "main.MeshConfig_OutboundTrafficPolicy_Mode"


def test_type_expressions_are_the_oracles() -> None:
    """The typed JSON carries the same type expression gotmpl parses."""
    for version in M.VERSIONS:
        m = M.default_mesh(version)
        assert m.mesh_json["t"] == M.mesh_type_expr(version)
        assert m.proxy_json["t"] == M.proxy_type_expr(version)
        assert V.parse_type(m.mesh_json["t"]) is M.mesh_type(version)


def test_field_names() -> None:
    assert M.go_name("sds_use_k8s_sa_jwt") == "SdsUseK8SSaJwt"
    assert M.json_name("k8s_sa_jwt_path") == "k8sSaJwtPath"
    assert M.go_name("h2_upgrade_policy") == "H2UpgradePolicy"
    names = [g for g, _, _ in M.field_names("0.6")]
    assert names[:3] == ["MixerCheckServer", "MixerReportServer", "DisablePolicyChecks"]
    assert names[-3:] == ["MixerAddress", "MixerCheck", "MixerReport"]
    assert "MixerCheck" not in [g for g, _, _ in M.field_names("0.7")]


# --- 0.5 against ../shared/gotypes --------------------------------------------------------------

GOTYPES_KIND = {
    "string": "string",
    "bool": "bool",
    "int32": "int32",
    "[]string": "[]string",
    "*duration.Duration": "*main.Duration",
    "AuthenticationPolicy": "main.AuthenticationPolicy",
    "MeshConfig_AuthPolicy": "main.MeshConfig_AuthPolicy",
    "MeshConfig_IngressControllerMode": "int32",  # no oracle type: prints its number
}


@pytest.fixture(scope="module")
def gotypes(shared: pathlib.Path) -> dict:
    return json.loads(shared_path(shared, "gotypes", "istio-meshconfig.json").read_text())


def _pb_names(tag: str) -> tuple[str, str]:
    parts = dict(p.split("=", 1) for p in tag.split(",") if "=" in p)
    return parts["name"], parts.get("json", parts["name"])


@pytest.mark.parametrize("release", ["0.5.0", "0.5.1"])
@pytest.mark.parametrize("message", ["MeshConfig", "ProxyConfig"])
def test_05_fields_match_gotypes(gotypes: dict, release: str, message: str) -> None:
    want = [
        (f["name"], *_pb_names(f["protobuf"]))
        for f in gotypes["versions"][release]["types"]["meshconfig." + message]["fields"]
        if f.get("exported", True) and not f["name"].startswith("XXX_")
    ]
    assert M.field_names(release, message) == want
    t = (M.mesh_type if message == "MeshConfig" else M.proxy_type)(release).elem
    for f in gotypes["versions"][release]["types"]["meshconfig." + message]["fields"]:
        if f["name"] == "DefaultConfig":
            assert t.field("DefaultConfig").type is M.proxy_type(release)
        elif f.get("exported", True) and not f["name"].startswith("XXX_"):
            assert str(t.field(f["name"]).type) == GOTYPES_KIND[f["type"]], f["name"]


def _gotypes_value(value: Any) -> Any:
    """gotypes' evaluated default -> our payload form."""
    if isinstance(value, dict) and "Duration" in value:
        return {"Seconds": value["Duration"]["seconds"], "Nanos": value["Duration"]["nanos"]}
    if isinstance(value, dict) and "enum" in value:
        return value["number"]
    return value


@pytest.mark.parametrize("release", ["0.5.0", "0.5.1"])
def test_05_defaults_match_gotypes(gotypes: dict, release: str) -> None:
    defaults = gotypes["versions"][release]["defaults"]
    mesh = M.default_mesh(release)
    for message, ours in (("DefaultMeshConfig", mesh.values), ("DefaultProxyConfig", mesh.proxy_values)):
        listed = {f["field"] for f in defaults[message]["fields"]}
        for f in defaults[message]["fields"]:
            if f["field"] == "DefaultConfig":
                assert f["expr"] == "&config"  # DefaultProxyConfig(), checked below
                continue
            assert "value" in f, f
            assert ours[f["field"]] == _gotypes_value(f["value"]), (message, f["field"])
        assert defaults[message]["allOtherFieldsZero"]
        for name, value in ours.items():
            if name not in listed and name != "DefaultConfig":
                assert value in ("", 0, False, None), (message, name, value)


# --- the shipped mesh ConfigMaps --------------------------------------------------------------------

ISTIO_CONFIG = "install/kubernetes/templates/istio-config.yaml.tmpl"
D = M._d

# What every 0.5-0.8 istio-config.yaml.tmpl sets (after {ISTIO_NAMESPACE} -> istio-system).
SHIPPED_PROXY = {
    "DiscoveryRefreshDelay": D(1),
    "ConnectTimeout": D(10),
    "ConfigPath": "/etc/istio/proxy",
    "BinaryPath": "/usr/local/bin/envoy",
    "ServiceCluster": "istio-proxy",
    "DrainDuration": D(45),
    "ParentShutdownDuration": D(60),
    "ProxyAdminPort": 15000,
    "ZipkinAddress": "zipkin.istio-system:9411",
    "StatsdUdpAddress": "istio-mixer.istio-system:9125",
    "ControlPlaneAuthPolicy": 0,
}


@pytest.mark.parametrize(
    ("folder", "version", "mesh", "proxy"),
    [
        ("0.5.0", "0.5", {"MixerAddress": "istio-mixer.istio-system:15004"}, {"DiscoveryAddress": "istio-pilot.istio-system:15003"}),
        ("0.5.1", "0.5.1", {"MixerAddress": "istio-mixer.istio-system:15004"}, {"DiscoveryAddress": "istio-pilot.istio-system:15003", "Concurrency": 0}),
        ("0.6.0", "0.6", {"MixerCheckServer": "istio-mixer.istio-system:15004", "MixerReportServer": "istio-mixer.istio-system:15004", "MixerAddress": ""},
         {"DiscoveryAddress": "istio-pilot.istio-system:15003"}),
        # 0.7.1: "discoveryAddress: istio-pilot...:8080 #--controlPlaneAuthPolicy" - the YAML comment goes.
        ("0.7.1", "0.7", {"MixerCheckServer": "istio-mixer.istio-system:15004"}, {"DiscoveryAddress": "istio-pilot.istio-system:8080"}),
        ("0.8.0", "0.8", {"MixerReportServer": "istio-mixer.istio-system:15004"}, {"DiscoveryAddress": "istio-pilot.istio-system:8080", "InterceptionMode": 0}),
    ],
)  # fmt: skip
def test_shipped_istio_configmap(shared: pathlib.Path, folder: str, version: str, mesh: dict, proxy: dict) -> None:
    text = shared_path(shared, "upstream", "istio", folder, ISTIO_CONFIG).read_text()
    m = M.apply_mesh_yaml(M.configmap_mesh(text), version)
    expected_mesh = {
        "DisablePolicyChecks": False,
        "EnableTracing": True,
        "IngressService": "istio-ingress",
        "RdsRefreshDelay": D(1),
        "MtlsExcludedServices": ["kubernetes.default.svc.cluster.local"],
        "AuthPolicy": 0,
        # untouched defaults
        "ProxyListenPort": 15001,
        "ConnectTimeout": D(1),
        "IngressClass": "istio",
        "IngressControllerMode": 2,
        "AccessLogFile": "/dev/stdout",
        **mesh,
    }
    for name, value in expected_mesh.items():
        assert m.values[name] == value, name
    for name, value in {**SHIPPED_PROXY, **proxy}.items():
        assert m.proxy_values[name] == value, name
    # The typed value is the same data, Go-typed.
    assert V.unwrap_scalar(m.proxy_config.target.fields["ProxyAdminPort"]) == 15000
    assert m.proxy_config.target.fields["DrainDuration"].target.Seconds == 45


# Hand-rendered from each release's Helm chart (install/.../templates/configmap.yaml,
# default values; Helm is not available here): the shapes these releases ship.
HELM_MESHES = {
    "1.0": """\
disablePolicyChecks: false
enableTracing: true
accessLogFile: "/dev/stdout"
mixerCheckServer: istio-policy.istio-system.svc.cluster.local:9091
mixerReportServer: istio-telemetry.istio-system.svc.cluster.local:9091
policyCheckFailOpen: false
ingressService: istio-ingress
sdsUdsPath: ""
sdsRefreshDelay: 15s
defaultConfig:
  connectTimeout: 10s
  configPath: "/etc/istio/proxy"
  binaryPath: "/usr/local/bin/envoy"
  serviceCluster: istio-proxy
  drainDuration: 45s
  parentShutdownDuration: 1m0s
  proxyAdminPort: 15000
  concurrency: 0
  zipkinAddress: zipkin.istio-system:9411
  controlPlaneAuthPolicy: NONE
  discoveryAddress: istio-pilot.istio-system:15007
""",
    "1.1": """\
disablePolicyChecks: false
enableTracing: true
accessLogFile: "/dev/stdout"
accessLogFormat: ""
accessLogEncoding: 'TEXT'
mixerCheckServer: istio-policy.istio-system.svc.cluster.local:9091
mixerReportServer: istio-telemetry.istio-system.svc.cluster.local:9091
policyCheckFailOpen: false
ingressService: istio-ingressgateway
dnsRefreshRate: 5s
sdsUdsPath:
enableSdsTokenMount: false
trustDomain:
outboundTrafficPolicy:
  mode: ALLOW_ANY
localityLbSetting:
  {}
defaultConfig:
  connectTimeout: 10s
  configPath: "/etc/istio/proxy"
  binaryPath: "/usr/local/bin/envoy"
  serviceCluster: istio-proxy
  drainDuration: 45s
  parentShutdownDuration: 1m0s
  proxyAdminPort: 15000
  concurrency: 2
  tracing:
    zipkin:
      address: zipkin.istio-system:9411
  controlPlaneAuthPolicy: NONE
  discoveryAddress: istio-pilot.istio-system:15010
""",
    "1.4": """\
disablePolicyChecks: true
disableMixerHttpReports: false
reportBatchMaxEntries: 100
reportBatchMaxTime: 1s
enableTracing: true
accessLogFile: ""
accessLogFormat: ""
accessLogEncoding: 'TEXT'
enableEnvoyAccessLogService: false
mixerReportServer: istio-telemetry.istio-system.svc.cluster.local:15004
ingressService: istio-ingressgateway
connectTimeout: 10s
protocolDetectionTimeout: 100ms
dnsRefreshRate: 300s
sdsUdsPath: ""
trustDomain: "cluster.local"
trustDomainAliases:
enableAutoMtls: false
outboundTrafficPolicy:
  mode: ALLOW_ANY
localityLbSetting:
  enabled: true
rootNamespace: istio-system
certificates:
  []
configSources:
- address: istio-galley.istio-system.svc:9901
  tlsSettings:
    mode: ISTIO_MUTUAL
defaultConfig:
  connectTimeout: 10s
  configPath: "/etc/istio/proxy"
  binaryPath: "/usr/local/bin/envoy"
  serviceCluster: istio-proxy
  drainDuration: 45s
  parentShutdownDuration: 1m0s
  proxyAdminPort: 15000
  concurrency: 2
  tracing:
    zipkin:
      address: zipkin.istio-system:9411
  envoyAccessLogService:
    address: ""
  envoyMetricsService:
    address: ""
  controlPlaneAuthPolicy: MUTUAL_TLS
  discoveryAddress: istio-pilot.istio-system:15011
""",
    "1.7": """\
disableMixerHttpReports: true
trustDomain: "cluster.local"
defaultConfig:
  tracing:
    zipkin:
      address: zipkin.istio-system:9411
  discoveryAddress: istiod.istio-system.svc:15012
  proxyMetadata:
    DNS_AGENT: ""
""",
    "1.8": """\
defaultConfig:
  tracing:
    zipkin:
      address: zipkin.istio-system:9411
  discoveryAddress: istiod.istio-system.svc:15012
  meshId: cluster.local
trustDomain: "cluster.local"
""",
}


def test_helm_style_meshes() -> None:
    m = M.apply_mesh_yaml(HELM_MESHES["1.0"], "1.0")
    assert m.values["SdsRefreshDelay"] == D(15) and m.values["MixerCheckServer"].endswith(":9091")
    assert m.proxy_values["DiscoveryAddress"] == "istio-pilot.istio-system:15007"

    m = M.apply_mesh_yaml(HELM_MESHES["1.1"], "1.1")
    assert m.proxy_values["Concurrency"] == 2
    assert m.proxy_values["Tracing"]["Zipkin"] == {"Address": "zipkin.istio-system:9411"}
    assert m.values["OutboundTrafficPolicy"] == {"Mode": 1}
    assert m.values["LocalityLbSetting"] == {"Distribute": None, "Failover": None}
    assert m.values["TrustDomain"] == "" and m.values["SdsUdsPath"] == ""
    assert m.proxy_json["v"]["GetTracing"] == m.proxy_json["v"]["Tracing"]

    m = M.apply_mesh_yaml(HELM_MESHES["1.4"], "1.4")
    assert m.values["ProtocolDetectionTimeout"] == D(0, 100_000_000)
    assert m.values["DnsRefreshRate"] == D(300)
    assert m.values["TrustDomainAliases"] == []  # null keeps the default []
    assert m.values["ConfigSources"][0]["TlsSettings"]["Mode"] == 3
    assert m.values["EnableAutoMtls"] == {"Value": False}
    assert m.proxy_values["ControlPlaneAuthPolicy"] == 1
    assert m.proxy_values["EnvoyMetricsService"]["Address"] == ""

    m = M.apply_mesh_yaml(HELM_MESHES["1.7"], "1.7")
    p = m.proxy_values
    assert p["ProxyMetadata"] == {"DNS_AGENT": ""}
    assert p["Concurrency"] == {"Value": 2} and p["ControlPlaneAuthPolicy"] == 1  # defaults kept (merge)
    assert p["TerminationDrainDuration"] == D(5) and p["StatusPort"] == 15020

    m = M.apply_mesh_yaml(HELM_MESHES["1.8"], "1.8")
    assert m.proxy_values["MeshId"] == "cluster.local" and m.values["TrustDomain"] == "cluster.local"
    assert m.proxy_values["HoldApplicationUntilProxyStarts"] is None


@pytest.mark.parametrize("version", M.VERSIONS)
def test_defaults_validate_and_round_trip(version: str) -> None:
    """Each release's defaults pass its own validation, and an empty mesh file
    (or an empty defaultConfig) changes nothing."""
    d = M.default_mesh(version)
    for text in ("", "{}", "defaultConfig: {}\n", "defaultConfig:\n"):
        assert M.apply_mesh_yaml(text, version).values == d.values, text


# --- errors ------------------------------------------------------------------------------------------

ERRORS = [
    # unknown fields: jsonpb errors up to 1.0, ignored from 1.1
    ("0.5", "foo: 1", 'failed to convert to proto. unknown field "foo" in v1alpha1.MeshConfig', "foo"),
    ("1.0", "defaultConfig:\n  tracing: {}", 'failed to convert to proto. unknown field "tracing" in v1alpha1.ProxyConfig', "defaultConfig.tracing"),
    ("0.6", "mixerAddress: x\negressProxyAddress: y", 'failed to convert to proto. unknown field "egressProxyAddress" in v1alpha1.MeshConfig', "egressProxyAddress"),
    ("0.6", "mixerCheck:\n  mtls: a", 'failed to convert to proto. unknown field "mtls" in v1alpha1.ServerAddress', "mixerCheck.mtls"),
    # types (the first bad field in declaration order wins)
    ("0.5", "proxyListenPort: abc", "failed to convert to proto. invalid character 'a' looking for beginning of value", "proxyListenPort"),
    ("1.4", "defaultConfig:\n  proxyAdminPort: 1.5", "failed to convert to proto. json: cannot unmarshal number 1.5 into Go value of type int32", "defaultConfig.proxyAdminPort"),
    ("1.4", "defaultConfig:\n  discoveryAddress: 15010", "failed to convert to proto. json: cannot unmarshal number into Go value of type string", "defaultConfig.discoveryAddress"),
    ("0.8", "enableTracing: 'true'", "failed to convert to proto. json: cannot unmarshal string into Go value of type bool", "enableTracing"),
    ("1.1", "proxyListenPort: 99999999999", "failed to convert to proto. json: cannot unmarshal number 99999999999 into Go value of type int32", "proxyListenPort"),
    ("1.1", "mtlsExcludedServices: x\nproxyListenPort: x\nconnectTimeout: 2", "failed to convert to proto. invalid character 'x' looking for beginning of value", "proxyListenPort"),
    ("0.7", "authPolicy: FOO", 'failed to convert to proto. unknown value "FOO" for enum istio.mesh.v1alpha1.MeshConfig_AuthPolicy', "authPolicy"),
    ("1.2", "defaultConfig:\n  controlPlaneAuthPolicy: true", "failed to convert to proto. json: cannot unmarshal bool into Go value of type v1alpha1.AuthenticationPolicy", "defaultConfig.controlPlaneAuthPolicy"),
    ("1.3", "outboundTrafficPolicy: ALLOW_ANY", "failed to convert to proto. json: cannot unmarshal string into Go value of type map[string]json.RawMessage", "outboundTrafficPolicy"),
    ("1.3", "- a", "failed to convert to proto. json: cannot unmarshal array into Go value of type map[string]json.RawMessage", None),
    ("1.6", "defaultConfig:\n  proxyMetadata:\n    A: 1", "failed to convert to proto. json: cannot unmarshal number into Go value of type string", "defaultConfig.proxyMetadata.A"),
    ("1.6", "defaultServiceExportTo: '*'", "failed to convert to proto. json: cannot unmarshal string into Go value of type []json.RawMessage", "defaultServiceExportTo"),
    # durations: strconv.Unquote before 1.1, json after; Go 1.15 (Istio 1.8) quotes
    ("0.5", "defaultConfig:\n  drainDuration: 45", "failed to convert to proto. invalid syntax", "defaultConfig.drainDuration"),
    ("1.5", "defaultConfig:\n  drainDuration: 45", "failed to convert to proto. json: cannot unmarshal number into Go value of type string", "defaultConfig.drainDuration"),
    ("0.6", "defaultConfig:\n  drainDuration: 1x", "failed to convert to proto. bad Duration: time: unknown unit x in duration 1x", "defaultConfig.drainDuration"),
    ("1.7", "connectTimeout: 10", "failed to convert to proto. json: cannot unmarshal number into Go value of type string", "connectTimeout"),
    ("1.8", "defaultConfig:\n  drainDuration: 1x", 'failed to convert to proto. bad Duration: time: unknown unit "x" in duration "1x"', "defaultConfig.drainDuration"),
    ("1.8", "dnsRefreshRate: s", 'failed to convert to proto. bad Duration: time: invalid duration "s"', "dnsRefreshRate"),
    ("1.1", "dnsRefreshRate: '5'", "failed to convert to proto. bad Duration: time: missing unit in duration 5", "dnsRefreshRate"),
    # YAML
    ("1.1", "a: [\n", "failed to convert to proto. error converting YAML to JSON: yaml: line 1: did not find expected node content", None),
    # validation: go-multierror's old list format up to 1.1, v1.0.0's from 1.2
    ("0.5", "proxyListenPort: 0", "1 error occurred:\n\n* invalid proxy listen port: port number 0 must be in the range 1..65535", None),
    ("1.2", "proxyListenPort: 0", "1 error occurred:\n\t* invalid proxy listen port: port number 0 must be in the range 1..65535\n\n", None),
    ("1.0", "defaultConfig:\n  drainDuration: 2h\n  parentShutdownDuration: 1s",
     ("2 errors occurred:\n\n* invalid parent and drain time combination parent shutdown time 1s must be greater than drain time 2h0m0s\n"
      "* invalid parent and drain time combination drain time 2h0m0s must be <1h0m0s"), None),
    ("0.5", "mixerAddress: mixer\nconnectTimeout: 1m\ndefaultConfig:\n  discoveryAddress: pilot:99999\n  statsdUdpAddress: '[::1]:80'",
     ("4 errors occurred:\n\n* invalid Mixer address: ':' separator not found in \"mixer\", host address must be of the form <DNS name>:<port> or <IP>:<port>\n"
      "* invalid connect timeout: time 1m0s must be >1ms and <30s\n"
      "* invalid discovery address: port number 99999 must be in the range 1..65535\n"
      "* invalid statsd udp address: strconv.Atoi: parsing \":1]:80\": invalid syntax"), None),
    ("1.3", "mixerCheckServer: Policy:9091\ndefaultConfig:\n  statsdUdpAddress: '[::1]:80'\n  envoyMetricsService:\n    address: ems",
     ("2 errors occurred:\n\t* invalid Policy Check Server address: \"Policy\" is not a valid hostname or an IP address\n"
      "\t* invalid envoy metrics service address \"ems\": unable to split \"ems\": address ems: missing port in address\n\n"), None),
    ("1.4", "defaultConfig:\n  tracing:\n    lightstep:\n      secure: true",
     ("4 errors occurred:\n\t* invalid lightstep config: address is required\n\t* invalid lightstep config: invalid lightstep address: "
      "unable to split \"\": missing port in address\n\t* invalid lightstep config: access token is required\n\t* invalid lightstep config: "
      "cacertPath is required\n\n"), None),
    ("1.7", "defaultConfig:\n  proxyAdminPort: 0\n  binaryPath: ''", "2 errors occurred:\n\t* binary path must be set\n\t* invalid proxy admin port: port number 0 must be in the range 1..65535\n\n", None),
    ("1.6", "serviceSettings:\n- hosts: ['*.foo.svc', 'Bad']", "1 error occurred:\n\t* serviceSettings[0], host `Bad`: domain name \"Bad\" invalid (label \"Bad\" invalid)\n\n", None),
    ("1.2", "localityLbSetting:\n  distribute:\n  - from: a/*\n    to: {b: 60, c: 30}", "1 error occurred:\n\t* total locality weight 90 != 100\n\n", None),
    ("0.8", "authPolicy: 3", "1 error occurred:\n\n* unrecognized auth policy \"3\"", None),
    ("1.1", "defaultConfig:\n  controlPlaneAuthPolicy: INHERIT", "1 error occurred:\n\n* unrecognized control plane auth policy \"INHERIT\"", None),
]  # fmt: skip


@pytest.mark.parametrize(("version", "text", "message", "field"), ERRORS)
def test_errors(version: str, text: str, message: str, field: str | None) -> None:
    with pytest.raises(M.MeshConfigError) as info:
        M.apply_mesh_yaml(text, version)
    assert str(info.value) == message
    assert info.value.field == field
    if field:
        assert info.value.explain() == f"mesh config field {field}: {message}"


# --- apply semantics ---------------------------------------------------------------------------------


def test_unknown_fields_ignored_from_11() -> None:
    m = M.apply_mesh_yaml("foo: 1\ndefaultConfig:\n  bar: [1]\n  drainDuration: 30s\n", "1.1")
    assert m.proxy_values["DrainDuration"] == D(30)


def test_zero_values_dropped_before_17() -> None:
    """0.5-1.6 re-encode the decoded defaultConfig (jsonpb omits zeros) onto fresh
    defaults: explicit zeros vanish. 1.7+ merge the YAML itself."""
    text = "defaultConfig:\n  controlPlaneAuthPolicy: NONE\n  statNameLength: 0\n  discoveryAddress: ''\n"
    old = M.apply_mesh_yaml(text.replace("NONE", "MUTUAL_TLS") + "  concurrency: 0\n", "1.1").proxy_values
    assert old["ControlPlaneAuthPolicy"] == 1 and old["StatNameLength"] == 189 and old["DiscoveryAddress"] == "istio-pilot:15010"
    assert M.apply_mesh_yaml(text, "1.6").proxy_values["DiscoveryAddress"] == "istiod.istio-system.svc:15012"
    with pytest.raises(M.MeshConfigError, match="discovery address must be set"):
        M.apply_mesh_yaml(text, "1.7")
    new = M.apply_mesh_yaml("defaultConfig:\n  controlPlaneAuthPolicy: NONE\n  concurrency: 0\n", "1.7").proxy_values
    assert new["ControlPlaneAuthPolicy"] == 0 and new["Concurrency"] == {"Value": 0}


def test_nested_messages_replace_whole() -> None:
    """jsonpb allocates a nested message afresh: a partial tracing drops the default zipkin."""
    p = M.apply_mesh_yaml("defaultConfig:\n  tracing:\n    datadog:\n      address: dd:8126\n", "1.8").proxy_values
    assert p["Tracing"]["Zipkin"] is None and p["Tracing"]["Datadog"] == {"Address": "dd:8126"}
    m = M.apply_mesh_yaml("outboundTrafficPolicy: {}\n", "1.1")
    assert m.values["OutboundTrafficPolicy"] == {"Mode": 0}


def test_field_spellings() -> None:
    # jsonpb takes the proto name too; camelCase wins when both are given.
    m = M.apply_mesh_yaml("proxy_listen_port: 1\nproxyListenPort: 2\ndefault_config:\n  proxy_admin_port: 1500\n", "1.1")
    assert m.values["ProxyListenPort"] == 2 and m.proxy_values["ProxyAdminPort"] == 1500
    # 1.7+ only merge the "defaultConfig" key: "default_config" is decoded, then dropped.
    m = M.apply_mesh_yaml("default_config:\n  proxy_admin_port: 1500\n", "1.7")
    assert m.proxy_values["ProxyAdminPort"] == 15000


def test_null_and_quoted_numbers() -> None:
    m = M.apply_mesh_yaml("proxyListenPort: null\nconnectTimeout: ~\ndefaultConfig:\n  proxyAdminPort: '15010'\n", "0.5")
    assert m.values["ProxyListenPort"] == 15001 and m.values["ConnectTimeout"] == D(1)
    assert m.proxy_values["ProxyAdminPort"] == 15010


def test_mixer_address_compat() -> None:
    """0.6-1.0 copy a lone mixerAddress into both mixer servers."""
    m = M.apply_mesh_yaml("mixerAddress: mixer:9091\n", "1.0")
    assert m.values["MixerCheckServer"] == m.values["MixerReportServer"] == "mixer:9091"
    assert M.apply_mesh_yaml("mixerAddress: mixer:9091\n", "1.1").values["MixerCheckServer"] == ""


def test_durations() -> None:
    m = M.apply_mesh_yaml("dnsRefreshRate: 1.5s\ndefaultConfig:\n  drainDuration: 1m30s\n  parentShutdownDuration: 1h\n", "1.1")
    assert m.values["DnsRefreshRate"] == D(1, 500_000_000)
    assert m.proxy_values["DrainDuration"] == D(90)
    assert M.go_parse_duration("-1.5s") == -1_500_000_000
    assert M.go_parse_duration("1h2m3.5s") == 3723_500_000_000
    assert M.go_parse_duration("2\u00b5s") == 2000
    assert m.proxy_config.target.fields["DrainDuration"].target.String() == "1m30s"


def test_configmap_mesh() -> None:
    manifest = "kind: Service\nmetadata: {name: x}\n---\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: {ISTIO_NAMESPACE}\ndata:\n  mesh: |-\n    a: {ISTIO_NAMESPACE}\n"
    assert M.configmap_mesh(manifest) == "a: istio-system"
    with pytest.raises(ValueError):
        M.configmap_mesh("kind: Service\n")


# --- renders against the Go oracle ---------------------------------------------------------------------

SAMPLE_MESH = """\
mixerCheckServer: istio-policy.istio-system:9091
enableTracing: false
accessLogFile: /dev/null
ingressControllerMode: DEFAULT
proxyListenPort: 15002
rdsRefreshDelay: 2s
trustDomain: example.org
outboundTrafficPolicy: {mode: REGISTRY_ONLY}
h2UpgradePolicy: UPGRADE
enablePrometheusMerge: true
defaultConfig:
  drainDuration: 30s
  parentShutdownDuration: 1m30s
  connectTimeout: 2.5s
  discoveryAddress: istio-pilot.istio-system:15011
  controlPlaneAuthPolicy: MUTUAL_TLS
  zipkinAddress: zipkin:9411
  interceptionMode: TPROXY
  concurrency: 4
  statNameLength: 100
  proxyMetadata: {B: "2", A: "1"}
  extraStatTags: [x, z]
  tracing:
    zipkin: {address: "zipkin.istio-system:9411"}
    tlsSettings: {caCertificates: /etc/ca.pem}
  holdApplicationUntilProxyStarts: true
"""


def _printable(kind: Any) -> bool:
    """Fields whose printed form is deterministic in Go (no pointer addresses)."""
    if isinstance(kind, (M.Message, M.Raw)):
        return False
    if isinstance(kind, M.Repeated):
        return _printable(kind.elem)
    if isinstance(kind, M.MapOf):
        return _printable(kind.value)
    return True


def _field_walk(version: str) -> str:
    v = M.resolve_version(version)
    parts = []
    for field, msg in (("MeshConfig", "MeshConfig"), ("ProxyConfig", "ProxyConfig"), ("MeshConfig.DefaultConfig", "ProxyConfig")):
        for f in M.fields_of(msg, v):
            if _printable(f.kind):
                name = M.go_name(f.name)
                both = f"{{{{printf \"%v %T\" .{field}.{name} .{field}.{name}}}}}"
                if isinstance(f.kind, (M.Duration, M.Wrapper)):
                    # Set pointers only: a nil GogoDuration is test_nil_durations_print_as_go.
                    parts.append(f"{field}.{name}: {{{{with .{field}.{name}}}}}{{{{.}}}} {{{{printf \"%v %T\" . .}}}}{{{{end}}}}")
                else:
                    parts.append(f"{field}.{name}={{{{.{field}.{name}}}}} {both}")
    if v >= (0, 6, 0):
        parts.append("{{formatDuration .ProxyConfig.DrainDuration}} {{formatDuration .ProxyConfig.ConnectTimeout}}")
    if v >= (0, 8, 0):
        parts.append("{{.ProxyConfig.InterceptionMode.String}} {{eq .ProxyConfig.InterceptionMode 1}}")
    if v >= (1, 1, 0):
        parts.append("{{with .ProxyConfig.Tracing}}{{.GetZipkin.GetAddress}}{{end}} {{with .ProxyConfig.GetTracing}}{{.GetTlsSettings.GetCaCertificates}}{{end}}")
        parts.append("{{if .MeshConfig.OutboundTrafficPolicy}}{{.MeshConfig.OutboundTrafficPolicy.Mode}}{{end}}")
    if v >= (1, 4, 0):
        parts.append("{{protoToJSON .ProxyConfig}}")
    if v >= (1, 7, 0):
        parts.append("{{.ProxyConfig.Concurrency.GetValue}} {{printf \"%v\" .ProxyConfig.Concurrency}}")
    return "\n".join(parts) + "\n"


def _data(mesh: M.Mesh) -> tuple[dict, Any]:
    """The same SidecarTemplateData-like pair for the oracle (typed JSON) and for
    gotmpl (our values: the ProxyConfig pointer shared with MeshConfig.DefaultConfig)."""
    t = f"*struct{{MeshConfig {mesh.mesh_json['t']}; ProxyConfig {mesh.proxy_json['t']}}}"
    typed = {"t": t, "v": {"MeshConfig": mesh.mesh_json["v"], "ProxyConfig": mesh.proxy_json["v"]}}
    gt = V.parse_type(t)
    ours = V.Ptr(gt, V.Struct(gt.elem, {"MeshConfig": mesh.mesh_config, "ProxyConfig": mesh.proxy_config}))
    return typed, ours


def _render_ours(version: str, template: str, data: Any) -> dict:
    out = io.StringIO()
    t = Template("t").funcs(istio_funcs(parse_istio_version(f"istio@{version}"))).parse(template)
    try:
        t.execute(out, data)
    except ExecError as e:
        return {"output": out.getvalue(), "error": str(e)}
    return {"output": out.getvalue(), "error": None}


@pytest.mark.parametrize("version", M.VERSIONS)
def test_renders_match_oracle(oracle: Any, version: str) -> None:
    template = _field_walk(version)
    meshes = [M.default_mesh(version), M.apply_mesh_yaml(_sample_for(version), version)]
    requests, ours = [], []
    for mesh in meshes:
        typed, data = _data(mesh)
        requests.append({"template": template, "data": typed, "funcs": [f"istio@{version}"]})
        ours.append(_render_ours(version, template, data))
    for req, got, want in zip(requests, ours, oracle.run_many(requests)):
        assert want["error"] is None, (version, want["error"][:500])
        assert got == {"output": want["output"], "error": None}


def _sample_for(version: str) -> str:
    """SAMPLE_MESH cut to the release's fields (0.5-1.0 reject unknown ones);
    JSON is YAML, so the cut sample is written as JSON."""
    from injector import goyaml

    sample = goyaml.load(SAMPLE_MESH)
    mesh_names = {j for _, _, j in M.field_names(version)}
    proxy_names = {j for _, _, j in M.field_names(version, "ProxyConfig")}
    cut = {k: x for k, x in sample.items() if k in mesh_names}
    cut["defaultConfig"] = {k: x for k, x in sample["defaultConfig"].items() if k in proxy_names}
    return json.dumps(cut)


@pytest.mark.parametrize("version", M.VERSIONS)
def test_sample_mesh_applies(version: str) -> None:
    m = M.apply_mesh_yaml(_sample_for(version), version)
    p = m.proxy_values
    assert p["DrainDuration"] == D(30) and p["ConnectTimeout"] == D(2, 500_000_000)
    assert p["ControlPlaneAuthPolicy"] == 1 and m.values["ProxyListenPort"] == 15002


GETTERS = [
    # Printing a pointer whose String() has a pointer receiver: Go calls it.
    ("{{.ProxyConfig.DrainDuration}}", "1.1", "45s"),
    ("{{.ProxyConfig.DrainDuration}}", "0.6", "seconds:2 "),
    ("{{.MeshConfig.EnableAutoMtls}}", "1.4", ""),
    # Nil-safe generated getters through nil pointers (Tracing is nil by default before 1.6).
    ("{{.ProxyConfig.GetTracing.GetZipkin.GetAddress}}|{{.ProxyConfig.GetTracing.GetLightstep.GetSecure}}", "1.1", "|false"),
    ("{{.MeshConfig.DefaultConfig.HoldApplicationUntilProxyStarts.GetValue}}", "1.7", "false"),
    ("{{.ProxyConfig.GetEnvoyMetricsService.GetAddress}}|{{structToJSON .ProxyConfig.EnvoyAccessLogService}}", "1.3", "|{}"),
]


@pytest.mark.parametrize(("template", "version", "go_output"), GETTERS)
def test_getters_and_stringers(oracle: Any, template: str, version: str, go_output: str) -> None:
    """What the templates call on these types: Go's answers, and ours."""
    typed, data = _data(M.default_mesh(version))
    want = oracle.run({"template": template, "data": typed, "funcs": [f"istio@{version}"]})
    assert want == {"output": go_output, "error": None, "phase": None}
    assert _render_ours(version, template, data) == {"output": go_output, "error": None}


# Found while writing these tests: gotmpl differs from Go here (the printing of
# these types lives in injector/protos.py and gotmpl/runtime.py, not in this module).
NIL_DURATIONS = [
    # The String() of each generation's Duration on a nil pointer.
    ("{{printf \"%v\" .ProxyConfig.DiscoveryRefreshDelay}}", "1.1", "(duration: nil Duration)"),
    ("{{.ProxyConfig.DiscoveryRefreshDelay}}", "1.1", "(duration: nil Duration)"),
]


@pytest.mark.parametrize(("template", "version", "go_output"), NIL_DURATIONS)
def test_nil_durations_print_as_go(oracle: Any, template: str, version: str, go_output: str) -> None:
    typed, data = _data(M.default_mesh(version))
    want = oracle.run({"template": template, "data": typed, "funcs": [f"istio@{version}"]})
    assert want == {"output": go_output, "error": None, "phase": None}
    assert _render_ours(version, template, data) == {"output": go_output, "error": None}


def test_tracing_oneof() -> None:
    """jsonpb sets a oneof from each member present; the oracle's flattened
    Tracing keeps the one set last (and a null member empties it)."""
    p = M.apply_mesh_yaml("defaultConfig:\n  tracing:\n    zipkin: {address: 'z:1'}\n    datadog: {address: 'd:2'}\n", "1.6").proxy_values
    assert p["Tracing"]["Zipkin"] is None and p["Tracing"]["Datadog"] == {"Address": "d:2"}
    p = M.apply_mesh_yaml("defaultConfig:\n  tracing:\n    zipkin: null\n", "1.8").proxy_values
    assert p["Tracing"]["Zipkin"] is None
    m = M.apply_mesh_yaml("defaultConfig:\n  tracing:\n    lightstep: {address: 'l:1', accessToken: t}\n", "1.2")
    assert m.proxy_json["v"]["Tracing"]["Lightstep"] == {"Address": "l:1", "AccessToken": "t", "Secure": False, "CacertPath": ""}

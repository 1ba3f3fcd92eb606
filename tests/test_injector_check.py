"""``injector check``: the requirements Istio's docs set for pods joining the mesh
(the seed's "Pod spec requirements" for 0.5, the later releases' pages), one
rule at a time with failing and passing cases, then the seed's sleep sample,
output formats, exit codes, several files, Lists, namespaces and unreadable
input. Manifests are written inline: each test shows what it checks."""

from __future__ import annotations

import json
import pathlib
import textwrap

import pytest
from click.testing import CliRunner

from injector.check import RULES, Port, protocol_of, requirements
from injector.cli import main
from injector.versions import RELEASES, release

ROOT = pathlib.Path(__file__).resolve().parent.parent
SLEEP = ROOT / "fixtures" / "sleep.yaml"
SLEEP_WITH_SERVICE = ROOT / "fixtures" / "check" / "sleep-with-service.yaml"
INJECTION_ENABLED = ROOT / "fixtures" / "check" / "injection-enabled.yaml"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["check", *args], input=input)


def write(tmp_path: pathlib.Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def diagnostics(result) -> list[dict]:
    return json.loads(result.stdout)


def rules(result) -> list[str]:
    return [d["rule"] for d in diagnostics(result)]


def check_json(*args: str, input: str | None = None) -> list[dict]:
    result = run(*args, "--format", "json", input=input)
    assert result.exit_code in (0, 1), result.output
    return diagnostics(result)


def service(name: str = "web", selector: str = "{app: web}", ports: str = "[{port: 80, name: http}]", namespace: str = "") -> str:
    ns = f", namespace: {namespace}" if namespace else ""
    return f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}{ns}}}\nspec:\n  selector: {selector}\n  ports: {ports}\n"


def deployment(name: str = "web", labels: str = "{app: web}", namespace: str = "", annotations: str = "", extra: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    notes = f"\n      annotations: {annotations}" if annotations else ""
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}{ns}\nspec:\n  template:\n"
        f"    metadata:\n      labels: {labels}{notes}\n    spec:\n      containers: [{{name: app, image: app}}]\n{extra}"
    )


def docs(*parts: str) -> str:
    return "---\n".join(parts)


@pytest.fixture
def enabled(tmp_path: pathlib.Path) -> list[str]:
    """--namespace-labels enabling the webhook for default and shop."""
    path = write(tmp_path, "ns.yaml", "default: {istio-injection: enabled}\nshop: {istio-injection: enabled}\n")
    return ["--namespace-labels", path]


# --- the requirements table ---------------------------------------------------------------------------


def test_protocols_per_release() -> None:
    assert {"http", "http2", "grpc", "mongo", "redis"} <= requirements(release("0.5")).protocols
    assert "tls" not in requirements(release("0.7")).protocols
    assert "tls" in requirements(release("0.8")).protocols
    assert "mysql" not in requirements(release("1.0")).protocols
    assert "mysql" in requirements(release("1.1")).protocols
    assert "grpc-web" not in requirements(release("1.3")).protocols
    assert "grpc-web" in requirements(release("1.4")).protocols
    assert [r.name for r in RELEASES.values() if requirements(r).app_protocol] == [r.name for r in RELEASES.values() if r.version >= (1, 6)]
    assert [r.name for r in RELEASES.values() if requirements(r).single_service] == ["0.5", "0.6", "0.7", "0.8"]


def test_protocol_of_a_port() -> None:
    def proto(version: str, name: str, protocol: str = "TCP", app: str = "") -> str:
        return protocol_of(Port(0, name, 80, protocol, app), requirements(release(version)))

    assert proto("0.5", "http2-foo") == "HTTP2"
    assert proto("0.5", "HTTP") == "HTTP"  # case-insensitive, as Istio parses it
    assert proto("0.5", "http2foo") == "TCP"  # the seed's invalid example
    assert proto("0.5", "") == "TCP"
    assert proto("0.5", "dns", "UDP") == "UDP"
    assert proto("1.3", "grpc-web") == "GRPC"  # the prefix before "-"
    assert proto("1.4", "grpc-web-ui") == "GRPC-WEB"  # checked first from 1.4
    assert proto("1.5", "database", app="mysql") == "TCP"
    assert proto("1.6", "database", app="mysql") == "MYSQL"


# --- service-membership ---------------------------------------------------------------------------------


def test_a_pod_without_a_service_fails_membership(tmp_path, enabled) -> None:
    path = write(tmp_path, "m.yaml", deployment())
    found = check_json(path, *enabled)
    assert [(d["rule"], d["severity"], d["line"]) for d in found] == [("service-membership", "error", 8)]
    assert "Deployment default/web belongs to no Service" in found[0]["message"]
    assert "(app=web)" in found[0]["message"]
    assert "Istio 1.7 needs at least one" in found[0]["message"]
    assert "exactly one" in check_json(path, *enabled, "--istio-version", "0.5")[0]["message"]


def test_a_selecting_service_passes_membership(tmp_path, enabled) -> None:
    result = run(write(tmp_path, "m.yaml", docs(service(), deployment())), *enabled)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


@pytest.mark.parametrize(
    "selector,why",
    [
        ("{app: web, version: v1}", "every selector pair must be in the pod labels"),
        ("{}", "an empty selector selects nothing"),
        ("null", "no selector selects nothing"),
    ],
)
def test_selectors_that_do_not_select(tmp_path, enabled, selector: str, why: str) -> None:
    path = write(tmp_path, "m.yaml", docs(service(selector=selector), deployment()))
    assert rules(run(path, *enabled, "--format", "json")) == ["service-membership"], why


def test_services_of_other_namespaces_do_not_count(tmp_path, enabled) -> None:
    path = write(tmp_path, "m.yaml", docs(service(namespace="shop"), deployment()))
    found = check_json(path, *enabled)
    assert [d["rule"] for d in found] == ["service-membership"]
    assert "no Service of namespace default" in found[0]["message"]
    same = write(tmp_path, "n.yaml", docs(service(namespace="shop"), deployment(namespace="shop")))
    assert check_json(same, *enabled) == []


def test_two_services_fail_before_1_0_and_are_listed(tmp_path, enabled) -> None:
    text = docs(service("web"), service("web-admin", ports="[{port: 8080, name: http-admin}]"), deployment())
    path = write(tmp_path, "m.yaml", text)
    for version in ("0.5", "0.8"):
        found = check_json(path, *enabled, "--istio-version", version)
        assert [d["rule"] for d in found] == ["service-membership"]
        assert "belongs to 2 Services (Service default/web, Service default/web-admin)" in found[0]["message"]
    # 1.0 relaxed it: several Services, as long as one port number has one protocol.
    assert check_json(path, *enabled, "--istio-version", "1.0") == []


def test_services_giving_one_port_two_protocols_fail_from_1_0(tmp_path, enabled) -> None:
    text = docs(service("web"), service("web-tcp", ports="[{port: 80, name: tcp}]"), deployment())
    found = check_json(write(tmp_path, "m.yaml", text), *enabled, "--istio-version", "1.0")
    assert [d["rule"] for d in found] == ["service-membership"]
    assert "port 80 for different protocols: HTTP (Service default/web), TCP (Service default/web-tcp)" in found[0]["message"]


# --- port-name --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "version,port,warns",
    [
        ("0.5", "{port: 80, name: http}", False),
        ("0.5", "{port: 80, name: http2-foo}", False),
        ("0.5", "{port: 80, name: http2foo}", True),
        ("0.5", "{port: 80}", True),
        ("0.5", "{port: 53, protocol: UDP}", False),
        ("0.5", "{port: 443, name: tls}", True),
        ("0.8", "{port: 443, name: tls}", False),
        ("1.0", "{port: 3306, name: mysql}", True),
        ("1.1", "{port: 3306, name: mysql}", False),
        ("1.5", "{port: 3306, name: database, appProtocol: mysql}", True),
        ("1.6", "{port: 3306, name: database, appProtocol: mysql}", False),
    ],
)
def test_port_names(tmp_path, enabled, version: str, port: str, warns: bool) -> None:
    path = write(tmp_path, "m.yaml", docs(service(ports=f"\n  - {port}"), deployment()))
    result = run(path, *enabled, "--istio-version", version, "--format", "json")
    assert result.exit_code == 0, result.output  # warnings alone pass
    assert rules(result) == (["port-name"] if warns else [])


def test_port_name_warning_names_the_port_and_its_line(tmp_path, enabled) -> None:
    ports = "\n  - port: 80\n    name: http\n  - port: 9090\n    name: metrics\n"
    path = write(tmp_path, "m.yaml", docs(service(ports=ports), deployment()))
    (found,) = check_json(path, *enabled, "--istio-version", "0.5")
    assert (found["line"], found["severity"]) == (10, "warning")
    assert found["message"].startswith("port 9090 of Service default/web is named 'metrics'")
    assert "treated as plain TCP" in found["message"]
    assert "http, http2, grpc, mongo, redis" in found["message"]
    (later,) = check_json(path, *enabled, "--istio-version", "1.7")
    assert "detected where Istio can" in later["message"] and "appProtocol" in later["message"]


# --- app-label, app-label-unique ----------------------------------------------------------------------------


def test_a_deployment_without_an_app_label_warns(tmp_path, enabled) -> None:
    text = docs(service(selector="{run: web}"), deployment(labels="{run: web}"))
    result = run(write(tmp_path, "m.yaml", text), *enabled, "--format", "json")
    assert result.exit_code == 0
    (found,) = diagnostics(result)
    assert (found["rule"], found["severity"]) == ("app-label", "warning")
    assert "Deployment default/web has no app label" in found["message"]


def test_only_deployments_need_an_app_label(tmp_path, enabled) -> None:
    statefulset = deployment(labels="{run: web}").replace("apps/v1\nkind: Deployment", "apps/v1\nkind: StatefulSet")
    path = write(tmp_path, "m.yaml", docs(service(selector="{run: web}"), statefulset))
    assert check_json(path, *enabled) == []


def test_deployments_sharing_an_app_label_warn(tmp_path, enabled) -> None:
    text = docs(service(), deployment("web-a"), deployment("web-b"))
    found = check_json(write(tmp_path, "m.yaml", text), *enabled, "--istio-version", "0.5")
    shared = [d for d in found if d["rule"] == "app-label-unique"]
    assert len(shared) == 2 and all(d["severity"] == "warning" for d in shared)
    assert "Deployment default/web-a shares the app label 'web' with Deployment default/web-b" in shared[0]["message"]


def test_versions_of_one_app_share_its_label_from_1_0(tmp_path, enabled) -> None:
    text = docs(service(), deployment("web-v1", "{app: web, version: v1}"), deployment("web-v2", "{app: web, version: v2}"))
    path = write(tmp_path, "m.yaml", text)
    assert [d["rule"] for d in check_json(path, *enabled, "--istio-version", "1.0")] == []
    # The seed (0.5) asks for a distinct app label per Deployment, versions or not.
    assert [d["rule"] for d in check_json(path, *enabled, "--istio-version", "0.5")] == ["app-label-unique"] * 2


# --- sidecar ------------------------------------------------------------------------------------------------


def test_an_unlabelled_namespace_gets_no_sidecar(tmp_path) -> None:
    path = write(tmp_path, "m.yaml", docs(service(), deployment()))
    found = check_json(path)
    assert [d["rule"] for d in found] == ["sidecar"]
    assert found[0]["message"] == (
        "Deployment default/web will run without a sidecar: namespace default is not labelled"
        " istio-injection=enabled, so the webhook is not called for its pods (label it, or inject with kube-inject)"
    )


def test_namespace_labels_come_from_the_flag_and_from_namespace_objects(tmp_path) -> None:
    path = write(tmp_path, "m.yaml", docs(service(), deployment()))
    labelled = write(tmp_path, "ns.yaml", "default: {istio-injection: enabled}\n")
    assert check_json(path, "--namespace-labels", labelled) == []
    namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n  labels: {istio-injection: enabled}\n"
    with_namespace = write(tmp_path, "with-ns.yaml", docs(namespace, service(), deployment()))
    assert check_json(with_namespace) == []
    # The manifests' Namespace objects win over the flag's labels: applying them sets them.
    disabled = write(tmp_path, "disabled.yaml", "default: {istio-injection: disabled}\n")
    assert check_json(with_namespace, "--namespace-labels", disabled) == []
    (found,) = check_json(path, "--namespace-labels", disabled)
    assert "namespace default is labelled istio-injection=disabled" in found["message"]


def test_namespace_labels_as_kubectl_namespace_list(tmp_path) -> None:
    listing = """\
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Namespace
          metadata:
            name: default
            labels: {istio-injection: enabled}
        """
    labels = write(tmp_path, "namespaces.yaml", listing)
    assert check_json(write(tmp_path, "m.yaml", docs(service(), deployment())), "--namespace-labels", labels) == []


@pytest.mark.parametrize(
    "annotations,extra,reason",
    [
        ('{sidecar.istio.io/inject: "false"}', "", "annotation sidecar.istio.io/inject: false"),
        ('{sidecar.istio.io/inject: "no"}', "", "annotation sidecar.istio.io/inject: no"),
        ("", "      hostNetwork: true\n", "hostNetwork: true"),
    ],
)
def test_pods_the_injector_skips(tmp_path, enabled, annotations: str, extra: str, reason: str) -> None:
    text = docs(service(), deployment(annotations=annotations, extra=extra))
    (found,) = check_json(write(tmp_path, "m.yaml", text), *enabled)
    assert found["rule"] == "sidecar"
    assert found["message"].startswith(f"Deployment default/web will run without a sidecar: {reason}")


def test_the_annotation_error_points_at_the_annotation(tmp_path, enabled) -> None:
    text = docs(service(), deployment(annotations='\n        sidecar.istio.io/inject: "false"'))
    path = write(tmp_path, "m.yaml", text)
    (found,) = check_json(path, *enabled)
    lines = pathlib.Path(path).read_text().splitlines()
    assert lines[found["line"] - 1].strip() == 'sidecar.istio.io/inject: "false"'


def test_policy_disabled_needs_the_annotation(tmp_path, enabled) -> None:
    config = write(tmp_path, "inject-config.yaml", "policy: disabled\ntemplate: ''\n")
    plain = write(tmp_path, "m.yaml", docs(service(), deployment()))
    (found,) = check_json(plain, *enabled, "--injectConfigFile", config)
    assert "policy disabled" in found["message"] and "no annotation sidecar.istio.io/inject: true" in found["message"]
    opted_in = write(tmp_path, "n.yaml", docs(service(), deployment(annotations='{sidecar.istio.io/inject: "true"}')))
    assert check_json(opted_in, *enabled, "--injectConfigFile", config) == []


def test_the_policy_from_a_configmap_file(tmp_path, enabled) -> None:
    configmap = """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: istio-inject, namespace: istio-system}
        data:
          config: |
            policy: disabled
            template: ''
        """
    path = write(tmp_path, "cm.yaml", configmap)
    found = check_json(write(tmp_path, "m.yaml", docs(service(), deployment())), *enabled, "--injectConfigMapFile", path)
    assert [d["rule"] for d in found] == ["sidecar"]


def test_never_inject_selector_from_1_1(tmp_path, enabled) -> None:
    config = write(tmp_path, "c.yaml", "policy: enabled\ntemplate: ''\nneverInjectSelector:\n- matchLabels: {team: legacy}\n")
    path = write(tmp_path, "m.yaml", docs(service(), deployment(labels="{app: web, team: legacy}")))
    (found,) = check_json(path, *enabled, "--injectConfigFile", config, "--istio-version", "1.1")
    assert "the neverInjectSelector of" in found["message"]
    # 1.0's inject config has no selectors: the policy injects.
    assert check_json(path, *enabled, "--injectConfigFile", config, "--istio-version", "1.0") == []


def test_ignored_namespaces_are_never_injected(tmp_path) -> None:
    labels = write(tmp_path, "ns.yaml", "kube-system: {istio-injection: enabled}\n")
    path = write(tmp_path, "m.yaml", docs(service(namespace="kube-system"), deployment(namespace="kube-system")))
    (found,) = check_json(path, "--namespace-labels", labels)
    assert "namespace kube-system is never injected" in found["message"]


def test_injected_pods_pass_without_a_labelled_namespace(tmp_path) -> None:
    injected = CliRunner().invoke(main, ["kube-inject", "-f", str(SLEEP)])
    assert injected.exit_code == 0, injected.output
    assert check_json("-", input=injected.stdout) == []
    with_proxy = deployment().replace("[{name: app, image: app}]", "[{name: app}, {name: istio-proxy}]")
    assert check_json(write(tmp_path, "m.yaml", docs(service(), with_proxy))) == []


def test_explain_prints_every_decision(tmp_path, enabled) -> None:
    path = write(tmp_path, "m.yaml", docs(service(), deployment("web"), deployment("skipped", annotations='{sidecar.istio.io/inject: "false"}')))
    result = run(path, *enabled, "--explain")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].endswith("Deployment default/web: sidecar: the webhook injects it: namespace default is labelled istio-injection=enabled, policy enabled")
    assert lines[1].endswith("Deployment default/skipped: no sidecar: annotation sidecar.istio.io/inject: false")


# --- the seed's sleep sample ----------------------------------------------------------------------------------


def test_sleep_with_a_service_passes() -> None:
    for version in ("0.5", "1.7"):
        result = run("-f", str(SLEEP_WITH_SERVICE), "--namespace-labels", str(INJECTION_ENABLED), "--istio-version", version)
        assert (result.exit_code, result.stdout) == (0, ""), result.output


def test_the_sleep_deployment_alone_fails_membership(tmp_path) -> None:
    # fixtures/sleep.yaml already carries a Service; its Deployment alone is the
    # seed's samples/sleep/sleep.yaml.
    deployment_only = SLEEP.read_text().split("\n---\n")[1]
    path = write(tmp_path, "sleep-deployment.yaml", deployment_only)
    found = check_json(path, "--namespace-labels", str(INJECTION_ENABLED), "--istio-version", "0.5")
    assert [d["rule"] for d in found] == ["service-membership"]
    assert found[0]["message"].startswith("Deployment default/sleep belongs to no Service")


def test_fixtures_sleep_fails_only_for_its_unlabelled_namespace() -> None:
    found = check_json("-f", str(SLEEP), "--istio-version", "0.5")
    assert [(d["rule"], d["line"]) for d in found] == [("sidecar", 19)]
    assert check_json("-f", str(SLEEP), "--namespace-labels", str(INJECTION_ENABLED)) == []


# --- formats ---------------------------------------------------------------------------------------------------


@pytest.fixture
def mixed(tmp_path) -> str:
    """One error (membership) and one warning (unnamed port)."""
    return write(tmp_path, "m.yaml", docs(service(selector="{app: other}", ports="[{port: 80}]"), deployment()))


def test_text_format(mixed, enabled) -> None:
    result = run(mixed, *enabled)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{mixed}:6:11: warning: port 80 of Service default/web has no name")
    assert lines[0].endswith("[port-name]")
    assert lines[1].startswith(f"{mixed}:15:") and ": error: Deployment default/web belongs to no Service" in lines[1]


def test_json_format(mixed, enabled) -> None:
    found = check_json(mixed, *enabled)
    assert set(found[0]) == {"file", "line", "column", "severity", "message", "rule"}
    assert [(d["file"], d["severity"], d["rule"]) for d in found] == [
        (mixed, "warning", "port-name"),
        (mixed, "error", "service-membership"),
    ]


def test_sarif_format(mixed, enabled) -> None:
    result = run(mixed, *enabled, "--format", "sarif")
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    (sarif_run,) = sarif["runs"]
    assert sarif_run["tool"]["driver"]["name"] == "injector check"
    assert {r["id"] for r in sarif_run["tool"]["driver"]["rules"]} == set(RULES)
    assert [(r["ruleId"], r["level"]) for r in sarif_run["results"]] == [("port-name", "warning"), ("service-membership", "error")]
    assert sarif_run["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 15


def test_github_format(mixed, enabled) -> None:
    lines = run(mixed, *enabled, "--format", "github").stdout.splitlines()
    assert lines[0].startswith("::warning file=") and ",line=6,col=11,title=port-name::port 80 of Service" in lines[0]
    assert lines[1].startswith("::error file=") and "title=service-membership::" in lines[1]


# --- exit codes -------------------------------------------------------------------------------------------------


def test_exit_codes(tmp_path, mixed, enabled) -> None:
    clean = write(tmp_path, "clean.yaml", docs(service(), deployment()))
    warned = write(tmp_path, "warned.yaml", docs(service(ports="[{port: 80}]"), deployment()))
    assert run(clean, *enabled).exit_code == 0
    assert run(clean, *enabled, "--strict").exit_code == 0
    assert run(warned, *enabled).exit_code == 0
    assert run(warned, *enabled, "--strict").exit_code == 1
    assert run(mixed, *enabled).exit_code == 1


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["m.yaml", "--istio-version", "2.0"],
        ["m.yaml", "--istio-version", "one"],
        ["m.yaml", "--format", "xml"],
        ["m.yaml", "--injectConfigFile", "a", "--injectConfigMapFile", "b"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""


# --- several files, Lists, odd kinds -------------------------------------------------------------------------------


def test_services_and_workloads_in_different_files(tmp_path, enabled) -> None:
    services = write(tmp_path, "services.yaml", service())
    workloads = write(tmp_path, "workloads.yaml", deployment())
    assert run("-f", services, "-f", workloads, *enabled).exit_code == 0
    assert run(services, workloads, *enabled).exit_code == 0
    (found,) = check_json("-f", workloads, *enabled)
    assert found["file"] == workloads


def test_list_items_are_checked_with_their_lines(tmp_path, enabled) -> None:
    listing = """\
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: web}
          spec:
            selector: {app: web}
            ports: [{port: 80, name: http}]
        - apiVersion: extensions/v1beta1
          kind: Deployment
          metadata: {name: web}
          spec:
            template:
              metadata:
                labels: {app: web}
              spec:
                containers: [{name: app}]
        - apiVersion: extensions/v1beta1
          kind: Deployment
          metadata: {name: lonely}
          spec:
            template:
              metadata:
                labels: {app: lonely}
              spec:
                containers: [{name: app}]
        """
    path = write(tmp_path, "list.yaml", listing)
    for version in ("0.5", "1.7"):  # 0.5's kube-inject copies Lists through; the check reads them
        (found,) = check_json(path, *enabled, "--istio-version", version)
        assert (found["rule"], found["line"]) == ("service-membership", 25)
        assert "Deployment default/lonely" in found["message"]


def test_every_workload_kind_is_checked(tmp_path, enabled) -> None:
    template = "metadata: {labels: {app: web}}\n    spec: {containers: [{name: app}]}"
    kinds = [
        ("apps/v1beta2", "Deployment", f"spec:\n  template:\n    {template}\n"),
        ("apps/v1", "StatefulSet", f"spec:\n  template:\n    {template}\n"),
        ("apps/v1", "DaemonSet", f"spec:\n  template:\n    {template}\n"),
        ("apps/v1", "ReplicaSet", f"spec:\n  template:\n    {template}\n"),
        ("v1", "ReplicationController", f"spec:\n  template:\n    {template}\n"),
        ("batch/v1", "Job", f"spec:\n  template:\n    {template}\n"),
        ("batch/v1beta1", "CronJob", "spec:\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: web}}\n        spec: {containers: [{name: app}]}\n"),
        ("v1", "Pod", "spec: {containers: [{name: app}]}\n"),
        ("apps.openshift.io/v1", "DeploymentConfig", f"spec:\n  template:\n    {template}\n"),
    ]
    parts = []
    for api_version, kind, spec in kinds:
        labels = "\n  labels: {app: web}" if kind == "Pod" else ""
        parts.append(f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: w{labels}\n{spec}")
    path = write(tmp_path, "kinds.yaml", docs(*parts))
    # No Service: every workload fails membership, so every one was found
    # (the CronJob by its pod template's labels, not its jobTemplate's).
    found = check_json(path, *enabled, "--istio-version", "0.5")
    assert sorted(d["message"].split(" belongs")[0] for d in found) == sorted(f"{kind} default/w" for _, kind, _ in kinds)
    with_service = write(tmp_path, "kinds-service.yaml", docs(service(), *parts))
    assert check_json(with_service, *enabled, "--istio-version", "1.7") == []


# --- unreadable input ------------------------------------------------------------------------------------------


def test_invalid_yaml_is_one_error_and_the_other_documents_are_checked(tmp_path, enabled) -> None:
    path = write(tmp_path, "m.yaml", docs(service(), "kind: [unclosed\n", deployment("lonely", "{app: lonely}")))
    result = run(path, *enabled, "--format", "json")
    assert result.exit_code == 1
    found = diagnostics(result)
    assert [(d["rule"], d["line"]) for d in found] == [("manifest", 8), ("service-membership", 17)]
    assert "document 2" in found[0]["message"] and "Traceback" not in result.output


def test_unreadable_and_non_utf8_files(tmp_path, enabled) -> None:
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"apiVersion: v1\n\xff\xfe\n")
    result = run(str(tmp_path / "missing.yaml"), str(binary), *enabled, "--format", "json")
    assert result.exit_code == 1
    found = {d["file"]: d for d in diagnostics(result)}
    assert "cannot read manifest" in found[str(tmp_path / "missing.yaml")]["message"]
    assert (found[str(binary)]["line"], found[str(binary)]["rule"]) == (2, "manifest")


def test_undecodable_workload_names_the_field(tmp_path, enabled) -> None:
    bad = deployment().replace("  template:", "  replicas: many\n  template:")
    (found,) = check_json(write(tmp_path, "m.yaml", bad), *enabled)
    assert found["rule"] == "manifest" and "field spec.replicas" in found["message"]
    assert found["line"] == 6


def test_documents_without_objects(tmp_path, enabled) -> None:
    path = write(tmp_path, "m.yaml", "# only a comment\n---\n- a\n- list\n")
    (found,) = check_json(path, *enabled)
    assert (found["rule"], found["line"], found["message"]) == ("manifest", 3, "document 2 is not a Kubernetes object")


def test_bad_config_files_are_diagnostics_and_the_rest_is_still_checked(tmp_path) -> None:
    config = write(tmp_path, "config.yaml", "policy: [\n")
    labels = write(tmp_path, "ns.yaml", "default: [enabled]\n")
    manifest = write(tmp_path, "m.yaml", deployment())
    found = check_json(manifest, "--injectConfigFile", config, "--namespace-labels", labels)
    by_file = {d["file"]: d["rule"] for d in found}
    assert by_file[config] == "config" and by_file[labels] == "config"
    assert {"service-membership", "sidecar"} <= {d["rule"] for d in found if d["file"] == manifest}


def test_always_inject_selector_from_1_1(tmp_path, enabled) -> None:
    config = write(tmp_path, "c.yaml", "policy: disabled\ntemplate: ''\nalwaysInjectSelector:\n- matchLabels: {app: web}\n")
    path = write(tmp_path, "m.yaml", docs(service(), deployment()))
    assert check_json(path, *enabled, "--injectConfigFile", config, "--istio-version", "1.1") == []
    (found,) = check_json(path, *enabled, "--injectConfigFile", config, "--istio-version", "1.0")
    assert "policy disabled" in found["message"]


def test_lines_follow_the_file_through_separators_and_crlf(tmp_path, enabled) -> None:
    text = "# head\r\n---   \r\n---\r\n" + docs(service(), deployment("lonely", "{app: lonely}")).replace("\n", "\r\n")
    path = tmp_path / "crlf.yaml"
    path.write_bytes(text.encode())
    (found,) = check_json(str(path), *enabled)
    assert (found["rule"], found["line"]) == ("service-membership", 18)
    assert path.read_bytes().split(b"\r\n")[17].strip() == b"labels: {app: lonely}"


def test_an_object_without_kind_is_reported(tmp_path) -> None:
    from click.testing import CliRunner

    from injector.cli import main

    manifest = tmp_path / "m.yaml"
    manifest.write_text("apiVersion: v1\nmetadata:\n  name: x\n")
    result = CliRunner().invoke(main, ["check", "-f", str(manifest), "--format", "text"])
    assert f"{manifest}:1" in result.output and "without kind" in result.output and "[manifest]" in result.output
    assert result.exit_code == 0  # a warning

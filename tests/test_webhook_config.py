"""The webhook registration (injector.webhookconfig, ``injector
webhook-config``) and the deploy/ manifests: the v1 fields the API server
requires, validation of what users type, and that the Deployment, Service,
Secret, ConfigMaps, Dockerfile and registration agree on names, paths and
ports."""

from __future__ import annotations

import base64
import datetime as dt
import pathlib
import re

import pytest
import yaml
from click.testing import CliRunner

from injector import certs
from injector.cli import main
from injector.webhookconfig import (
    WebhookConfigError,
    check_ca_bundle,
    parse_namespace_selector,
    webhook_configuration,
)

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def ca() -> certs.KeyPair:
    return certs.make_ca()


@pytest.fixture(scope="module")
def ca_pem(ca: certs.KeyPair) -> bytes:
    return ca.cert_pem()


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _webhook(text: str) -> dict:
    doc = yaml.safe_load(text)
    assert len(doc["webhooks"]) == 1
    return doc["webhooks"][0]


# --- the configuration ---------------------------------------------------------


def test_defaults_have_the_required_v1_fields(ca_pem: bytes) -> None:
    doc = yaml.safe_load(webhook_configuration(ca_pem))
    assert doc["apiVersion"] == "admissionregistration.k8s.io/v1"
    assert doc["kind"] == "MutatingWebhookConfiguration"
    assert doc["metadata"] == {"name": "istio-sidecar-injector"}
    hook = doc["webhooks"][0]
    assert hook["name"] == "sidecar-injector.istio.io"
    assert hook["sideEffects"] == "None"  # the string, not YAML null
    assert hook["admissionReviewVersions"] == ["v1", "v1beta1"]
    assert hook["rules"] == [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}]
    assert hook["clientConfig"]["service"] == {
        "name": "istio-sidecar-injector",
        "namespace": "istio-system",
        "path": "/inject",
        "port": 443,
    }
    assert "url" not in hook["clientConfig"]
    assert base64.b64decode(hook["clientConfig"]["caBundle"], validate=True) == ca_pem
    assert hook["namespaceSelector"] == {"matchLabels": {"istio-injection": "enabled"}}
    assert hook["failurePolicy"] == "Fail"
    assert hook["timeoutSeconds"] == 10


def test_options_reach_the_output(ca_pem: bytes) -> None:
    hook = _webhook(
        webhook_configuration(
            ca_pem,
            service="inj",
            namespace="mesh",
            namespace_selector="team=a, env=prod",
            failure_policy="Ignore",
            timeout_seconds=30,
            port=8443,
            path="/mutate",
        )
    )
    assert hook["clientConfig"]["service"] == {"name": "inj", "namespace": "mesh", "path": "/mutate", "port": 8443}
    assert hook["namespaceSelector"]["matchLabels"] == {"team": "a", "env": "prod"}
    assert hook["failurePolicy"] == "Ignore" and hook["timeoutSeconds"] == 30


def test_output_is_deterministic(ca_pem: bytes) -> None:
    text = webhook_configuration(ca_pem)
    assert text == webhook_configuration(ca_pem)
    # Field order is fixed (not sorted): apiVersion first, as kubectl users expect.
    assert text.startswith("apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\n")
    # The caBundle is one line however long.
    assert re.search(r"^    caBundle: [A-Za-z0-9+/=]+$", text, re.MULTILINE)


def test_ca_bundle_with_two_cas(ca_pem: bytes) -> None:
    bundle = ca_pem + certs.make_ca().cert_pem()
    assert len(check_ca_bundle(bundle)) == 2
    hook = _webhook(webhook_configuration(bundle))
    assert base64.b64decode(hook["clientConfig"]["caBundle"]) == bundle


# --- validation ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, labels",
    [
        ("istio-injection=enabled", {"istio-injection": "enabled"}),
        ("a=b,c=d", {"a": "b", "c": "d"}),
        (" a = b , c=d ", {"a": "b", "c": "d"}),
        ("example.com/team=x_y.z", {"example.com/team": "x_y.z"}),
        ("empty=", {"empty": ""}),
    ],
)
def test_selector_parses(text: str, labels: dict) -> None:
    assert parse_namespace_selector(text) == labels


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty namespace selector"),
        ("  ", "empty namespace selector"),
        ("istio-injection", "'istio-injection' is not key=value"),
        ("a!=b", "'a!=b' is not key=value"),
        ("a==b", "'a==b' is not key=value"),
        ("a=b=c", "'a=b=c' is not key=value"),
        ("a=b,", "'' is not key=value"),
        ("a in (b)", "is not key=value"),
        ("=b", "invalid label key ''"),
        ("a b=c", "invalid label key 'a b'"),
        ("-a=b", "invalid label key '-a'"),
        ("/a=b", "invalid label key '/a'"),
        ("Bad_Prefix/a=b", "invalid label key"),
        ("k" * 64 + "=v", "invalid label key"),
        ("a=b c", "invalid label value 'b c'"),
        ("a=-b", "invalid label value '-b'"),
        ("a=" + "v" * 64, "invalid label value"),
        ("a=b,a=c", "label 'a' given twice"),
    ],
)
def test_selector_rejected(text: str, message: str) -> None:
    with pytest.raises(WebhookConfigError, match=re.escape(message)):
        parse_namespace_selector(text)


def test_bad_selector_rejected_by_the_configuration(ca_pem: bytes) -> None:
    with pytest.raises(WebhookConfigError, match="namespace selector 'istio-injection'"):
        webhook_configuration(ca_pem, namespace_selector="istio-injection")


@pytest.mark.parametrize("policy", ["fail", "ignore", "Never", "", "Fail "])
def test_failure_policy_rejected(ca_pem: bytes, policy: str) -> None:
    with pytest.raises(WebhookConfigError, match=f"invalid failure policy {re.escape(repr(policy))}: must be Fail or Ignore"):
        webhook_configuration(ca_pem, failure_policy=policy)


@pytest.mark.parametrize("timeout", [0, -1, 31, 600, True, "10"])
def test_timeout_rejected(ca_pem: bytes, timeout) -> None:
    with pytest.raises(WebhookConfigError, match="invalid timeoutSeconds .*: must be an integer from 1 to 30"):
        webhook_configuration(ca_pem, timeout_seconds=timeout)


@pytest.mark.parametrize("timeout", [1, 30])
def test_timeout_bounds_accepted(ca_pem: bytes, timeout: int) -> None:
    assert _webhook(webhook_configuration(ca_pem, timeout_seconds=timeout))["timeoutSeconds"] == timeout


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"service": "Inj"}, "invalid service name 'Inj'"),
        ({"namespace": "a.b"}, "invalid namespace name 'a.b'"),
        ({"name": "UPPER"}, "invalid configuration name"),
        ({"webhook_name": "injector.io"}, "must be fully qualified"),
        ({"path": "inject"}, "must start with '/'"),
        ({"port": 0}, "invalid service port 0"),
        ({"port": 65536}, "invalid service port 65536"),
    ],
)
def test_other_values_rejected(ca_pem: bytes, kwargs: dict, message: str) -> None:
    with pytest.raises(WebhookConfigError, match=re.escape(message)):
        webhook_configuration(ca_pem, **kwargs)


def test_ca_bundle_rejections(ca: certs.KeyPair) -> None:
    with pytest.raises(WebhookConfigError, match="no PEM certificate found"):
        check_ca_bundle(b"hello")
    with pytest.raises(WebhookConfigError, match="no PEM certificate found"):
        check_ca_bundle(ca.key_pem())
    leaf = certs.make_serving_cert(ca)
    with pytest.raises(WebhookConfigError, match=r"CN=istio-sidecar-injector\.istio-system\.svc\) is not a CA certificate"):
        check_ca_bundle(leaf.cert_pem())
    old = certs.make_ca(days=1, now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(WebhookConfigError, match="certificate 2 .* expired on 2020-01-02"):
        check_ca_bundle(ca.cert_pem() + old.cert_pem())


# --- the CLI -------------------------------------------------------------------


def test_cli_prints_the_configuration(tmp_path, ca_pem: bytes) -> None:
    bundle = tmp_path / "ca-cert.pem"
    bundle.write_bytes(ca_pem)
    result = run("webhook-config", "--ca-bundle", str(bundle))
    assert result.exit_code == 0, result.output
    assert result.stdout == webhook_configuration(ca_pem)


def test_cli_options_and_output_file(tmp_path, ca_pem: bytes) -> None:
    bundle = tmp_path / "ca-cert.pem"
    bundle.write_bytes(ca_pem)
    out = tmp_path / "webhook.yaml"
    result = run(
        "webhook-config", "--ca-bundle", str(bundle), "--service", "inj", "--namespace", "mesh",
        "--namespace-selector", "team=a", "--failure-policy", "Ignore", "--timeout-seconds", "5", "-o", str(out),
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    hook = _webhook(out.read_text())
    assert hook["clientConfig"]["service"]["name"] == "inj" and hook["clientConfig"]["service"]["namespace"] == "mesh"
    assert hook["namespaceSelector"]["matchLabels"] == {"team": "a"}
    assert hook["failurePolicy"] == "Ignore" and hook["timeoutSeconds"] == 5


@pytest.mark.parametrize(
    "args, message",
    [
        (["--namespace-selector", "istio-injection"], "'istio-injection' is not key=value"),
        (["--failure-policy", "Sometimes"], "invalid failure policy 'Sometimes': must be Fail or Ignore"),
        (["--timeout-seconds", "31"], "invalid timeoutSeconds 31: must be an integer from 1 to 30"),
        (["--service", "Bad"], "invalid service name 'Bad'"),
    ],
)
def test_cli_errors_write_nothing(tmp_path, ca_pem: bytes, args: list[str], message: str) -> None:
    bundle = tmp_path / "ca-cert.pem"
    bundle.write_bytes(ca_pem)
    out = tmp_path / "webhook.yaml"
    result = run("webhook-config", "--ca-bundle", str(bundle), "-o", str(out), *args)
    assert result.exit_code == 1
    assert result.stderr.startswith("injector: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert not out.exists() and result.stdout == ""


def test_cli_bad_bundle_names_the_file(tmp_path, ca: certs.KeyPair) -> None:
    missing = tmp_path / "missing.pem"
    result = run("webhook-config", "--ca-bundle", str(missing))
    assert result.exit_code == 1
    assert result.stderr == f"injector: error: cannot read CA bundle {missing}: No such file or directory\n"
    key = tmp_path / "key.pem"
    key.write_bytes(ca.key_pem())
    result = run("webhook-config", "--ca-bundle", str(key))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"injector: error: {key}: no PEM certificate found")
    leaf = tmp_path / "cert.pem"
    leaf.write_bytes(certs.make_serving_cert(ca).cert_pem())
    result = run("webhook-config", "--ca-bundle", str(leaf))
    assert result.exit_code == 1 and f"{leaf}: certificate 1" in result.stderr and "not cert.pem" in result.stderr


def test_cli_certs_then_webhook_config(tmp_path) -> None:
    # The documented pair: the caBundle registered is the CA that signed the
    # Secret's cert.pem.
    out = tmp_path / "certs"
    secret = yaml.safe_load(run("certs", "--out", str(out), "--secret", "sidecar-injector-certs").stdout)
    result = run("webhook-config", "--ca-bundle", str(out / "ca-cert.pem"))
    assert result.exit_code == 0, result.output
    ca_bundle = base64.b64decode(_webhook(result.stdout)["clientConfig"]["caBundle"])
    assert ca_bundle == base64.b64decode(secret["data"]["ca-cert.pem"])
    from cryptography import x509

    leaf = x509.load_pem_x509_certificate(base64.b64decode(secret["data"]["cert.pem"]))
    leaf.verify_directly_issued_by(x509.load_pem_x509_certificate(ca_bundle))


# --- deploy/ -------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifests() -> dict[str, dict]:
    docs = [d for d in yaml.safe_load_all((DEPLOY / "sidecar-injector.yaml").read_text()) if d]
    by_kind = {d["kind"]: d for d in docs}
    assert sorted(by_kind) == ["Deployment", "Service", "ServiceAccount"] and len(docs) == 3
    return by_kind


def _args(deployment: dict) -> dict[str, str]:
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["injector"] and container["args"][0] == "webhook"
    flags = container["args"][1:]
    assert all(isinstance(a, str) for a in flags)  # Kubernetes wants strings
    return dict(zip(flags[::2], flags[1::2]))


def test_deploy_manifests_basics(manifests: dict) -> None:
    for doc in manifests.values():
        assert doc["metadata"]["namespace"] == "istio-system"
    deployment, service = manifests["Deployment"], manifests["Service"]
    assert deployment["apiVersion"] == "apps/v1" and deployment["metadata"]["name"] == "istio-sidecar-injector"
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == manifests["ServiceAccount"]["metadata"]["name"]


def test_deployment_flags(manifests: dict) -> None:
    assert _args(manifests["Deployment"]) == {
        "--tlsCertFile": "/etc/istio/certs/cert.pem",
        "--tlsKeyFile": "/etc/istio/certs/key.pem",
        "--injectConfig": "/etc/istio/inject/config",
        "--meshConfig": "/etc/istio/config/mesh",
        "--port": "9443",
        "--healthCheckInterval": "2s",
        "--healthCheckFile": "/health",
        "--istio-version": "0.5",
    }
    # ... and `injector webhook` accepts exactly those flags.
    from injector.cli import main as cli

    args = manifests["Deployment"]["spec"]["template"]["spec"]["containers"][0]["args"]
    with cli.make_context("injector", list(args), resilient_parsing=False) as ctx:
        sub = cli.get_command(ctx, args[0])
        params = sub.make_context(args[0], list(args[1:])).params
    assert params["port"] == 9443 and params["health_check_interval"] == 2.0 and params["version"] == "0.5"


def test_deployment_mounts_what_the_flags_read(manifests: dict) -> None:
    # Each file flag must point into a mounted volume whose source provides
    # that file name: the Secret's keys are the ones `injector certs` writes.
    pod = manifests["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in container["volumeMounts"]}
    secret_keys = set(certs.cert_files(certs.make_ca(), certs.make_serving_cert(certs.make_ca())))
    expected_sources = {
        "--tlsCertFile": ("secret", "sidecar-injector-certs"),
        "--tlsKeyFile": ("secret", "sidecar-injector-certs"),
        "--injectConfig": ("configMap", "istio-sidecar-injector"),
        "--meshConfig": ("configMap", "istio"),
    }
    args = _args(manifests["Deployment"])
    for flag, (kind, name) in expected_sources.items():
        directory, filename = args[flag].rsplit("/", 1)
        volume = mounts[directory]
        assert kind in volume, flag
        if kind == "secret":
            assert volume["secret"]["secretName"] == name
            assert filename in secret_keys
        else:
            assert volume["configMap"]["name"] == name
            assert {"key": filename, "path": filename} in volume["configMap"]["items"]
    assert all(m.get("readOnly") for m in container["volumeMounts"])


def test_deployment_probes_and_ports_match_the_service(manifests: dict) -> None:
    container = manifests["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    port = int(_args(manifests["Deployment"])["--port"])
    assert [p["containerPort"] for p in container["ports"]] == [port]
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        assert container[probe]["httpGet"] == {"scheme": "HTTPS", "path": path, "port": port}
    (service_port,) = manifests["Service"]["spec"]["ports"]
    assert service_port["targetPort"] == port
    # The registration's defaults dial this Service.
    hook = _webhook(webhook_configuration(certs.make_ca().cert_pem()))["clientConfig"]["service"]
    assert hook["port"] == service_port["port"] == 443
    assert (hook["name"], hook["namespace"]) == (manifests["Service"]["metadata"]["name"], "istio-system")


def test_deployment_runs_as_the_image_user(manifests: dict) -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    security = manifests["Deployment"]["spec"]["template"]["spec"]["securityContext"]
    assert security["runAsNonRoot"] is True
    user = re.search(r"^USER (\d+)", dockerfile, re.MULTILINE)
    assert user and int(user.group(1)) == security["runAsUser"] == security["fsGroup"]
    assert re.search(r"^FROM python:3\.12-slim$", dockerfile, re.MULTILINE)
    assert 'ENTRYPOINT ["injector"]' in dockerfile
    assert re.search(r"^RUN pip install --no-cache-dir \.", dockerfile, re.MULTILINE)


def test_dockerfile_cmd_matches_the_deployment(manifests: dict) -> None:
    cmd = re.search(r"^CMD (\[.*?\])$", (DEPLOY / "Dockerfile").read_text(), re.MULTILINE | re.DOTALL)
    assert cmd
    argv = yaml.safe_load(cmd.group(1).replace("\\\n", "\n"))  # a JSON array is YAML
    container = manifests["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert argv == container["args"]


def test_readme_names_match_the_manifests(manifests: dict) -> None:
    readme = (DEPLOY / "README.md").read_text()
    pod = manifests["Deployment"]["spec"]["template"]["spec"]
    secret_name = next(v["secret"]["secretName"] for v in pod["volumes"] if "secret" in v)
    assert f"--secret {secret_name}" in readme
    assert "create configmap istio-sidecar-injector --from-file=config=" in readme
    assert "kubectl apply -f deploy/sidecar-injector.yaml" in readme
    assert "injector webhook-config --ca-bundle webhook-certs/ca-cert.pem | kubectl apply -f -" in readme
    assert "kubectl label namespace default istio-injection=enabled" in readme
    assert "kubectl label namespace default istio-injection-" in readme
    assert 'admission webhook "sidecar-injector.istio.io" denied the request' in readme
    # Every `injector <command>` the walkthrough runs exists.
    for command in set(re.findall(r"^injector ([a-z-]+)", readme, re.MULTILINE)):
        assert command in main.commands, command

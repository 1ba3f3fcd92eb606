"""The webhook server over real TLS on 127.0.0.1: endpoints, bad input, reloads,
metrics, logs and the health-check file.

The server is the one ``injector webhook`` runs (uvicorn, the generated
certificates, configuration from files); the client verifies it against the
generated CA under the Service's DNS name, as the API server does.
"""

from __future__ import annotations

import json
import logging
import socket
import ssl
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from injector import webhook
from injector.cli import main
from webhook_support import Client, patch_of, review_body, write_tls

TEMPLATE = """initContainers:
- name: istio-init
  image: example.com/init:1.0
containers:
- name: istio-proxy
  image: example.com/proxy:1.0
  args:
  - [[ printf "%q" .ObjectMeta.Namespace ]]
volumes:
- name: istio-envoy
  emptyDir:
    medium: Memory
"""
POD = {
    "metadata": {"generateName": "app-5d8f-", "labels": {"app": "app"}},
    "spec": {"containers": [{"name": "app", "image": "example.com/app:1"}]},
}


def _config(template: str = TEMPLATE, policy: str = "enabled") -> str:
    return yaml.safe_dump({"policy": policy, "template": template})


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture()
def server(tls: dict[str, Path], tmp_path: Path):
    (tmp_path / "config").write_text(_config())
    (tmp_path / "mesh").write_text("")
    # The server's own copy of the pair, so a test may replace it.
    for name in ("cert.pem", "key.pem"):
        (tmp_path / name).write_bytes(tls[name].read_bytes())
    settings = webhook.Settings(
        tls_cert_file=str(tmp_path / "cert.pem"),
        tls_key_file=str(tmp_path / "key.pem"),
        inject_config=str(tmp_path / "config"),
        mesh_config=str(tmp_path / "mesh"),
        version="1.1",
        reload_interval=0.05,
        body_timeout=0.5,
        header_timeout=0.5,
        max_body=64 * 1024,
        health_check_interval=0.05,
        health_check_file=str(tmp_path / "health"),
    )
    running = webhook.start(settings)
    yield running, tmp_path
    running.stop()


@pytest.fixture()
def client(server, tls):
    c = Client(server[0].port, tls["ca-cert.pem"])
    yield c
    c.close()


def _post(client: Client, doc: object, **kw: object) -> tuple[int, dict]:
    status, _, body = client.request("POST", "/inject", json.dumps(doc).encode(), **kw)
    return status, json.loads(body) if status == 200 else {"text": body.decode()}


def test_injects_and_echoes_uid_in_the_request_version(client: Client) -> None:
    for version in ("admission.k8s.io/v1", "admission.k8s.io/v1beta1"):
        status, _, body = client.request("POST", "/inject", review_body(POD, uid="u-1", api_version=version, namespace="shop"))
        assert status == 200
        answer = json.loads(body)
        assert answer["apiVersion"] == version and answer["kind"] == "AdmissionReview"
        assert answer["response"]["uid"] == "u-1" and answer["response"]["allowed"] is True
        ops = patch_of(answer)
        assert [op["path"] for op in ops] == [
            "/spec/initContainers",
            "/spec/containers/-",
            "/spec/volumes",
            "/metadata/annotations",
        ]
        # 1.1 fills the pod's empty namespace from the request before rendering.
        assert ops[1]["value"]["args"] == ["shop"]


def test_the_certificate_is_checked_by_name(server, tls) -> None:
    context = ssl.create_default_context(cafile=str(tls["ca-cert.pem"]))
    raw = socket.create_connection(("127.0.0.1", server[0].port))
    with pytest.raises(ssl.SSLCertVerificationError):
        context.wrap_socket(raw, server_hostname="other.example.com")
    raw.close()


def test_skips_are_allowed_without_patch(client: Client) -> None:
    cases = {
        "host_network": {"spec": {"hostNetwork": True, "containers": [{"name": "a"}]}},
        "annotation": {"metadata": {"annotations": {"sidecar.istio.io/inject": "false"}}, "spec": {"containers": [{"name": "a"}]}},
    }
    for reason, pod in cases.items():
        status, _, body = client.request("POST", "/inject", review_body(pod, uid=reason))
        answer = json.loads(body)
        assert status == 200 and answer["response"] == {"uid": reason, "allowed": True}
    status, _, body = client.request("POST", "/inject", review_body(POD, uid="ks", namespace="kube-system"))
    assert json.loads(body)["response"] == {"uid": "ks", "allowed": True}


@pytest.mark.parametrize(
    "body,content_type,status,message",
    [
        (b"{not json", "application/json", 400, "request body is not JSON"),
        (b"[1, 2]", "application/json", 400, "JSON array"),
        (b'{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}', "application/json", 400, "no request"),
        (b'{"request":{"object":{}}}', "application/json", 400, "no uid"),
        (b"", "application/json", 400, "no body found"),
        (b"{}", "application/yaml", 415, "want application/json"),
        (b"{}", None, 415, "want application/json"),
    ],
)
def test_requests_without_a_uid_get_http_errors(client: Client, body: bytes, content_type, status: int, message: str) -> None:
    got, headers, text = client.request("POST", "/inject", body, content_type=content_type)
    assert got == status
    assert message in text.decode()
    assert headers["content-type"].startswith("text/plain")


def test_reviews_with_a_uid_get_reviews(client: Client) -> None:
    status, answer = _post(client, {"apiVersion": "admission.k8s.io/v2", "kind": "AdmissionReview", "request": {"uid": "x"}})
    assert status == 200 and answer["response"]["allowed"] is False
    assert "want kind AdmissionReview of admission.k8s.io/v1 or admission.k8s.io/v1beta1" in answer["response"]["status"]["message"]

    review = json.loads(review_body(POD, uid="svc"))
    review["request"]["kind"] = {"group": "", "version": "v1", "kind": "Service"}
    status, answer = _post(client, review)
    assert answer["response"]["allowed"] is True and "patch" not in answer["response"]
    assert "'Service' is not a Pod" in answer["response"]["warnings"][0]

    review = json.loads(review_body(POD, uid="noobj"))
    del review["request"]["object"]
    status, answer = _post(client, review)
    assert answer["response"]["allowed"] is False and "no object" in answer["response"]["status"]["message"]

    review = json.loads(review_body({"spec": {"containers": [{"name": "a", "ports": [{"containerPort": "80"}]}]}}, uid="bad"))
    status, answer = _post(client, review)
    assert answer["response"]["uid"] == "bad" and answer["response"]["allowed"] is False
    message = answer["response"]["status"]["message"]
    assert "spec.containers[0].ports[0].containerPort" in message and "cannot unmarshal string" in message


def test_oversize_bodies_are_refused(client: Client) -> None:
    status, _, text = client.request("POST", "/inject", b"{" + b" " * (64 * 1024) + b"}")
    assert status == 413 and b"exceeds the limit" in text


def test_slow_clients_time_out_without_blocking_others(server, tls) -> None:
    running = server[0]
    slow = Client(running.port, tls["ca-cert.pem"])
    try:
        slow.sock.sendall(b"POST /inject HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        fast = Client(running.port, tls["ca-cert.pem"])
        try:
            status, _, _ = fast.request("POST", "/inject", review_body(POD))
            assert status == 200
        finally:
            fast.close()
        status, _, text = slow.read_response()
        assert status == 408 and b"not received within" in text
    finally:
        slow.close()


@pytest.mark.parametrize("sent", [b"", b"POST /inject HTTP/1.1\r\nHost: x\r\nContent-"])
def test_stalled_connections_are_closed(server, tls, sent: bytes) -> None:
    stalled = Client(server[0].port, tls["ca-cert.pem"])
    try:
        stalled.sock.sendall(sent)
        stalled.sock.settimeout(10)
        started = time.monotonic()
        with pytest.raises(ConnectionError):
            stalled.read_response()
        assert time.monotonic() - started < 5
    finally:
        stalled.close()


def test_other_endpoints(client: Client) -> None:
    assert client.request("GET", "/healthz", content_type=None)[0] == 200
    assert client.request("GET", "/readyz", content_type=None)[0] == 200
    assert client.request("GET", "/inject", content_type=None)[0] == 405
    status, _, text = client.request("GET", "/nope", content_type=None)
    assert status == 404 and b"/inject" in text


def test_render_failures_deny_the_pod_with_the_error(server, client: Client) -> None:
    running, directory = server
    (directory / "config").write_text(_config("containers:\n- name: [[ .Spec.NoSuchField ]]\n"))
    _wait_for(lambda: running.app.metrics.reloads.labels("applied")._value.get() == 1)
    status, _, body = client.request("POST", "/inject", review_body(POD, uid="deny"))
    answer = json.loads(body)["response"]
    assert answer["uid"] == "deny" and answer["allowed"] is False
    assert "can't evaluate field NoSuchField" in answer["status"]["message"]


def test_broken_config_is_refused_and_the_old_one_kept(server, client: Client, caplog: pytest.LogCaptureFixture) -> None:
    running, directory = server
    before = running.app.source.sha256
    caplog.set_level(logging.ERROR, logger="injector.webhook")
    (directory / "config").write_text(_config("containers: [[ end ]]\n"))
    _wait_for(lambda: running.app.metrics.reloads.labels("refused")._value.get() == 1)
    assert running.app.source.sha256 == before
    refused = [r for r in caplog.records if "config reload refused" in r.getMessage()]
    assert refused and "unexpected [[end]]" in refused[0].fields["error"]
    status, _, body = client.request("POST", "/inject", review_body(POD))
    assert json.loads(body)["response"]["allowed"] is True
    # A good config afterwards is applied.
    (directory / "config").write_text(_config(TEMPLATE.replace("1.0", "2.0")))
    _wait_for(lambda: running.app.source.sha256 != before)
    status, _, body = client.request("POST", "/inject", review_body(POD))
    assert "example.com/proxy:2.0" in json.dumps(patch_of(json.loads(body)))


def test_metrics_count_decisions(client: Client) -> None:
    client.request("POST", "/inject", review_body(POD))
    client.request("POST", "/inject", review_body({"spec": {"hostNetwork": True}}))
    client.request("POST", "/inject", b"nope")
    status, headers, text = client.request("GET", "/metrics", content_type=None)
    metrics = text.decode()
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert "sidecar_injection_requests_total 3.0" in metrics
    assert "sidecar_injection_success_total 1.0" in metrics
    assert 'sidecar_injection_skip_total{reason="host_network"} 1.0' in metrics
    assert 'sidecar_injection_failure_total{reason="bad_request"} 1.0' in metrics
    assert "sidecar_injection_duration_seconds_count 3.0" in metrics


def test_one_structured_log_line_per_request(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="injector.webhook")
    client.request("POST", "/inject", review_body(POD, uid="logged", namespace="shop"))
    records = [r for r in caplog.records if r.getMessage() == "admission review"]
    assert len(records) == 1
    line = json.loads(webhook.JSONLogFormatter().format(records[0]))
    assert line["namespace"] == "shop" and line["pod"] == "app-5d8f-" and line["decision"] == "injected"
    assert line["uid"] == "logged" and line["duration_ms"] > 0


def test_health_check_file_is_kept_fresh(server) -> None:
    health = server[1] / "health"
    _wait_for(health.exists)
    first = health.stat().st_mtime_ns
    _wait_for(lambda: health.stat().st_mtime_ns != first)
    assert health.read_text() == "ok"


def test_certificate_is_reloaded(server, tmp_path_factory: pytest.TempPathFactory) -> None:
    running, directory = server
    new = write_tls(tmp_path_factory.mktemp("new-tls"))
    (directory / "cert.pem").write_bytes(new["cert.pem"].read_bytes())
    (directory / "key.pem").write_bytes(new["key.pem"].read_bytes())

    def verifies_with_new_ca() -> bool:
        try:
            Client(running.port, new["ca-cert.pem"]).close()
            return True
        except ssl.SSLError:
            return False

    _wait_for(verifies_with_new_ca)


def _wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


@pytest.mark.parametrize("mesh_exists", [False, True])
def test_cli_refuses_a_broken_config_before_listening(tmp_path: Path, tls: dict[str, Path], mesh_exists: bool) -> None:
    (tmp_path / "config").write_text(_config("[[ if ]]"))
    if mesh_exists:
        (tmp_path / "mesh").write_text("")
    args = ["webhook", "--tlsCertFile", str(tls["cert.pem"]), "--tls-key-file", str(tls["key.pem"])]
    args += ["--injectConfig", str(tmp_path / "config"), "--meshConfig", str(tmp_path / "mesh")]
    result = CliRunner().invoke(main, args + ["--port", "0", "--istio-version", "1.1"])
    assert result.exit_code == 1
    if mesh_exists:
        assert f"{tmp_path / 'config'}" in result.output and "missing value for if" in result.output
    else:
        assert f"cannot read mesh config {tmp_path / 'mesh'}" in result.output
    assert "Traceback" not in result.output


def test_istios_deployment_arguments_are_accepted(tmp_path: Path, tls: dict[str, Path]) -> None:
    from injector.cli import sidecar_injector

    # The arguments of Istio's own sidecar-injector Deployment (0.5-1.4 style), as
    # pflag spells them; the config file is absent so it stops before listening.
    args = [
        "--caCertFile=/etc/istio/certs/root-cert.pem",
        f"--tlsCertFile={tls['cert.pem']}",
        f"--tlsKeyFile={tls['key.pem']}",
        f"--injectConfig={tmp_path / 'config'}",
        f"--meshConfig={tmp_path / 'mesh'}",
        "--healthCheckInterval=2s",
        "--healthCheckFile=/health",
        "--monitoringPort=15014",
        "--webhookConfigName=istio-sidecar-injector",
        "--webhookName=sidecar-injector.istio.io",
    ]
    result = CliRunner().invoke(sidecar_injector, args)
    assert result.exit_code == 1, result.output
    assert f"cannot read inject config {tmp_path / 'config'}" in result.output


def test_probe_subcommand(tmp_path: Path) -> None:
    from injector.cli import sidecar_injector

    health = tmp_path / "health"
    missing = CliRunner().invoke(sidecar_injector, ["probe", f"--probe-path={health}", "--interval=4s"])
    assert missing.exit_code == 1 and f"fail on inspecting path {health}" in missing.output
    health.write_text("ok")
    fresh = CliRunner().invoke(sidecar_injector, ["probe", f"--probe-path={health}", "--interval=4s"])
    assert fresh.exit_code == 0 and fresh.output == "OK\n"
    old = time.time() - 10
    import os

    os.utime(health, (old, old))
    stale = CliRunner().invoke(sidecar_injector, ["probe", f"--probe-path={health}", "--interval=4s"])
    assert stale.exit_code == 1 and "more than 4s" in stale.output


def test_worker_processes_share_the_port_and_the_metrics(tmp_path: Path, tls: dict[str, Path]) -> None:
    import signal
    import subprocess
    import sys

    (tmp_path / "config").write_text(_config())
    (tmp_path / "mesh").write_text("")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-c", "from injector.cli import main; main()", "webhook"]
    cmd += ["--tlsCertFile", str(tls["cert.pem"]), "--tlsKeyFile", str(tls["key.pem"])]
    cmd += ["--injectConfig", str(tmp_path / "config"), "--meshConfig", str(tmp_path / "mesh")]
    cmd += ["--port", str(port), "--host", "127.0.0.1", "--istio-version", "1.1", "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        def ready() -> bool:
            try:
                c = Client(port, tls["ca-cert.pem"])
            except OSError:
                return False
            c.close()
            return True

        _wait_for(ready, timeout=30)
        clients = [Client(port, tls["ca-cert.pem"]) for _ in range(8)]
        for i, c in enumerate(clients):
            for j in range(3):
                status, _, body = c.request("POST", "/inject", review_body(POD, uid=f"{i}-{j}"))
                assert status == 200 and json.loads(body)["response"]["uid"] == f"{i}-{j}"
        status, _, text = clients[0].request("GET", "/metrics", content_type=None)
        # Every worker's requests, whichever worker answers /metrics.
        assert "sidecar_injection_requests_total 24.0" in text.decode()
        assert "sidecar_injection_success_total 24.0" in text.decode()
        for c in clients:
            c.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = [json.loads(line) for line in proc.stderr.read().decode().splitlines() if line.startswith("{")]
    assert sum(1 for line in log if line["msg"] == "admission review") == 24
    assert any(line["msg"] == "sidecar injector webhook listening" and line["workers"] == 2 for line in log)

"""Shared pieces of the webhook tests: Istio's webhook test cases read from
../shared, injectors set up as Istio's webhook_test.go sets them up, reviews,
a TLS client that verifies the server against the generated CA, and the
server started on 127.0.0.1 with real certificates."""

from __future__ import annotations

import base64
import json
import socket
import ssl
from pathlib import Path
from typing import Any

from injector import certs, goyaml, meshconfig
from injector.config import InjectConfig
from injector.inject import Injector
from injector.versions import release
from oracle import shared_dir

SHARED = shared_dir()
UPSTREAM = SHARED / "upstream" / "istio" if SHARED else None
WEBHOOK_DIRS = {
    "0.5": UPSTREAM / "0.5.0" / "testdata" if UPSTREAM else None,
    "1.1": UPSTREAM / "1.1.17" / "testdata" / "webhook" if UPSTREAM else None,
}
SERVICE, NAMESPACE = "istio-sidecar-injector", "istio-system"
HOSTNAME = f"{SERVICE}.{NAMESPACE}.svc"
# Istio's createTestWebhook sets this instead of the template's sha256.
FAKE_VERSION = "unit-test-fake-version"


def have_webhook_goldens() -> bool:
    return all(d is not None and d.is_dir() for d in WEBHOOK_DIRS.values())


def webhook_cases(version: str) -> list[tuple[str, Path, Path, Path]]:
    """(name, input pod, golden patch, template) of Istio's TestWebhookInject:
    each ``*.patch`` with the pod input of the same name (the goldens' file
    names differ from their inputs in letter case only, as Istio's table
    pairs them) and the case's ``*_template.yaml`` or the common one."""
    directory = WEBHOOK_DIRS[version]
    if directory is None or not directory.is_dir():
        return []
    inputs = {p.stem.lower(): p for p in directory.glob("TestWebhookInject*.yaml") if not p.stem.endswith("_template")}
    cases = []
    for golden in sorted(directory.glob("TestWebhookInject*.patch")):
        pod = inputs[golden.stem.lower()]
        template = directory / f"{golden.stem}_template.yaml"
        if not template.exists():
            template = directory / "TestWebhookInject_template.yaml"
        cases.append((golden.stem, pod, golden, template))
    return cases


def test_injector(version: str, template: str, policy: str = "enabled") -> Injector:
    """Istio's createTestWebhook: the template as given, the built-in mesh defaults."""
    rel = release(version)
    config = InjectConfig(policy, template, [], [], {}, "test template")
    injector = Injector(rel, config, meshconfig.default_mesh(rel.name).mesh_config)
    injector.template_hash = FAKE_VERSION
    return injector


test_injector.__test__ = False  # a factory, not a pytest test


def pod_json(path: Path) -> Any:
    """The input pod as Istio's test sends it (yaml.YAMLToJSON of the file)."""
    return goyaml.yaml_to_json(path.read_text())


def review_body(pod: Any, uid: str = "0f5c1e2a", api_version: str = "admission.k8s.io/v1", namespace: str = "default") -> bytes:
    request = {
        "uid": uid,
        "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "namespace": namespace,
        "operation": "CREATE",
        "object": pod,
    }
    return json.dumps({"apiVersion": api_version, "kind": "AdmissionReview", "request": request}).encode()


def patch_of(response: dict[str, Any]) -> list[dict[str, Any]] | None:
    encoded = response["response"].get("patch")
    return json.loads(base64.b64decode(encoded)) if encoded else None


def write_tls(directory: Path) -> dict[str, Path]:
    """A CA and a serving certificate for the injector Service, as ``injector certs`` writes them."""
    ca = certs.make_ca()
    files = certs.cert_files(ca, certs.make_serving_cert(ca, SERVICE, NAMESPACE))
    certs.write_certs(str(directory), files)
    return {name: directory / name for name in files}


class Client:
    """HTTP/1.1 over TLS with keep-alive, verifying the server like the API server does."""

    def __init__(self, port: int, ca_file: Path, hostname: str = HOSTNAME) -> None:
        context = ssl.create_default_context(cafile=str(ca_file))
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock = context.wrap_socket(raw, server_hostname=hostname)
        self.buffer = b""

    def request(
        self, method: str, path: str, body: bytes = b"", content_type: str | None = "application/json", extra: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        head = f"{method} {path} HTTP/1.1\r\nHost: {HOSTNAME}\r\nContent-Length: {len(body)}\r\n"
        if content_type is not None:
            head += f"Content-Type: {content_type}\r\n"
        self.sock.sendall((head + extra + "\r\n").encode() + body)
        return self.read_response()

    def read_response(self) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buffer += chunk
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            rest += chunk
        self.buffer = rest[length:]
        return status, headers, rest[:length]

    def close(self) -> None:
        self.sock.close()

"""The webhook's JSON Patch against Istio's own webhook goldens, byte for byte.

Istio 0.5.0 (8 cases) and 1.1.17 (20 cases) run TestWebhookInject: a pod
YAML converted to JSON is sent in an AdmissionReview, and the response's patch,
pretty-printed by Go's ``json.Indent(patch, "", "  ")``, must equal the
``*.patch`` golden. The inputs, templates and goldens are read from
../shared/upstream/istio (see each testdata/MANIFEST.md); the injector is set up
as Istio's createTestWebhook sets it up (policy enabled, built-in mesh
defaults, template version ``unit-test-fake-version``).

The same cases then go through the real server over TLS, configured from files
the way a Deployment configures it; there the status annotation carries the
template's sha256, which is the only change made to the golden before the byte
comparison, and the returned patch is applied with the ``jsonpatch`` library
and compared with the golden patch applied to the same pod.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonpatch
import pytest
import yaml

from injector import gojson, webhook
from injector.admission import review
from webhook_support import (
    FAKE_VERSION,
    Client,
    have_webhook_goldens,
    patch_of,
    pod_json,
    review_body,
    test_injector,
    webhook_cases,
    write_tls,
)

pytestmark = pytest.mark.skipif(
    not have_webhook_goldens(),
    reason="Istio's webhook goldens are read from ../shared/upstream/istio, which is absent",
)

CASES = [(version, *case) for version in ("0.5", "1.1") for case in webhook_cases(version)]


def test_every_golden_is_covered() -> None:
    # 0.5.0 has 8 patch goldens, 1.1.17 has 20 (MANIFEST.md of each).
    assert [v for v, *_ in CASES].count("0.5") == 8
    assert [v for v, *_ in CASES].count("1.1") == 20


@pytest.mark.parametrize("version,name,pod,golden,template", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_patch_is_istios(version: str, name: str, pod: Path, golden: Path, template: Path) -> None:
    injector = test_injector(version, template.read_text())
    outcome = review(injector, review_body(pod_json(pod), api_version="admission.k8s.io/v1beta1"))
    assert outcome.allowed and outcome.decision == "injected", outcome.message
    assert outcome.patch is not None
    assert gojson.indent(outcome.patch.decode()) == golden.read_text()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory):
    """One server per release, each reading its inject config from a file."""
    tls = write_tls(tmp_path_factory.mktemp("tls"))
    running: dict[tuple[str, str], webhook.Running] = {}

    def start(version: str, template: Path) -> webhook.Running:
        key = (version, str(template))
        if key not in running:
            directory = tmp_path_factory.mktemp("config")
            config = directory / "config"
            config.write_text(yaml.safe_dump({"policy": "enabled", "template": template.read_text()}))
            mesh = directory / "mesh"
            mesh.write_text("")
            settings = webhook.Settings(
                tls_cert_file=str(tls["cert.pem"]),
                tls_key_file=str(tls["key.pem"]),
                inject_config=str(config),
                mesh_config=str(mesh),
                version=version,
            )
            running[key] = webhook.start(settings)
        return running[key]

    yield start, tls["ca-cert.pem"]
    for server in running.values():
        server.stop()


@pytest.mark.parametrize("version,name,pod,golden,template", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_served_over_tls(servers, version: str, name: str, pod: Path, golden: Path, template: Path) -> None:
    start, ca = servers
    server = start(version, template)
    client = Client(server.port, ca)
    try:
        status, headers, body = client.request("POST", "/inject", review_body(pod_json(pod), uid=f"uid-{name}"))
    finally:
        client.close()
    assert status == 200 and headers["content-type"] == "application/json"
    response = json.loads(body)
    assert response["apiVersion"] == "admission.k8s.io/v1" and response["kind"] == "AdmissionReview"
    assert response["response"]["uid"] == f"uid-{name}"
    assert response["response"]["allowed"] is True and response["response"]["patchType"] == "JSONPatch"
    sha = server.app.source.injector.template_hash
    want = golden.read_text().replace(FAKE_VERSION, sha)
    got = patch_of(response)
    assert gojson.indent(gojson.dumps(got)) == want
    assert _applied(pod_json(pod), got) == _applied(pod_json(pod), json.loads(want))


def _applied(pod: object, patch: list) -> object:
    """The pod after the patch, or the error jsonpatch gives (Istio's 1.1 probe
    rewrite addresses containers by their index before its own removes, so two
    goldens do not apply; ours must fail the same way)."""
    try:
        return jsonpatch.apply_patch(copy.deepcopy(pod), patch)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as e:
        return f"{type(e).__name__}: {e}"

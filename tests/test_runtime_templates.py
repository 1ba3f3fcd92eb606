"""Every saved runtime injection template of Istio 0.5 to 1.8 renders as Go renders
it, for representative pods, and decodes into the release's SidecarInjectionSpec.

Templates are read from ../shared/upstream/istio (Istio's files, never copied):
0.5-0.7 ship the template inside their ConfigMap sources (``data.config``
after install/updateVersion.sh's placeholder substitution); 1.2-1.7 ship it
verbatim (``files/injection-template.yaml``) with the Helm values that become
``.Values``. (0.8-1.1 ship only Helm sources with the runtime actions escaped
for Helm; their runtime behaviour is covered by the 1.1.17 goldens of
test_kube_inject_goldens.py.) Pods come from fixtures/inject/representative-pods.yaml;
the template data is what our injector builds for them, sent to the Go oracle
as typed JSON (tests/oracle_data.py) with the release's Istio function set.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import oracle_data
from goldens import same_response
from injector import goyaml, meshconfig
from injector.config import InjectConfig, parse_values
from injector.inject import Injector
from injector.kubeinject import pod_target
from injector.spec import decode_spec
from injector.versions import release
from oracle import shared_dir
from upstream import runtime_templates

SHARED = shared_dir()
UPSTREAM = SHARED / "upstream" / "istio" if SHARED else None
PODS = Path(__file__).resolve().parent.parent / "fixtures" / "inject" / "representative-pods.yaml"

pytestmark = pytest.mark.skipif(
    UPSTREAM is None or not (UPSTREAM / "0.5.0").is_dir(),
    reason="the upstream templates are read from ../shared/upstream/istio, which is absent",
)

def _cases() -> list[tuple[str, str, str, Any]]:
    """(id, version, template, values JSON text or None)."""
    return [
        (t.case_id, t.version, t.template, None if t.values is None else json.dumps(t.values, default=str))
        for t in runtime_templates()
    ]


CASES = _cases()
POD_DOCS = goyaml.split_documents(PODS.read_text())


def test_every_saved_runtime_template_is_covered() -> None:
    versions = {c[1].rsplit(".", 1)[0] for c in CASES}
    assert versions == {"0.5", "0.6", "0.7", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8"}
    assert len(POD_DOCS) == 5


@pytest.mark.parametrize("label,version,template,values", CASES, ids=[c[0] for c in CASES])
def test_template_renders_as_go_and_decodes(oracle, label: str, version: str, template: str, values: Any) -> None:
    rel = release(version)
    mesh = meshconfig.default_mesh(rel.name)
    injector = Injector(
        rel,
        InjectConfig("enabled", template, [], [], {}, label),
        mesh.mesh_config,
        parse_values(values, label) if values else None,
        env={},
        patch=int(version.rsplit(".", 1)[1]),
    )
    for doc in POD_DOCS:
        target = pod_target(rel, doc)
        data = injector.template_data(target)
        ours = injector.render(target)
        request = {
            "name": "inject",
            "funcs": [f"istio@{version}"],
            "template": template,
            "data": oracle_data.template_data(data, mesh.mesh_json, mesh.proxy_json),
        }
        if rel.delims != ("{{", "}}"):
            request["delims"] = list(rel.delims)
        if values:
            request["data"]["v"]["Values"] = json.loads(values)
        want = oracle.run(request)
        name = target.name
        assert want["error"] is None, (name, want["error"])
        assert same_response({"output": ours, "error": None, "phase": None}, want), name
        spec = decode_spec(ours, rel)
        assert spec.names("Containers"), (name, "no sidecar container decoded")


def test_kube_inject_with_istio_18() -> None:
    """1.8 renders with sprig under Istio's functions; kube-inject works with its template."""
    from injector.kubeinject import kube_inject

    [case] = [c for c in CASES if c[1].startswith("1.8.")]
    label, version, template, values = case
    rel = release(version)
    injector = Injector(rel, InjectConfig("enabled", template, [], [], {}, label), meshconfig.default_mesh(rel.name).mesh_config, parse_values(values, label), env={})
    sleep = Path(__file__).resolve().parent.parent / "fixtures" / "sleep.yaml"
    out = kube_inject(injector, sleep.read_text(), "sleep.yaml", warn=lambda _: None)
    docs = [goyaml.yaml_to_json(d) for d in goyaml.split_documents(out) if d.strip()]
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    names = [c["name"] for c in deployment["spec"]["template"]["spec"]["containers"]]
    assert names == ["sleep", "istio-proxy"]
    assert "sidecar.istio.io/status" in deployment["spec"]["template"]["metadata"]["annotations"]

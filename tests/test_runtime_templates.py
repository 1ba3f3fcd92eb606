"""Every saved runtime injection template of Istio 0.5 to 1.7 renders as Go renders
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

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import oracle_data
from goldens import same_response
from injector import goyaml, meshconfig
from injector.config import InjectConfig, parse_inject_config, parse_values
from injector.inject import Injector
from injector.kubeinject import pod_target
from injector.spec import decode_spec
from injector.versions import release
from oracle import shared_dir

SHARED = shared_dir()
UPSTREAM = SHARED / "upstream" / "istio" if SHARED else None
PODS = Path(__file__).resolve().parent.parent / "fixtures" / "inject" / "representative-pods.yaml"

pytestmark = pytest.mark.skipif(
    UPSTREAM is None or not (UPSTREAM / "0.5.0").is_dir(),
    reason="the upstream templates are read from ../shared/upstream/istio, which is absent",
)

_CONFIGMAP_TEMPLATES = [
    (v, flavour)
    for v in ("0.5.0", "0.5.1", "0.6.0", "0.7.1")
    for flavour in ("release", "debug")
]

# (version, chart holding files/injection-template.yaml, chart whose values.yaml
# has the "global" values). The 1.5 and 1.6 istiod charts take their globals
# from a global chart that is not saved; they get those of the release's legacy
# chart (1.5) or of the next release's istiod chart (1.6): values are inputs,
# and Go and we get the same ones.
_FILE_TEMPLATES = [
    ("1.2.10", "install/kubernetes/helm/istio", None),
    ("1.3.8", "install/kubernetes/helm/istio", None),
    ("1.4.10", "install/kubernetes/helm/istio", None),
    ("1.5.10", "install/kubernetes/helm/istio", None),
    ("1.5.10", "manifests/istio-control/istio-discovery", "1.5.10/install/kubernetes/helm/istio"),
    ("1.5.10", "manifests/istio-control/istio-autoinject", "1.5.10/install/kubernetes/helm/istio"),
    ("1.6.14", "manifests/charts/istio-control/istio-discovery", "1.7.8/manifests/charts/istio-control/istio-discovery"),
    ("1.7.8", "manifests/charts/istio-control/istio-discovery", None),
]


def _configmap_template(version: str, flavour: str) -> str:
    path = UPSTREAM / version / "install/kubernetes/templates" / f"istio-sidecar-injector-configmap-{flavour}.yaml.tmpl"
    text = path.read_text()
    # install/updateVersion.sh's plain-text substitution for the release.
    for placeholder, value in (("HUB", "docker.io/istio"), ("TAG", version)):
        text = text.replace("{PILOT_" + placeholder + "}", value).replace("{PROXY_" + placeholder + "}", value)
    text = text.replace("{ISTIO_NAMESPACE}", "istio-system")
    configmap = yaml.safe_load(text)
    return parse_inject_config(configmap["data"]["config"], release(version), str(path)).template


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _chart_values(chart: Path) -> dict:
    """The chart's default .Values (subchart defaults under their names, the
    parent's values winning), as Helm computes them."""
    values = yaml.safe_load((chart / "values.yaml").read_text()) or {}
    charts = chart / "charts"
    if charts.is_dir():
        for sub in sorted(charts.iterdir()):
            sub_values = yaml.safe_load((sub / "values.yaml").read_text()) or {}
            values[sub.name] = _merge(sub_values, values.get(sub.name) or {})
    return values


def _cases() -> list[tuple[str, str, str, Any]]:
    """(id, version, template, values JSON text or None)."""
    if UPSTREAM is None:
        return []
    cases = [(f"{v}-{flavour}", v, _configmap_template(v, flavour), None) for v, flavour in _CONFIGMAP_TEMPLATES]
    for version, chart_dir, globals_chart in _FILE_TEMPLATES:
        chart = UPSTREAM / version / chart_dir
        values = _chart_values(chart)
        if globals_chart:
            values["global"] = _chart_values(UPSTREAM / globals_chart)["global"]
        template = (chart / "files" / "injection-template.yaml").read_text()
        if "\ntemplate: |" in "\n" + template:
            # 1.5's istiod file and later ones are the "template:" entry of data.config.
            template = parse_inject_config(template, release(version), chart_dir).template
        cases.append((f"{version}-{chart_dir.rsplit('/', 1)[-1]}", version, template, json.dumps(values, default=str)))
    return cases


CASES = _cases()
POD_DOCS = goyaml.split_documents(PODS.read_text())


def test_every_saved_runtime_template_is_covered() -> None:
    versions = {c[1].rsplit(".", 1)[0] for c in CASES}
    assert versions == {"0.5", "0.6", "0.7", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"}
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

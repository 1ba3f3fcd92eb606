"""Istio 0.5's release and debug injection templates render exactly as Go renders
them, for representative pods, with SidecarTemplateData-shaped typed data.

The templates are read from ../shared/upstream/istio (Istio's files) and the data
is built with the oracle's own helper (../shared/oracle/istio_cases.py), so Go and
gotmpl see the same typed values; the oracle renders the expected output live.
"""

from __future__ import annotations

import copy
import sys

import pytest
import yaml

from goldens import same_response
from gotmpl.batch import handle_request
from injector.protos import register_oracle_types
from oracle import shared_dir

SHARED = shared_dir()
pytestmark = pytest.mark.skipif(
    SHARED is None or not (SHARED / "oracle" / "istio_cases.py").is_file(),
    reason="../shared/oracle/istio_cases.py and ../shared/upstream are absent",
)

register_oracle_types()


def _istio_cases():
    sys.path.insert(0, str(SHARED / "oracle"))
    try:
        import istio_cases
    finally:
        sys.path.pop(0)
    return istio_cases


def _template_05(variant: str) -> str:
    path = SHARED / "upstream/istio/0.5.0/install/kubernetes/templates" / f"istio-sidecar-injector-configmap-{variant}.yaml.tmpl"
    raw = path.read_text(encoding="utf-8")
    raw = raw.replace("{PILOT_HUB}", "docker.io/istio").replace("{PILOT_TAG}", "0.5.0").replace("{ISTIO_NAMESPACE}", "istio-system")
    return yaml.safe_load(yaml.safe_load(raw)["data"]["config"])["template"]


def _container(name: str, image: str, ports: list[tuple[str, int]]) -> dict:
    return {"Name": name, "Image": image, "Ports": [{"Name": n, "ContainerPort": p} for n, p in ports]}


# Representative pods: (label, ObjectMeta, Spec)
PODS = [
    ("single-container", {"Labels": {"app": "hello"}}, {"Containers": [_container("hello", "hello:1", [("http", 80)])]}),
    (
        "several-containers-with-ports",
        {"Labels": {"app": "shop", "version": "v2"}},
        {"Containers": [_container("web", "web:2", [("http", 8080), ("grpc", 9090)]), _container("cache", "redis:7", [("redis", 6379)])]},
    ),
    ("no-labels", {}, {"Containers": [_container("anon", "busybox", [])]}),
    (
        "annotations-present",
        {"Labels": {"app": "ann"}, "Annotations": {"sidecar.istio.io/inject": "true", "note": "x"}},
        {"Containers": [_container("ann", "ann:1", [("tcp", 7000)])]},
    ),
    (
        "non-default-service-account",
        {"Labels": {"app": "sa"}, "Namespace": "team"},
        {"Containers": [_container("sa", "sa:1", [])], "ServiceAccountName": "robot"},
    ),
]


def _requests() -> list[tuple[str, dict]]:
    if SHARED is None or not (SHARED / "oracle" / "istio_cases.py").is_file():
        return []
    cases = _istio_cases()
    out = []
    for variant in ("release", "debug"):
        template = _template_05(variant)
        for label, meta, spec in PODS:
            for auth in ("NONE", "MUTUAL_TLS"):
                req = cases.request_05(template)
                data = copy.deepcopy(req["data"])
                data["v"]["ObjectMeta"] = meta
                data["v"]["Spec"] = spec
                data["v"]["MeshConfig"]["AuthPolicy"] = auth
                req["data"] = data
                out.append((f"{variant}-{label}-{auth}", req))
    return out


REQUESTS = _requests()


@pytest.mark.parametrize("label,req", REQUESTS, ids=[label for label, _ in REQUESTS])
def test_istio_05_template_renders_as_go(oracle, label: str, req: dict) -> None:
    want = oracle.run(req)
    assert want["error"] is None, want
    got = handle_request(req, "exec")
    assert same_response(got, want), (got, want)


def test_the_oracle_example_request_renders_as_go(oracle) -> None:
    cases = _istio_cases()
    req = cases.request_05()
    assert same_response(handle_request(req, "exec"), oracle.run(req))


@pytest.mark.parametrize("name", ["istio-0.5.0-release-hello", "istio-1.1.17-hello"])
def test_the_oracle_example_files_render_as_go(oracle, name: str) -> None:
    """The oracle's saved example requests (Istio's function sets included) give
    its saved outputs, and the live oracle agrees."""
    import json

    import injector.funcs  # noqa: F401 - provides the istio@X.Y function sets

    examples = SHARED / "oracle" / "examples"
    req = json.loads((examples / f"{name}.request.json").read_text())
    got = handle_request(req, "exec")
    assert got["error"] is None, got
    assert got["output"] == (examples / f"{name}.output.yaml").read_text()
    assert same_response(got, oracle.run(req))

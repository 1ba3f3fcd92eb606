"""What differs between releases' webhooks (versions.WebhookBehaviour), each
difference checked on one small pod: the behaviours read from Istio's
webhook.go/app_probe.go of each release (no golden exists beyond 0.5.0 and
1.1.17, which test_webhook_goldens.py covers byte for byte)."""

from __future__ import annotations

import json

import pytest

from injector.admission import review
from webhook_support import patch_of, review_body, test_injector

PROXY = """initContainers:
- name: istio-init
  image: init
containers:
- name: istio-proxy
  image: proxy:latest
  args: [--statusPort, "15020"]
"""


def _brackets(template: str) -> str:
    return template.replace("{{", "[[").replace("}}", "]]")


def _injector(version: str, template: str = PROXY, values: dict | None = None):
    delims = version in ("0.8", "1.0", "1.1")
    injector = test_injector(version, _brackets(template) if delims else template)
    if values is not None:
        injector.values = values
    return injector


def _ops(version: str, pod: dict, template: str = PROXY, namespace: str = "default", values: dict | None = None) -> list[dict]:
    outcome = review(_injector(version, template, values), review_body(pod, namespace=namespace))
    assert outcome.allowed, outcome.message
    return patch_of(json.loads(outcome.body())) or []


def _pod(**spec: object) -> dict:
    return {"metadata": {"name": "web-0", "labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx"}], **spec}}


INJECTED = {
    "metadata": {"name": "web-0", "annotations": {"sidecar.istio.io/status": json.dumps({"containers": ["istio-proxy"]})}},
    "spec": {"containers": [{"name": "web"}, {"name": "istio-proxy"}]},
}


def test_removes_carry_null_values_only_in_05() -> None:
    assert {"op": "remove", "path": "/spec/containers/1", "value": None} in _ops("0.5", INJECTED)
    assert {"op": "remove", "path": "/spec/containers/1"} in _ops("0.6", INJECTED)


@pytest.mark.parametrize("version,defaulted", [("0.5", True), ("1.0", True), ("1.1", False)])
def test_api_defaults_until_10(version: str, defaulted: bool) -> None:
    proxy = next(op["value"] for op in _ops(version, _pod()) if op["path"] == "/spec/containers/-")
    assert ("terminationMessagePath" in proxy) is defaulted
    assert (proxy.get("imagePullPolicy") == "Always") is defaulted  # the :latest tag


@pytest.mark.parametrize("version,skipped", [("0.5", False), ("1.0", False), ("1.1", True)])
def test_ignored_namespace_is_the_pods_until_10(version: str, skipped: bool) -> None:
    # A controller's pod arrives without metadata.namespace: 0.5-1.0 look at the
    # pod's (empty) namespace, 1.1+ fill it from the request first.
    outcome = review(_injector(version), review_body(_pod(), namespace="kube-system"))
    assert (outcome.decision == "skipped") is skipped


PROBED = {
    "metadata": {"name": "web-0"},
    "spec": {
        "containers": [
            {
                "name": "web",
                "ports": [{"name": "http", "containerPort": 8080}],
                "readinessProbe": {"httpGet": {"port": "http", "path": "/ready", "scheme": "HTTPS"}},
            }
        ]
    },
}


def _rewrites(ops: list[dict]) -> list[dict]:
    return [op for op in ops if op["op"] == "replace"]


def test_probe_rewrite_switch_per_release() -> None:
    on = "rewriteAppHTTPProbe: true\n" + PROXY
    annotated = json.loads(json.dumps(PROBED))
    annotated["metadata"]["annotations"] = {"sidecar.istio.io/rewriteAppHTTPProbers": "false"}
    assert not _rewrites(_ops("1.0", PROBED, on))  # before 1.1: no rewriting at all
    assert _rewrites(_ops("1.1", annotated, on))  # 1.1: only the template decides
    assert not _rewrites(_ops("1.2", annotated, on))  # 1.2+: the annotation wins
    annotated["metadata"]["annotations"]["sidecar.istio.io/rewriteAppHTTPProbers"] = "true"
    assert _rewrites(_ops("1.2", annotated, PROXY))


def test_probe_rewrite_shapes() -> None:
    on = "rewriteAppHTTPProbe: true\n" + PROXY
    [r11] = _rewrites(_ops("1.1", PROBED, on))
    assert r11 == {"op": "replace", "path": "/spec/containers/0/readinessProbe/httpGet",
                   "value": {"path": "/app-health/web/readyz", "port": 15020, "scheme": "HTTPS"}}  # fmt: skip
    [r12] = _rewrites(_ops("1.2", PROBED, on))
    assert r12["value"]["scheme"] == "HTTP"
    ops17 = _ops("1.7", PROBED, on)
    assert ops17[0] == {"op": "replace", "path": "/spec/containers/0/readinessProbe",
                        "value": {"httpGet": {"path": "/app-health/web/readyz", "port": 15020, "scheme": "HTTP"}}}  # fmt: skip
    proxy = next(op["value"] for op in ops17 if op["path"] == "/spec/containers/-")
    probers = json.loads(next(e["value"] for e in proxy["env"] if e["name"] == "ISTIO_KUBE_APP_PROBERS"))
    # The named port is resolved to the container's number.
    assert probers == {"/app-health/web/readyz": {"httpGet": {"path": "/ready", "port": 8080, "scheme": "HTTPS"}}}


def test_service_account_token_mount_copied_to_the_proxy_from_11() -> None:
    mount = {"name": "default-token-abc", "readOnly": True, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}
    pod = _pod()
    pod["spec"]["containers"][0]["volumeMounts"] = [mount]
    for version, copied in (("1.0", False), ("1.1", True), ("1.7", True)):
        proxy = next(op["value"] for op in _ops(version, pod) if op["path"] == "/spec/containers/-")
        assert (mount in proxy.get("volumeMounts", [])) is copied, version


def test_security_context_and_sds_fs_group() -> None:
    pod = _pod(securityContext={"runAsUser": 1000})
    assert not [op for op in _ops("1.0", pod) if op["path"] == "/spec/securityContext"]
    [op11] = [op for op in _ops("1.1", pod) if op["path"] == "/spec/securityContext"]
    assert op11["value"] == {"runAsUser": 1000}
    # 1.7's default mesh sets sdsUdsPath: fsGroup 1337 joins the pod's own context.
    [op17] = [op for op in _ops("1.7", pod) if op["path"] == "/spec/securityContext"]
    assert op17["value"] == {"runAsUser": 1000, "fsGroup": 1337}


OWNED = {
    "metadata": {
        "generateName": "web-7d9f-",
        "labels": {"app": "web", "pod-template-hash": "7d9f"},
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d9f", "uid": "u", "controller": True}],
    },
    "spec": {"containers": [{"name": "web"}]},
}
NAMES = PROXY + "  env:\n  - name: WORKLOAD\n    value: '{{ .DeploymentMeta.Name }}/{{ .DeploymentMeta.Namespace }}'\n"


def _workload(version: str, pod: dict) -> str:
    proxy = next(op["value"] for op in _ops(version, pod, NAMES, namespace="shop") if op["path"] == "/spec/containers/-")
    return next(e["value"] for e in proxy["env"] if e["name"] == "WORKLOAD")


def test_workload_from_the_owner_from_13() -> None:
    assert _workload("1.2", OWNED) == "/shop"  # the pod's own metadata: no name yet
    assert _workload("1.3", OWNED) == "web/shop"
    job = json.loads(json.dumps(OWNED))
    job["metadata"]["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "Job", "name": "backup-1600000000", "uid": "u", "controller": True}]
    assert _workload("1.6", job) == "backup-1600000000/shop"
    assert _workload("1.7", job) == "backup/shop"  # a CronJob's Job


def test_owner_without_controller_field_is_denied_not_crashed() -> None:
    pod = json.loads(json.dumps(OWNED))
    del pod["metadata"]["ownerReferences"][0]["controller"]
    outcome = review(_injector("1.3", NAMES), review_body(pod))
    assert not outcome.allowed and "has no controller field" in outcome.message


def test_labels_per_release() -> None:
    def labels(version: str) -> dict:
        out: dict = {}
        for op in _ops(version, OWNED, namespace="shop"):
            if op["path"].startswith("/metadata/labels/"):
                out[op["path"].removeprefix("/metadata/labels/").replace("~1", "/")] = op["value"]
        return out

    assert labels("1.3") == {}
    assert labels("1.4") == {"security.istio.io/tlsMode": "istio"}
    assert labels("1.6") == {
        "istio.io/rev": "default",
        "security.istio.io/tlsMode": "istio",
        "service.istio.io/canonical-name": "web",  # the app label
        "service.istio.io/canonical-revision": "latest",
    }


def test_prometheus_merge_in_17() -> None:
    pod = _pod()
    pod["metadata"]["annotations"] = {"prometheus.io/scrape": "true", "prometheus.io/port": "9090"}
    ops = _ops("1.7", pod)
    annotations = {op["path"]: (op["op"], op["value"]) for op in ops if op["path"].startswith("/metadata/annotations/")}
    assert annotations["/metadata/annotations/prometheus.io~1port"] == ("replace", "15020")
    assert annotations["/metadata/annotations/prometheus.io~1path"] == ("add", "/stats/prometheus")
    proxy = next(op["value"] for op in ops if op["path"] == "/spec/containers/-")
    scrape = next(e["value"] for e in proxy["env"] if e["name"] == "ISTIO_PROMETHEUS_ANNOTATIONS")
    assert scrape == '{"scrape":"true","path":"","port":"9090"}'
    pod["metadata"]["annotations"]["prometheus.istio.io/merge-metrics"] = "false"
    assert not [op for op in _ops("1.7", pod) if "prometheus" in op["path"]]
    assert not [op for op in _ops("1.6", _pod()) if "prometheus" in op["path"]]


def test_hold_application_puts_the_proxy_first_in_17() -> None:
    paths = [op["path"] for op in _ops("1.7", _pod(), values={"global": {"proxy": {"holdApplicationUntilProxyStarts": True}}})]
    assert "/spec/containers/0" in paths and "/spec/containers/-" not in paths
    assert "/spec/containers/-" in [op["path"] for op in _ops("1.7", _pod(), values={})]


NETWORKED = PROXY + """  env:
  - name: ISTIO_META_NETWORK
    value: "{{ .Values.global.network }}"
"""


def _network_labels(version: str, pod: dict, network: str) -> list[dict]:
    values = {"global": {"network": network}}
    return [op for op in _ops(version, pod, NETWORKED, values=values) if "topology.istio.io" in json.dumps(op)]


def test_network_label_from_the_proxy_env_in_18() -> None:
    # 1.8's createPatch adds topology.istio.io/network = topologyValues(sic),
    # the rendered ISTIO_META_NETWORK, with the other labels (sorted).
    ops = _ops("1.8", _pod(), NETWORKED, values={"global": {"network": "net1"}})
    labels = [op["path"] for op in ops if op["path"].startswith("/metadata/labels/")]
    assert {"op": "add", "path": "/metadata/labels/topology.istio.io~1network", "value": "net1"} in ops
    assert labels == sorted(labels) and labels[-1] == "/metadata/labels/topology.istio.io~1network"
    assert _network_labels("1.7", _pod(), "net1") == []
    assert _network_labels("1.8", _pod(), "") == []  # empty value: no label
    pod = _pod()
    pod["metadata"]["labels"]["topology.istio.io/network"] = "mine"
    assert _network_labels("1.8", pod, "net1") == []  # the pod's own label stays
    bare = _pod()
    del bare["metadata"]["labels"]
    first = _ops("1.8", bare, NETWORKED, values={"global": {"network": "net1"}})
    assert {"op": "add", "path": "/metadata/labels", "value": {"istio.io/rev": "default"}} in first
    assert {"op": "add", "path": "/metadata/labels/topology.istio.io~1network", "value": "net1"} in first

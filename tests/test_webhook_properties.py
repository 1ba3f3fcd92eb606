"""Properties of the webhook on Hypothesis-generated pods and reviews.

* re-injection is idempotent: the patched pod, reviewed again, patches to
  itself (Istio removes what its status annotation lists and adds it again);
* pods on the host network and pods that opt out are allowed untouched;
* every review with a uid is answered with that uid, whatever its object,
  and nothing else escapes but BadRequest for bodies without one.

Example counts are bounded (GOTMPL_WEBHOOK_EXAMPLES, default 40) so the suite
stays fast; a nightly run can raise them.
"""

from __future__ import annotations

import copy
import json
import os

import jsonpatch
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from injector.admission import BadRequest, review
from injector.cli import build_injector
from webhook_support import patch_of, review_body, test_injector

EXAMPLES = int(os.environ.get("GOTMPL_WEBHOOK_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TEMPLATE_05 = """initContainers:
- name: istio-init
  image: example.com/init:latest
containers:
- name: istio-proxy
  image: example.com/proxy:latest
volumes:
- name: istio-envoy
  emptyDir:
    medium: Memory
- name: istio-certs
  secret:
    secretName: {{ printf "istio.%s" .Spec.ServiceAccountName }}
"""
TEMPLATE_11 = TEMPLATE_05.replace("{{", "[[").replace("}}", "]]") + """imagePullSecrets:
- name: istio-image-pull-secrets
"""

names = st.text("abcdefghij-", min_size=1, max_size=8).filter(lambda s: s[0] != "-" and s[-1] != "-")
# Valid label values: alphanumeric at both ends (a value like "-" would break
# the YAML the embedded template writes, and the pod would be denied, as in Istio).
label_values = st.from_regex(r"([a-z0-9]([a-z0-9._-]{0,4}[a-z0-9])?)?", fullmatch=True)
SA_MOUNT = {"name": "default-token-x1", "readOnly": True, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}


@st.composite
def containers(draw: st.DrawFn, count: st.SearchStrategy[int]) -> list[dict]:
    chosen = draw(st.lists(names, min_size=draw(count), max_size=3, unique=True))
    out = []
    for name in chosen:
        c: dict = {"name": f"app-{name}", "image": draw(st.sampled_from(["nginx", "nginx:1.25", "busybox:latest"]))}
        if draw(st.booleans()):
            c["ports"] = [{"containerPort": draw(st.integers(1, 65535))}]
        if draw(st.booleans()):
            c["volumeMounts"] = [SA_MOUNT]
        if draw(st.booleans()):
            c["resources"] = {"limits": {"cpu": draw(st.sampled_from(["100m", "1", "2500m"]))}}
        out.append(c)
    return out


@st.composite
def pods(draw: st.DrawFn) -> dict:
    metadata: dict = {}
    if draw(st.booleans()):
        metadata["name"] = draw(names)
    else:
        metadata["generateName"] = draw(names) + "-"
    labels = draw(st.dictionaries(st.sampled_from(["app", "version", "tier"]), label_values, max_size=3))
    if labels:
        metadata["labels"] = labels
    annotations = draw(st.dictionaries(st.sampled_from(["team", "example.com/owner", "a~b"]), label_values, max_size=2))
    if annotations:
        metadata["annotations"] = annotations
    spec: dict = {"containers": draw(containers(st.just(1)))}
    init = draw(containers(st.integers(0, 2)))
    if init:
        spec["initContainers"] = init
    volumes = draw(st.lists(names, max_size=2, unique=True))
    if volumes:
        spec["volumes"] = [{"name": f"vol-{v}", "emptyDir": {}} for v in volumes]
    if draw(st.booleans()):
        spec["serviceAccountName"] = draw(names)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}


def _injectors():
    yield "0.5", test_injector("0.5", TEMPLATE_05)
    yield "1.1", test_injector("1.1", TEMPLATE_11)
    yield "1.7", build_injector("1.7")


INJECTORS = dict(_injectors())


def _inject(injector, pod: dict) -> dict:
    outcome = review(injector, review_body(pod))
    assert outcome.allowed and outcome.decision == "injected", outcome.message
    return jsonpatch.apply_patch(copy.deepcopy(pod), patch_of(json.loads(outcome.body())))


@pytest.mark.parametrize("version", list(INJECTORS))
@SETTINGS
@given(pod=pods())
def test_reinjection_is_idempotent(version: str, pod: dict) -> None:
    if version == "1.7":
        # 1.7 records the pod's own Prometheus annotations on the sidecar when it
        # merges metrics; after the first injection those are its own, so a
        # second pass differs, exactly as in Istio. Without merging it must not.
        pod["metadata"].setdefault("annotations", {})["prometheus.istio.io/merge-metrics"] = "false"
    injector = INJECTORS[version]
    once = _inject(injector, pod)
    twice = _inject(injector, once)
    assert twice == once


@pytest.mark.parametrize("version", list(INJECTORS))
@SETTINGS
@given(pod=pods(), opt_out=st.sampled_from(["host_network", "false", "no", "off", "n", "disabled", "False"]))
def test_host_network_and_opted_out_pods_are_untouched(version: str, pod: dict, opt_out: str) -> None:
    if opt_out == "host_network":
        pod["spec"]["hostNetwork"] = True
    else:
        pod["metadata"].setdefault("annotations", {})["sidecar.istio.io/inject"] = opt_out
    outcome = review(INJECTORS[version], review_body(pod, uid="u"))
    answer = json.loads(outcome.body())
    assert answer["response"] == {"uid": "u", "allowed": True}
    assert outcome.decision == "skipped"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)
fields = st.sampled_from(["metadata", "spec", "apiVersion", "kind", "containers", "annotations"])
objects = st.one_of(
    json_values,
    st.dictionaries(fields, json_values, max_size=3),
    pods().map(lambda p: {**p, "spec": {**p["spec"], "containers": [{"name": 5}]}}),
    pods(),
)


@SETTINGS
@given(
    uid=st.text(min_size=1, max_size=20),
    obj=objects,
    api_version=st.sampled_from(["admission.k8s.io/v1", "admission.k8s.io/v1beta1", "v1", ""]),
)
def test_every_review_is_answered_with_its_uid(uid: str, obj: object, api_version: str) -> None:
    doc = {"apiVersion": api_version, "kind": "AdmissionReview", "request": {"uid": uid, "namespace": "default", "object": obj}}
    for injector in INJECTORS.values():
        outcome = review(injector, json.dumps(doc).encode())
        answer = json.loads(outcome.body())
        assert answer["response"]["uid"] == uid
        assert answer["kind"] == "AdmissionReview"
        assert answer["apiVersion"] in ("admission.k8s.io/v1", "admission.k8s.io/v1beta1")
        if not answer["response"]["allowed"]:
            assert answer["response"]["status"]["message"]


@SETTINGS
@given(body=st.binary(max_size=64) | json_values.map(lambda v: json.dumps(v).encode()))
def test_bodies_without_a_uid_are_bad_requests(body: bytes) -> None:
    try:
        outcome = review(INJECTORS["1.1"], body)
    except BadRequest as e:
        assert e.status == 400 and str(e)
    else:
        assert outcome.uid

"""The injection decision (Istio's injectRequired, 0.5-1.8), shared with the
webhook: hostNetwork, ignored namespaces, the sidecar.istio.io/inject
annotation, the policy, and (1.1+) the never/always selectors. Expectations
follow the rules as ../shared/notes/istio-research.md section 5 reads them from
Istio's sources."""

from __future__ import annotations

import pytest

from gotmpl import values as V
from injector import gojson, goyaml
from injector.config import InjectConfig, parse_inject_config
from injector.inject import injection_required
from injector.labels import SelectorError, compile_selector
from injector.versions import release


def pod(annotations: dict | None = None, labels: dict | None = None, namespace: str = "default", host: bool = False):
    doc = {"metadata": {"namespace": namespace}, "spec": {"hostNetwork": host, "containers": [{"name": "c"}]}}
    if annotations is not None:
        doc["metadata"]["annotations"] = annotations
    if labels is not None:
        doc["metadata"]["labels"] = labels
    obj = gojson.decode(doc, "corev1.Pod")
    return obj.fields["Spec"], obj.fields["ObjectMeta"]


def config(policy: str, version: str = "0.5", extra: str = "") -> InjectConfig:
    return parse_inject_config(f"policy: {policy}\ntemplate: ''\n{extra}", release(version), "test")


@pytest.mark.parametrize(
    "policy,annotation,want",
    [
        ("enabled", None, True),
        ("disabled", None, False),
        ("enabled", "false", False),
        ("disabled", "true", True),
        ("disabled", "YES", True),
        ("disabled", "y", True),
        ("disabled", "On", True),
        ("enabled", "no", False),
        ("enabled", "maybe", False),  # any other value means no
        ("disabled", "maybe", False),
        ("enabled", "", True),  # empty is absent
        ("garbage", None, False),  # an unknown policy never injects
        ("garbage", "true", False),
    ],
)
def test_policy_and_annotation(policy: str, annotation: str | None, want: bool) -> None:
    spec, meta = pod({"sidecar.istio.io/inject": annotation} if annotation is not None else None)
    assert injection_required(release("0.5"), config(policy), spec, meta) is want


def test_host_network_and_ignored_namespaces_never_inject() -> None:
    spec, meta = pod({"sidecar.istio.io/inject": "true"}, host=True)
    assert not injection_required(release("1.1"), config("enabled"), spec, meta)
    for ns in ("kube-system", "kube-public"):
        spec, meta = pod({"sidecar.istio.io/inject": "true"}, namespace=ns)
        assert not injection_required(release("1.1"), config("enabled"), spec, meta)


SELECTORS = """neverInjectSelector:
- matchExpressions:
  - {key: openshift.io/build.name, operator: Exists}
alwaysInjectSelector:
- matchLabels: {app: always}
"""


def test_selectors_apply_from_1_1_and_only_without_annotation() -> None:
    never = pod(labels={"openshift.io/build.name": "b1"})
    always = pod(labels={"app": "always"})
    for version, want_never, want_always in (("1.0", True, False), ("1.1", False, True)):
        assert injection_required(release(version), config("enabled", version, SELECTORS), *never) is want_never
        assert injection_required(release(version), config("disabled", version, SELECTORS), *always) is want_always
    # The annotation decides before any selector.
    spec, meta = pod({"sidecar.istio.io/inject": "true"}, labels={"openshift.io/build.name": "b1"})
    assert injection_required(release("1.1"), config("disabled", "1.1", SELECTORS), spec, meta)


def test_invalid_selectors_are_skipped_with_a_warning() -> None:
    warnings: list[str] = []
    extra = "neverInjectSelector:\n- matchExpressions:\n  - {key: app, operator: Sometimes}\n"
    spec, meta = pod(labels={"app": "x"})
    assert injection_required(release("1.1"), config("enabled", "1.1", extra), spec, meta, warn=warnings.append)
    assert warnings and "'Sometimes' is not a valid pod selector operator" in warnings[0]


def _selector(text: str):
    return gojson.decode(goyaml.yaml_to_json(text), "metav1.LabelSelector")


@pytest.mark.parametrize(
    "selector,labels,want",
    [
        ("matchLabels: {a: b}", {"a": "b"}, True),
        ("matchLabels: {a: b}", {"a": "c"}, False),
        ("matchExpressions: [{key: a, operator: In, values: [x, z]}]", {"a": "z"}, True),
        ("matchExpressions: [{key: a, operator: NotIn, values: [x]}]", {}, True),
        ("matchExpressions: [{key: a, operator: NotIn, values: [x]}]", {"a": "x"}, False),
        ("matchExpressions: [{key: a, operator: DoesNotExist}]", {"b": "1"}, True),
        ("{matchLabels: {a: b}, matchExpressions: [{key: c, operator: Exists}]}", {"a": "b"}, False),
    ],
)
def test_label_selectors(selector: str, labels: dict, want: bool) -> None:
    match = compile_selector(_selector(selector))
    assert match is not None and match(labels) is want


def test_empty_selector_is_skipped_and_bad_ones_refused() -> None:
    assert compile_selector(_selector("{}")) is None
    with pytest.raises(SelectorError):
        compile_selector(_selector("matchExpressions: [{key: a, operator: In}]"))
    with pytest.raises(SelectorError):
        compile_selector(_selector("matchLabels: {'bad key!': x}"))


def test_status_annotation_format_per_release() -> None:
    from injector.inject import Injector
    from injector.meshconfig import default_mesh
    from injector.spec import decode_spec

    rendered = "containers:\n- name: istio-proxy\nvolumes:\n- name: v\n"
    for version, want in (
        ("0.7", '{"version":"H","initContainers":null,"containers":["istio-proxy"],"volumes":["v"]}'),
        ("1.1", '{"version":"H","initContainers":null,"containers":["istio-proxy"],"volumes":["v"],"imagePullSecrets":null}'),
    ):
        rel = release(version)
        injector = Injector(rel, InjectConfig("enabled", "", [], [], {}, "t"), default_mesh(rel.name).mesh_config, env={})
        injector.template_hash = "H"
        assert injector.status(decode_spec(rendered, rel)) == want
    assert V.is_nil(decode_spec("", release("0.5")).fields["Containers"])

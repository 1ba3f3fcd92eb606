"""injector.gojson (encoding/json on Kubernetes types) and injector.k8stypes.

* Istio's kube-inject goldens: every ``*.yaml.injected`` of Istio 0.5.0,
  1.1.17, 1.24.6 and 1.30.3 is already ghodss/yaml output, so decoding it into
  the Go types, encoding and marshalling it again must give it back byte for
  byte (field order, omitempty, creationTimestamp/resources/strategy/status
  zero values, Lists with raw items, OpenShift DeploymentConfigs). The goldens
  whose input kube-inject passes through without injecting (hostNetwork pods,
  unregistered kinds) are checked from their input too.
* Decoding and encoding rules of encoding/json, with Go's error messages.
* resource.Quantity canonical forms: the expected strings are Kubernetes' own
  test expectations (apimachinery quantity_test.go tables TestQuantityParse,
  TestQuantityString, TestQuantityParseEmit, TestJSONWhitespace), restated here.
* dumps against Go's json.Marshal (sprig's toJson in the oracle).
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings

from conftest import hypothesis_examples
from gotmpl import Template
from gotmpl import values as V
from injector import gojson, goyaml, k8stypes
from oracle import shared_dir
from test_goyaml import json_values, typed

SHARED = shared_dir()
needs_shared = pytest.mark.skipif(SHARED is None, reason="../shared (Istio goldens, gotypes) is absent")
REPO = pathlib.Path(__file__).resolve().parent.parent


# --- kube-inject's re-serialisation, without the injection ---------------------------------------


def reserialise(text: str, omitzero: bool = False) -> str:
    """What Istio's kube-inject writes for a file when it injects nothing: each
    document of a registered kind decoded into its Go type and marshalled
    again (List items one by one), others copied; each followed by ``---``."""
    out = []
    for doc in goyaml.split_documents(text):
        meta = goyaml.yaml_to_json(doc, "metav1.TypeMeta")
        key = _kind_key(meta)
        if key is None:
            out.append(doc)
        else:
            obj = goyaml.unmarshal(doc, key)
            if key == "corev1.List":
                _reserialise_items(obj, omitzero)
            out.append(goyaml.marshal(gojson.encode(obj, omitzero=omitzero)))
        out.append("---\n")
    return "".join(out)


def _kind_key(meta: Any) -> str | None:
    if not isinstance(meta, dict):
        return None
    return gojson.type_for_kind(meta.get("apiVersion", ""), meta.get("kind", ""))


def _reserialise_items(lst: V.Struct, omitzero: bool) -> None:
    for item in lst.fields["Items"].items or []:
        raw = gojson.raw_json(item)
        key = _kind_key(raw)
        if key is not None:
            typed_item = gojson.decode(raw, key)
            item.fields["Raw"] = gojson.dumps(gojson.encode(typed_item, omitzero=omitzero)).encode()


# (release folder, testdata folder, omitzero honoured by that release's Go)
GOLDEN_DIRS = [
    ("0.5.0", "testdata", False),
    ("1.1.17", "testdata/inject", False),
    ("1.24.6", "testdata/inject", False),
    ("1.30.3", "testdata/inject", True),
]
# Goldens that are not plain ghodss output of this kind.
_UNSORTED = "written with unsorted keys by a custom template, not re-marshalled"
GOLDEN_EXCEPTIONS = {
    "1.24.6/hello-openshift-custom-injection.yaml.injected": _UNSORTED,
    "1.30.3/hello-openshift-custom-injection.yaml.injected": _UNSORTED,
}
# Goldens not regenerated since their release switched to a Go that honours omitzero.
STALE_OMITZERO = {"1.30.3/hello-openshift.yaml.injected", "1.30.3/hello-openshift-tproxy.yaml.injected"}
# 0.5.0 leftovers no test produces: written without the final separator.
NO_FINAL_SEPARATOR = {"0.5.0/not-required.yaml.injected", "0.5.0/single-initializer.yaml.injected"}


def _golden_params() -> list[Any]:
    if SHARED is None:
        return [pytest.param(None, None, False, marks=needs_shared, id="no-shared")]
    params = []
    for release, folder, omitzero in GOLDEN_DIRS:
        base = SHARED / "upstream/istio" / release / folder
        for path in sorted(base.glob("*.injected")):
            name = f"{release}/{path.name}"
            marks = [pytest.mark.skip(reason=GOLDEN_EXCEPTIONS[name])] if name in GOLDEN_EXCEPTIONS else []
            params.append(pytest.param(path, name, omitzero and name not in STALE_OMITZERO, marks=marks, id=name))
    return params


@needs_shared
@pytest.mark.shared
@pytest.mark.parametrize("path,name,omitzero", _golden_params())
def test_golden_is_a_fixed_point(path: pathlib.Path, name: str, omitzero: bool) -> None:
    text = path.read_text(encoding="utf-8")
    want = text + "---\n" if name in NO_FINAL_SEPARATOR else text
    assert reserialise(text, omitzero) == want


# Inputs kube-inject only re-serialises (hostNetwork, an unregistered kind, the
# never-inject annotation of 1.24+): input -> golden.
PASS_THROUGH = [
    ("0.5.0/testdata", "hello-host-network", False),
    ("0.5.0/testdata", "hello-service", False),
    ("1.1.17/testdata/inject", "hello-host-network", False),
    ("1.1.17/testdata/inject", "hello-service", False),
    ("1.24.6/testdata/inject", "hello-host-network", False),
    ("1.24.6/testdata/inject", "hello-host-network-with-ns", False),
    ("1.24.6/testdata/inject", "hello-ignore", False),
    ("1.24.6/testdata/inject", "hello-service", False),
    ("1.30.3/testdata/inject", "hello-host-network", True),
    ("1.30.3/testdata/inject", "hello-host-network-with-ns", True),
    ("1.30.3/testdata/inject", "hello-ignore", True),
    ("1.30.3/testdata/inject", "hello-service", True),
]


@needs_shared
@pytest.mark.shared
@pytest.mark.parametrize("folder,name,omitzero", PASS_THROUGH, ids=[f"{f.split('/')[0]}/{n}" for f, n, _ in PASS_THROUGH])
def test_input_reserialises_to_golden(folder: str, name: str, omitzero: bool) -> None:
    base = SHARED / "upstream/istio" / folder
    text = (base / f"{name}.yaml").read_text(encoding="utf-8")
    assert reserialise(text, omitzero) == (base / f"{name}.yaml.injected").read_text(encoding="utf-8")


# --- the generated table ------------------------------------------------------------------------------


@needs_shared
@pytest.mark.shared
def test_generated_table_is_up_to_date() -> None:
    script = REPO / "scripts" / "gen_k8s_types.py"
    gotypes = SHARED / "gotypes" / "k8s-core-v1.json"
    result = subprocess.run([sys.executable, str(script), "--gotypes", str(gotypes), "--check"], check=False)
    assert result.returncode == 0, "injector/k8stypes.py is stale: run scripts/gen_k8s_types.py"


def test_table_names_and_kinds() -> None:
    assert str(gojson.go_type("corev1.Container")) == "v1.Container"
    assert str(gojson.go_type("metav1.ObjectMeta")) == "v1.ObjectMeta"
    assert str(gojson.go_type("resource.Quantity")) == "resource.Quantity"
    assert str(gojson.go_type("intstr.IntOrString")) == "intstr.IntOrString"
    assert str(gojson.go_type("metav1.Time")) == "v1.Time"
    assert str(gojson.go_type("extensionsv1beta1.Deployment")) == "v1beta1.Deployment"
    assert str(gojson.go_type("batchv2alpha1.CronJob")) == "v2alpha1.CronJob"
    assert str(gojson.go_type("[]corev1.Container")) == "[]v1.Container"
    assert str(gojson.go_type("corev1.ResourceList")) == "v1.ResourceList"
    # Go prints apps/v1's and OpenShift's DeploymentStrategy alike; they stay distinct types.
    a, b = gojson.go_type("appsv1.DeploymentStrategy"), gojson.go_type("openshiftappsv1.DeploymentStrategy")
    assert str(a) == str(b) == "v1.DeploymentStrategy" and a is not b
    assert gojson.type_for_kind("extensions/v1beta1", "Deployment") == "extensionsv1beta1.Deployment"
    assert gojson.type_for_kind("v1", "Service") is None
    assert all(key in k8stypes.TYPES for key in k8stypes.KINDS.values())


def test_json_field_list_promotes_embedded_fields() -> None:
    names = [f.name for f in gojson.json_fields(gojson.go_type("corev1.Pod"))]
    assert names == ["kind", "apiVersion", "metadata", "spec", "status"]
    probe = [f.name for f in gojson.json_fields(gojson.go_type("corev1.Probe"))]
    assert probe[:4] == ["exec", "httpGet", "tcpSocket", "grpc"]


# --- decoding ------------------------------------------------------------------------------------------

CONTAINER = {
    "name": "app",
    "image": "x",
    "args": ["a", "15001"],
    "ports": [{"containerPort": 80, "protocol": "TCP"}],
    "resources": {"limits": {"cpu": "100m", "memory": "1Gi"}},
    "readinessProbe": {"httpGet": {"port": 8080, "path": "/"}},
    "securityContext": {"runAsUser": 1337, "privileged": False},
}


def test_decoded_values_have_go_types() -> None:
    c = gojson.decode(CONTAINER, "corev1.Container")
    assert isinstance(c, V.Struct) and str(c.type) == "v1.Container"
    assert c.fields["Name"] == "app"
    assert isinstance(c.fields["Args"], V.Slice) and c.fields["Args"].items == ["a", "15001"]
    port = c.fields["Ports"].items[0]
    assert port.fields["ContainerPort"] == V.Typed(V.INT32, 80)
    assert str(port.fields["Protocol"].type) == "v1.Protocol" and port.fields["Protocol"].value == "TCP"
    assert c.fields["WorkingDir"] == "" and c.fields["Command"].items is None  # zero values
    sc = c.fields["SecurityContext"]
    assert isinstance(sc, V.Ptr) and sc.target.fields["RunAsUser"].target == V.Typed(V.INT64, 1337)
    limits = c.fields["Resources"].fields["Limits"]
    assert str(limits.type) == "v1.ResourceList" and gojson.quantity_string(limits.data["cpu"]) == "100m"


def test_templates_see_go_fields_and_types() -> None:
    c = gojson.decode(CONTAINER, "corev1.Container")
    t = Template("t").parse(
        '{{.Name}} {{range .Ports}}{{.ContainerPort}}/{{.Protocol}} {{printf "%T" .ContainerPort}}{{end}} '
        "{{.SecurityContext.RunAsUser}} {{if .SecurityContext.Privileged}}p{{else}}np{{end}} {{len .Args}}"
    )
    assert t.render(c) == "app 80/TCP int32 1337 p 2"  # Privileged is a non-nil *bool: true for if


def test_encode_round_trip_and_field_order() -> None:
    c = gojson.decode(CONTAINER, "corev1.Container")
    out = gojson.encode(c)
    assert list(out) == ["name", "image", "args", "ports", "resources", "readinessProbe", "securityContext"]
    assert out["resources"] == {"limits": {"cpu": "100m", "memory": "1Gi"}}
    assert out["readinessProbe"] == {"httpGet": {"path": "/", "port": 8080}}
    assert out["securityContext"] == {"privileged": False, "runAsUser": 1337}


def test_key_matching_unknown_keys_and_null() -> None:
    doc = {"NAME": "upper", "name": "exact", "Image": "i", "bogus": 1, "args": None, "env": []}
    c = gojson.decode(doc, "corev1.Container")
    # Keys are read in sorted order; both match Name, the later one wins.
    assert c.fields["Name"] == "exact" and c.fields["Image"] == "i"
    assert c.fields["Args"].items is None and c.fields["Env"].items == []
    assert gojson.encode(c) == {"name": "exact", "image": "i", "resources": {}}
    # The Kelvin sign folds to k (encoding/json's folding).
    assert gojson.decode({"\u212aind": "Pod"}, "corev1.Pod").fields["TypeMeta"].fields["Kind"] == "Pod"
    # null leaves strings and structs alone, resets pointers and maps.
    before = gojson.decode({"name": "n", "labels": {"a": "b"}}, "metav1.ObjectMeta")
    meta = gojson.decode({"name": None, "labels": None}, "metav1.ObjectMeta", into=before)
    assert meta.fields["Name"] == "n" and meta.fields["Labels"].data is None


def test_objects_merge_into_existing_values() -> None:
    base = gojson.decode({"metadata": {"name": "a", "labels": {"x": "1"}}}, "corev1.Pod")
    merged = gojson.decode({"metadata": {"labels": {"y": "2"}}}, "corev1.Pod", into=base)
    meta = merged.fields["ObjectMeta"]
    assert meta.fields["Name"] == "a" and meta.fields["Labels"].data == {"x": "1", "y": "2"}


@pytest.mark.parametrize(
    "doc,type_name,message",
    [
        ({"ports": [{"containerPort": "x"}]}, "corev1.Container",
         "json: cannot unmarshal string into Go struct field ContainerPort.ports.containerPort of type int32"),
        ({"ports": [{"containerPort": 1.5}]}, "corev1.Container",
         "json: cannot unmarshal number 1.5 into Go struct field ContainerPort.ports.containerPort of type int32"),
        ({"ports": [{"containerPort": 2**31}]}, "corev1.Container",
         "json: cannot unmarshal number 2147483648 into Go struct field ContainerPort.ports.containerPort of type int32"),
        ({"name": 5}, "corev1.Container", "json: cannot unmarshal number into Go struct field Container.name of type string"),
        ({"args": "x"}, "corev1.Container", "json: cannot unmarshal string into Go struct field Container.args of type []string"),
        ({"spec": []}, "corev1.Pod", "json: cannot unmarshal array into Go struct field Pod.spec of type v1.PodSpec"),
        ({"metadata": {"labels": {"a": 1}}}, "corev1.Pod",
         "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"),
        ({"tty": "yes"}, "corev1.Container", "json: cannot unmarshal string into Go struct field Container.tty of type bool"),
        ("x", "corev1.Pod", "json: cannot unmarshal string into Go value of type v1.Pod"),
        ({"readinessProbe": {"httpGet": {"port": 80.5}}}, "corev1.Container",
         "json: cannot unmarshal number 80.5 into Go struct field HTTPGetAction.readinessProbe.ProbeHandler.httpGet.port of type int32"),
        ({"metadata": {"creationTimestamp": 5}}, "corev1.Pod",
         "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string"),
        ({"resources": {"limits": {"cpu": "1.1.M"}}}, "corev1.Container",
         "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
        ({"resources": {"limits": {"cpu": "1i"}}}, "corev1.Container", "unable to parse quantity's suffix"),
    ],
)  # fmt: skip
def test_decode_errors(doc: Any, type_name: str, message: str) -> None:
    with pytest.raises(gojson.JSONError) as info:
        gojson.decode(doc, type_name)
    assert str(info.value) == message


def test_error_paths_and_ghodss_prefix() -> None:
    with pytest.raises(gojson.JSONError) as info:
        goyaml.unmarshal("spec:\n  containers:\n  - name: a\n    ports:\n    - containerPort: x\n", "corev1.Pod")
    assert str(info.value) == (
        "error unmarshaling JSON: json: cannot unmarshal string into Go struct field "
        "ContainerPort.spec.containers.ports.containerPort of type int32"
    )
    assert info.value.path == "spec.containers[0].ports[0].containerPort"


def test_yaml_scalars_into_string_fields() -> None:
    """ghodss/yaml's type-directed conversion, end to end (Istio 0.5's `- 15001`)."""
    c = goyaml.unmarshal("name: 007\nargs:\n- -p\n- 15001\n- 1.5\n- true\n-\nenv:\n- {name: A, value: 10}\n", "corev1.Container")
    assert c.fields["Name"] == "7"
    assert c.fields["Args"].items == ["-p", "15001", "1.5", "true", ""]
    assert c.fields["Env"].items[0].fields["Value"] == "10"
    assert goyaml.marshal(c) == (
        'args:\n- -p\n- "15001"\n- "1.5"\n- "true"\n- ""\nenv:\n- name: A\n  value: "10"\nname: "7"\nresources: {}\n'
    )


# --- encoding ---------------------------------------------------------------------------------------------


def test_zero_objects_encode_like_kubernetes_1_9() -> None:
    assert goyaml.marshal(gojson.zero("extensionsv1beta1.Deployment")) == (
        "metadata:\n  creationTimestamp: null\nspec:\n  strategy: {}\n  template:\n    metadata:\n"
        "      creationTimestamp: null\n    spec:\n      containers: null\nstatus: {}\n"
    )
    assert gojson.encode(gojson.zero("appsv1beta1.StatefulSet"))["status"] == {"replicas": 0}
    assert gojson.encode(gojson.zero("corev1.List")) == {"metadata": {}, "items": None}
    dc = gojson.encode(gojson.zero("openshiftappsv1.DeploymentConfig"))
    assert dc["spec"] == {"strategy": {"resources": {}}, "triggers": None, "replicas": 0, "test": False}


def test_omitzero_is_opt_in() -> None:
    pod = gojson.decode({"metadata": {"name": "p"}}, "corev1.Pod")
    assert gojson.encode(pod)["metadata"] == {"name": "p", "creationTimestamp": None}
    assert gojson.encode(pod, omitzero=True)["metadata"] == {"name": "p"}


def test_time() -> None:
    pod = gojson.decode({"metadata": {"creationTimestamp": "2018-03-04T05:06:07.5+01:00"}}, "corev1.Pod")
    ts = pod.fields["ObjectMeta"].fields["CreationTimestamp"]
    assert str(ts.type) == "v1.Time"
    assert gojson.encode(pod)["metadata"]["creationTimestamp"] == "2018-03-04T04:06:07Z"
    assert Template("t").parse("{{.ObjectMeta.CreationTimestamp}}").render(pod) == "2018-03-04 04:06:07.5 +0000 UTC"
    zero = gojson.zero("corev1.Pod")
    assert Template("t").parse("{{.ObjectMeta.CreationTimestamp}}").render(zero) == "0001-01-01 00:00:00 +0000 UTC"
    with pytest.raises(gojson.JSONError, match='parsing time "2018-01-01"'):
        gojson.decode({"metadata": {"creationTimestamp": "2018-01-01"}}, "corev1.Pod")


def test_int_or_string() -> None:
    def port(x: Any) -> V.Struct:
        return gojson.decode({"port": x}, "corev1.HTTPGetAction").fields["Port"]

    assert [V.unwrap_scalar(port(8080).fields[f]) for f in ("Type", "IntVal", "StrVal")] == [0, 8080, ""]
    assert [V.unwrap_scalar(port("http").fields[f]) for f in ("Type", "IntVal", "StrVal")] == [1, 0, "http"]
    assert [V.unwrap_scalar(port(None).fields[f]) for f in ("Type", "IntVal", "StrVal")] == [0, 0, ""]
    assert gojson.encode(port(8080)) == 8080 and gojson.encode(port("8080")) == "8080"
    assert goyaml.marshal({"port": gojson.encode(port("8080"))}) == 'port: "8080"\n'
    assert gojson.encode(gojson.int_or_string(3)) == 3 and gojson.encode(gojson.int_or_string("50%")) == "50%"
    action = gojson.decode({"port": "http"}, "corev1.HTTPGetAction")
    assert Template("t").parse('{{.Port.StrVal}} {{printf "%v" .Port}}').render(action) == "http {1 0 http}"
    # String has a pointer receiver, as in Go.
    p = port(8080)
    assert Template("t").parse("{{.String}} {{.IntValue}}").render(V.Ptr(V.ptr_to(p.type), p)) == "8080 8080"


def test_raw_extension_keeps_json() -> None:
    text = "apiVersion: v1\nkind: List\nitems:\n- kind: Service\n  spec: {ports: [{port: 80, x: 1.0}]}\n- null\n"
    lst = goyaml.unmarshal(text, "corev1.List")
    items = lst.fields["Items"].items
    assert bytes(items[0].fields["Raw"]) == b'{"kind":"Service","spec":{"ports":[{"port":80,"x":1}]}}'
    assert gojson.raw_json(items[1]) is None
    assert goyaml.marshal(lst) == (
        "apiVersion: v1\nitems:\n- kind: Service\n  spec:\n    ports:\n    - port: 80\n      x: 1\n"
        "- null\nkind: List\nmetadata: {}\n"
    )
    ext = gojson.raw_extension({"a": [1, "b"]})
    assert gojson.raw_json(ext) == {"a": [1, "b"]}


# --- resource.Quantity --------------------------------------------------------------------------------------

# input -> canonical string (Kubernetes' quantity_test.go expectations).
QUANTITY_CANONICAL = [
    ("0", "0"), ("0n", "0"), ("0Ki", "0"), ("00", "0"), ("1", "1"), ("1Ki", "1Ki"), ("8Ki", "8Ki"),
    ("1024Mi", "1Gi"), ("307200Ki", "300Mi"), ("1025024Mi", "1001Gi"), ("1024Gi", "1Ti"), ("1000M", "1G"),
    ("0.001T", "1G"), ("1000u", "1m"), ("0.5", "500m"), ("1.08", "1080m"), ("1080000000n", "1080m"),
    (".001e12", "1e9"), ("0.001e0", "1e-3"), ("1000e-12", "1e-9"), ("5000m", "5"), ("1234567M", "1234567M"),
    ("80m", "80m"), ("300M", "300M"), ("1e3", "1e3"), ("3e3", "3e3"), ("80e-3", "80e-3"),
    (".001Ki", "1024m"), (".000001Ki", "1024u"), (".000000001Ki", "1024n"), (".000000000001Ki", "2n"),
    ("0.000000000001Ki", "2n"), ("3.001n", "4n"), ("1.1E-9", "2e-9"), ("0.0000000005", "1n"), ("0.9n", "1n"),
    ("0.00000012345", "124n"), ("9Ei", "9223372036854775807"),
    ("1.5Gi", "1536Mi"), ("-100m", "-100m"), ("-1024Mi", "-1Gi"), ("0.5Mi", "512Ki"), ("100m", "100m"),
    # ParseQuantity keeps the input string when its quick test (exponent a multiple
    # of 3, no "000" at the end, no leading 0 digit) passes, even if not canonical.
    ("+1", "+1"), ("01", "01"), ("1000", "1k"), ("12E", "12E"), ("1.", "1."), ("100.035k", "100.035k"),
    ("10.035M", "10.035M"), ("10.0350M", "10035k"),
    # An exponent beyond DecimalSI's "E" gets no suffix (Kubernetes before its 2020s fix).
    ("1000E", "1"),
]  # fmt: skip


@pytest.mark.parametrize("text,canonical", QUANTITY_CANONICAL)
def test_quantity_canonical_form(text: str, canonical: str) -> None:
    q = gojson.parse_quantity(text)
    assert gojson.quantity_string(q) == canonical
    assert gojson.encode(q) == canonical


@pytest.mark.parametrize("text", ["", "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 "])
def test_quantity_invalid(text: str) -> None:
    with pytest.raises(ValueError):
        gojson.parse_quantity(text)


@pytest.mark.parametrize(
    "value,canonical",
    [(" 1", "1"), ("1 ", "1"), (1, "1"), (10, "10"), (-1, "-1"), (0.5, "500m"), (1.5e9, "1500M"), (2.0, "2")],
)
def test_quantity_from_json(value: Any, canonical: str) -> None:
    res = gojson.decode({"limits": {"cpu": value}}, "corev1.ResourceRequirements")
    assert gojson.encode(res) == {"limits": {"cpu": canonical}}


def test_quantity_in_templates_and_golden_values() -> None:
    q = gojson.quantity("10m")  # the 1.1 goldens' proxy request
    assert Template("t").parse("{{.String}}").render(V.Ptr(V.ptr_to(q.type), q)) == "10m"
    # A copy prints Go's raw struct: {i {d} s Format}.
    assert Template("t").parse('{{printf "%v" .}}').render(q) == "{{10 -3} {<nil>} 10m DecimalSI}"
    assert goyaml.marshal({"requests": {"cpu": gojson.encode(q)}}) == "requests:\n  cpu: 10m\n"


# --- JSON text ------------------------------------------------------------------------------------------


def _sorted(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _sorted(v[k]) for k in sorted(v, key=lambda k: k.encode("utf-8"))}
    if isinstance(v, list):
        return [_sorted(x) for x in v]
    return v


@pytest.mark.oracle
@settings(max_examples=hypothesis_examples(200))
@given(json_values)
def test_dumps_matches_go_json_marshal(oracle: Any, value: Any) -> None:
    r = oracle.run({"template": "{{toJson .}}", "funcs": ["istio@1.19"], "data": typed(value)})
    assert r["error"] is None
    assert gojson.dumps(_sorted(value)) == r["output"]


def test_json_float_text() -> None:
    cases = {1.0: "1", 1.5: "1.5", 1e21: "1e+21", 1e20: "100000000000000000000", 1e-6: "0.000001", 1e-7: "1e-7", -0.0: "-0"}
    assert {f: gojson.json_float_text(f) for f in cases} == cases


def test_status_annotation_text() -> None:
    status = {"version": "", "initContainers": ["istio-init"], "containers": ["istio-proxy"], "imagePullSecrets": None}
    assert gojson.dumps(status) == (
        '{"version":"","initContainers":["istio-init"],"containers":["istio-proxy"],"imagePullSecrets":null}'
    )


def test_types_outside_the_table() -> None:
    """Istio's own structs (SidecarInjectionSpec has no json tags: keys match
    the Go field names case-insensitively) decode through the same machinery."""
    spec_t = V.named(
        "inject.SidecarInjectionSpec",
        V.struct_of(
            [
                V.StructField("InitContainers", gojson.go_type("[]corev1.Container")),
                V.StructField("Containers", gojson.go_type("[]corev1.Container")),
                V.StructField("Volumes", gojson.go_type("[]corev1.Volume")),
            ]
        ),
    )
    rendered = (
        "initContainers:\n- name: istio-init\n  args: [-p, 15001]\ncontainers: []\n"
        "volumes:\n- name: v\n  emptyDir: {medium: Memory}\nunknown: 1\n"
    )
    spec = goyaml.unmarshal(rendered, spec_t)
    init = spec.fields["InitContainers"].items[0]
    assert init.fields["Args"].items == ["-p", "15001"]
    assert gojson.encode(spec) == {
        "InitContainers": [{"name": "istio-init", "args": ["-p", "15001"], "resources": {}}],
        "Containers": [],
        "Volumes": [{"name": "v", "emptyDir": {"medium": "Memory"}}],
    }

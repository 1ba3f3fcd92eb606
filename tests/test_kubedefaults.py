"""injector.kubedefaults: the API defaulting Istio 0.5-1.0's webhook applies to
the injected init containers, containers and volumes.

* Istio 0.5.0's webhook goldens (``TestWebhookInject*.patch``): the injected
  elements of each patch, cut down to what TestWebhookInject_template.yaml
  writes, defaulted for Kubernetes 1.9, must encode to the patch values byte
  for byte (field order, pointer fields, ``resources: {}``); the real pipeline
  (render the template, decode it as Istio 0.5's SidecarInjectionSpec,
  default) must give the same.
* Properties over generated containers and volumes (Hypothesis): defaulting is
  idempotent, only adds to what was set (quantities aside, which are rounded up
  to a multiple of 1m and keep their value at milli precision), leaves every
  container with terminationMessagePath/Policy and imagePullPolicy, copies
  limits into requests, gives every volume a source, and produces values typed
  exactly as the Go fields are declared. imagePullPolicy follows the
  documented rule (Always for ``:latest`` or no tag and no digest).
"""

from __future__ import annotations

import json
import pathlib
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import hypothesis_examples
from gotmpl import Template
from gotmpl import values as V
from injector import gojson, kubedefaults, spec, versions
from oracle import shared_dir

SHARED = shared_dir()
TESTDATA = SHARED / "upstream" / "istio" / "0.5.0" / "testdata" if SHARED else None
needs_goldens = pytest.mark.skipif(
    TESTDATA is None or not TESTDATA.is_dir(),
    reason="../shared/upstream/istio/0.5.0/testdata (Istio 0.5.0's webhook goldens) is absent",
)
KUBES = kubedefaults.SUPPORTED
_LISTS = {"/spec/initContainers": "InitContainers", "/spec/containers": "Containers", "/spec/volumes": "Volumes"}
_TYPES = {"InitContainers": "corev1.Container", "Containers": "corev1.Container", "Volumes": "corev1.Volume"}


# --- Istio 0.5.0's webhook goldens ------------------------------------------------------------------


def _patch_files() -> list[pathlib.Path]:
    return sorted(TESTDATA.glob("TestWebhookInject*.patch")) if TESTDATA is not None and TESTDATA.is_dir() else []


def _injected(patch: pathlib.Path) -> dict[str, list[dict]]:
    """The elements a golden patch adds, by SidecarInjectionSpec list (the first
    one into an empty list is added as a one-element array)."""
    out: dict[str, list[dict]] = {name: [] for name in _LISTS.values()}
    for op in json.loads(patch.read_text()):
        base = op["path"].removesuffix("/-")
        if op["op"] == "add" and base in _LISTS:
            value = op["value"]
            out[_LISTS[base]] += value if isinstance(value, list) else [value]
    return out


def _template_spec(kube_release: versions.Release) -> spec.SidecarSpec:
    """TestWebhookInject_template.yaml rendered as the webhook test does (the
    pod has no service account) and decoded as the release's SidecarInjectionSpec."""
    text = (TESTDATA / "TestWebhookInject_template.yaml").read_text()
    rendered = Template("inject").parse(text).render({"Spec": {"ServiceAccountName": ""}})
    return spec.decode_spec(rendered, kube_release)


def _written(template_value: Any, golden: Any) -> Any:
    """The golden value cut down to the keys the template wrote."""
    if isinstance(golden, dict):
        return {k: _written(template_value[k], v) for k, v in golden.items() if k in template_value}
    return golden


def _ordered(x: Any) -> str:
    """JSON text keeping key order: equal only if Go would print the same bytes."""
    return json.dumps(x, separators=(",", ":"))


@needs_goldens
@pytest.mark.parametrize("patch", _patch_files(), ids=lambda p: p.name)
def test_webhook_goldens_from_stripped_values(patch: pathlib.Path) -> None:
    release = versions.release((0, 5))
    template = _template_spec(release)
    injected = _injected(patch)
    assert any(injected.values()), "the golden adds nothing"
    encoded = {name: [gojson.encode(x) for x in template.items(name)] for name in _LISTS.values()}
    by_name = {name: {item["name"]: item for item in items} for name, items in encoded.items()}
    decoded: dict[str, list] = {}
    for name, goldens in injected.items():
        decoded[name] = []
        for golden in goldens:
            written = by_name[name][golden["name"]]
            stripped = _written(written, golden)
            assert _ordered(stripped) == _ordered(written), "the template wrote more than the golden shows"
            decoded[name].append(gojson.decode(stripped, gojson.go_type(_TYPES[name], release.kubernetes)))
    kubedefaults.apply_api_defaults(decoded["InitContainers"], decoded["Containers"], decoded["Volumes"], (1, 9))
    for name, goldens in injected.items():
        assert [_ordered(gojson.encode(x)) for x in decoded[name]] == [_ordered(g) for g in goldens]


@needs_goldens
@pytest.mark.parametrize("kube", KUBES)
def test_webhook_golden_through_the_pipeline(kube: tuple[int, int]) -> None:
    """Render, decode (Istio 0.5's types), default: the full golden patch's
    values; Kubernetes 1.10 and 1.11 default these elements the same way."""
    release = versions.release((0, 5))
    sidecar = _template_spec(release)
    parts = {name: sidecar.items(name) for name in _LISTS.values()}
    kubedefaults.apply_api_defaults(parts["InitContainers"], parts["Containers"], parts["Volumes"], kube)
    injected = _injected(TESTDATA / "TestWebhookInject.patch")
    for name, goldens in injected.items():
        assert [gojson.dumps(x) for x in parts[name]] == [_ordered(g) for g in goldens]


def test_unknown_kubernetes_is_refused() -> None:
    with pytest.raises(ValueError, match="1.8"):
        kubedefaults.apply_api_defaults([], [], [], (1, 8))


# --- generated containers and volumes --------------------------------------------------------------

_SUFFIXES = ["", "m", "u", "n", "k", "M", "G", "Ki", "Mi", "Gi", "e3", "e-4"]
_SI = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BIN = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}


@st.composite
def quantities(draw: Any) -> str:
    whole = draw(st.integers(0, 10**6))
    frac = draw(st.one_of(st.just(""), st.from_regex(r"[0-9]{1,10}", fullmatch=True)))
    text = f"{whole}.{frac}" if frac else str(whole)
    return text + draw(st.sampled_from(_SUFFIXES))


def quantity_value(text: str) -> Fraction:
    """The exact value of a non-negative quantity string (input or canonical form)."""
    i = 0
    while i < len(text) and (text[i].isdigit() or text[i] == "."):
        i += 1
    number, suffix = Fraction(text[:i]), text[i:]
    if suffix in _BIN:
        return number * 2 ** _BIN[suffix]
    if suffix in _SI:
        return number * Fraction(10) ** _SI[suffix]
    return number * Fraction(10) ** int(suffix[1:])


_names = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)
_path = st.from_regex(r"/[a-z]{1,8}", fullmatch=True)


@st.composite
def image_refs(draw: Any) -> tuple[str, str, bool]:
    """(image, tag, has digest) of a well-formed reference."""
    domain = draw(st.sampled_from(["", "example.com/", "localhost:5000/", "gcr.io/istio-release/", "docker.io/"]))
    repo = draw(st.from_regex(r"[a-z0-9]{1,6}([._-][a-z0-9]{1,6}){0,3}(/[a-z0-9]{1,6}){0,2}", fullmatch=True))
    tag = draw(
        st.one_of(st.just(""), st.just("latest"), st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True))
    )
    digest = draw(st.one_of(st.just(""), st.from_regex(r"[0-9a-f]{64}", fullmatch=True)))
    image = domain + repo + (":" + tag if tag else "") + ("@sha256:" + digest if digest else "")
    return image, tag, bool(digest)


def _maybe(draw: Any, doc: dict, key: str, strategy: Any) -> None:
    if draw(st.booleans()):
        doc[key] = draw(strategy)


@st.composite
def http_gets(draw: Any) -> dict:
    doc: dict = {"port": draw(st.one_of(st.integers(1, 65535), _names))}
    _maybe(draw, doc, "path", _path)
    _maybe(draw, doc, "scheme", st.sampled_from(["HTTP", "HTTPS"]))
    return doc


@st.composite
def handlers(draw: Any) -> dict:
    if draw(st.booleans()):
        return {"httpGet": draw(http_gets())}
    return {"exec": {"command": ["true"]}}


@st.composite
def probes(draw: Any) -> dict:
    doc = draw(handlers())
    for key in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        _maybe(draw, doc, key, st.integers(0, 100))
    return doc


@st.composite
def field_refs(draw: Any) -> dict:
    doc = {"fieldPath": draw(st.sampled_from(["metadata.name", "metadata.namespace", "status.podIP"]))}
    _maybe(draw, doc, "apiVersion", st.sampled_from(["v1", "v2"]))
    return doc


_resource_lists = st.dictionaries(st.sampled_from(["cpu", "memory", "ephemeral-storage"]), quantities(), max_size=3)


@st.composite
def container_docs(draw: Any) -> dict:
    image = draw(st.one_of(image_refs().map(lambda r: r[0]), st.text(max_size=30)))
    doc: dict = {"name": draw(_names), "image": image}
    _maybe(draw, doc, "imagePullPolicy", st.sampled_from(["Always", "Never", "IfNotPresent", ""]))
    _maybe(draw, doc, "terminationMessagePath", _path)
    _maybe(draw, doc, "terminationMessagePolicy", st.sampled_from(["File", "FallbackToLogsOnError"]))
    ports = []
    for number in draw(st.lists(st.integers(1, 65535), max_size=3)):
        port: dict = {"containerPort": number}
        _maybe(draw, port, "protocol", st.sampled_from(["TCP", "UDP"]))
        ports.append(port)
    if ports:
        doc["ports"] = ports
    env = []
    for name in draw(st.lists(_names, max_size=3)):
        var: dict = {"name": name.upper().replace("-", "_")}
        if draw(st.booleans()):
            var["valueFrom"] = {"fieldRef": draw(field_refs())}
        else:
            var["value"] = name
        env.append(var)
    if env:
        doc["env"] = env
    if draw(st.booleans()):
        resources: dict = {}
        _maybe(draw, resources, "limits", _resource_lists)
        _maybe(draw, resources, "requests", _resource_lists)
        doc["resources"] = resources
    _maybe(draw, doc, "livenessProbe", probes())
    _maybe(draw, doc, "readinessProbe", probes())
    if draw(st.booleans()):
        lifecycle: dict = {}
        _maybe(draw, lifecycle, "postStart", handlers())
        _maybe(draw, lifecycle, "preStop", handlers())
        doc["lifecycle"] = lifecycle
    return doc


def _with(draw: Any, base: dict, optional: dict[str, Any]) -> dict:
    for key, strategy in optional.items():
        _maybe(draw, base, key, strategy)
    return base


_modes = st.integers(0, 0o777)


@st.composite
def downward_items(draw: Any) -> list:
    items = []
    for path in draw(st.lists(_names, max_size=2)):
        item: dict = {"path": path}
        if draw(st.booleans()):
            item["fieldRef"] = draw(field_refs())
        items.append(item)
    return items


@st.composite
def projections(draw: Any) -> dict:
    kind = draw(st.sampled_from(["downwardAPI", "configMap", "secret", "serviceAccountToken"]))
    if kind == "downwardAPI":
        return {"downwardAPI": {"items": draw(downward_items())}}
    if kind == "serviceAccountToken":
        return {"serviceAccountToken": _with(draw, {"path": "token"}, {"expirationSeconds": st.integers(600, 7200)})}
    return {kind: {"name": draw(_names)}}


@st.composite
def volume_sources(draw: Any) -> dict:
    kind = draw(
        st.sampled_from(
            ["none", "emptyDir", "secret", "configMap", "downwardAPI", "projected", "hostPath", "iscsi", "rbd",
             "azureDisk", "scaleIO"]
        )
    )  # fmt: skip
    if kind == "none":
        return {}
    if kind == "emptyDir":
        return {"emptyDir": _with(draw, {}, {"medium": st.just("Memory")})}
    if kind == "secret":
        return {"secret": _with(draw, {"secretName": draw(_names)}, {"defaultMode": _modes})}
    if kind == "configMap":
        return {"configMap": _with(draw, {"name": draw(_names)}, {"defaultMode": _modes})}
    if kind == "downwardAPI":
        return {"downwardAPI": _with(draw, {"items": draw(downward_items())}, {"defaultMode": _modes})}
    if kind == "projected":
        sources = draw(st.lists(projections(), max_size=3))
        return {"projected": _with(draw, {"sources": sources}, {"defaultMode": _modes})}
    if kind == "hostPath":
        return {"hostPath": _with(draw, {"path": draw(_path)}, {"type": st.sampled_from(["", "Directory", "File"])})}
    if kind == "iscsi":
        base = {"targetPortal": "10.0.0.1:3260", "iqn": "iqn.2001-04.com.example:storage", "lun": 0}
        return {"iscsi": _with(draw, base, {"iscsiInterface": st.sampled_from(["default", "iface0"])})}
    if kind == "rbd":
        optional = {"pool": _names, "user": _names, "keyring": _path}
        return {"rbd": _with(draw, {"monitors": ["10.0.0.1:6789"], "image": draw(_names)}, optional)}
    if kind == "azureDisk":
        optional = {
            "cachingMode": st.sampled_from(["None", "ReadOnly", "ReadWrite"]),
            "fsType": st.sampled_from(["ext4", "xfs"]),
            "readOnly": st.booleans(),
            "kind": st.sampled_from(["Shared", "Dedicated", "Managed"]),
        }
        return {"azureDisk": _with(draw, {"diskName": draw(_names), "diskURI": "https://example/d.vhd"}, optional)}
    optional = {"storageMode": st.sampled_from(["ThinProvisioned", "ThickProvisioned"]), "fsType": st.just("ext4")}
    return {"scaleIO": _with(draw, {"gateway": "https://gw", "system": "sys", "secretRef": {"name": "s"}}, optional)}


@st.composite
def pods(draw: Any) -> tuple[tuple[int, int], list, list, list]:
    """A Kubernetes version and the decoded init containers, containers, volumes."""
    kube = draw(st.sampled_from(KUBES))
    container_t = gojson.go_type("corev1.Container", kube)
    volume_t = gojson.go_type("corev1.Volume", kube)
    inits = [gojson.decode(d, container_t) for d in draw(st.lists(container_docs(), max_size=2))]
    containers = [gojson.decode(d, container_t) for d in draw(st.lists(container_docs(), max_size=3))]
    volumes = [
        gojson.decode({"name": draw(_names), **source}, volume_t)
        for source in draw(st.lists(volume_sources(), max_size=4))
    ]
    return kube, inits, containers, volumes


def _encoded(parts: tuple[list, list, list]) -> list[list[str]]:
    return [[gojson.dumps(x) for x in part] for part in parts]


def _copy(parts: tuple[list, list, list], kube: tuple[int, int]) -> tuple[list, list, list]:
    """An independent copy (decoded again from the encoding)."""
    types = [gojson.go_type("corev1.Container", kube)] * 2 + [gojson.go_type("corev1.Volume", kube)]
    inits, containers, volumes = (
        [gojson.decode(gojson.encode(x), t) for x in part] for part, t in zip(parts, types, strict=True)
    )
    return inits, containers, volumes


_QUANTITY_MAPS = ("limits", "requests")


def _assert_only_added(before: Any, after: Any, path: str) -> None:
    """Every value set before is still there after; quantities rounded up to 1m."""
    if isinstance(before, dict):
        assert isinstance(after, dict), path
        for key, value in before.items():
            assert key in after, f"{path}.{key} was removed"
            if path.endswith(".resources") and key in _QUANTITY_MAPS:
                _assert_rounded(value, after[key], f"{path}.{key}")
            else:
                _assert_only_added(value, after[key], f"{path}.{key}")
    elif isinstance(before, list):
        assert isinstance(after, list) and len(after) == len(before), path
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            _assert_only_added(b, a, f"{path}[{i}]")
    else:
        assert before == after and type(before) is type(after), f"{path}: {before!r} became {after!r}"


def _assert_rounded(before: dict, after: dict, path: str) -> None:
    assert set(before) <= set(after), path
    for key, text in before.items():
        value, rounded = quantity_value(text), quantity_value(after[key])
        milli = -((-value * 1000) // 1)  # ceil: RoundUp goes away from zero, these are >= 0
        assert rounded == Fraction(milli, 1000), f"{path}.{key}: {text} -> {after[key]}"


def _assert_typed(value: Any, t: V.GoType, path: str) -> None:
    """Every value is of its field's declared Go type (so gojson prints it as Go would)."""
    if t.kind == V.Kind.PTR:
        assert type(value) is V.Ptr and value.type is t, f"{path}: {value!r} is not a {t}"
        if value.target is not None:
            _assert_typed(value.target, t.elem, path)
    elif t.kind == V.Kind.STRUCT:
        assert type(value) is V.Struct and value.type is t, f"{path}: {value!r} is not a {t}"
        if not gojson.has_custom_json(t):
            for f in t.fields:
                _assert_typed(value.fields[f.name], f.type, f"{path}.{f.name}")
    elif t.kind == V.Kind.SLICE:
        assert V.type_of(value) is t, f"{path}: {value!r} is not a {t}"
        for i, x in enumerate(V.elements(value)):
            _assert_typed(x, t.elem, f"{path}[{i}]")
    elif t.kind == V.Kind.MAP:
        assert V.type_of(value) is t, f"{path}: {value!r} is not a {t}"
        for k, x in V.map_items(value):
            _assert_typed(x, t.elem, f"{path}[{k}]")
    else:
        assert V.type_of(value) is t, f"{path}: {value!r} is not a {t}"


@settings(max_examples=hypothesis_examples(50))
@given(pods())
def test_defaulting_is_idempotent(pod: tuple) -> None:
    kube, *parts = pod
    kubedefaults.apply_api_defaults(*parts, kube)
    once = _encoded(parts)
    kubedefaults.apply_api_defaults(*parts, kube)
    assert _encoded(parts) == once


@settings(max_examples=hypothesis_examples(50))
@given(pods())
def test_defaulting_only_adds(pod: tuple) -> None:
    kube, *parts = pod
    before = [[gojson.encode(x) for x in part] for part in parts]
    kubedefaults.apply_api_defaults(*parts, kube)
    after = [[gojson.encode(x) for x in part] for part in parts]
    _assert_only_added(before, after, "pod")


@settings(max_examples=hypothesis_examples(50))
@given(pods())
def test_defaulted_values_are_typed_as_declared(pod: tuple) -> None:
    kube, *parts = pod
    kubedefaults.apply_api_defaults(*parts, kube)
    for part in parts:
        for i, x in enumerate(part):
            _assert_typed(x, x.type, f"{x.type}[{i}]")
    # The encoding is Go's field order for these types: decoding it again gives the same text.
    again = _copy(tuple(parts), kube)
    assert _encoded(again) == _encoded(parts)


@settings(max_examples=hypothesis_examples(50))
@given(pods())
def test_containers_and_volumes_are_complete(pod: tuple) -> None:
    kube, inits, containers, volumes = pod
    before = [[gojson.encode(x) for x in part] for part in (inits, containers, volumes)]
    kubedefaults.apply_api_defaults(inits, containers, volumes, kube)
    for old, c in zip(before[0] + before[1], inits + containers, strict=True):
        new = gojson.encode(c)
        for key in ("terminationMessagePath", "terminationMessagePolicy", "imagePullPolicy"):
            assert new.get(key), f"{key} missing in {new}"
        if "imagePullPolicy" not in old:
            assert new["imagePullPolicy"] in ("Always", "IfNotPresent")
        limits = old.get("resources", {}).get("limits")
        if limits is not None:  # SetDefaults_Pod, containers and init containers alike
            assert set(limits) <= set(new["resources"].get("requests", {}))
        for port in new.get("ports", []):
            assert port.get("protocol")
        for var in new.get("env", []):
            if "valueFrom" in var:
                assert var["valueFrom"]["fieldRef"].get("apiVersion")
        for probe in (new.get(k) for k in ("livenessProbe", "readinessProbe")):
            if probe is not None:
                assert all(
                    probe.get(k) for k in ("timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold")
                )
                if "httpGet" in probe:
                    assert probe["httpGet"].get("path") and probe["httpGet"].get("scheme")
        for handler in new.get("lifecycle", {}).values():
            if "httpGet" in handler:
                assert handler["httpGet"].get("path") and handler["httpGet"].get("scheme")
    for old, v in zip(before[2], volumes, strict=True):
        new = gojson.encode(v)
        sources = [k for k in new if k != "name"]
        assert sources, f"volume without a source: {new}"
        if len(old) == 1:  # only a name: SetDefaults_Volume
            assert sources == ["emptyDir"]
        for source in sources:
            if source in ("secret", "configMap", "downwardAPI", "projected"):
                assert "defaultMode" in new[source]
        for projection in new.get("projected", {}).get("sources", []):
            if "serviceAccountToken" in projection:
                assert "expirationSeconds" in projection["serviceAccountToken"]


@settings(max_examples=hypothesis_examples(50))
@given(image_refs(), st.sampled_from(KUBES))
def test_image_pull_policy_follows_the_tag(ref: tuple[str, str, bool], kube: tuple[int, int]) -> None:
    """``Always`` for ``:latest`` and for an image with neither tag nor digest,
    else ``IfNotPresent`` (SetDefaults_Container)."""
    image, tag, has_digest = ref
    container = gojson.decode({"name": "c", "image": image}, gojson.go_type("corev1.Container", kube))
    kubedefaults.apply_api_defaults([], [container], [], kube)
    latest = tag == "latest" or (not tag and not has_digest)
    assert gojson.encode(container)["imagePullPolicy"] == ("Always" if latest else "IfNotPresent")


def test_service_account_token_projection_only_from_1_11() -> None:
    """VolumeProjection.ServiceAccountToken is 1.11's; its 1-hour default comes with it."""
    doc = {"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}
    for kube in KUBES:
        volume = gojson.decode(doc, gojson.go_type("corev1.Volume", kube))
        kubedefaults.apply_api_defaults([], [], [volume], kube)
        sources = gojson.encode(volume)["projected"]["sources"]
        if kube < (1, 11):
            assert sources == [{}]
        else:
            assert set(sources[0]["serviceAccountToken"]) == {"path", "expirationSeconds"}


def test_image_tag_never_hangs_on_long_names() -> None:
    """Python's backtracking must stay linear where Go's RE2 is (a failing name)."""
    assert kubedefaults.image_tag("a-" * 5000 + "!") == ""
    assert kubedefaults.image_tag("a." * 5000 + "A/b") == ""

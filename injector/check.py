"""``injector check``: do the workloads of some manifests meet what Istio asks of
pods joining the mesh?

This module owns the requirements as each release's documentation states them
(the seed, Istio 0.5's "Installing the Istio sidecar", section "Pod spec
requirements", and the later releases' "Requirements for Pods and Services" /
"Protocol Selection" pages), reading manifests into Services, Namespaces and
workloads with the file position of every field, and the rules:

* ``service-membership``: every pod template belongs to a Service of its
  namespace (0.5-0.8: exactly one; 1.0+: at least one, and several Services
  must not use one port number for different protocols);
* ``port-name``: Service ports are named ``<protocol>[-<suffix>]`` (1.6+: or
  carry an ``appProtocol``) with a protocol the release recognises;
* ``app-label`` / ``app-label-unique``: Deployments have an ``app`` label,
  distinct across Deployments (the docs recommend: warnings);
* ``sidecar``: every pod has, or will get, a sidecar, decided by the
  namespace's ``istio-injection`` label and :func:`injector.inject.skip_reason`;
* ``manifest`` / ``config``: inputs that cannot be read.

Splitting and decoding are kube-inject's (:mod:`injector.kubeinject`,
:mod:`injector.goyaml`); the injection decision is :mod:`injector.inject`'s.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterable
from typing import Any

from yaml import MappingNode, ScalarNode

from gotmpl import values as V
from gotmpl.diagnostics import ERROR, WARNING, Diagnostic, sort_key

from . import gojson, goyaml, kubeinject
from .config import InjectConfig
from .inject import INJECT_ANNOTATION, PROXY_CONTAINER, STATUS_ANNOTATION, skip_reason
from .versions import Release

__all__ = [
    "RULES",
    "Manifests",
    "Requirements",
    "check",
    "decisions",
    "protocol_of",
    "read_manifests",
    "read_namespace_labels",
    "requirements",
]

RULES = {
    "service-membership": "Every pod belongs to a Service of its namespace (0.5-0.8: exactly one; 1.0+: at least one, without port protocol conflicts).",
    "port-name": "Service ports are named <protocol>[-<suffix>] with a protocol the release recognises, else their traffic is plain TCP.",
    "app-label": "Deployments give their pods an app label (used in distributed tracing).",
    "app-label-unique": "Each Deployment has its own app label.",
    "sidecar": "Every pod runs a sidecar: injected already, or injected by the webhook.",
    "manifest": "A manifest that cannot be read, parsed or decoded.",
    "config": "An inject config or namespace-labels file that cannot be used.",
}

INJECTION_LABEL = "istio-injection"
DEFAULT_NAMESPACE = "default"

# Kinds whose pods the webhook injects (kube-inject's kinds, whatever the
# apiVersion: the webhook sees the pods, not their controllers).
WORKLOAD_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Pod", "DeploymentConfig"}
)
# A Go type per kind for apiVersions the type table lacks (apps/v1beta1 and
# apps/v1beta2 Deployments...): the pod template sits at the same place, and
# encoding/json ignores the fields a version lacks.
_KIND_TYPES = {
    "Deployment": "appsv1.Deployment",
    "StatefulSet": "appsv1.StatefulSet",
    "DaemonSet": "appsv1.DaemonSet",
    "ReplicaSet": "appsv1.ReplicaSet",
    "ReplicationController": "corev1.ReplicationController",
    "Job": "batchv1.Job",
    "CronJob": "batchv1beta1.CronJob",
    "Pod": "corev1.Pod",
    "DeploymentConfig": "openshiftappsv1.DeploymentConfig",
}


# --- what each release asks ---------------------------------------------------------------------------

# Port-name protocols each release recognises: the documented list, plus the
# names its service model parses (a port named "tcp" is TCP on purpose: no
# warning). Code was read from the public code index's copies of Istio's
# pilot (istio/istio and forks), placed in releases by content: no release
# tag could be opened. Sources:
# * 0.5-0.7: the seed (0.5) and istio.io/v0.7 sidecar-injection list http,
#   http2, grpc, mongo, redis; pilot/pkg/model/service.go of that era
#   (ConvertCaseInsensitiveStringToProtocol, and its test
#   TestConvertCaseInsensitiveStringToProtocol) also parses tcp, udp, https.
#   0.6 assumed the same (its docs are not stored; 0.5 and 0.7 agree).
# * 0.8-1.0: ParseProtocol in pilot/pkg/model/service.go adds tls (the copy
#   with v1alpha3 ServiceEntry and authn v1alpha1, before mysql); placing it
#   at 0.8 is assumed (Gateway TLS came with v1alpha3 in 0.8). The 0.8 and
#   1.0 docs still list the five of 0.5.
# * 1.1-1.3: istio.io/v1.1 .../prepare/requirements and v1.3
#   .../additional-setup/requirements list grpc, http, http2, https, mongo,
#   mysql, redis, tcp, tls, udp (1.2 assumed the same).
# * 1.4-1.7: istio.io/v1.4-v1.7 .../protocol-selection add grpc-web.
_PROTOCOLS_05 = frozenset({"http", "http2", "grpc", "mongo", "redis", "tcp", "udp", "https"})
_PROTOCOLS_08 = _PROTOCOLS_05 | {"tls"}
_PROTOCOLS_11 = _PROTOCOLS_08 | {"mysql"}
_PROTOCOLS_14 = _PROTOCOLS_11 | {"grpc-web"}
# The protocols the 0.5-1.0 documents name, for the message.
_DOCUMENTED_05 = ("http", "http2", "grpc", "mongo", "redis")


@dataclasses.dataclass(frozen=True)
class Requirements:
    """What one release's documentation asks of pods and Services."""

    release: Release
    protocols: frozenset[str]
    # 0.5-0.8 docs: "The pod must belong to a single Kubernetes Service (pods
    # that belong to multiple services are not supported as of now)". 1.0: "If
    # a pod belongs to multiple Kubernetes services, the services cannot use
    # the same port number for different protocols"; 1.1+ add "A pod must
    # belong to at least one Kubernetes service" (1.0's own zh page already
    # says the pod must be associated with a Service: applied to 1.0 too).
    single_service: bool
    # 1.6 and 1.7 protocol-selection: "In Kubernetes 1.18+, by the appProtocol
    # field". Assumed: an appProtocol the release does not know falls back to
    # the port name.
    app_protocol: bool
    # 1.3+ docs: unnamed ports have their (outbound) protocol detected.
    auto_detect: bool
    # 1.0+ docs pair the app label with a version label: Deployments sharing
    # an app label with distinct versions are versions of one app.
    version_label: bool

    @property
    def name(self) -> str:
        return self.release.name

    def documented(self) -> str:
        names = _DOCUMENTED_05 if self.release.version < (1, 1) else sorted(self.protocols)
        return ", ".join(names)


def requirements(release: Release) -> Requirements:
    v = release.version
    protocols = _PROTOCOLS_05 if v < (0, 8) else _PROTOCOLS_08 if v < (1, 1) else _PROTOCOLS_11 if v < (1, 4) else _PROTOCOLS_14
    return Requirements(
        release=release,
        protocols=protocols,
        single_service=v < (1, 0),
        app_protocol=v >= (1, 6),
        auto_detect=v >= (1, 3),
        version_label=v >= (1, 0),
    )


# --- positions ------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Place:
    """Where an object is: its file, its document's text and first file line,
    and its JSON path inside the document (``items[2]`` in a List)."""

    file: str
    text: str
    first_line: int
    prefix: str = ""

    def child(self, path: str) -> Place:
        return dataclasses.replace(self, prefix=_join(self.prefix, path))

    def position(self, path: str = "", key: str | None = None) -> tuple[int, int]:
        """File line and column of the field at ``path`` (the nearest enclosing
        node when it is missing); ``key``: a key of that mapping (label and
        annotation keys hold dots, which paths cannot)."""
        node = goyaml.node_at(self.text, _join(self.prefix, path))
        if node is None:
            return self.first_line, 0
        if key is not None and isinstance(node, MappingNode):
            for k, _ in node.value:
                if isinstance(k, ScalarNode) and k.value == key:
                    node = k
                    break
        return self.first_line + node.start_mark.line, node.start_mark.column + 1

    def diagnostic(self, severity: str, message: str, rule: str, path: str = "", key: str | None = None) -> Diagnostic:
        line, column = self.position(path, key)
        return Diagnostic(self.file, line, column, severity, message, rule)


def _join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


def _documents(text: str) -> list[tuple[int, str]]:
    """Kubernetes' documents of ``text`` (goyaml.split_documents) with the file
    line each starts on: found by matching its lines after the previous one's,
    as only separator lines lie between them."""
    lines = goyaml._lines(text)
    cursor, out = 0, []
    for doc in goyaml.split_documents(text):
        doc_lines = goyaml._lines(doc)
        n = len(doc_lines)
        start = cursor
        while start + n <= len(lines) and lines[start : start + n] != doc_lines:
            start += 1
        if start + n > len(lines):  # pragma: no cover - split_documents keeps lines whole
            start = cursor
        out.append((start + 1, doc))
        cursor = start + n
    return out


# --- the manifests, read ------------------------------------------------------------------------------


@dataclasses.dataclass
class Port:
    index: int
    name: str
    number: Any
    protocol: str  # Kubernetes' TCP / UDP / SCTP
    app_protocol: str


@dataclasses.dataclass
class Service:
    name: str
    namespace: str
    selector: dict[str, str]  # empty: selects nothing
    ports: list[Port]
    place: Place

    def describe(self) -> str:
        return f"Service {self.namespace}/{self.name}"


@dataclasses.dataclass
class Workload:
    kind: str
    name: str
    namespace: str
    template: str  # JSON path of the pod template ("" for a Pod)
    target: Any  # kubeinject's PodTarget: the decoded pod metadata and spec
    place: Place

    def describe(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}"

    @property
    def labels(self) -> dict[str, str]:
        return _string_map(self.target.metadata.fields.get("Labels"))

    @property
    def annotations(self) -> dict[str, str]:
        return _string_map(self.target.metadata.fields.get("Annotations"))

    @property
    def containers(self) -> list[str]:
        return [c.fields["Name"] for c in V.elements(self.target.spec.fields.get("Containers")) or []]

    def path(self, *parts: str) -> str:
        return _join(self.template, *parts)


@dataclasses.dataclass
class Manifests:
    services: list[Service] = dataclasses.field(default_factory=list)
    workloads: list[Workload] = dataclasses.field(default_factory=list)
    # Labels of the Namespace objects in the manifests.
    namespaces: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)
    diagnostics: list[Diagnostic] = dataclasses.field(default_factory=list)


def _string_map(m: Any) -> dict[str, str]:
    return dict(V.map_items(m)) if m is not None and not V.is_nil(m) else {}


def _go_string(v: Any) -> str:
    """A JSON scalar as ghodss/yaml puts it into a Go string (labels, selectors)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _string_dict(v: Any) -> dict[str, str]:
    return {str(k): _go_string(x) for k, x in v.items()} if isinstance(v, dict) else {}


def _meta(obj: dict[str, Any]) -> tuple[str, str]:
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = _go_string(meta.get("name")) or _go_string(meta.get("generateName")) or "<unnamed>"
    namespace = _go_string(meta.get("namespace")) or DEFAULT_NAMESPACE
    return name, namespace


def read_source(path: str) -> str:
    """A file's text (``-``: stdin): OSError when it cannot be read,
    UnicodeDecodeError when it is not UTF-8 (as YAML must be)."""
    if path == "-":
        stream = getattr(sys.stdin, "buffer", None)
        return stream.read().decode("utf-8") if stream is not None else sys.stdin.read()
    with open(path, "rb") as f:
        return f.read().decode("utf-8")


def _undecodable(path: str, e: UnicodeDecodeError, what: str, rule: str) -> Diagnostic:
    data = e.object if isinstance(e.object, bytes) else b""
    line = data[: e.start].count(b"\n") + 1
    column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
    return Diagnostic(path, line, column, ERROR, f"{what} is not UTF-8: {e.reason} (byte {data[e.start:e.start + 1]!r})", rule)


def read_manifests(paths: Iterable[str], release: Release, read: Callable[[str], str] = read_source) -> Manifests:
    """Every document of every file: Services, Namespaces and workloads, or a
    ``manifest`` diagnostic for what cannot be read; nothing is dropped."""
    out = Manifests()
    for path in paths:
        try:
            text = read(path)
        except OSError as e:
            out.diagnostics.append(Diagnostic(path, 0, 0, ERROR, f"cannot read manifest: {e.strerror or e}", "manifest"))
            continue
        except UnicodeDecodeError as e:
            out.diagnostics.append(_undecodable(path, e, "the manifest", "manifest"))
            continue
        for index, (first_line, raw) in enumerate(_documents(text), 1):
            _read_document(out, release, Place(path, raw, first_line), index)
    return out


def _error_line(place: Place, e: goyaml.YAMLError) -> int:
    """The file line of a parse error: the parser stops at the end of the text
    for what is left open, one line past the document; kept inside it."""
    if not e.line:
        return place.first_line
    return place.first_line + min(e.line, place.text.count("\n")) - 1


def _read_document(out: Manifests, release: Release, place: Place, index: int) -> None:
    try:
        parsed = goyaml.Document(place.text)
        head = parsed.json()
    except goyaml.YAMLError as e:
        out.diagnostics.append(Diagnostic(place.file, _error_line(place, e), e.column, ERROR, f"document {index}: {e}", "manifest"))
        return
    except UnicodeError as e:  # the parser takes UTF-8 only (surrogates from a caller's text)
        out.diagnostics.append(Diagnostic(place.file, place.first_line, 0, ERROR, f"document {index}: {e}", "manifest"))
        return
    if head is None:
        return  # an empty document (comments only): nothing to check
    if not isinstance(head, dict):
        out.diagnostics.append(place.diagnostic(ERROR, f"document {index} is not a Kubernetes object", "manifest"))
        return
    _read_object(out, release, head, place, parsed)


def _read_object(out: Manifests, release: Release, obj: dict[str, Any], place: Place, parsed: Any = None) -> None:
    """One object; ``parsed``: its YAML document, for the type-directed
    conversion kube-inject does (absent for List items, which it decodes from
    their JSON)."""
    kind = obj.get("kind")
    if not isinstance(kind, str) or not kind:
        # kubectl would refuse it; say so rather than pass over it in silence.
        out.diagnostics.append(place.diagnostic(WARNING, "an object without kind: not a Kubernetes object, not checked", "manifest"))
        return
    if kind.endswith("List") and isinstance(obj.get("items"), list):
        # v1 List, and kubectl's ServiceList, NamespaceList...: every item.
        for i, item in enumerate(obj["items"]):
            if isinstance(item, dict):
                _read_object(out, release, item, place.child(f"items[{i}]"))
    elif kind == "Service":
        out.services.append(_service(obj, place))
    elif kind == "Namespace":
        name, _ = _meta(obj)
        out.namespaces.setdefault(name, {}).update(_string_dict((obj.get("metadata") or {}).get("labels")))
    elif kind in WORKLOAD_KINDS:
        workload = _workload(out, release, obj, place, parsed)
        if workload is not None:
            out.workloads.append(workload)


def _service(obj: dict[str, Any], place: Place) -> Service:
    name, namespace = _meta(obj)
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    ports = []
    for i, p in enumerate(spec.get("ports") or []):
        if isinstance(p, dict):
            ports.append(
                Port(i, _go_string(p.get("name")), p.get("port"), _go_string(p.get("protocol")) or "TCP", _go_string(p.get("appProtocol")))
            )
    return Service(name, namespace, _string_dict(spec.get("selector")), ports, place)


def _template_path(kind: str) -> str:
    """Where kubeinject's _pod_target finds the pod template, as a JSON path."""
    return "" if kind == "Pod" else "spec.jobTemplate.spec.template" if kind == "CronJob" else "spec.template"


def _workload(out: Manifests, release: Release, obj: dict[str, Any], place: Place, parsed: Any) -> Workload | None:
    api_version = obj.get("apiVersion") if isinstance(obj.get("apiVersion"), str) else ""
    kind = obj["kind"]
    name, namespace = _meta(obj)
    what = f"{kind} {namespace}/{name}"
    go_type = gojson.go_type(gojson.type_for_kind(api_version, kind) or _KIND_TYPES[kind], release.kubernetes)
    try:
        value = gojson.decode(parsed.json(go_type) if parsed is not None else obj, go_type)
        target, _ = kubeinject._pod_target(value, api_version, kind)
        if kind == "CronJob":
            # kube-inject reads a CronJob's jobTemplate metadata (as Istio's
            # IntoObject did); Services select, and the webhook sees, the pods'.
            pod = value.fields["Spec"].fields["JobTemplate"].fields["Spec"].fields["Template"]
            target = dataclasses.replace(target, metadata=pod.fields["ObjectMeta"])
    except (goyaml.YAMLError, gojson.JSONError) as e:
        field = getattr(e, "path", "")
        where = f", field {field}" if field else ""
        out.diagnostics.append(place.diagnostic(ERROR, f"{what}{where}: {e}", "manifest", field))
        return None
    except ValueError as e:  # InjectionError (a nil spec.template), and any other decoding complaint
        out.diagnostics.append(place.diagnostic(ERROR, f"{what}: {e}", "manifest", "spec"))
        return None
    return Workload(kind, name, namespace, _template_path(kind), target, place)


def read_namespace_labels(
    path: str, release: Release, read: Callable[[str], str] = read_source
) -> tuple[dict[str, dict[str, str]], list[Diagnostic]]:
    """``--namespace-labels``: a mapping namespace -> labels (YAML or JSON), or
    Namespace objects (``kubectl get namespaces -o yaml``)."""
    try:
        text = read(path)
    except OSError as e:
        return {}, [Diagnostic(path, 0, 0, ERROR, f"cannot read namespace labels: {e.strerror or e}", "config")]
    except UnicodeDecodeError as e:
        return {}, [_undecodable(path, e, "the namespace labels file", "config")]
    docs = [(line, doc) for line, doc in _documents(text) if doc.strip()]
    try:
        head = goyaml.Document(docs[0][1]).json() if docs else None
    except goyaml.YAMLError as e:
        line = _error_line(Place(path, docs[0][1], docs[0][0]), e)
        return {}, [Diagnostic(path, line, e.column, ERROR, f"namespace labels: {e}", "config")]
    if len(docs) > 1 or (isinstance(head, dict) and "kind" in head):
        found = read_manifests([path], release, read=lambda _: text)
        diags = [dataclasses.replace(d, rule="config") for d in found.diagnostics]
        return found.namespaces, diags
    return _labels_mapping(path, text, head, docs)


def _labels_mapping(path: str, text: str, head: Any, docs: list[tuple[int, str]]) -> tuple[dict[str, dict[str, str]], list[Diagnostic]]:
    if head is None:
        return {}, []
    place = Place(path, docs[0][1], docs[0][0])
    if not isinstance(head, dict):
        return {}, [place.diagnostic(ERROR, "namespace labels: want a mapping of namespace to labels", "config")]
    labels, diags = {}, []
    for namespace, value in head.items():
        if value is None:
            value = {}
        if not isinstance(value, dict):
            message = f"namespace labels: the labels of namespace {namespace!r} are not a mapping"
            diags.append(place.diagnostic(ERROR, message, "config", key=namespace))
            continue
        labels[str(namespace)] = _string_dict(value)
    return labels, diags


# --- the rules -----------------------------------------------------------------------------------------


def check(
    manifests: Manifests,
    release: Release,
    config: InjectConfig | None,
    namespace_labels: dict[str, dict[str, str]] | None = None,
) -> list[Diagnostic]:
    """Every rule over the manifests, sorted by place. ``config`` None (it could
    not be read): the sidecar rule decides only what needs no config."""
    req = requirements(release)
    labels = _merged_labels(namespace_labels or {}, manifests.namespaces)
    diags = list(manifests.diagnostics)
    diags += _membership(manifests, req)
    diags += _port_names(manifests.services, req)
    diags += _app_labels(manifests.workloads, req)
    config_warnings: list[str] = []
    for workload in manifests.workloads:
        decision = _decide(workload, release, config, labels, config_warnings.append)
        if not decision.ok:
            message = f"{workload.describe()} will run without a sidecar: {decision.reason}"
            diags.append(workload.place.diagnostic(ERROR, message, "sidecar", decision.path, decision.key))
    for warning in dict.fromkeys(config_warnings):
        diags.append(Diagnostic(config.source if config else "", 0, 0, WARNING, warning, "config"))
    return sorted(diags, key=sort_key)


def _merged_labels(given: dict[str, dict[str, str]], manifests: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The labels a namespace will have: the given ones, with those of Namespace
    objects in the manifests over them (applying them sets those keys)."""
    out = {ns: dict(labels) for ns, labels in given.items()}
    for ns, labels in manifests.items():
        out.setdefault(ns, {}).update(labels)
    return out


# -- service-membership --


def _selects(service: Service, labels: dict[str, str]) -> bool:
    """Kubernetes' equality-based selector: every pair present; no selector
    selects nothing (the Service's endpoints are managed by hand)."""
    return bool(service.selector) and all(labels.get(k) == v for k, v in service.selector.items())


def _membership(manifests: Manifests, req: Requirements) -> list[Diagnostic]:
    diags = []
    for workload in manifests.workloads:
        labels = workload.labels
        services = [s for s in manifests.services if s.namespace == workload.namespace and _selects(s, labels)]
        message = _membership_problem(workload, services, req)
        if message:
            diags.append(workload.place.diagnostic(ERROR, message, "service-membership", workload.path("metadata.labels")))
    return diags


def _membership_problem(workload: Workload, services: list[Service], req: Requirements) -> str:
    who = workload.describe()
    if not services:
        shown = ", ".join(f"{k}={v}" for k, v in sorted(workload.labels.items())) or "none"
        need = "exactly one" if req.single_service else "at least one"
        return (
            f"{who} belongs to no Service: no Service of namespace {workload.namespace} selects its pod labels ({shown});"
            f" Istio {req.name} needs {need}"
        )
    names = ", ".join(s.describe() for s in services)
    if len(services) > 1 and req.single_service:
        return f"{who} belongs to {len(services)} Services ({names}); Istio {req.name} supports exactly one"
    conflict = _port_conflict(services, req)
    if conflict:
        return f"{who} belongs to Services ({names}) that use {conflict}; Istio {req.name} needs one protocol per port number"
    return ""


def _port_conflict(services: list[Service], req: Requirements) -> str:
    """The first port number the Services give different protocols, described."""
    seen: dict[Any, dict[str, str]] = {}
    for service in services:
        for port in service.ports:
            seen.setdefault(port.number, {}).setdefault(protocol_of(port, req), service.describe())
    for number, protocols in seen.items():
        if len(protocols) > 1:
            shown = ", ".join(f"{p} ({who})" for p, who in protocols.items())
            return f"port {number} for different protocols: {shown}"
    return ""


# -- port-name --


def protocol_of(port: Port, req: Requirements) -> str:
    """The protocol Istio gives a Service port ("TCP" for what it does not
    recognise): UDP ports are UDP; 1.6+ an appProtocol it knows; else the name's
    prefix before the first "-" (1.4+ check "grpc-web" first, which holds one)."""
    if port.protocol.upper() == "UDP":
        return "UDP"
    if req.app_protocol and port.app_protocol.lower() in req.protocols:
        return port.app_protocol.upper()
    return (_name_protocol(port.name, req) or "tcp").upper()


def _name_protocol(name: str, req: Requirements) -> str:
    lower = name.lower()
    if "grpc-web" in req.protocols and lower.startswith("grpc-web"):
        return "grpc-web"
    prefix = lower.split("-", 1)[0]
    return prefix if prefix in req.protocols else ""


def _port_names(services: list[Service], req: Requirements) -> list[Diagnostic]:
    diags = []
    for service in services:
        for port in service.ports:
            message = _port_problem(service, port, req)
            if message:
                path = f"spec.ports[{port.index}]" + (".name" if port.name else "")
                diags.append(service.place.diagnostic(WARNING, message, "port-name", path))
    return diags


def _port_problem(service: Service, port: Port, req: Requirements) -> str:
    if port.protocol.upper() == "UDP":
        return ""  # the docs except ports declared UDP
    if req.app_protocol and port.app_protocol.lower() in req.protocols:
        return ""
    if _name_protocol(port.name, req):
        return ""
    what = f"port {port.number} of {service.describe()}"
    if not port.name:
        problem = f"{what} has no name"
    else:
        problem = f"{what} is named {port.name!r}, which does not start with a protocol Istio {req.name} recognises"
    if req.app_protocol and port.app_protocol:
        problem += f" (nor does its appProtocol {port.app_protocol!r})"
    want = f"name it <protocol>[-<suffix>] with <protocol> one of {req.documented()}"
    if req.app_protocol:
        want += ", or set appProtocol"
    if req.auto_detect:
        fate = "its protocol is detected where Istio can (HTTP, HTTP/2), else its traffic is plain TCP"
    else:
        fate = "its traffic is treated as plain TCP"
    return f"{problem}: {fate}; {want}"


# -- app-label, app-label-unique --


def _app_labels(workloads: list[Workload], req: Requirements) -> list[Diagnostic]:
    """The docs recommend (0.5: "we recommend", "should"): warnings. Only
    Deployments, as the docs say; distinct mesh-wide, since tracing names the
    app by the label alone (the template's --serviceCluster)."""
    diags = []
    by_app: dict[str, list[Workload]] = {}
    for workload in workloads:
        if workload.kind != "Deployment":
            continue
        app = workload.labels.get("app", "")
        if not app:
            message = f"{workload.describe()} has no app label on its pods: Istio uses it to add contextual information in distributed tracing"
            diags.append(workload.place.diagnostic(WARNING, message, "app-label", workload.path("metadata.labels")))
            continue
        by_app.setdefault(app, []).append(workload)
    for app, sharing in by_app.items():
        if len(sharing) < 2 or (req.version_label and _distinct_versions(sharing)):
            continue
        for workload in sharing:
            others = ", ".join(w.describe() for w in sharing if w is not workload)
            message = f"{workload.describe()} shares the app label {app!r} with {others}: each Deployment should have its own"
            if req.version_label:
                message += " (or a distinct version label)"
            diags.append(workload.place.diagnostic(WARNING, message, "app-label-unique", workload.path("metadata.labels"), "app"))
    return diags


def _distinct_versions(workloads: list[Workload]) -> bool:
    versions = [w.labels.get("version", "") for w in workloads]
    return all(versions) and len(set(versions)) == len(versions)


# -- sidecar --


@dataclasses.dataclass(frozen=True)
class Decision:
    """Whether a pod runs a sidecar, why, and the field that decided it."""

    ok: bool
    reason: str
    path: str = ""
    key: str | None = None


def decisions(
    manifests: Manifests, release: Release, config: InjectConfig | None, namespace_labels: dict[str, dict[str, str]] | None = None
) -> list[tuple[Workload, Decision]]:
    """The sidecar decision of every workload (``--explain``)."""
    labels = _merged_labels(namespace_labels or {}, manifests.namespaces)
    return [(w, _decide(w, release, config, labels, lambda _: None)) for w in manifests.workloads]


def _decide(
    workload: Workload,
    release: Release,
    config: InjectConfig | None,
    namespace_labels: dict[str, dict[str, str]],
    warn: Callable[[str], None],
) -> Decision:
    injected = _already_injected(workload)
    if injected:
        return Decision(True, injected)
    ns = workload.namespace
    label = namespace_labels.get(ns, {}).get(INJECTION_LABEL)
    if label != "enabled":
        state = f"is labelled {INJECTION_LABEL}={label}" if label is not None else f"is not labelled {INJECTION_LABEL}=enabled"
        reason = f"namespace {ns} {state}, so the webhook is not called for its pods (label it, or inject with kube-inject)"
        return Decision(False, reason, "metadata.namespace")
    if config is None:
        return Decision(True, f"namespace {ns} is labelled {INJECTION_LABEL}=enabled (the inject config could not be read)")
    why = skip_reason(release, config, workload.target.spec, workload.target.metadata, _webhook_namespace(workload, release), warn=warn)
    if why:
        return _skipped(workload, why, config)
    return Decision(True, f"the webhook injects it: namespace {ns} is labelled {INJECTION_LABEL}=enabled, {_injected_by(workload, config)}")


def _already_injected(workload: Workload) -> str:
    if STATUS_ANNOTATION in workload.annotations:
        return f"already injected (annotation {STATUS_ANNOTATION})"
    if PROXY_CONTAINER in workload.containers:
        return f"already injected ({PROXY_CONTAINER} container)"
    return ""


def _webhook_namespace(workload: Workload, release: Release) -> str:
    """The namespace injectRequired sees: 0.5-1.0 read the pod's own, empty in
    a controller's pod template (admission.py); 1.1+ fill it from the request."""
    own = workload.target.metadata.fields.get("Namespace") or ""
    if own or not release.webhook.namespace_from_request:
        return own
    return workload.namespace


def _skipped(workload: Workload, why: str, config: InjectConfig) -> Decision:
    annotations = workload.path("metadata.annotations")
    if why == "host_network":
        return Decision(False, "hostNetwork: true (Istio never injects pods on the host network)", workload.path("spec.hostNetwork"))
    if why == "ignored_namespace":
        return Decision(False, f"namespace {workload.namespace} is never injected", "metadata.namespace")
    if why == "annotation":
        value = workload.annotations.get(INJECT_ANNOTATION, "")
        return Decision(False, f"annotation {INJECT_ANNOTATION}: {value}", annotations, INJECT_ANNOTATION)
    if why == "selector":
        return Decision(False, f"the neverInjectSelector of {config.source} matches its pod labels", workload.path("metadata.labels"))
    if config.policy == "disabled":
        reason = f"policy disabled ({config.source}) and no annotation {INJECT_ANNOTATION}: true"
    else:
        reason = f"policy {config.policy!r} ({config.source}) is neither enabled nor disabled, so Istio never injects"
    return Decision(False, reason, workload.path("metadata"))


def _injected_by(workload: Workload, config: InjectConfig) -> str:
    value = workload.annotations.get(INJECT_ANNOTATION, "")
    if value.lower() in ("y", "yes", "true", "on"):
        return f"annotation {INJECT_ANNOTATION}: {value}"
    if config.policy == "enabled":
        return "policy enabled"
    return f"the alwaysInjectSelector of {config.source} matches its pod labels"

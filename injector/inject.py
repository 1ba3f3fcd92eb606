"""Sidecar injection into one pod template: the decision, the template data, the
render, and applying the decoded spec (Istio's injectRequired, injectionData and
IntoObject of 0.5-1.8), shared by kube-inject and the webhook.

:class:`Injector` is the environment: it owns one release's configuration
(inject config, mesh, values) and the template compiled once; each pod is
:meth:`Injector.inject`-ed with it. Pods are gotmpl values decoded by
:mod:`injector.gojson`, so the template sees exactly the Go values Istio's
template saw: ``*metav1.ObjectMeta``, ``*corev1.PodSpec``, the mesh's
``*MeshConfig`` and its ``DefaultConfig``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import re
from typing import Any, Mapping

from gotmpl import Template
from gotmpl import values as V
from gotmpl.parser import ParseError
from gotmpl.runtime import ExecError

from . import gojson
from .annotations import validate_annotations
from .config import InjectConfig
from .funcs import istio_funcs
from .labels import SelectorError, compile_selector
from .spec import DecodeError, SidecarSpec, decode_spec
from .versions import Release

__all__ = [
    "InjectionError",
    "Injector",
    "PodTarget",
    "injection_required",
    "skip_reason",
    "IGNORED_NAMESPACES",
    "STATUS_ANNOTATION",
    "INJECT_ANNOTATION",
]

STATUS_ANNOTATION = "sidecar.istio.io/status"
INJECT_ANNOTATION = "sidecar.istio.io/inject"
PROXY_CONTAINER = "istio-proxy"
# Namespaces the webhook never injects (0.5-1.8).
IGNORED_NAMESPACES = frozenset({"kube-system", "kube-public"})


class InjectionError(ValueError):
    """Injection failed for a user-visible reason; the message says where.
    ``template_line``/``template_column`` (1-based, 0 when unknown) place a
    failure of the template itself: its parse, its execution, or the YAML it
    wrote (the line that wrote the offending text)."""

    def __init__(self, message: str, template_line: int = 0, template_column: int = 0) -> None:
        super().__init__(message)
        self.template_line = template_line
        self.template_column = template_column


@dataclasses.dataclass
class PodTarget:
    """Where a workload keeps what injection reads and changes: the metadata and
    spec the template sees and gets, and the owning object's metadata/kind."""

    metadata: V.Struct  # metav1.ObjectMeta of the pod (template)
    spec: V.Struct  # corev1.PodSpec
    owner_metadata: V.Struct  # metav1.ObjectMeta of the workload (DeploymentMeta)
    kind: str = ""
    api_version: str = ""

    @property
    def name(self) -> str:
        return self.metadata.fields["Name"] or self.owner_metadata.fields["Name"]


# --- the decision ------------------------------------------------------------------------------------


def injection_required(
    release: Release,
    config: InjectConfig,
    spec: V.Struct,
    metadata: V.Struct,
    ignored: frozenset[str] = IGNORED_NAMESPACES,
    warn: Any = None,
) -> bool:
    """Istio's injectRequired (webhook): True when the pod gets a sidecar."""
    return not skip_reason(release, config, spec, metadata, metadata.fields.get("Namespace", ""), ignored, warn)


def skip_reason(
    release: Release,
    config: InjectConfig,
    spec: V.Struct,
    metadata: V.Struct,
    namespace: str,
    ignored: frozenset[str] = IGNORED_NAMESPACES,
    warn: Any = None,
) -> str:
    """Why Istio's injectRequired says no ("" when it says yes): hostNetwork
    (``host_network``), an ignored namespace (``ignored_namespace``), the
    ``sidecar.istio.io/inject`` annotation (y/yes/true/on inject, any other
    value does not: ``annotation``), then (1.1+) the never/always selectors
    (``selector``), then the policy (``enabled`` injects by default,
    ``disabled`` does not, any other policy never injects: ``policy``)."""
    if spec.fields.get("HostNetwork"):
        return "host_network"
    if namespace in ignored:
        return "ignored_namespace"
    annotations = _string_map(metadata.fields.get("Annotations"))
    value = annotations.get(INJECT_ANNOTATION, "").lower()
    use_default, inject, decided_by = False, False, "annotation"
    if value in ("y", "yes", "true", "on"):
        inject = True
    elif value == "":
        use_default = True
    if use_default and release.has_selectors:
        labels = _string_map(metadata.fields.get("Labels"))
        for selectors, verdict in ((config.never_inject_selector, False), (config.always_inject_selector, True)):
            for selector in selectors:
                try:
                    match = compile_selector(selector)
                except SelectorError as e:
                    if warn is not None:
                        warn(f"invalid selector in the inject config, skipped: {e}")
                    continue
                if match is not None and match(labels):
                    inject, use_default, decided_by = verdict, False, "selector"
                    break
            if not use_default:
                break
    if use_default:
        decided_by = "policy"
    if config.policy == "enabled":
        required = inject or use_default
    elif config.policy == "disabled":
        required = inject and not use_default
    else:
        required, decided_by = False, "policy"
    return "" if required else decided_by


def _string_map(m: Any) -> dict[str, str]:
    return dict(m.data) if isinstance(m, V.Map) and m.data else {}


# --- the template data -----------------------------------------------------------------------------


def _object_meta_ptr(release: Release) -> V.GoType:
    return V.ptr_to(gojson.go_type("metav1.ObjectMeta", release.kubernetes))


def data_type(release: Release, mesh_type: V.GoType, proxy_type: V.GoType) -> V.GoType:
    """SidecarTemplateData of the release, as a pointer (Istio executes with &data)."""
    fields = [
        V.StructField("ObjectMeta", _object_meta_ptr(release)),
        V.StructField("Spec", V.ptr_to(gojson.go_type("corev1.PodSpec", release.kubernetes))),
        V.StructField("ProxyConfig", proxy_type),
        V.StructField("MeshConfig", mesh_type),
    ]
    extra = {
        "DeploymentMeta": _object_meta_ptr(release),
        "Values": V.MAP_STRING_ANY,
        "TypeMeta": V.ptr_to(gojson.go_type("metav1.TypeMeta", release.kubernetes)),
    }
    for name in release.extra_data:
        fields.insert(0 if name == "DeploymentMeta" else len(fields), V.StructField(name, extra[name]))
    return V.ptr_to(V.distinct_named("inject.SidecarTemplateData", V.struct_of(fields)))


# --- the injector -----------------------------------------------------------------------------------


class Injector:
    """One release's injector: configuration, compiled template, and injection."""

    def __init__(
        self,
        release: Release,
        config: InjectConfig,
        mesh: V.Ptr,
        values: Any = None,
        env: Mapping[str, str] | None = None,
        patch: int = 99,
    ) -> None:
        self.release = release
        self.patch = patch
        self.config = config
        self.mesh = mesh
        self.proxy = mesh.target.fields["DefaultConfig"]
        self.values = values if values is not None else {}
        self.env = dict(os.environ) if env is None else dict(env)
        self.template_hash = hashlib.sha256(config.template.encode("utf-8", "surrogateescape")).hexdigest()
        self._data_type = data_type(release, mesh.type, self.proxy.type)
        # Built once: every pod's data points at values of these types.
        self._meta_ptr_type = _object_meta_ptr(release)
        self._type_meta_type = gojson.go_type("metav1.TypeMeta", release.kubernetes)
        self._current: Any = None  # the data `render` (1.2-1.7) re-executes with
        self.template = self._compile()

    def _compile(self) -> Template:
        funcs = istio_funcs(self.release.version + (self.patch,), env=self.env, render_data=lambda: self._current)
        tmpl = Template("inject").delims(*self.release.delims).funcs(funcs)
        try:
            return tmpl.parse(self.config.template)
        except ParseError as e:
            raise InjectionError(f"{self.config.where(e.line, e.column)}: {e}", e.line, e.column) from None

    # -- rendering ----------------------------------------------------------------------------------

    def template_data(self, target: PodTarget) -> V.Ptr:
        """The &SidecarTemplateData Istio executes the template with."""
        struct_t = self._data_type.elem
        fields: dict[str, Any] = {
            "ObjectMeta": V.Ptr(self._meta_ptr_type, target.metadata),
            "Spec": V.Ptr(V.ptr_to(target.spec.type), target.spec),
            "ProxyConfig": self.proxy,
            "MeshConfig": self.mesh,
        }
        if "DeploymentMeta" in self.release.extra_data:
            fields["DeploymentMeta"] = V.Ptr(self._meta_ptr_type, target.owner_metadata)
        if "Values" in self.release.extra_data:
            fields["Values"] = self.values
        if "TypeMeta" in self.release.extra_data:
            type_meta = V.Struct(self._type_meta_type, {"Kind": target.kind, "APIVersion": target.api_version})
            fields["TypeMeta"] = V.Ptr(V.ptr_to(self._type_meta_type), type_meta)
        return V.Ptr(self._data_type, V.Struct(struct_t, fields))

    def render(self, target: PodTarget) -> str:
        """The template's output for a pod (Go's Execute into a buffer)."""
        return self._execute(self.template_data(target))

    def _execute(self, data: V.Ptr, traced: bool = False) -> Any:
        self._current = data
        try:
            return self.template.render_traced(data) if traced else self.template.render(data)
        except ExecError as e:
            line, column = _exec_position(str(e))
            raise InjectionError(f"{self.config.where(line)}: {e}", line, column) from None
        finally:
            self._current = None

    def sidecar_spec(self, target: PodTarget) -> tuple[SidecarSpec, str]:
        """Istio's injectionData: the decoded spec and the status annotation."""
        if self.release.version >= (1, 1):
            problems = validate_annotations(_string_map(target.metadata.fields.get("Annotations")), self.release.version)
            if problems:
                raise InjectionError(f"invalid injection annotations: {problems}")
        data = self.template_data(target)
        rendered = self._execute(data)
        try:
            spec = decode_spec(rendered, self.release)
        except DecodeError as e:
            line = self._template_line(data, rendered, e.line, e.column) if e.line else 0
            raise InjectionError(self._decode_message(rendered, e, line), line) from None
        if "HoldApplicationUntilProxyStarts" in spec.fields:
            # 1.7 decides it outside the template (istio/istio#24737).
            spec.fields["HoldApplicationUntilProxyStarts"] = self._hold_application()
        return spec, self.status(spec)

    def _hold_application(self) -> bool:
        """The mesh's defaultConfig.holdApplicationUntilProxyStarts or the values'
        global.proxy.holdApplicationUntilProxyStarts (either true holds)."""
        configured = self.proxy.target.fields.get("HoldApplicationUntilProxyStarts")
        if configured is not None and not V.is_nil(configured) and configured.target.fields.get("Value"):
            return True
        global_ = self.values.get("global") if isinstance(self.values, dict) else None
        proxy = global_.get("proxy") if isinstance(global_, dict) else None
        return isinstance(proxy, dict) and proxy.get("holdApplicationUntilProxyStarts") is True

    def _decode_message(self, rendered: str, e: DecodeError, template_line: int) -> str:
        where = ""
        if e.line:
            lines = rendered.split("\n")
            text = lines[e.line - 1] if e.line <= len(lines) else ""
            where = f" at line {e.line} of the rendered template ({text.strip()!r})"
            if template_line:
                where += f", written by {self.config.where(template_line)}"
        return f"failed parsing generated injected YAML (check Istio sidecar injector configuration){where}: {e}"

    def _template_line(self, data: V.Ptr, rendered: str, line: int, column: int) -> int:
        """The template line whose text or action wrote rendered (line, column):
        the render again, traced (only on this error path)."""
        traced, spans = self._execute(data, traced=True)
        if traced != rendered:
            return 0
        offset = sum(len(part) + 1 for part in rendered.split("\n")[: line - 1]) + max(column - 1, 0)
        found = 0
        for start, name, template_line in spans:
            if start > offset:
                break
            if name == self.template.name:
                found = template_line
        return found

    def status(self, spec: SidecarSpec) -> str:
        """The ``sidecar.istio.io/status`` JSON, keys in the release's order."""
        parts = []
        for key in self.release.status_fields:
            if key == "version":
                value = gojson.json_string(self.template_hash)
            else:
                names = spec.names(key[0].upper() + key[1:])
                value = "null" if names is None else "[" + ",".join(gojson.json_string(n) for n in names) + "]"
            parts.append(f"{gojson.json_string(key)}:{value}")
        return "{" + ",".join(parts) + "}"

    # -- applying -----------------------------------------------------------------------------------

    def inject(self, target: PodTarget, status_metadata: V.Struct | None = None) -> None:
        """Render, decode and apply the sidecar to ``target`` in place (IntoObject
        after its checks); the status annotation goes on ``status_metadata``
        (default: the pod template's metadata)."""
        spec, status = self.sidecar_spec(target)
        pod = target.spec.fields
        _append(pod, "InitContainers", spec.items("InitContainers"))
        if spec.fields.get("HoldApplicationUntilProxyStarts"):
            _prepend(pod, "Containers", spec.items("Containers"))
        else:
            _append(pod, "Containers", spec.items("Containers"))
        _append(pod, "Volumes", spec.items("Volumes"))
        if "ImagePullSecrets" in spec.fields:
            _append(pod, "ImagePullSecrets", spec.items("ImagePullSecrets"))
        dns = spec.fields.get("DNSConfig")
        if dns is not None and not V.is_nil(dns):
            pod["DNSConfig"] = dns
        if self.release.concurrency_from_cpu:
            apply_concurrency(pod)
        metadata = status_metadata if status_metadata is not None else target.metadata
        redirect = spec.fields.get("PodRedirectAnnot")
        if redirect is not None and not V.is_nil(redirect):
            for key, value in V.map_items(redirect):
                set_annotation(metadata, key, value)
        set_annotation(metadata, STATUS_ANNOTATION, status)


def _exec_position(message: str) -> tuple[int, int]:
    """The template line and column of Go's ``template: inject:LINE:COL: executing ...``."""
    m = re.match(r"template: [^:]*:(\d+):(?:(\d+):)?", message)
    return (int(m.group(1)), int(m.group(2) or 0)) if m else (0, 0)


def _append(pod: dict[str, Any], name: str, items: list[Any]) -> None:
    current = pod.get(name)
    old = list(V.elements(current) or []) if current is not None else []
    if not items:
        return
    pod[name] = V.Slice(current.type, old + items)


def _prepend(pod: dict[str, Any], name: str, items: list[Any]) -> None:
    current = pod.get(name)
    if not items:
        return
    pod[name] = V.Slice(current.type, items + list(V.elements(current) or []))


def set_annotation(metadata: V.Struct, key: str, value: str) -> None:
    """metadata.Annotations[key] = value, making the map when it is nil."""
    annotations = metadata.fields.get("Annotations")
    if annotations is None or annotations.data is None:
        t = annotations.type if annotations is not None else V.map_of(V.STRING, V.STRING)
        annotations = V.Map(t, {})
        metadata.fields["Annotations"] = annotations
    annotations.data[key] = value


# --- concurrency (1.1-1.8) ---------------------------------------------------------------------------


def apply_concurrency(pod: dict[str, Any]) -> None:
    """Istio's applyConcurrency (istio/istio#11311): when istio-proxy's args set
    no ``--concurrency`` above 0, append one from its CPU limit, else its CPU
    request, rounded up to whole cores; nothing when neither is set."""
    for container in V.elements(pod.get("Containers")) or []:
        if container.fields["Name"] != PROXY_CONTAINER:
            continue
        args = list(V.elements(container.fields.get("Args")) or [])
        if _concurrency_arg(args) > 0:
            return
        millis = _cpu_millis(container, "Limits") or _cpu_millis(container, "Requests")
        if millis > 0:
            cores = math.ceil(millis / 1000)
            t = container.fields["Args"].type
            container.fields["Args"] = V.Slice(t, args + ["--concurrency", str(cores)])
        return


def _concurrency_arg(args: list[str]) -> int:
    for i, arg in enumerate(args):
        if arg == "--concurrency" and i + 1 < len(args):
            try:
                return int(args[i + 1])
            except ValueError:
                return 0
    return 0


def _cpu_millis(container: V.Struct, which: str) -> int:
    resources = container.fields.get("Resources")
    quantities = resources.fields.get(which) if resources is not None else None
    for name, q in V.map_items(quantities) if quantities is not None and not V.is_nil(quantities) else []:
        if V.unwrap_scalar(name) == "cpu":
            return gojson.quantity_milli_value(q)
    return 0

"""``kube-inject``: inject the sidecar into every workload of a manifest, offline,
as istioctl's IntoResourceFile / IntoObject of the chosen release do.

The input is split as Kubernetes' YAML reader splits it; each document whose
(apiVersion, kind) the release handles is decoded into its Go type, injected
and written back as Istio's Go code writes it (ghodss/yaml Marshal: sorted keys,
``creationTimestamp: null``, yaml.v2 quoting); any other document is copied
byte for byte. Every document is followed by ``---``. Documents are never
dropped: an error stops the whole run and names the document.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

from gotmpl import values as V

from . import gojson, goyaml
from .inject import PROXY_CONTAINER, InjectionError, Injector, PodTarget
from .versions import Release

__all__ = ["KubeInjectError", "kube_inject", "inject_document", "object_type", "pod_target", "type_meta"]

SEPARATOR = "---\n"


class KubeInjectError(ValueError):
    """A manifest that cannot be injected; the message names the document."""


@dataclasses.dataclass
class _Doc:
    index: int  # 1-based
    api_version: str = ""
    kind: str = ""
    name: str = ""

    def describe(self) -> str:
        what = f"{self.kind} {self.name!r}" if self.kind else "document"
        return f"document {self.index} ({what})" if self.kind else f"document {self.index}"


def kube_inject(injector: Injector, text: str, source: str = "-", warn: Callable[[str], None] | None = None) -> str:
    """The injected manifest for ``text`` (YAML or JSON, one or more documents)."""
    warn = warn or (lambda message: None)
    out: list[str] = []
    for i, raw in enumerate(goyaml.split_documents(text), 1):
        out.append(inject_document(injector, raw, _Doc(i), source, warn))
        out.append(SEPARATOR)
    return "".join(out)


def inject_document(injector: Injector, raw: str, doc: Any, source: str, warn: Callable[[str], None]) -> str:
    """One document, injected and re-serialised, or ``raw`` unchanged."""
    legacy = injector.release.version < (0, 6)
    try:
        parsed = goyaml.Document(raw)
        head = parsed.json()
    except goyaml.YAMLError as e:
        if legacy:
            return raw  # 0.5 copies anything it cannot read
        line = f", line {e.line}" if e.line else ""
        raise KubeInjectError(f"{source}: {doc.describe()}{line}: {e}") from None
    api_version, kind = type_meta(head)
    doc.api_version, doc.kind = api_version, kind
    if isinstance(head, dict) and isinstance(head.get("metadata"), dict):
        name = head["metadata"].get("name")
        doc.name = name if isinstance(name, str) else ""
    obj_type = object_type(injector.release, api_version, kind)
    if obj_type is None:
        return raw
    try:
        obj = gojson.decode(parsed.json(obj_type), obj_type)
    except (goyaml.YAMLError, gojson.JSONError) as e:
        if legacy:
            return raw
        field = f", field {e.path}" if getattr(e, "path", "") else ""
        raise KubeInjectError(f"{source}: {doc.describe()}{field}: {e}") from None
    try:
        obj = into_object(injector, obj, api_version, kind, warn)
    except InjectionError as e:
        raise KubeInjectError(f"{source}: {doc.describe()}: {e}") from None
    return goyaml.marshal(obj)


def object_type(release: Release, api_version: str, kind: str) -> V.GoType | None:
    """The Go type the release decodes (apiVersion, kind) into, as its Kubernetes
    API had it; None for a kind it copies through."""
    if (api_version, kind) not in release.kube_inject_kinds:
        return None
    return gojson.go_type(gojson.type_for_kind(api_version, kind), release.kubernetes)


def pod_target(release: Release, raw: str) -> PodTarget:
    """The pod template of one workload document, decoded as the release decodes
    it (for rendering without injecting: tools, tests, benchmarks)."""
    parsed = goyaml.Document(raw)
    api_version, kind = type_meta(parsed.json())
    obj_type = object_type(release, api_version, kind)
    if obj_type is None:
        raise KubeInjectError(f"Istio {release.name} kube-inject does not handle {api_version} {kind}")
    return _pod_target(gojson.decode(parsed.json(obj_type), obj_type), api_version, kind)[0]


def type_meta(head: Any) -> tuple[str, str]:
    """A document's (apiVersion, kind), "" where absent or not a string."""
    if not isinstance(head, dict):
        return "", ""
    api_version, kind = head.get("apiVersion", ""), head.get("kind", "")
    return (api_version if isinstance(api_version, str) else "", kind if isinstance(kind, str) else "")


def into_object(injector: Injector, obj: V.Struct, api_version: str, kind: str, warn: Callable[[str], None]) -> V.Struct:
    """Istio's IntoObject: inject the object's pod template in place."""
    if kind == "List":
        _inject_list(injector, obj, warn)
        return obj
    target, status_metadata = _pod_target(obj, api_version, kind)
    if target.spec.fields.get("HostNetwork"):
        warn(f"Skipping injection because {target.name!r} has host networking enabled")
        return obj
    if injector.release.version >= (1, 1) and _already_injected(target.spec):
        warn(f"Skipping injection because {target.name!r} has injected {PROXY_CONTAINER!r} sidecar already")
        return obj
    injector.inject(target, status_metadata)
    return obj


def _pod_target(obj: V.Struct, api_version: str, kind: str) -> tuple[PodTarget, V.Struct]:
    """The metadata and pod spec Istio reaches by reflection: the object itself
    for a Pod, ``spec.jobTemplate`` (metadata) and its pod spec for a CronJob,
    ``spec.template`` otherwise."""
    meta = obj.fields["ObjectMeta"]
    if kind == "Pod":
        return PodTarget(meta, obj.fields["Spec"], meta, kind, api_version), meta
    spec = obj.fields["Spec"]
    if kind == "CronJob":
        job = spec.fields["JobTemplate"]
        pod = job.fields["Spec"].fields["Template"]
        target = PodTarget(job.fields["ObjectMeta"], pod.fields["Spec"], meta, kind, api_version)
        return target, job.fields["ObjectMeta"]
    template = spec.fields["Template"]
    if isinstance(template, V.Ptr):
        if template.target is None:
            raise InjectionError("spec.template is required value")
        template = template.target
    target = PodTarget(template.fields["ObjectMeta"], template.fields["Spec"], meta, kind, api_version)
    return target, template.fields["ObjectMeta"]


def _already_injected(spec: V.Struct) -> bool:
    containers = list(V.elements(spec.fields.get("Containers")) or [])
    return len(containers) > 1 and any(c.fields["Name"] == PROXY_CONTAINER for c in containers)


def _inject_list(injector: Injector, obj: V.Struct, warn: Callable[[str], None]) -> None:
    """A v1 List: each item of a handled kind is injected; others stay as they are."""
    items = list(V.elements(obj.fields.get("Items")) or [])
    for i, item in enumerate(items):
        doc = gojson.raw_json(item)
        api_version, kind = type_meta(doc)
        item_type = object_type(injector.release, api_version, kind)
        if item_type is None:
            continue
        try:
            value = gojson.decode(doc, item_type)
        except gojson.JSONError as e:
            raise InjectionError(f"items[{i}] ({kind}), field {e.path}: {e}") from None
        try:
            into_object(injector, value, api_version, kind, warn)
        except InjectionError as e:
            raise InjectionError(f"items[{i}] ({kind}): {e}") from None
        items[i] = gojson.raw_extension(gojson.encode(value))
    if items:
        obj.fields["Items"] = V.Slice(obj.fields["Items"].type, items)

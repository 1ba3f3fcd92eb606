"""The webhook's JSON Patch, built as Istio 0.5-1.7 build it by hand (createPatch).

This module owns the RFC 6902 operations the webhook answers with and their
exact bytes: Go's ``json.Marshal`` of ``[]rfc6902PatchOperation`` whose values
are the typed Kubernetes structs (so field order, ``omitempty`` and HTML
escaping are encoding/json's). In Istio's order:

1. remove what a previous injection added: the containers, init containers,
   volumes (and image pull secrets) named in the pod's status annotation, or
   the legacy names when it has none, each list from its last index down so
   indices stay valid;
2. add the rendered init containers, containers, volumes (image pull secrets):
   the first element added to an absent or empty list is ``add /spec/<list>``
   with a one-element array, the rest ``add /spec/<list>/-``;
3. the pod's DNS config and its ``securityContext`` again (1.1+), then the
   annotations: ``add /metadata/annotations`` with a map when the pod has
   none, else ``add`` (or ``replace`` over a non-empty value) of
   ``/metadata/annotations/<key>``, the key escaped as a JSON pointer (``~0``,
   ``~1``); then the labels the pod lacks (1.4+; 1.8 adds
   ``topology.istio.io/network`` from the containers' ISTIO_META_NETWORK);
4. the probe rewrites (1.1-1.6; 1.7 puts them first).

What differs by release comes from ``Release.webhook``
(:class:`injector.versions.WebhookBehaviour`); the probe rewriting itself is
:mod:`injector.probes`.
"""

from __future__ import annotations

import json
from typing import Any

from gotmpl import values as V

from . import gojson
from . import probes
from .inject import STATUS_ANNOTATION, InjectionError, Injector, PodTarget, apply_concurrency

__all__ = ["create_patch", "previous_status", "escape_pointer", "workload_meta", "LEGACY_NAMES"]

# Names a 0.5+ webhook assumes were injected when the pod carries no readable
# status annotation (Istio's legacyInitContainerNames etc.).
LEGACY_NAMES = {
    "initContainers": ["istio-init", "enable-core-dump"],
    "containers": ["istio-proxy"],
    "volumes": ["istio-certs", "istio-envoy"],
}

_LISTS = (
    ("InitContainers", "initContainers"),
    ("Containers", "containers"),
    ("Volumes", "volumes"),
    ("ImagePullSecrets", "imagePullSecrets"),
)


def escape_pointer(key: str) -> str:
    """A JSON Pointer reference token (RFC 6901): ``~`` as ``~0``, ``/`` as ``~1``."""
    return key.replace("~", "~0").replace("/", "~1")


def previous_status(pod: V.Struct) -> dict[str, list[str]]:
    """Istio's injectionStatus: the names listed in the pod's status annotation,
    when it parses and lists anything; the legacy names otherwise."""
    annotations = pod.fields["ObjectMeta"].fields.get("Annotations")
    text = annotations.data.get(STATUS_ANNOTATION) if isinstance(annotations, V.Map) and annotations.data else None
    if text:
        status = _parse_status(text)
        if status is not None and any(status.get(key) for _, key in _LISTS):
            return status
    return dict(LEGACY_NAMES)


def _parse_status(text: str) -> dict[str, list[str]] | None:
    """json.Unmarshal into SidecarInjectionStatus (keys folded, wrong types an error)."""
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        return None
    status: dict[str, list[str]] = {}
    for key, value in doc.items():
        folded = key.lower()
        for _, name in _LISTS:
            if folded == name.lower():
                if value is None:
                    status[name] = []
                elif isinstance(value, list) and all(isinstance(x, str) for x in value):
                    status[name] = value
                else:
                    return None
    return status


SA_TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
# The revision label's value (assumed: Istio 1.6/1.7 label pods of the default revision "default").
DEFAULT_REVISION = "default"
SDS_FS_GROUP = 1337
PROMETHEUS_ENV = "ISTIO_PROMETHEUS_ANNOTATIONS"


def create_patch(injector: Injector, pod: V.Struct, target: PodTarget) -> bytes:
    """The patch bytes for one pod (InjectionError when the template fails)."""
    release, wh = injector.release, injector.release.webhook
    spec, status = injector.sidecar_spec(target)
    if release.concurrency_from_cpu:
        apply_concurrency(spec.fields)
    if wh.api_defaults:
        from .kubedefaults import apply_api_defaults

        apply_api_defaults(spec.items("InitContainers"), spec.items("Containers"), spec.items("Volumes"), release.kubernetes)
    pod_spec, metadata = pod.fields["Spec"], pod.fields["ObjectMeta"]
    annotations = _string_map(metadata.fields.get("Annotations"))
    mesh = injector.mesh.target.fields
    _set_sds_fs_group(wh.sds_fs_group, mesh, pod_spec)

    ops: list[dict[str, Any]] = []
    sidecar = probes.find_sidecar(spec.items("Containers"))
    rewrite = probes.should_rewrite(release, annotations, bool(spec.fields.get("RewriteAppHTTPProbe")))
    if rewrite and sidecar is not None:
        _append_env(sidecar, probes.PROBERS_ENV, probes.app_probers(release, pod_spec), release)
    rewrites: list[dict[str, Any]] = []
    if rewrite:
        port = probes.status_port(release, sidecar, annotations, _mesh_status_port(injector))
        rewrites = probes.rewrite_ops(release, pod_spec, port) if sidecar is not None else []
    if wh.replace_whole_probe:
        ops += rewrites

    prev = previous_status(pod)
    for field, key in _LISTS:
        if field != "ImagePullSecrets" or field in release.spec_fields:
            ops += _removes(pod_spec.fields.get(field), prev.get(key) or [], f"/spec/{key}", wh.remove_value_null)

    added = _added_annotations(injector, status)
    if wh.prometheus_merge and _prometheus_merge(mesh, annotations):
        _merge_prometheus(sidecar, annotations, added, _mesh_status_port(injector), release)

    hold = wh.hold_application and bool(spec.fields.get("HoldApplicationUntilProxyStarts"))
    for field, key in _LISTS:
        if field in spec.fields:
            current = pod_spec.fields.get(field)
            items = spec.items(field)
            if wh.sa_token_mount and field in ("InitContainers", "Containers"):
                _copy_token_mount(current, items)
            ops += _adds(current, items, f"/spec/{key}", _front_names(field, hold) if wh.hold_application else ())
    dns = spec.fields.get("DNSConfig")
    if dns is not None and not V.is_nil(dns):
        ops.append(_op("add", "/spec/dnsConfig", gojson.encode(dns)))
    security = pod_spec.fields.get("SecurityContext")
    if wh.security_context_op and security is not None and not V.is_nil(security):
        ops.append(_op("add", "/spec/securityContext", gojson.encode(security)))
    ops += _map_ops(metadata, "Annotations", sorted(added.items()), overwrite=True)
    if wh.tls_mode_label:
        labels = _added_labels(wh, metadata, target.owner_metadata.fields["Name"], spec.items("Containers"))
        ops += _map_ops(metadata, "Labels", labels, overwrite=False)
    if not wh.replace_whole_probe:
        ops += rewrites
    return gojson.dumps(ops).encode("utf-8")


def _string_map(m: Any) -> dict[str, str]:
    return dict(m.data) if isinstance(m, V.Map) and m.data else {}


def _mesh_status_port(injector: Injector) -> int:
    port = injector.proxy.target.fields.get("StatusPort", 0) if isinstance(injector.proxy, V.Ptr) else 0
    return int(V.unwrap_scalar(port) or 0)


def _set_sds_fs_group(mode: str, mesh: dict[str, Any], pod_spec: V.Struct) -> None:
    """SDS needs the token readable by the proxy: fsGroup 1337 on the pod."""
    if not mode or not mesh.get("SdsUdsPath"):
        return
    if mode == "token-mount" and not mesh.get("EnableSdsTokenMount"):
        return
    current = pod_spec.fields.get("SecurityContext")
    ptr_type = current.type if current is not None else V.ptr_to(gojson.go_type("corev1.PodSecurityContext"))
    if mode == "merge" and current is not None and not V.is_nil(current):
        context = current.target
    else:
        context = gojson.zero(ptr_type.elem)
    group_field = next(f for f in context.type.fields if f.name == "FSGroup")
    context.fields["FSGroup"] = V.Ptr(group_field.type, V.Typed(group_field.type.elem, SDS_FS_GROUP))
    pod_spec.fields["SecurityContext"] = V.Ptr(ptr_type, context)


def _append_env(container: V.Struct, name: str, value: str, release: Any) -> None:
    env = container.fields.get("Env")
    env_type = env.type if env is not None else gojson.go_type("[]corev1.EnvVar", release.kubernetes)
    var = gojson.decode({"name": name, "value": value}, env_type.elem)
    container.fields["Env"] = V.Slice(env_type, list(V.elements(env) or []) + [var])


def _copy_token_mount(current: Any, added: list[Any]) -> None:
    """The app's service-account token mount, also on istio-proxy (the last app mount of it wins)."""
    mount = None
    for container in V.elements(current) or [] if current is not None else []:
        for m in V.elements(container.fields.get("VolumeMounts")) or []:
            if m.fields["MountPath"] == SA_TOKEN_PATH:
                mount = m
    if mount is None:
        return
    for container in added:
        if container.fields["Name"] == "istio-proxy":
            mounts = container.fields.get("VolumeMounts")
            container.fields["VolumeMounts"] = V.Slice(mounts.type, list(V.elements(mounts) or []) + [mount])


def _front_names(field: str, hold: bool) -> tuple[str, ...]:
    """Containers 1.7 adds at index 0 instead of the end."""
    if field == "InitContainers":
        return ("istio-validation",)
    if field == "Containers" and hold:
        return ("istio-proxy",)
    return ()


def _prometheus_merge(mesh: dict[str, Any], annotations: dict[str, str]) -> bool:
    """The pod's merge-metrics annotation when it parses, else the mesh's
    enablePrometheusMerge when set, else on."""
    if "prometheus.istio.io/merge-metrics" in annotations:
        value = probes.parse_bool(annotations["prometheus.istio.io/merge-metrics"])
        if value is not None:
            return value
    configured = mesh.get("EnablePrometheusMerge")
    if configured is None or V.is_nil(configured):
        return True
    return bool(configured.target.fields.get("Value"))


def _merge_prometheus(sidecar: Any, annotations: dict[str, str], added: dict[str, str], port: int, release: Any) -> None:
    """Scrape pilot-agent's merged metrics; the app's own scrape settings go to the sidecar."""
    scrape = {key: annotations.get(f"prometheus.io/{key}", "") for key in ("scrape", "path", "port")}
    if sidecar is not None and any(scrape.values()):
        _append_env(sidecar, PROMETHEUS_ENV, gojson.dumps(scrape), release)
    added["prometheus.io/port"] = str(port)
    added["prometheus.io/path"] = "/stats/prometheus"
    added["prometheus.io/scrape"] = "true"


def _op(op: str, path: str, value: Any = None, *, null_value: bool = False) -> dict[str, Any]:
    # Go's omitempty drops a nil interface only: "" and {} values stay.
    doc: dict[str, Any] = {"op": op, "path": path}
    if value is not None or null_value:
        doc["value"] = value
    return doc


def _removes(current: Any, names: list[str], path: str, null_value: bool) -> list[dict[str, Any]]:
    wanted = set(names)
    items = list(V.elements(current) or []) if current is not None else []
    return [
        _op("remove", f"{path}/{i}", null_value=null_value)
        for i in range(len(items) - 1, -1, -1)
        if items[i].fields["Name"] in wanted
    ]


def _adds(current: Any, added: list[Any], path: str, front: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    first = not (V.elements(current) if current is not None else None)
    ops = []
    for item in added:
        if first:
            ops.append(_op("add", path, [gojson.encode(item)]))
            first = False
        elif item.fields["Name"] in front:
            ops.append(_op("add", path + "/0", gojson.encode(item)))
        else:
            ops.append(_op("add", path + "/-", gojson.encode(item)))
    return ops


def _added_annotations(injector: Injector, status: str) -> dict[str, str]:
    added: dict[str, str] = {}
    if "InjectedAnnotations" in injector.release.config_fields:
        added.update(injector.config.injected_annotations)
    added[STATUS_ANNOTATION] = status
    return added


def _map_ops(metadata: V.Struct, field: str, added: list[tuple[str, str]], overwrite: bool) -> list[dict[str, Any]]:
    """updateAnnotation (``overwrite``: ``replace`` over a non-empty value) and
    addLabels (a key the pod sets already is left alone): the first key of a
    nil map adds the whole map, the rest add ``/metadata/<map>/<escaped key>``.
    Go ranges over a map in random order (sorted from 1.5); sorted keys make
    every release's patch repeatable."""
    m = metadata.fields.get(field)
    current = m.data if isinstance(m, V.Map) and m.data is not None else None
    base = "/metadata/" + field.lower()
    ops = []
    for key, value in added:
        if current is None:
            current = {}
            ops.append(_op("add", base, {key: value}))
        elif not current.get(key):
            ops.append(_op("add", f"{base}/{escape_pointer(key)}", value))
        elif overwrite:
            ops.append(_op("replace", f"{base}/{escape_pointer(key)}", value))
    return ops


_CANONICAL_NAME = ("service.istio.io/canonical-name", "app.kubernetes.io/name", "app")
_CANONICAL_REVISION = ("service.istio.io/canonical-revision", "app.kubernetes.io/version", "version")


def _added_labels(wh: Any, metadata: V.Struct, workload: str, containers: list[Any]) -> list[tuple[str, str]]:
    labels = {"security.istio.io/tlsMode": "istio"}
    if wh.canonical_labels:
        pod_labels = _string_map(metadata.fields.get("Labels"))
        # The first of these labels the pod has, even with an empty value.
        labels[_CANONICAL_NAME[0]] = next((pod_labels[k] for k in _CANONICAL_NAME if k in pod_labels), workload)
        labels[_CANONICAL_REVISION[0]] = next((pod_labels[k] for k in _CANONICAL_REVISION if k in pod_labels), "latest")
        labels["istio.io/rev"] = DEFAULT_REVISION
    network = _topology_network(containers) if wh.network_label else ""
    if network:
        labels[NETWORK_LABEL] = network
    return sorted(labels.items())


NETWORK_LABEL = "topology.istio.io/network"
NETWORK_ENV = "ISTIO_META_NETWORK"


def _topology_network(containers: list[Any]) -> str:
    """topologyValues (1.8): the value of an ISTIO_META_NETWORK env var of the
    rendered containers (the last one, as the loop seen in the source keeps
    going), "" when none sets it."""
    network = ""
    for container in containers:
        for var in V.elements(container.fields.get("Env")) or []:
            if V.unwrap_scalar(var.fields.get("Name")) == NETWORK_ENV:
                network = str(V.unwrap_scalar(var.fields.get("Value")) or "")
    return network


def workload_meta(release: Any, pod: V.Struct, namespace: str) -> tuple[V.Struct, tuple[str, str]]:
    """The DeploymentMeta and TypeMeta (apiVersion, kind) Istio's webhook gives
    the template: up to 1.2 the pod's own metadata and ``v1 Pod``; from 1.3 a
    copy in the request's namespace named after the controller that owns a pod
    whose name is still to be generated (a ReplicaSet's Deployment by the
    pod-template-hash suffix; 1.7: a Job's CronJob by the schedule suffix)."""
    meta = pod.fields["ObjectMeta"]
    if not release.webhook.workload_from_owner:
        return meta, ("v1", "Pod")
    fields = dict(meta.fields)
    fields["Namespace"] = namespace
    api_version, kind = "v1", "Pod"
    if meta.fields["GenerateName"]:
        for ref in V.elements(meta.fields.get("OwnerReferences")) or []:
            controller = ref.fields.get("Controller")
            if controller is None or V.is_nil(controller):
                # Istio dereferences the nil pointer and the request dies; a clear denial instead.
                raise InjectionError(f"ownerReference {ref.fields['Name']!r} has no controller field")
            if not controller.target:
                continue
            api_version, kind, name = ref.fields["APIVersion"], ref.fields["Kind"], ref.fields["Name"]
            template_hash = _string_map(meta.fields.get("Labels")).get("pod-template-hash", "")
            if kind == "ReplicaSet" and name.endswith(template_hash):
                name, kind = name.removesuffix("-" + template_hash), "Deployment"
            elif release.webhook.cronjob_from_job and kind == "Job" and _cronjob_job_name(name):
                name, kind, api_version = name[:-11], "CronJob", "batch/v1beta1"
            fields["Name"] = name
            break
    if not fields["Name"]:
        fields["Name"] = meta.fields["Name"]
    return V.Struct(meta.type, fields), (api_version, kind)


def _cronjob_job_name(name: str) -> bool:
    """A Job named ``<cronjob>-<10-digit schedule time>``."""
    return len(name) > 11 and name[-11] == "-" and name[-10:].isdigit()

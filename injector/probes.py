"""Application probe rewriting (Istio's app_probe.go, 1.1-1.7, webhook only).

With mutual TLS the kubelet cannot reach an app's HTTP probes directly, so the
webhook points them at pilot-agent's status port (``/app-health/<container>/
readyz|livez|startupz``) and tells pilot-agent the original probes in the
sidecar's ``ISTIO_KUBE_APP_PROBERS`` environment variable. This module owns
that: whether to rewrite, the status port, the variable's JSON and the patch
operations. What differs by release is :class:`injector.versions.WebhookBehaviour`.
"""

from __future__ import annotations

import re
from typing import Any

from gotmpl import values as V

from . import gojson
from .versions import Release

__all__ = ["PROBERS_ENV", "should_rewrite", "status_port", "app_probers", "rewrite_ops", "find_sidecar"]

PROBERS_ENV = "ISTIO_KUBE_APP_PROBERS"
REWRITE_ANNOTATION = "sidecar.istio.io/rewriteAppHTTPProbers"
STATUS_PORT_ANNOTATION = "status.sidecar.istio.io/port"
PROXY = "istio-proxy"
_STATUS_PORT_ARG = re.compile(r"^-{1,2}statusPort(=(?P<port>\d+))?$")
# (Go field of the container, JSON name, the /app-health suffix), in the order Istio visits them.
_PROBES = (("ReadinessProbe", "readinessProbe", "readyz"), ("LivenessProbe", "livenessProbe", "livez"))
_STARTUP = (("StartupProbe", "startupProbe", "startupz"),)


def parse_bool(text: str) -> bool | None:
    """Go's strconv.ParseBool (None where it errors)."""
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None


def should_rewrite(release: Release, annotations: dict[str, str], template_says: bool) -> bool:
    """ShouldRewriteAppHTTPProbers: the annotation (1.2+) when it parses, else the template's rewriteAppHTTPProbe."""
    style = release.webhook.probe_rewrite
    if not style:
        return False
    if style == "annotation" and REWRITE_ANNOTATION in annotations:
        value = parse_bool(annotations[REWRITE_ANNOTATION])
        if value is not None:
            return value
    return template_says


def find_sidecar(containers: list[Any]) -> Any:
    """The first injected container named istio-proxy (None when the template has none)."""
    return next((c for c in containers if c.fields["Name"] == PROXY), None)


def status_port(release: Release, sidecar: Any, annotations: dict[str, str], mesh_status_port: int) -> int:
    """The port pilot-agent serves /app-health on: the sidecar's ``--statusPort``
    argument (1.1-1.5; -1 when absent or not a number), or the mesh's
    ``defaultConfig.statusPort`` unless the pod's annotation sets one (1.6+;
    an unparsable annotation gives 0, as Istio's Atoi error path does)."""
    if release.webhook.status_port_from == "mesh":
        if STATUS_PORT_ANNOTATION in annotations:
            try:
                return _atoi(annotations[STATUS_PORT_ANNOTATION])
            except ValueError:
                return 0
        return mesh_status_port
    if sidecar is None:
        return -1
    args = [str(a) for a in V.elements(sidecar.fields.get("Args")) or []]
    for i, arg in enumerate(args):
        m = _STATUS_PORT_ARG.match(arg.strip())
        if not m:
            continue
        text = m.group("port") or (args[i + 1] if i + 1 < len(args) else "")
        try:
            return _atoi(text)
        except ValueError:
            return -1
    return -1


def _atoi(text: str) -> int:
    """Go's strconv.Atoi: optional sign, decimal digits only, int64 range."""
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ValueError(text)
    n = int(text)
    if not -(2**63) <= n < 2**63:
        raise ValueError(text)
    return n


def _probes(release: Release) -> tuple[tuple[str, str, str], ...]:
    return _PROBES + (_STARTUP if release.webhook.replace_whole_probe else ())


def _http_get(probe: Any) -> Any:
    """A probe's HTTPGet action (None for nil probes and non-HTTP ones)."""
    if probe is None or V.is_nil(probe):
        return None
    handler = probe.target.fields.get("Handler") or probe.target.fields.get("ProbeHandler")
    action = handler.fields.get("HTTPGet")
    return None if action is None or V.is_nil(action) else action.target


def _resolve_named_port(container: Any, action: Any) -> bool:
    """Replace a named port by the container's number in place (Istio mutates
    the pod's probe too); False when the name is not among the ports."""
    port = action.fields["Port"]
    if int(port.fields["Type"].value) != 1:
        return True
    name = port.fields["StrVal"]
    for p in V.elements(container.fields.get("Ports")) or []:
        if p.fields["Name"] and p.fields["Name"] == name:
            action.fields["Port"] = gojson.int_or_string(int(V.unwrap_scalar(p.fields["ContainerPort"])))
            return True
    return False


def app_probers(release: Release, pod_spec: Any) -> str:
    """DumpAppProbers: the apps' HTTP probes as pilot-agent reads them, a JSON
    map (keys sorted, as Go marshals maps) from ``/app-health/<c>/<kind>`` to
    the HTTPGet action (1.7: ``{"httpGet": ..., "timeoutSeconds": ...}``)."""
    found: dict[str, Any] = {}
    for container in V.elements(pod_spec.fields.get("Containers")) or []:
        if container.fields["Name"] == PROXY:
            continue
        for field, _json, suffix in _probes(release):
            probe = container.fields.get(field)
            action = _http_get(probe)
            if action is None or not _resolve_named_port(container, action):
                continue
            key = f"/app-health/{container.fields['Name']}/{suffix}"
            if release.webhook.replace_whole_probe:
                prober: dict[str, Any] = {"httpGet": gojson.encode(action)}
                timeout = int(V.unwrap_scalar(probe.target.fields["TimeoutSeconds"]))
                if timeout:
                    prober["timeoutSeconds"] = timeout
                found[key] = prober
            else:
                found[key] = gojson.encode(action)
    return gojson.dumps(dict(sorted(found.items())))


def _rewritten_action(release: Release, action: Any, path: str, port: int) -> V.Struct:
    fields = dict(action.fields)
    fields["Path"] = path
    fields["Port"] = gojson.int_or_string(port)
    scheme = fields.get("Scheme")
    if release.webhook.probe_https_to_http and scheme is not None and V.unwrap_scalar(scheme) == "HTTPS":
        fields["Scheme"] = V.Typed(scheme.type, "HTTP")
    return V.Struct(action.type, fields)


def rewrite_ops(release: Release, pod_spec: Any, port: int) -> list[dict[str, Any]]:
    """createProbeRewritePatch: one ``replace`` per HTTP probe of every app
    container, at the container's index in the pod as received (Istio does not
    shift them for the removes earlier in the same patch)."""
    if port < 0 and release.webhook.status_port_from == "args":
        return []  # no --statusPort: pilot-agent serves no /app-health
    ops = []
    for i, container in enumerate(V.elements(pod_spec.fields.get("Containers")) or []):
        name = container.fields["Name"]
        if name == PROXY:
            continue
        for field, json_name, suffix in _probes(release):
            probe = container.fields.get(field)
            action = _http_get(probe)
            if action is None:
                continue
            new_action = _rewritten_action(release, action, f"/app-health/{name}/{suffix}", port)
            if release.webhook.replace_whole_probe:
                probe_fields = dict(probe.target.fields)
                handler_key = "Handler" if "Handler" in probe_fields else "ProbeHandler"
                handler = probe_fields[handler_key]
                handler_fields = dict(handler.fields)
                handler_fields["HTTPGet"] = V.Ptr(handler.fields["HTTPGet"].type, new_action)
                probe_fields[handler_key] = V.Struct(handler.type, handler_fields)
                value = gojson.encode(V.Struct(probe.target.type, probe_fields))
                ops.append({"op": "replace", "path": f"/spec/containers/{i}/{json_name}", "value": value})
            else:
                value = gojson.encode(new_action)
                ops.append({"op": "replace", "path": f"/spec/containers/{i}/{json_name}/httpGet", "value": value})
    return ops

"""AdmissionReview in, AdmissionReview out: the webhook's protocol, without HTTP.

This module owns what Istio's ``serveInject``/``inject`` do with one request
body: read the AdmissionReview (``admission.k8s.io/v1`` or ``v1beta1``), decode
the pod as Go's ``json.Unmarshal`` into ``corev1.Pod`` would, decide, render
and patch through :class:`injector.inject.Injector` and
:mod:`injector.patch`, and answer in the request's version with its ``uid``.
The HTTP side (TLS, limits, metrics, reloading) is :mod:`injector.webhook`.

Requests this cannot answer as an AdmissionReview (not JSON, no ``request`` or
no ``uid``) raise :class:`BadRequest`, which the server turns into an HTTP
error; everything else gets a well-formed review: ``allowed`` with a patch,
``allowed`` without one (skipped), or denied with ``status.message`` (Istio's
``toAdmissionResponse``: a render or decode failure denies the pod).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import time
from typing import Any

from . import gojson
from .inject import InjectionError, Injector, PodTarget, skip_reason
from .patch import create_patch, workload_meta

__all__ = ["BadRequest", "Outcome", "REVIEW_VERSIONS", "review", "parse_review"]

REVIEW_VERSIONS = ("admission.k8s.io/v1", "admission.k8s.io/v1beta1")


class BadRequest(ValueError):
    """A request that is not an AdmissionReview with a uid: answered with an HTTP error."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclasses.dataclass
class Outcome:
    """The answer to one review, and what the request log and metrics say about it."""

    api_version: str
    uid: str
    allowed: bool
    patch: bytes | None = None
    message: str = ""
    warnings: tuple[str, ...] = ()
    decision: str = "skipped"  # injected | skipped | denied
    reason: str = ""  # why skipped or denied, a short token for metrics
    namespace: str = ""
    name: str = ""  # the pod's name, or its generateName while the name is not yet known
    seconds: float = 0.0

    def body(self) -> bytes:
        """The AdmissionReview JSON, fields in the order Go's encoding/json writes
        AdmissionResponse (uid, allowed, status, patch, patchType, warnings)."""
        response: dict[str, Any] = {"uid": self.uid, "allowed": self.allowed}
        if self.message and not self.allowed:
            # metav1.Status: its ListMeta is a struct, so Go writes "metadata":{} always.
            response["status"] = {"metadata": {}, "message": self.message}
        if self.patch is not None:
            response["patch"] = base64.b64encode(self.patch).decode("ascii")
            response["patchType"] = "JSONPatch"
        if self.warnings:
            response["warnings"] = list(self.warnings)
        doc = {"kind": "AdmissionReview", "apiVersion": self.api_version, "response": response}
        return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def log_fields(self) -> dict[str, Any]:
        """One structured request-log record."""
        fields: dict[str, Any] = {
            "uid": self.uid,
            "namespace": self.namespace,
            "pod": self.name,
            "decision": self.decision,
        }
        if self.reason:
            fields["reason"] = self.reason
        if self.message:
            fields["message"] = self.message
        fields["duration_ms"] = round(self.seconds * 1000, 3)
        return fields


def parse_review(body: bytes) -> dict[str, Any]:
    """The AdmissionReview document of a request body; BadRequest when no uid can be read."""
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadRequest(f"request body is not JSON: {e}") from None
    if not isinstance(doc, dict):
        raise BadRequest(f"request body is a JSON {_json_kind(doc)}, want an AdmissionReview object")
    request = doc.get("request")
    if not isinstance(request, dict):
        raise BadRequest("AdmissionReview has no request object")
    uid = request.get("uid")
    if not isinstance(uid, str) or not uid:
        raise BadRequest("AdmissionReview request has no uid")
    return doc


def _json_kind(doc: Any) -> str:
    if isinstance(doc, list):
        return "array"
    if isinstance(doc, str):
        return "string"
    if doc is None:
        return "null"
    return "boolean" if isinstance(doc, bool) else "number"


def review(injector: Injector, body: bytes) -> Outcome:
    """Answer one AdmissionReview request body (BadRequest when it has no uid)."""
    started = time.perf_counter()
    doc = parse_review(body)
    outcome = _review(injector, doc)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _review(injector: Injector, doc: dict[str, Any]) -> Outcome:
    request = doc["request"]
    uid = request["uid"]
    api_version = doc.get("apiVersion")
    kind = doc.get("kind")
    if api_version not in REVIEW_VERSIONS or kind != "AdmissionReview":
        wanted = " or ".join(REVIEW_VERSIONS)
        return Outcome(
            REVIEW_VERSIONS[0],
            uid,
            False,
            message=f"unsupported review {api_version!r} {kind!r}: want kind AdmissionReview of {wanted}",
            decision="denied",
            reason="bad_review",
        )
    namespace = request.get("namespace") if isinstance(request.get("namespace"), str) else ""
    outcome = Outcome(api_version, uid, True, namespace=namespace)
    resource = request.get("kind")
    if isinstance(resource, dict) and (resource.get("kind"), resource.get("group", "")) != ("Pod", ""):
        return _skip(outcome, "not_pod", f"sidecar injector: {resource.get('kind')!r} is not a Pod; nothing injected")
    obj = request.get("object")
    if not isinstance(obj, dict):
        return _deny(outcome, "bad_object", "AdmissionReview request has no object (want the Pod being created)")
    try:
        pod = gojson.decode(obj, gojson.go_type("corev1.Pod", injector.release.kubernetes))
    except gojson.JSONError as e:
        where = f" (field {e.path})" if e.path else ""
        return _deny(outcome, "bad_object", f"could not decode the pod{where}: {e}")
    metadata, spec = pod.fields["ObjectMeta"], pod.fields["Spec"]
    outcome.name = metadata.fields["Name"] or metadata.fields["GenerateName"]
    if not metadata.fields["Namespace"] and injector.release.webhook.namespace_from_request:
        metadata.fields["Namespace"] = namespace  # the template sees it too
    # 0.5-1.0 decide on the pod's own namespace, often empty in a CREATE.
    reason = skip_reason(injector.release, injector.config, spec, metadata, metadata.fields["Namespace"])
    if not outcome.namespace:
        outcome.namespace = metadata.fields["Namespace"]
    if reason:
        return _skip(outcome, reason)
    try:
        owner, type_meta = workload_meta(injector.release, pod, namespace)
        target = PodTarget(metadata, spec, owner, type_meta[1], type_meta[0])
        outcome.patch = create_patch(injector, pod, target)
    except InjectionError as e:
        return _deny(outcome, "render_error", str(e))
    outcome.decision = "injected"
    return outcome


def _skip(outcome: Outcome, reason: str, warning: str = "") -> Outcome:
    outcome.decision, outcome.reason = "skipped", reason
    if warning:
        outcome.warnings = (warning,)
    return outcome


def _deny(outcome: Outcome, reason: str, message: str) -> Outcome:
    outcome.allowed, outcome.decision, outcome.reason, outcome.message = False, "denied", reason, message
    return outcome


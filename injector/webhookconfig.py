"""The webhook's registration: a MutatingWebhookConfiguration.

This module owns what Istio 0.5 shipped as the last document of
``istio-sidecar-injector.yaml`` plus ``webhook-patch-ca-bundle.sh`` (which
pasted the cluster CA into ``caBundle``): the object that tells the API
server to call our Service's ``/inject`` for every Pod CREATE in namespaces
labelled ``istio-injection=enabled``, trusting the CA that signed the
webhook's serving certificate (certs.py).

It is written for ``admissionregistration.k8s.io/v1`` (Kubernetes 1.16+;
v1beta1, which 0.5 used, was removed in 1.22), where ``sideEffects`` and
``admissionReviewVersions`` are required and ``timeoutSeconds`` is 1-30.
Every value is validated here, so a mistake is a one-line
WebhookConfigError instead of a rejection by the API server later.
"""

from __future__ import annotations

import base64
import datetime as _dt
import re

import yaml
from cryptography import x509

__all__ = [
    "FAILURE_POLICIES",
    "WebhookConfigError",
    "check_ca_bundle",
    "parse_namespace_selector",
    "webhook_configuration",
]

FAILURE_POLICIES = ("Fail", "Ignore")
_TIMEOUT_RANGE = (1, 30)

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
# Label names and values: at most 63 characters, alphanumerics at both ends,
# '-', '_' and '.' inside (Kubernetes' IsQualifiedName / IsValidLabelValue).
_LABEL_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\Z")


class WebhookConfigError(ValueError):
    """A one-line user error: which value is wrong and what is allowed."""


def parse_namespace_selector(text: str) -> dict[str, str]:
    """``key=value[,key=value]`` as matchLabels. Only equality: set-based
    expressions (``key``, ``key!=v``, ``key in (...)``) are refused rather
    than half-supported."""
    if not text.strip():
        raise WebhookConfigError(
            "empty namespace selector: it would send every namespace's pods, kube-system's too, "
            "to the webhook; give key=value"
        )
    labels: dict[str, str] = {}
    for item in text.split(","):
        key, value = _selector_item(item.strip(), text)
        if key in labels:
            raise WebhookConfigError(f"namespace selector {text!r}: label {key!r} given twice")
        labels[key] = value
    return labels


def _selector_item(item: str, text: str) -> tuple[str, str]:
    if item.count("=") != 1 or "!=" in item:
        raise WebhookConfigError(f"namespace selector {text!r}: {item!r} is not key=value (only key=value pairs, comma-separated)")
    key, value = (part.strip() for part in item.split("="))
    _check_label_key(key, text)
    if value and (not _LABEL_NAME.match(value) or len(value) > 63):
        raise WebhookConfigError(
            f"namespace selector {text!r}: invalid label value {value!r} "
            "(at most 63 characters: letters, digits, '-', '_', '.', alphanumeric at both ends)"
        )
    return key, value


def _check_label_key(key: str, text: str) -> None:
    prefix, _, name = key.rpartition("/")
    bad_prefix = "/" in key and (not prefix or not _SUBDOMAIN.match(prefix) or len(prefix) > 253)
    if bad_prefix or not _LABEL_NAME.match(name) or len(name) > 63:
        raise WebhookConfigError(
            f"namespace selector {text!r}: invalid label key {key!r} "
            "(an optional DNS-subdomain prefix and '/', then at most 63 characters: "
            "letters, digits, '-', '_', '.', alphanumeric at both ends)"
        )


def check_ca_bundle(pem: bytes) -> list[x509.Certificate]:
    """The certificates of a caBundle, refused if there are none, if one is
    expired, or if one is a leaf certificate (the serving ``cert.pem``
    instead of ``ca-cert.pem`` is the likely mix-up: the API server could
    not verify the webhook with it)."""
    try:
        certs = x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise WebhookConfigError("no PEM certificate found (expected the CA certificate, ca-cert.pem)") from None
    now = _dt.datetime.now(_dt.UTC)
    for i, cert in enumerate(certs, 1):
        where = f"certificate {i} ({cert.subject.rfc4514_string() or 'no subject'})"
        if cert.not_valid_after_utc <= now:
            raise WebhookConfigError(f"{where} expired on {cert.not_valid_after_utc:%Y-%m-%d}")
        if not _is_ca(cert) and cert.issuer != cert.subject:
            raise WebhookConfigError(
                f"{where} is not a CA certificate; pass the CA that signed the serving certificate (ca-cert.pem, not cert.pem)"
            )
    return certs


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def webhook_configuration(
    ca_bundle_pem: bytes,
    service: str = "istio-sidecar-injector",
    namespace: str = "istio-system",
    name: str = "istio-sidecar-injector",
    webhook_name: str = "sidecar-injector.istio.io",
    path: str = "/inject",
    port: int = 443,
    namespace_selector: str = "istio-injection=enabled",
    failure_policy: str = "Fail",
    timeout_seconds: int = 10,
) -> str:
    """The MutatingWebhookConfiguration as YAML (same input, same bytes)."""
    check_ca_bundle(ca_bundle_pem)
    _check_names(service, namespace, name, webhook_name, path)
    _check_int(port, "service port", 1, 65535)
    if failure_policy not in FAILURE_POLICIES:
        raise WebhookConfigError(f"invalid failure policy {failure_policy!r}: must be Fail or Ignore")
    _check_int(timeout_seconds, "timeoutSeconds", *_TIMEOUT_RANGE)
    webhook = {
        "name": webhook_name,
        "clientConfig": {
            "service": {"name": service, "namespace": namespace, "path": path, "port": port},
            "caBundle": base64.b64encode(ca_bundle_pem).decode("ascii"),
        },
        "rules": [{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}],
        "namespaceSelector": {"matchLabels": parse_namespace_selector(namespace_selector)},
        "failurePolicy": failure_policy,
        "sideEffects": "None",
        "admissionReviewVersions": ["v1", "v1beta1"],
        "timeoutSeconds": timeout_seconds,
    }
    manifest = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingWebhookConfiguration",
        "metadata": {"name": name},
        "webhooks": [webhook],
    }
    return yaml.safe_dump(manifest, sort_keys=False, default_flow_style=False, width=1 << 30)


def _check_names(service: str, namespace: str, name: str, webhook_name: str, path: str) -> None:
    for value, what in ((service, "service"), (namespace, "namespace")):
        if not _DNS_LABEL.match(value) or len(value) > 63:
            raise WebhookConfigError(f"invalid {what} name {value!r}: must be a lowercase RFC 1123 label")
    if not _SUBDOMAIN.match(name) or len(name) > 253:
        raise WebhookConfigError(f"invalid configuration name {name!r}: must be a lowercase RFC 1123 subdomain")
    # The v1 API wants a fully qualified name: at least three DNS segments.
    if not _SUBDOMAIN.match(webhook_name) or webhook_name.count(".") < 2:
        raise WebhookConfigError(f"invalid webhook name {webhook_name!r}: must be fully qualified, e.g. sidecar-injector.istio.io")
    if not path.startswith("/"):
        raise WebhookConfigError(f"invalid webhook path {path!r}: must start with '/'")


def _check_int(value: int, what: str, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise WebhookConfigError(f"invalid {what} {value!r}: must be an integer from {low} to {high}")

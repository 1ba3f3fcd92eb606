"""What differs between Istio releases, in one table.

Every behaviour of the injector that changed between Istio 0.5 and 1.8 is a
field of :class:`Release` here, and nowhere else: the template delimiters, the
fields of SidecarTemplateData and of SidecarInjectionSpec, the status
annotation, the kinds ``kube-inject`` handles, the parts of the inject config a
release reads, and the post-processing after the template. The function set
itself is :func:`injector.funcs.istio_funcs` (keyed by the same version) and the
mesh types and defaults are :mod:`injector.meshconfig`.

Sources: ../shared/notes/istio-research.md (read from Istio's Go sources at
each tag), the goldens under ../shared/upstream/istio, and Istio's pull
requests where the notes are silent (cited at the entry). Where a fact could not
be established from a primary source, the entry says what is assumed.
"""

from __future__ import annotations

import dataclasses
import re

__all__ = [
    "Release",
    "WebhookBehaviour",
    "RELEASES",
    "DEFAULT_VERSION",
    "release",
    "parse_version",
    "VersionError",
]

# Kinds kube-inject decodes and injects, as (apiVersion, kind). A document of
# any other kind is copied through byte for byte.
_KINDS_05 = frozenset(
    {
        ("v1", "ReplicationController"),
        ("extensions/v1beta1", "Deployment"),
        ("extensions/v1beta1", "DaemonSet"),
        ("extensions/v1beta1", "ReplicaSet"),
        ("batch/v1", "Job"),
        ("batch/v2alpha1", "CronJob"),
        ("apps/v1beta1", "StatefulSet"),
    }
)
# 0.6 adds List (items injected one by one) and OpenShift's DeploymentConfig
# under its group and its legacy core version (notes, section 6).
_KINDS_06 = _KINDS_05 | {
    ("v1", "List"),
    ("apps.openshift.io/v1", "DeploymentConfig"),
    ("v1", "DeploymentConfig"),
}
# 1.0 adds Pod (istio/istio#6903, merged 2018-07 for 1.0).
_KINDS_10 = _KINDS_06 | {("v1", "Pod")}
# Assumed: the apps/v1 workload kinds (GA since Kubernetes 1.9) and
# batch/v1beta1 CronJob are decoded from 1.1 on; no primary source was
# available for the release that added them.
_KINDS_11 = _KINDS_10 | {
    ("apps/v1", "Deployment"),
    ("apps/v1", "DaemonSet"),
    ("apps/v1", "ReplicaSet"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1beta1", "Deployment"),
    ("apps/v1beta2", "Deployment"),
    ("apps/v1beta2", "DaemonSet"),
    ("apps/v1beta2", "ReplicaSet"),
    ("apps/v1beta2", "StatefulSet"),
    ("batch/v1beta1", "CronJob"),
}

_SPEC_05 = ("InitContainers", "Containers", "Volumes")
_STATUS_05 = ("version", "initContainers", "containers", "volumes")


@dataclasses.dataclass(frozen=True)
class WebhookBehaviour:
    """What the release's webhook (webhook.go, createPatch, app_probe.go) does.

    Sources: Istio's webhook.go/app_probe.go/inject.go as stored in the
    public code index (istio/istio and forks, placed in releases by content;
    no release tag could be opened), checked against the 0.5.0 and 1.1.17
    webhook goldens. 1.4 was not seen and is interpolated between 1.3 and
    the 1.5 development branch; entries marked "assumed" had no primary source.

    Not here on purpose: Istio before 1.7 read only ``admission.k8s.io/v1beta1``
    reviews and wrote no apiVersion/kind in its answer; every release here
    accepts v1 and v1beta1 and answers in the request's version, which API
    servers since 1.16 need and older ones accept.
    """

    # 0.5's rfc6902PatchOperation had no omitempty: removes carry "value":null.
    remove_value_null: bool
    # 0.5-1.0 give the injected parts the API server's defaults first
    # (applyDefaultsWorkaround, kubernetes/kubernetes#57982).
    api_defaults: bool
    # 1.1+ fill an empty pod namespace from the request before deciding.
    namespace_from_request: bool
    # Probe rewriting through pilot-agent: "" (none), "template" (1.1: the
    # template's rewriteAppHTTPProbe), "annotation" (1.2+: the
    # sidecar.istio.io/rewriteAppHTTPProbers annotation overrides it).
    probe_rewrite: str
    # Where the status port of rewritten probes comes from: "args" (the
    # sidecar's --statusPort, 1.1-1.5) or "mesh" (defaultConfig.statusPort or
    # the status.sidecar.istio.io/port annotation, 1.6+).
    status_port_from: str
    # 1.2+: an HTTPS probe is rewritten to HTTP (pilot-agent probes plain HTTP).
    probe_https_to_http: bool
    # 1.7: whole probes are replaced (startupProbe too) and the ops come first;
    # before, each probe's httpGet is replaced after the annotations.
    replace_whole_probe: bool
    # 1.1+: the app's service-account token mount is copied to istio-proxy, and
    # the pod's securityContext is re-added (add /spec/securityContext).
    sa_token_mount: bool
    security_context_op: bool
    # fsGroup 1337 for SDS: "" (never), "token-mount" (1.1-1.2: SdsUdsPath and
    # EnableSdsTokenMount, replacing the pod securityContext), "sds" (1.3-1.6:
    # SdsUdsPath, replacing), "merge" (1.7: SdsUdsPath, set on the existing one).
    sds_fs_group: str
    # 1.3+: DeploymentMeta/TypeMeta from the pod's controller (1.7: also a
    # Job named like a CronJob's).
    workload_from_owner: bool
    cronjob_from_job: bool
    # Labels added: 1.4+ security.istio.io/tlsMode (assumed for 1.4; seen in
    # 1.5 development), 1.6+ canonical service name/revision and istio.io/rev.
    tls_mode_label: bool
    canonical_labels: bool
    # 1.7: Prometheus metrics merging (prometheus.io annotations rewritten,
    # the app's kept in ISTIO_PROMETHEUS_ANNOTATIONS) and istio-proxy first
    # when holdApplicationUntilProxyStarts.
    prometheus_merge: bool
    hold_application: bool
    # 1.8: createPatch also labels the pod topology.istio.io/network with
    # topologyValues(sic), the value of the ISTIO_META_NETWORK env var of the
    # rendered containers, when non-empty; it joins the other added labels
    # (sorted, left alone when the pod sets it). Sources: a 1.8-era
    # createPatch quoted in the public code index (read_file id 5259217300,
    # ``if network := topologyValues(sic); network != "" {
    # patchLabels[label.IstioNetwork] = network }``), topologyValues' body on
    # stevenctl/istio@4c749c9d pkg/kube/inject/webhook.go (istio/istio#25554,
    # merged for 1.8), and istio/istio#30377 (1.9's rewrite dropped it).
    network_label: bool


def _webhook(version: tuple[int, int]) -> WebhookBehaviour:
    return WebhookBehaviour(
        remove_value_null=version < (0, 6),
        api_defaults=version < (1, 1),
        namespace_from_request=version >= (1, 1),
        probe_rewrite="" if version < (1, 1) else "template" if version < (1, 2) else "annotation",
        status_port_from="args" if version < (1, 6) else "mesh",
        probe_https_to_http=version >= (1, 2),
        replace_whole_probe=version >= (1, 7),
        sa_token_mount=version >= (1, 1),
        security_context_op=version >= (1, 1),
        sds_fs_group="" if version < (1, 1) else "token-mount" if version < (1, 3) else "sds" if version < (1, 7) else "merge",
        workload_from_owner=version >= (1, 3),
        cronjob_from_job=version >= (1, 7),
        tls_mode_label=version >= (1, 4),
        canonical_labels=version >= (1, 6),
        prometheus_merge=version >= (1, 7),
        hold_application=version >= (1, 7),
        network_label=version >= (1, 8),
    )


@dataclasses.dataclass(frozen=True)
class Release:
    """One Istio minor release as the injector sees it."""

    version: tuple[int, int]
    # Delimiters the injector parses its template with.
    delims: tuple[str, str]
    # SidecarTemplateData's extra fields beyond ObjectMeta, Spec, ProxyConfig,
    # MeshConfig, in declaration order.
    extra_data: tuple[str, ...]
    # SidecarInjectionSpec's Go fields, in declaration order.
    spec_fields: tuple[str, ...]
    # Keys of the sidecar.istio.io/status JSON, in order.
    status_fields: tuple[str, ...]
    kube_inject_kinds: frozenset[tuple[str, str]]
    # Inject config fields read besides policy and template.
    config_fields: tuple[str, ...]
    # Protobuf generator of the mesh types: "golang" (0.5-1.0) or "gogo" (1.1-1.13).
    proto: str
    # 0.5-1.0 parse the template with template.Must: a parse error panics.
    parse_panics: bool
    # The Kubernetes API (k8s.io/api) the release vendored: its decoder drops
    # fields Kubernetes added later (see injector.kubehistory).
    kubernetes: tuple[int, int]
    # 1.1-1.8 append "--concurrency N" to istio-proxy from its CPU limit or
    # request when the template did not set it (istio/istio#11311, removed by
    # #29380 for 1.9).
    concurrency_from_cpu: bool
    # How the admission webhook of the release answers (see WebhookBehaviour).
    webhook: "WebhookBehaviour"

    @property
    def name(self) -> str:
        return "%d.%d" % self.version

    @property
    def has_selectors(self) -> bool:
        return "NeverInjectSelector" in self.config_fields


def _release(
    version: tuple[int, int],
    delims: tuple[str, str],
    extra_data: tuple[str, ...] = (),
    spec_extra: tuple[str, ...] = (),
    status_extra: tuple[str, ...] = (),
    kinds: frozenset[tuple[str, str]] = _KINDS_05,
    config_fields: tuple[str, ...] = (),
) -> Release:
    return Release(
        version=version,
        delims=delims,
        extra_data=extra_data,
        spec_fields=_SPEC_05 + spec_extra,
        status_fields=_STATUS_05 + status_extra,
        kube_inject_kinds=kinds,
        config_fields=config_fields,
        proto="golang" if version < (1, 1) else "gogo",
        parse_panics=version < (1, 1),
        concurrency_from_cpu=(1, 1) <= version <= (1, 8),
        webhook=_webhook(version),
        kubernetes=_KUBERNETES[version],
    )


# k8s.io/api of each release (Gopkg.lock / go.mod of the tags; 0.5's is
# release-1.9 per ../shared/gotypes; the others are the Kubernetes minor each
# Istio release was built and tested against).
_KUBERNETES = {
    (0, 5): (1, 9),
    (0, 6): (1, 9),
    (0, 7): (1, 9),
    (0, 8): (1, 10),
    (1, 0): (1, 11),
    (1, 1): (1, 13),
    (1, 2): (1, 14),
    (1, 3): (1, 15),
    (1, 4): (1, 16),
    (1, 5): (1, 17),
    (1, 6): (1, 18),
    (1, 7): (1, 18),
    (1, 8): (1, 19),
}

_BRACES = ("{{", "}}")
_BRACKETS = ("[[", "]]")
_PULL = ("ImagePullSecrets",)
_SPEC_11 = _PULL + ("RewriteAppHTTPProbe", "DNSConfig")
_SPEC_13 = _SPEC_11 + ("PodRedirectAnnot",)
_SPEC_17 = _SPEC_13 + ("HoldApplicationUntilProxyStarts",)
_SELECTORS = ("NeverInjectSelector", "AlwaysInjectSelector")
_INJECTED = _SELECTORS + ("InjectedAnnotations",)

RELEASES: dict[tuple[int, int], Release] = {
    r.version: r
    for r in (
        _release((0, 5), _BRACES),
        _release((0, 6), _BRACES, kinds=_KINDS_06),
        _release((0, 7), _BRACES, kinds=_KINDS_06),
        _release((0, 8), _BRACKETS, spec_extra=_PULL, status_extra=("imagePullSecrets",), kinds=_KINDS_06),
        _release((1, 0), _BRACKETS, spec_extra=_PULL, status_extra=("imagePullSecrets",), kinds=_KINDS_10),
        _release(
            (1, 1),
            _BRACKETS,
            ("DeploymentMeta",),
            _SPEC_11,
            ("imagePullSecrets",),
            _KINDS_11,
            _SELECTORS,
        ),
        _release(
            (1, 2),
            _BRACES,
            ("DeploymentMeta", "Values"),
            _SPEC_11,
            ("imagePullSecrets",),
            _KINDS_11,
            _SELECTORS,
        ),
        _release(
            (1, 3),
            _BRACES,
            ("DeploymentMeta", "Values", "TypeMeta"),
            _SPEC_13,
            ("imagePullSecrets",),
            _KINDS_11,
            _SELECTORS,
        ),
        *(
            _release(
                (1, minor),
                _BRACES,
                ("DeploymentMeta", "Values", "TypeMeta"),
                _SPEC_17 if minor >= 7 else _SPEC_13,
                ("imagePullSecrets",),
                _KINDS_11,
                _INJECTED,
            )
            for minor in (4, 5, 6, 7, 8)
        ),
    )
}

# The release used when none is asked for. 1.8 (the last of the
# SidecarInjectionSpec era, with sprig merged under Istio's functions) is
# supported too; the default stays on the release whose webhook is fully
# modelled (1.8's network label from topologyValues is, but not InjectionData's
# rewrite of istio-proxy's ISTIO_META_NETWORK/ISTIO_META_CLUSTER_ID env from
# values.global.network, multiCluster.clusterName and the pod's network label).
DEFAULT_VERSION = (1, 7)


class VersionError(ValueError):
    """An --istio-version the injector does not know."""


_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")


def parse_version(text: str) -> tuple[int, int, int]:
    """``"1.1"`` / ``"1.1.17"`` / ``"v1.1.17"`` as (major, minor, patch); patch None as 99."""
    m = _VERSION.fullmatch(text.strip())
    if not m:
        raise VersionError(f"invalid Istio version {text!r}: want X.Y or X.Y.Z")
    patch = int(m.group(3)) if m.group(3) is not None else 99
    return int(m.group(1)), int(m.group(2)), patch


def release(version: str | tuple[int, ...] = DEFAULT_VERSION) -> Release:
    """The :class:`Release` of an Istio version (``"1.1.17"``, ``"0.5"``, (1, 1))."""
    if isinstance(version, str):
        version = parse_version(version)
    key = (version[0], version[1])
    if key not in RELEASES:
        known = ", ".join(r.name for r in RELEASES.values())
        raise VersionError(f"Istio {key[0]}.{key[1]} is not supported: known releases are {known}")
    return RELEASES[key]

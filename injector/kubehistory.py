"""Which Kubernetes API each Istio release was built with, and the fields that
Kubernetes added after 1.9 to the types the injector decodes.

The generated Go types (:mod:`injector.k8stypes`) come from k8s.io/api v0.36.
An Istio 0.5-1.8 binary vendored a much older k8s.io/api, and its decoder drops
every field its structs lack: Istio 0.5's own template writes ``restartPolicy:
Always`` into its containers, which Kubernetes 1.9's Container does not have,
so it never reaches the output. :mod:`injector.gojson` builds each type as it
was in the release's Kubernetes by leaving out the fields listed here as added
later, and gives renamed types their old Go names.

The Kubernetes version of each Istio release is ``Release.kubernetes`` in
:mod:`injector.versions`; the ``added`` versions
are the Kubernetes releases whose API first carried the field (alpha fields
included: the Go struct has them from then on). Fields of types the injector
only passes through (statuses, volume plugins) are listed where their absence
would change an output; the rest is the newest API.
"""

from __future__ import annotations

__all__ = ["ADDED", "RENAMED", "has_field", "go_name"]

Version = tuple[int, int]

# (type key, Go field) -> the Kubernetes minor release that added the field.
ADDED: dict[tuple[str, str], Version] = {
    ("corev1.Container", "StartupProbe"): (1, 16),
    ("corev1.Container", "ResizePolicy"): (1, 27),
    ("corev1.Container", "RestartPolicy"): (1, 28),
    ("corev1.Container", "RestartPolicyRules"): (1, 34),
    ("corev1.PodSpec", "ShareProcessNamespace"): (1, 10),
    ("corev1.PodSpec", "ReadinessGates"): (1, 11),
    ("corev1.PodSpec", "RuntimeClassName"): (1, 12),
    ("corev1.PodSpec", "EnableServiceLinks"): (1, 13),
    ("corev1.PodSpec", "PreemptionPolicy"): (1, 15),
    ("corev1.PodSpec", "EphemeralContainers"): (1, 16),
    ("corev1.PodSpec", "Overhead"): (1, 16),
    ("corev1.PodSpec", "TopologySpreadConstraints"): (1, 16),
    ("corev1.PodSpec", "SetHostnameAsFQDN"): (1, 19),
    ("corev1.PodSpec", "OS"): (1, 23),
    ("corev1.PodSpec", "HostUsers"): (1, 25),
    ("corev1.PodSpec", "SchedulingGates"): (1, 26),
    ("corev1.PodSpec", "ResourceClaims"): (1, 26),
    ("corev1.PodSpec", "Resources"): (1, 32),
    ("corev1.PodSpec", "HostnameOverride"): (1, 34),
    ("corev1.PodSpec", "SchedulingGroup"): (1, 35),
    ("corev1.SecurityContext", "RunAsGroup"): (1, 10),
    ("corev1.SecurityContext", "ProcMount"): (1, 12),
    ("corev1.SecurityContext", "WindowsOptions"): (1, 14),
    ("corev1.SecurityContext", "SeccompProfile"): (1, 19),
    ("corev1.SecurityContext", "AppArmorProfile"): (1, 30),
    ("corev1.PodSecurityContext", "RunAsGroup"): (1, 10),
    ("corev1.PodSecurityContext", "Sysctls"): (1, 11),
    ("corev1.PodSecurityContext", "WindowsOptions"): (1, 14),
    ("corev1.PodSecurityContext", "FSGroupChangePolicy"): (1, 18),
    ("corev1.PodSecurityContext", "SeccompProfile"): (1, 19),
    ("corev1.PodSecurityContext", "AppArmorProfile"): (1, 30),
    ("corev1.PodSecurityContext", "SupplementalGroupsPolicy"): (1, 31),
    ("corev1.PodSecurityContext", "SELinuxChangePolicy"): (1, 32),
    ("corev1.Probe", "TerminationGracePeriodSeconds"): (1, 21),
    ("corev1.ProbeHandler", "GRPC"): (1, 23),
    ("corev1.Lifecycle", "StopSignal"): (1, 33),
    ("corev1.LifecycleHandler", "Sleep"): (1, 29),
    ("corev1.VolumeMount", "SubPathExpr"): (1, 14),
    ("corev1.VolumeMount", "RecursiveReadOnly"): (1, 30),
    ("corev1.VolumeSource", "CSI"): (1, 14),
    ("corev1.VolumeSource", "Ephemeral"): (1, 19),
    ("corev1.VolumeSource", "Image"): (1, 31),
    ("corev1.VolumeProjection", "ServiceAccountToken"): (1, 11),
    ("corev1.VolumeProjection", "ClusterTrustBundle"): (1, 29),
    ("corev1.VolumeProjection", "PodCertificate"): (1, 34),
    ("corev1.ResourceRequirements", "Claims"): (1, 26),
    ("corev1.EnvVarSource", "FileKeyRef"): (1, 34),
    ("corev1.PodAffinityTerm", "NamespaceSelector"): (1, 21),
    ("corev1.PodAffinityTerm", "MatchLabelKeys"): (1, 29),
    ("corev1.PodAffinityTerm", "MismatchLabelKeys"): (1, 29),
    ("corev1.TopologySpreadConstraint", "MinDomains"): (1, 24),
    ("corev1.TopologySpreadConstraint", "NodeAffinityPolicy"): (1, 25),
    ("corev1.TopologySpreadConstraint", "NodeTaintsPolicy"): (1, 25),
    ("corev1.TopologySpreadConstraint", "MatchLabelKeys"): (1, 25),
    ("corev1.PersistentVolumeClaimSpec", "DataSource"): (1, 12),
    ("corev1.PersistentVolumeClaimSpec", "DataSourceRef"): (1, 22),
    ("corev1.PersistentVolumeClaimSpec", "VolumeAttributesClassName"): (1, 29),
    ("corev1.PersistentVolumeClaimStatus", "AllocatedResources"): (1, 24),
    ("corev1.PersistentVolumeClaimStatus", "AllocatedResourceStatuses"): (1, 28),
    ("corev1.PersistentVolumeClaimStatus", "CurrentVolumeAttributesClassName"): (1, 29),
    ("corev1.PersistentVolumeClaimStatus", "ModifyVolumeStatus"): (1, 29),
    ("metav1.ObjectMeta", "ManagedFields"): (1, 14),
    ("appsv1.StatefulSetSpec", "MinReadySeconds"): (1, 22),
    ("appsv1.StatefulSetSpec", "PersistentVolumeClaimRetentionPolicy"): (1, 23),
    ("appsv1.StatefulSetSpec", "Ordinals"): (1, 26),
    ("appsv1.StatefulSetStatus", "AvailableReplicas"): (1, 22),
    ("appsv1.DeploymentStatus", "TerminatingReplicas"): (1, 33),
    ("appsv1.ReplicaSetStatus", "TerminatingReplicas"): (1, 33),
    ("appsv1.RollingUpdateDaemonSet", "MaxSurge"): (1, 21),
    ("batchv1.JobSpec", "TTLSecondsAfterFinished"): (1, 12),
    ("batchv1.JobSpec", "CompletionMode"): (1, 21),
    ("batchv1.JobSpec", "Suspend"): (1, 21),
    ("batchv1.JobSpec", "PodFailurePolicy"): (1, 25),
    ("batchv1.JobSpec", "BackoffLimitPerIndex"): (1, 28),
    ("batchv1.JobSpec", "MaxFailedIndexes"): (1, 28),
    ("batchv1.JobSpec", "PodReplacementPolicy"): (1, 28),
    ("batchv1.JobSpec", "SuccessPolicy"): (1, 30),
    ("batchv1.JobSpec", "ManagedBy"): (1, 30),
    ("batchv1.JobStatus", "CompletedIndexes"): (1, 21),
    ("batchv1.JobStatus", "UncountedTerminatedPods"): (1, 21),
    ("batchv1.JobStatus", "Ready"): (1, 23),
    ("batchv1.JobStatus", "Terminating"): (1, 28),
    ("batchv1.JobStatus", "FailedIndexes"): (1, 28),
    ("batchv1.CronJobSpec", "TimeZone"): (1, 24),
    ("batchv1.CronJobStatus", "LastSuccessfulTime"): (1, 21),
}

# Types Kubernetes renamed: (type key) -> (the last minor with the old name,
# the old Go type name, the old name of the embedded field holding it).
# Probe embedded "Handler" (v1.Handler, also Lifecycle's) until 1.22.
RENAMED: dict[str, tuple[Version, str, str]] = {
    "corev1.ProbeHandler": ((1, 22), "v1.Handler", "Handler"),
    "corev1.LifecycleHandler": ((1, 22), "v1.Handler", "Handler"),
}


def has_field(type_key: str, field: str, kube: Version | None) -> bool:
    """Whether the Go struct had the field in Kubernetes ``kube`` (None: newest)."""
    if kube is None:
        return True
    added = ADDED.get((type_key, field))
    return added is None or added <= kube


def go_name(type_key: str, current: str, kube: Version | None) -> tuple[str, str | None]:
    """(Go type name, old embedded field name or None) of a type in Kubernetes ``kube``."""
    renamed = RENAMED.get(type_key)
    if kube is None or renamed is None or kube > renamed[0]:
        return current, None
    return renamed[1], renamed[2]

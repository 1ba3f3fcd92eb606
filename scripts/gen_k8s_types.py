#!/usr/bin/env python3
"""Generate injector/k8stypes.py: the Kubernetes Go types kube-inject decodes.

This script owns the translation of ``../shared/gotypes/k8s-core-v1.json`` (Go
types extracted with go/parser from kubernetes/api and apimachinery v0.36.3)
into a compact Python table, plus the hand-written definitions of the workload
wrappers that file lacks but Istio's kube-inject (0.5-1.8) handles: the
Kubernetes 1.9-era API versions (extensions/v1beta1, apps/v1beta1,
batch/v2alpha1, batch/v1beta1), core v1 ReplicationController and List, and
OpenShift's DeploymentConfig.

usage: python scripts/gen_k8s_types.py [--gotypes PATH] [--out PATH] [--check]

``--check`` exits 1 (printing nothing else) when the committed output differs
from what would be generated.

It also carries over the file's ``generatedStringFormats``: how the String()
method that gogo-protobuf generated in each package's ``generated.pb.go``
prints a struct (``&Container{Name:hello,...}``), as ``STRING_FORMATS``,
which injector/gojson.py turns into that pointer-receiver method.

Table format (see the header of the generated file): ``TYPES[key]`` with key
``alias.Name`` (``corev1.Container``) is ``(go_name, package_path, kind,
payload)``. ``go_name`` is how Go prints the type (``v1.Container``). For kind
``"struct"`` the payload is a tuple of fields ``(name, type, json, flags)``:
``type`` is a Go type expression whose named types are alias-qualified keys of
TYPES (or ``time.Time``), ``json`` the json tag name ("" when the tag has no
name), ``flags`` a string of: ``o`` omitempty, ``z`` omitzero, ``i`` the
``inline`` option (which encoding/json ignores), ``e`` embedded (anonymous)
field, ``-`` json:"-", ``u`` unexported. For kind ``"named"`` the
payload is the underlying type expression.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import pprint
import sys
from typing import Any

REPO = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_GOTYPES = REPO.parent / "shared" / "gotypes" / "k8s-core-v1.json"
DEFAULT_OUT = REPO / "injector" / "k8stypes.py"

Field = tuple[str, str, str, str]

# --- hand-written types (NOT from the gotypes file) ------------------------------------------
#
# Field lists follow the Kubernetes release-1.9 sources (the Kubernetes that
# Istio 0.5 vendored) and openshift/api apps/v1 of 2018, written from reading
# those API definitions: only names, types and json tags matter here. Where a
# field was added later it is left out, so that decoding drops it as 1.9 did.

# Go package name (as %T prints it) and import path of every hand-made package alias.
HAND_PACKAGES: dict[str, tuple[str, str]] = {
    "extensionsv1beta1": ("v1beta1", "k8s.io/api/extensions/v1beta1"),
    "appsv1beta1": ("v1beta1", "k8s.io/api/apps/v1beta1"),
    "batchv1beta1": ("v1beta1", "k8s.io/api/batch/v1beta1"),
    "batchv2alpha1": ("v2alpha1", "k8s.io/api/batch/v2alpha1"),
    "openshiftappsv1": ("v1", "github.com/openshift/api/apps/v1"),
    "inf": ("inf", "gopkg.in/inf.v0"),
    "big": ("big", "math/big"),
}


def _f(name: str, typ: str, json_name: str, flags: str = "") -> Field:
    return (name, typ, json_name, flags)


def _o(name: str, typ: str, json_name: str) -> Field:
    return (name, typ, json_name, "o")


TYPE_META = _f("TypeMeta", "metav1.TypeMeta", "", "ie")
OBJECT_META = _f("ObjectMeta", "metav1.ObjectMeta", "metadata", "eo")


def _workload(alias: str, name: str) -> tuple[Field, ...]:
    """The usual TypeMeta/ObjectMeta/Spec/Status shape of a top-level object."""
    return (
        TYPE_META,
        OBJECT_META,
        _o("Spec", f"{alias}.{name}Spec", "spec"),
        _o("Status", f"{alias}.{name}Status", "status"),
    )


def _condition(time_fields: tuple[str, ...], type_name: str) -> tuple[Field, ...]:
    fields = [_f("Type", type_name, "type"), _f("Status", "corev1.ConditionStatus", "status")]
    for t in time_fields:
        fields.append(_o(t, "metav1.Time", t[0].lower() + t[1:]))
    fields += [_o("Reason", "string", "reason"), _o("Message", "string", "message")]
    return tuple(fields)


def hand_structs() -> dict[str, tuple[str, tuple[Field, ...]]]:
    """alias.Name -> (package alias, fields) of every hand-written struct."""
    s: dict[str, tuple[Field, ...]] = {}

    # meta/v1 ListMeta and runtime.RawExtension (for v1 List).
    s["metav1.ListMeta"] = (
        _o("SelfLink", "string", "selfLink"),
        _o("ResourceVersion", "string", "resourceVersion"),
        _o("Continue", "string", "continue"),
    )
    # RawExtension marshals its Raw bytes itself (gojson treats it specially);
    # Object is a runtime.Object interface in Go.
    s["runtime.RawExtension"] = (
        _f("Raw", "[]byte", "-", "-"),
        _f("Object", "interface{}", "-", "-"),
    )
    # core/v1 List and ReplicationController.
    s["corev1.List"] = (
        TYPE_META,
        _f("ListMeta", "metav1.ListMeta", "metadata", "eo"),
        _f("Items", "[]runtime.RawExtension", "items"),
    )
    s["corev1.ReplicationController"] = _workload("corev1", "ReplicationController")
    s["corev1.ReplicationControllerSpec"] = (
        _o("Replicas", "*int32", "replicas"),
        _o("MinReadySeconds", "int32", "minReadySeconds"),
        _o("Selector", "map[string]string", "selector"),
        _o("Template", "*corev1.PodTemplateSpec", "template"),
    )
    s["corev1.ReplicationControllerStatus"] = (
        _f("Replicas", "int32", "replicas"),
        _o("FullyLabeledReplicas", "int32", "fullyLabeledReplicas"),
        _o("ReadyReplicas", "int32", "readyReplicas"),
        _o("AvailableReplicas", "int32", "availableReplicas"),
        _o("ObservedGeneration", "int64", "observedGeneration"),
        _o("Conditions", "[]corev1.ReplicationControllerCondition", "conditions"),
    )
    s["corev1.ReplicationControllerCondition"] = _condition(
        ("LastTransitionTime",), "corev1.ReplicationControllerConditionType"
    )

    # extensions/v1beta1 Deployment, DaemonSet, ReplicaSet.
    x = "extensionsv1beta1"
    for kind in ("Deployment", "DaemonSet", "ReplicaSet"):
        s[f"{x}.{kind}"] = _workload(x, kind)
    s[f"{x}.DeploymentSpec"] = (
        _o("Replicas", "*int32", "replicas"),
        _o("Selector", "*metav1.LabelSelector", "selector"),
        _f("Template", "corev1.PodTemplateSpec", "template"),
        _o("Strategy", f"{x}.DeploymentStrategy", "strategy"),
        _o("MinReadySeconds", "int32", "minReadySeconds"),
        _o("RevisionHistoryLimit", "*int32", "revisionHistoryLimit"),
        _o("Paused", "bool", "paused"),
        _o("RollbackTo", f"*{x}.RollbackConfig", "rollbackTo"),
        _o("ProgressDeadlineSeconds", "*int32", "progressDeadlineSeconds"),
    )
    s[f"{x}.RollbackConfig"] = (_o("Revision", "int64", "revision"),)
    s[f"{x}.DeploymentStrategy"] = (
        _o("Type", f"{x}.DeploymentStrategyType", "type"),
        _o("RollingUpdate", f"*{x}.RollingUpdateDeployment", "rollingUpdate"),
    )
    s[f"{x}.RollingUpdateDeployment"] = (
        _o("MaxUnavailable", "*intstr.IntOrString", "maxUnavailable"),
        _o("MaxSurge", "*intstr.IntOrString", "maxSurge"),
    )
    s[f"{x}.DeploymentStatus"] = (
        _o("ObservedGeneration", "int64", "observedGeneration"),
        _o("Replicas", "int32", "replicas"),
        _o("UpdatedReplicas", "int32", "updatedReplicas"),
        _o("ReadyReplicas", "int32", "readyReplicas"),
        _o("AvailableReplicas", "int32", "availableReplicas"),
        _o("UnavailableReplicas", "int32", "unavailableReplicas"),
        _o("Conditions", f"[]{x}.DeploymentCondition", "conditions"),
        _o("CollisionCount", "*int32", "collisionCount"),
    )
    s[f"{x}.DeploymentCondition"] = _condition(
        ("LastUpdateTime", "LastTransitionTime"), f"{x}.DeploymentConditionType"
    )
    s[f"{x}.DaemonSetSpec"] = (
        _o("Selector", "*metav1.LabelSelector", "selector"),
        _f("Template", "corev1.PodTemplateSpec", "template"),
        _o("UpdateStrategy", f"{x}.DaemonSetUpdateStrategy", "updateStrategy"),
        _o("MinReadySeconds", "int32", "minReadySeconds"),
        _o("TemplateGeneration", "int64", "templateGeneration"),
        _o("RevisionHistoryLimit", "*int32", "revisionHistoryLimit"),
    )
    s[f"{x}.DaemonSetUpdateStrategy"] = (
        _o("Type", f"{x}.DaemonSetUpdateStrategyType", "type"),
        _o("RollingUpdate", f"*{x}.RollingUpdateDaemonSet", "rollingUpdate"),
    )
    s[f"{x}.RollingUpdateDaemonSet"] = (_o("MaxUnavailable", "*intstr.IntOrString", "maxUnavailable"),)
    s[f"{x}.DaemonSetStatus"] = (
        _f("CurrentNumberScheduled", "int32", "currentNumberScheduled"),
        _f("NumberMisscheduled", "int32", "numberMisscheduled"),
        _f("DesiredNumberScheduled", "int32", "desiredNumberScheduled"),
        _f("NumberReady", "int32", "numberReady"),
        _o("ObservedGeneration", "int64", "observedGeneration"),
        _o("UpdatedNumberScheduled", "int32", "updatedNumberScheduled"),
        _o("NumberAvailable", "int32", "numberAvailable"),
        _o("NumberUnavailable", "int32", "numberUnavailable"),
        _o("CollisionCount", "*int32", "collisionCount"),
    )
    s[f"{x}.ReplicaSetSpec"] = (
        _o("Replicas", "*int32", "replicas"),
        _o("MinReadySeconds", "int32", "minReadySeconds"),
        _o("Selector", "*metav1.LabelSelector", "selector"),
        _o("Template", "corev1.PodTemplateSpec", "template"),
    )
    s[f"{x}.ReplicaSetStatus"] = (
        _f("Replicas", "int32", "replicas"),
        _o("FullyLabeledReplicas", "int32", "fullyLabeledReplicas"),
        _o("ReadyReplicas", "int32", "readyReplicas"),
        _o("AvailableReplicas", "int32", "availableReplicas"),
        _o("ObservedGeneration", "int64", "observedGeneration"),
        _o("Conditions", f"[]{x}.ReplicaSetCondition", "conditions"),
    )
    s[f"{x}.ReplicaSetCondition"] = _condition(("LastTransitionTime",), f"{x}.ReplicaSetConditionType")

    # apps/v1beta1 StatefulSet.
    a = "appsv1beta1"
    s[f"{a}.StatefulSet"] = _workload(a, "StatefulSet")
    s[f"{a}.StatefulSetSpec"] = (
        _o("Replicas", "*int32", "replicas"),
        _o("Selector", "*metav1.LabelSelector", "selector"),
        _f("Template", "corev1.PodTemplateSpec", "template"),
        _o("VolumeClaimTemplates", "[]corev1.PersistentVolumeClaim", "volumeClaimTemplates"),
        _f("ServiceName", "string", "serviceName"),
        _o("PodManagementPolicy", f"{a}.PodManagementPolicyType", "podManagementPolicy"),
        _o("UpdateStrategy", f"{a}.StatefulSetUpdateStrategy", "updateStrategy"),
        _o("RevisionHistoryLimit", "*int32", "revisionHistoryLimit"),
    )
    s[f"{a}.StatefulSetUpdateStrategy"] = (
        _o("Type", f"{a}.StatefulSetUpdateStrategyType", "type"),
        _o("RollingUpdate", f"*{a}.RollingUpdateStatefulSetStrategy", "rollingUpdate"),
    )
    s[f"{a}.RollingUpdateStatefulSetStrategy"] = (_o("Partition", "*int32", "partition"),)
    s[f"{a}.StatefulSetStatus"] = (
        _o("ObservedGeneration", "*int64", "observedGeneration"),
        _f("Replicas", "int32", "replicas"),
        _o("ReadyReplicas", "int32", "readyReplicas"),
        _o("CurrentReplicas", "int32", "currentReplicas"),
        _o("UpdatedReplicas", "int32", "updatedReplicas"),
        _o("CurrentRevision", "string", "currentRevision"),
        _o("UpdateRevision", "string", "updateRevision"),
        _o("CollisionCount", "*int32", "collisionCount"),
    )

    # batch/v2alpha1 and batch/v1beta1 CronJob (same shape in 1.9).
    for b in ("batchv2alpha1", "batchv1beta1"):
        s[f"{b}.CronJob"] = _workload(b, "CronJob")
        s[f"{b}.CronJobSpec"] = (
            _f("Schedule", "string", "schedule"),
            _o("StartingDeadlineSeconds", "*int64", "startingDeadlineSeconds"),
            _o("ConcurrencyPolicy", f"{b}.ConcurrencyPolicy", "concurrencyPolicy"),
            _o("Suspend", "*bool", "suspend"),
            _f("JobTemplate", f"{b}.JobTemplateSpec", "jobTemplate"),
            _o("SuccessfulJobsHistoryLimit", "*int32", "successfulJobsHistoryLimit"),
            _o("FailedJobsHistoryLimit", "*int32", "failedJobsHistoryLimit"),
        )
        s[f"{b}.CronJobStatus"] = (
            _o("Active", "[]corev1.ObjectReference", "active"),
            _o("LastScheduleTime", "*metav1.Time", "lastScheduleTime"),
        )
        s[f"{b}.JobTemplateSpec"] = (OBJECT_META, _o("Spec", "batchv1.JobSpec", "spec"))

    # OpenShift apps.openshift.io/v1 DeploymentConfig (also served as legacy "v1").
    d = "openshiftappsv1"
    s[f"{d}.DeploymentConfig"] = (
        TYPE_META,
        OBJECT_META,
        _f("Spec", f"{d}.DeploymentConfigSpec", "spec"),
        _f("Status", f"{d}.DeploymentConfigStatus", "status"),
    )
    s[f"{d}.DeploymentConfigSpec"] = (
        _o("Strategy", f"{d}.DeploymentStrategy", "strategy"),
        _o("MinReadySeconds", "int32", "minReadySeconds"),
        _f("Triggers", f"{d}.DeploymentTriggerPolicies", "triggers"),
        _f("Replicas", "int32", "replicas"),
        _o("RevisionHistoryLimit", "*int32", "revisionHistoryLimit"),
        _f("Test", "bool", "test"),
        _o("Paused", "bool", "paused"),
        _o("Selector", "map[string]string", "selector"),
        _o("Template", "*corev1.PodTemplateSpec", "template"),
    )
    s[f"{d}.DeploymentStrategy"] = (
        _o("Type", f"{d}.DeploymentStrategyType", "type"),
        _o("CustomParams", f"*{d}.CustomDeploymentStrategyParams", "customParams"),
        _o("RecreateParams", f"*{d}.RecreateDeploymentStrategyParams", "recreateParams"),
        _o("RollingParams", f"*{d}.RollingDeploymentStrategyParams", "rollingParams"),
        _o("Resources", "corev1.ResourceRequirements", "resources"),
        _o("Labels", "map[string]string", "labels"),
        _o("Annotations", "map[string]string", "annotations"),
        _o("ActiveDeadlineSeconds", "*int64", "activeDeadlineSeconds"),
    )
    s[f"{d}.CustomDeploymentStrategyParams"] = (
        _o("Image", "string", "image"),
        _o("Environment", "[]corev1.EnvVar", "environment"),
        _o("Command", "[]string", "command"),
    )
    s[f"{d}.RecreateDeploymentStrategyParams"] = (
        _o("TimeoutSeconds", "*int64", "timeoutSeconds"),
        _o("Pre", f"*{d}.LifecycleHook", "pre"),
        _o("Mid", f"*{d}.LifecycleHook", "mid"),
        _o("Post", f"*{d}.LifecycleHook", "post"),
    )
    s[f"{d}.LifecycleHook"] = (
        _f("FailurePolicy", f"{d}.LifecycleHookFailurePolicy", "failurePolicy"),
        _o("ExecNewPod", f"*{d}.ExecNewPodHook", "execNewPod"),
        _o("TagImages", f"[]{d}.TagImageHook", "tagImages"),
    )
    s[f"{d}.ExecNewPodHook"] = (
        _f("Command", "[]string", "command"),
        _o("Env", "[]corev1.EnvVar", "env"),
        _f("ContainerName", "string", "containerName"),
        _o("Volumes", "[]string", "volumes"),
    )
    s[f"{d}.TagImageHook"] = (
        _f("ContainerName", "string", "containerName"),
        _f("To", "corev1.ObjectReference", "to"),
    )
    s[f"{d}.RollingDeploymentStrategyParams"] = (
        _o("UpdatePeriodSeconds", "*int64", "updatePeriodSeconds"),
        _o("IntervalSeconds", "*int64", "intervalSeconds"),
        _o("TimeoutSeconds", "*int64", "timeoutSeconds"),
        _o("MaxUnavailable", "*intstr.IntOrString", "maxUnavailable"),
        _o("MaxSurge", "*intstr.IntOrString", "maxSurge"),
        _o("Pre", f"*{d}.LifecycleHook", "pre"),
        _o("Post", f"*{d}.LifecycleHook", "post"),
    )
    s[f"{d}.DeploymentTriggerPolicy"] = (
        _o("Type", f"{d}.DeploymentTriggerType", "type"),
        _o("ImageChangeParams", f"*{d}.DeploymentTriggerImageChangeParams", "imageChangeParams"),
    )
    s[f"{d}.DeploymentTriggerImageChangeParams"] = (
        _o("Automatic", "bool", "automatic"),
        _o("ContainerNames", "[]string", "containerNames"),
        _f("From", "corev1.ObjectReference", "from"),
        _o("LastTriggeredImage", "string", "lastTriggeredImage"),
    )
    s[f"{d}.DeploymentConfigStatus"] = (
        _f("LatestVersion", "int64", "latestVersion"),
        _f("ObservedGeneration", "int64", "observedGeneration"),
        _f("Replicas", "int32", "replicas"),
        _f("UpdatedReplicas", "int32", "updatedReplicas"),
        _f("AvailableReplicas", "int32", "availableReplicas"),
        _f("UnavailableReplicas", "int32", "unavailableReplicas"),
        _o("Details", f"*{d}.DeploymentDetails", "details"),
        _o("Conditions", f"[]{d}.DeploymentCondition", "conditions"),
        _o("ReadyReplicas", "int32", "readyReplicas"),
    )
    s[f"{d}.DeploymentDetails"] = (
        _o("Message", "string", "message"),
        _f("Causes", f"[]{d}.DeploymentCause", "causes"),
    )
    s[f"{d}.DeploymentCause"] = (
        _f("Type", f"{d}.DeploymentTriggerType", "type"),
        _o("ImageTrigger", f"*{d}.DeploymentCauseImageTrigger", "imageTrigger"),
    )
    s[f"{d}.DeploymentCauseImageTrigger"] = (_f("From", "corev1.ObjectReference", "from"),)
    s[f"{d}.DeploymentCondition"] = _condition(
        ("LastUpdateTime", "LastTransitionTime"), f"{d}.DeploymentConditionType"
    )

    # The arbitrary-precision decimal inside resource.Quantity (gopkg.in/inf.v0)
    # and math/big's Int, so a Quantity's unexported fields have real types.
    s["inf.Dec"] = (_f("unscaled", "big.Int", "", "u"), _f("scale", "inf.Scale", "", "u"))
    s["big.Int"] = (_f("neg", "bool", "", "u"), _f("abs", "big.nat", "", "u"))
    return {key: (key.split(".", 1)[0], fields) for key, fields in s.items()}


# Hand-written named non-struct types: alias.Name -> underlying type.
HAND_NAMED: dict[str, str] = {
    "corev1.ReplicationControllerConditionType": "string",
    "extensionsv1beta1.DeploymentStrategyType": "string",
    "extensionsv1beta1.DeploymentConditionType": "string",
    "extensionsv1beta1.DaemonSetUpdateStrategyType": "string",
    "extensionsv1beta1.ReplicaSetConditionType": "string",
    "appsv1beta1.PodManagementPolicyType": "string",
    "appsv1beta1.StatefulSetUpdateStrategyType": "string",
    "batchv2alpha1.ConcurrencyPolicy": "string",
    "batchv1beta1.ConcurrencyPolicy": "string",
    "openshiftappsv1.DeploymentStrategyType": "string",
    "openshiftappsv1.LifecycleHookFailurePolicy": "string",
    "openshiftappsv1.DeploymentTriggerType": "string",
    "openshiftappsv1.DeploymentConditionType": "string",
    "openshiftappsv1.DeploymentTriggerPolicies": "[]openshiftappsv1.DeploymentTriggerPolicy",
    "inf.Scale": "int32",
    "big.nat": "[]big.Word",
    "big.Word": "uint",
}

# (apiVersion, kind) -> type key, for every kind kube-inject of some Istio
# release decodes. Which of them a given release registers is the caller's choice.
KINDS: dict[tuple[str, str], str] = {
    ("v1", "Pod"): "corev1.Pod",
    ("v1", "ReplicationController"): "corev1.ReplicationController",
    ("v1", "List"): "corev1.List",
    ("v1", "DeploymentConfig"): "openshiftappsv1.DeploymentConfig",
    ("apps.openshift.io/v1", "DeploymentConfig"): "openshiftappsv1.DeploymentConfig",
    ("extensions/v1beta1", "Deployment"): "extensionsv1beta1.Deployment",
    ("extensions/v1beta1", "DaemonSet"): "extensionsv1beta1.DaemonSet",
    ("extensions/v1beta1", "ReplicaSet"): "extensionsv1beta1.ReplicaSet",
    ("apps/v1beta1", "StatefulSet"): "appsv1beta1.StatefulSet",
    # apps/v1beta1's Deployment has extensions/v1beta1's fields (rollbackTo
    # included), apps/v1beta2's kinds have apps/v1's: the same JSON either way.
    ("apps/v1beta1", "Deployment"): "extensionsv1beta1.Deployment",
    ("apps/v1beta2", "Deployment"): "appsv1.Deployment",
    ("apps/v1beta2", "DaemonSet"): "appsv1.DaemonSet",
    ("apps/v1beta2", "ReplicaSet"): "appsv1.ReplicaSet",
    ("apps/v1beta2", "StatefulSet"): "appsv1.StatefulSet",
    ("apps/v1", "Deployment"): "appsv1.Deployment",
    ("apps/v1", "StatefulSet"): "appsv1.StatefulSet",
    ("apps/v1", "DaemonSet"): "appsv1.DaemonSet",
    ("apps/v1", "ReplicaSet"): "appsv1.ReplicaSet",
    ("batch/v1", "Job"): "batchv1.Job",
    ("batch/v1", "CronJob"): "batchv1.CronJob",
    ("batch/v1beta1", "CronJob"): "batchv1beta1.CronJob",
    ("batch/v2alpha1", "CronJob"): "batchv2alpha1.CronJob",
}


# --- translation of the gotypes file ---------------------------------------------------------


def _flags(field: dict[str, Any]) -> str:
    opts = field.get("jsonOpts", [])
    flags = ""
    if "omitempty" in opts:
        flags += "o"
    if "omitzero" in opts:
        flags += "z"
    if "inline" in opts:
        flags += "i"
    if field.get("embedded"):
        flags += "e"
    if field.get("json") == "-":
        flags += "-"
    if field.get("exported") is False:
        flags += "u"
    return flags


def _json_name(field: dict[str, Any]) -> str:
    name = field.get("json")
    return "" if name in (None, "-") else name


def from_gotypes(data: dict[str, Any]) -> dict[str, tuple[str, str, str, Any]]:
    """TYPES entries for every struct and named type of the gotypes file."""
    packages = {p["alias"]: (p["goPackageName"], p["path"]) for p in data["packages"]}
    out: dict[str, tuple[str, str, str, Any]] = {}
    for key in data["order"]:
        entry = data["types"][key]
        alias = key.split(".", 1)[0]
        go_name = f"{packages[alias][0]}.{entry['name']}"
        if entry["kind"] == "struct":
            fields = tuple(
                (f["name"], f.get("typeq", f["type"]), _json_name(f), _flags(f)) for f in entry["fields"]
            )
            out[key] = (go_name, entry["pkg"], "struct", fields)
        elif entry["kind"] == "named":
            out[key] = (go_name, entry["pkg"], "named", entry.get("underlyingq", entry["underlying"]))
        else:
            raise SystemExit(f"unexpected kind {entry['kind']} for {key}")
    return out


# The JSON's per-field "how" (and, for repeated fields, "item") -> our code.
_HOW = {"sprintf%v", "String()", "valueToStringGenerated", "map"}
_REPEATED_ITEMS = {
    'f.String() with first & removed, then ","': "repeated",
    'fmt.Sprintf("%v", f) + ","': "repeated%v",
}
_MAP_ITEM = (
    'fmt.Sprintf("%v: %v,", key, this.F[key]) over keys sorted as strings '
    "(map values are copies: not addressable)"
)


def string_formats(data: dict[str, Any], table: dict[str, tuple[str, str, str, Any]]) -> dict[str, tuple]:
    """STRING_FORMATS entries from the gotypes file's generatedStringFormats:
    key -> (open, fields), each field ``(label, how, replace, strip_amp,
    prefix)``, checked against the struct's fields."""
    out: dict[str, tuple] = {}
    formats = data.get("generatedStringFormats", {})
    for key in sorted(formats):
        entry = formats[key]
        if key not in table or table[key][2] != "struct":
            raise SystemExit(f"generatedStringFormats: {key} is not a struct of the table")
        if set(entry) != {"open", "close", "fields"} or entry["close"] != "}":
            raise SystemExit(f"generatedStringFormats[{key}]: unexpected shape {sorted(entry)}")
        field_types = {f[0]: f[1] for f in table[key][3]}
        fields = []
        for f in entry["fields"]:
            label, how = f["label"], f["how"]
            if label not in field_types:
                raise SystemExit(f"generatedStringFormats[{key}]: no field {label}")
            known = {"label", "how", "replaceFirst", "stripFirstAmp", "prefix", "item"}
            if set(f) - known:
                raise SystemExit(f"generatedStringFormats[{key}].{label}: unknown keys {sorted(set(f) - known)}")
            if how == "repeated":
                how = _REPEATED_ITEMS.get(f.get("item", ""))
                if how is None:
                    raise SystemExit(f"generatedStringFormats[{key}].{label}: unknown item {f.get('item')!r}")
            elif how == "map":
                if f.get("item") != _MAP_ITEM:
                    raise SystemExit(f"generatedStringFormats[{key}].{label}: unknown item {f.get('item')!r}")
            elif how not in _HOW:
                raise SystemExit(f"generatedStringFormats[{key}].{label}: unknown how {how!r}")
            ftype = field_types[label]
            if how in ("String()", "repeated"):
                # The field's own generated String() is called: its type must have one.
                target = ftype.lstrip("*").removeprefix("[]")
                if target not in formats:
                    raise SystemExit(f"generatedStringFormats[{key}].{label}: {target} has no generated String")
            replace = tuple(f["replaceFirst"]) if "replaceFirst" in f else None
            if replace is not None and len(replace) != 2:
                raise SystemExit(f"generatedStringFormats[{key}].{label}: bad replaceFirst {replace!r}")
            fields.append((label, how, replace, bool(f.get("stripFirstAmp")), f.get("prefix", "")))
        out[key] = (entry["open"], tuple(fields))
    return out


def build_table(data: dict[str, Any]) -> dict[str, tuple[str, str, str, Any]]:
    table = from_gotypes(data)
    packages = {p["alias"]: (p["goPackageName"], p["path"]) for p in data["packages"]}
    packages.update(HAND_PACKAGES)
    packages.setdefault("runtime", ("runtime", "k8s.io/apimachinery/pkg/runtime"))
    for key, (alias, fields) in hand_structs().items():
        if key in table:
            raise SystemExit(f"hand-written {key} clashes with the gotypes file")
        pkg_name, path = packages[alias]
        table[key] = (f"{pkg_name}.{key.split('.', 1)[1]}", path, "struct", fields)
    for key, underlying in HAND_NAMED.items():
        alias = key.split(".", 1)[0]
        pkg_name, path = packages[alias]
        table[key] = (f"{pkg_name}.{key.split('.', 1)[1]}", path, "named", underlying)
    _check_references(table)
    return table


def _check_references(table: dict[str, tuple[str, str, str, Any]]) -> None:
    """Every alias-qualified name used in a type expression must be defined."""
    import re

    known = set(table) | {"time.Time"}
    for key, (_, _, kind, payload) in table.items():
        exprs = [f[1] for f in payload] if kind == "struct" else [payload]
        for expr in exprs:
            for name in re.findall(r"[A-Za-z_]\w*\.[A-Za-z_]\w*", expr):
                if name not in known:
                    raise SystemExit(f"{key}: unknown type {name} in {expr!r}")
    for kind_key, type_key in KINDS.items():
        if type_key not in table:
            raise SystemExit(f"KINDS{kind_key}: unknown type {type_key}")


HEADER = '''"""Kubernetes Go types for kube-inject: GENERATED, do not edit.

Generated by scripts/gen_k8s_types.py from ../shared/gotypes/k8s-core-v1.json
(kubernetes/api and apimachinery {tag}) plus the hand-written Kubernetes
1.9-era workload wrappers and OpenShift DeploymentConfig defined in that
script. Regenerate with:

    /tmp/venv/bin/python scripts/gen_k8s_types.py

TYPES maps ``alias.Name`` (``corev1.Container``) to ``(go_name, package_path,
kind, payload)``; ``go_name`` is how Go prints the type (``v1.Container``).
kind "struct": payload is a tuple of fields ``(name, type, json, flags)`` with
``type`` a Go type expression over alias-qualified names (and ``time.Time``),
``json`` the json tag name ("" if none) and ``flags`` letters: o omitempty,
z omitzero, i inline (an option encoding/json ignores), e embedded,
- json:"-", u unexported. kind "named": payload is the underlying type
expression. KINDS maps (apiVersion, kind) to a TYPES key.

STRING_FORMATS (from the file's generatedStringFormats) maps a TYPES key to how
the String() that gogo-protobuf generated for it (pointer receiver; a nil
receiver prints ``nil``) prints a value: ``(open, fields)``, the result being
``open`` + ``label:text,`` per field + ``}}``. Each field is ``(label, how,
replace, strip_amp, prefix)``; the field's text is made by ``how``:
``sprintf%v`` fmt.Sprintf("%v", field); ``String()`` the field's own generated
String() (a struct value field through its address); ``valueToStringGenerated``
``nil`` or ``*`` + "%v" of the pointee; ``repeated`` prefix + each element's
String() with its first "&" removed + "," + ``}}``; ``repeated%v`` the same
with "%v" of each element; ``map`` prefix + ``"%v: %v,"`` of each key (as a
string, keys sorted bytewise) and value + ``}}``. Then ``replace`` (old, new)
replaces the first occurrence, and ``strip_amp`` removes the first "&". The
hand-written types have no entry (their generated code is not recorded).
"""

# fmt: off
'''


def render(table: dict[str, tuple[str, str, str, Any]], data: dict[str, Any]) -> str:
    tag = data.get("source", {}).get("k8s.io/api", {}).get("tag", "?")
    lines = [HEADER.format(tag=tag)]
    lines.append("SOURCE = " + pprint.pformat(data.get("source", {}), width=110, sort_dicts=True) + "\n\n")
    lines.append("TYPES = {\n")
    for key in sorted(table):
        go_name, path, kind, payload = table[key]
        if kind == "struct":
            lines.append(f"    {key!r}: ({go_name!r}, {path!r}, 'struct', (\n")
            for field in payload:
                lines.append(f"        {field!r},\n")
            lines.append("    )),\n")
        else:
            lines.append(f"    {key!r}: ({go_name!r}, {path!r}, 'named', {payload!r}),\n")
    lines.append("}\n\nKINDS = {\n")
    for kind_key in sorted(KINDS):
        lines.append(f"    {kind_key!r}: {KINDS[kind_key]!r},\n")
    lines.append("}\n\nSTRING_FORMATS = {\n")
    for key, (open_, fields) in string_formats(data, table).items():
        lines.append(f"    {key!r}: ({open_!r}, (\n")
        for field in fields:
            lines.append(f"        {field!r},\n")
        lines.append("    )),\n")
    lines.append("}\n")
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gotypes", type=pathlib.Path, default=DEFAULT_GOTYPES)
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare with the existing output instead of writing")
    args = parser.parse_args(argv)
    data = json.loads(args.gotypes.read_text(encoding="utf-8"))
    text = render(build_table(data), data)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        return 0 if current == text else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

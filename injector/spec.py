"""SidecarInjectionSpec: what the rendered template decodes into, per release.

Istio (0.5-1.8) decodes the rendered template with ghodss/yaml into a Go
struct whose fields carry yaml tags only; ghodss goes through encoding/json,
which ignores yaml tags, so keys match the Go field names case-insensitively,
unknown keys are dropped and scalars going into string fields become strings
(``- 15001`` in ``args`` is ``"15001"``). The struct is built here from the
release's field list and decoded with the same machinery as every Kubernetes
object (:mod:`injector.goyaml`, :mod:`injector.gojson`).
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from gotmpl import values as V

from . import gojson, goyaml
from .versions import Release

__all__ = ["SidecarSpec", "DecodeError", "spec_type", "decode_spec"]

# Go field -> Go type of SidecarInjectionSpec (the release picks which exist).
_FIELD_TYPES = {
    "InitContainers": "[]corev1.Container",
    "Containers": "[]corev1.Container",
    "Volumes": "[]corev1.Volume",
    "ImagePullSecrets": "[]corev1.LocalObjectReference",
    "RewriteAppHTTPProbe": "bool",
    "DNSConfig": "*corev1.PodDNSConfig",
    "PodRedirectAnnot": "map[string]string",
    "HoldApplicationUntilProxyStarts": "bool",
}


class DecodeError(ValueError):
    """The rendered template is not a SidecarInjectionSpec. ``line`` is the
    1-based line of the rendered output where decoding failed (0 when unknown),
    ``field`` the JSON path of a type error."""

    def __init__(self, message: str, line: int = 0, field: str = "", column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column  # 1-based, 0 when unknown
        self.field = field


@dataclasses.dataclass
class SidecarSpec:
    """The decoded spec: Go values (``[]corev1.Container`` etc.) by Go field name."""

    fields: dict[str, Any]

    def items(self, name: str) -> list[Any]:
        """A list field's elements ([] when absent or nil)."""
        return list(V.elements(self.fields.get(name)) or [])

    def names(self, name: str) -> list[str] | None:
        """The ``Name`` of each element, None for a nil slice (the status annotation's null)."""
        value = self.fields.get(name)
        if value is None or V.is_nil(value):
            return None
        return [item.fields["Name"] for item in V.elements(value)]


@functools.cache
def spec_type(release: Release) -> V.GoType:
    """The release's SidecarInjectionSpec Go type."""
    fields = [V.StructField(name, gojson.go_type(_FIELD_TYPES[name], release.kubernetes)) for name in release.spec_fields]
    return V.distinct_named("inject.SidecarInjectionSpec", V.struct_of(fields))


def decode_spec(rendered: str, release: Release) -> SidecarSpec:
    """ghodss ``yaml.Unmarshal([]byte(rendered), &SidecarInjectionSpec{})``."""
    t = spec_type(release)
    try:
        doc = _spec_json(rendered, t)
    except goyaml.YAMLError as e:
        raise DecodeError(str(e), e.line, column=e.column) from None
    try:
        value = gojson.decode(doc, t) if doc is not None else gojson.zero(t)
    except gojson.JSONError as e:
        line, column = _position_of(rendered, e.path)
        raise DecodeError(f"error unmarshaling JSON: {e}", line, e.path, column) from None
    return SidecarSpec(dict(value.fields))


@functools.lru_cache(maxsize=256)
def _spec_json(rendered: str, t: V.GoType) -> Any:
    """The YAML half of the decoding, remembered by rendered text: the pods of
    one workload render the same text, so a webhook converts each once (the
    result is only read: gojson.decode builds new values from it)."""
    return goyaml.yaml_to_json(rendered, t)


def _position_of(rendered: str, path: str) -> tuple[int, int]:
    """Where the value at a JSON path such as ``containers[0].ports[1].containerPort``
    starts in the rendered text (1-based line and column; 0, 0 when unknown)."""
    node = goyaml.node_at(rendered, path)
    if node is None:
        return 0, 0
    return node.start_mark.line + 1, node.start_mark.column + 1

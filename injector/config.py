"""The injector's configuration: inject config, values and mesh config, and where
they come from (files, ConfigMap manifests, the embedded default).

Istio reads its inject config (``policy``, ``template`` and, by release, the
selectors and injected annotations) with ghodss/yaml into a Go struct: YAML to
JSON, then encoding/json, so keys match case-insensitively, unknown keys are
ignored and a scalar going into a string field becomes a string. The same Go
struct is built here per release and decoded with :mod:`injector.goyaml`, so
the semantics are the decoder's, not a reading of them. Mesh config handling
(defaults, merge, validation) is :mod:`injector.meshconfig`'s.

Every error is a :class:`ConfigError` naming the file and the field.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
from typing import Any

from gotmpl import values as V

from . import gojson, goyaml
from .versions import Release

__all__ = [
    "ConfigError",
    "InjectConfig",
    "parse_inject_config",
    "configmap_data",
    "parse_values",
    "embedded_text",
    "EMBEDDED_INJECT_CONFIG",
    "EMBEDDED_MESH_CONFIG",
    "EMBEDDED_VALUES",
]

EMBEDDED_INJECT_CONFIG = "inject-config.yaml"
EMBEDDED_MESH_CONFIG = "mesh-config.yaml"
EMBEDDED_VALUES = "values.json"


class ConfigError(ValueError):
    """A configuration the injector cannot use; the message names the source."""


@dataclasses.dataclass
class InjectConfig:
    """Istio's inject.Config of one release."""

    policy: str
    template: str
    never_inject_selector: list[Any]  # metav1.LabelSelector gotmpl values
    always_inject_selector: list[Any]
    injected_annotations: dict[str, str]
    source: str
    # Line of the source file holding the template's first line (block
    # scalars), so template errors can name the file's line; 0 when unknown.
    template_first_line: int = 0

    def where(self, template_line: int, column: int = 0) -> str:
        """``file:line`` (or ``file``, template line N) of a template position."""
        col = f", column {column}" if column else ""
        if self.template_first_line and template_line:
            return f"{self.source}:{self.template_first_line + template_line - 1}: template line {template_line}{col}"
        return f"{self.source}: template line {template_line}{col}" if template_line else self.source


def _config_type(release: Release) -> V.GoType:
    fields = [
        V.StructField("Policy", V.STRING, 'json:"policy"'),
        V.StructField("Template", V.STRING, 'json:"template"'),
    ]
    if "NeverInjectSelector" in release.config_fields:
        selectors = gojson.go_type("[]metav1.LabelSelector")
        fields.append(V.StructField("NeverInjectSelector", selectors, 'json:"neverInjectSelector"'))
        fields.append(V.StructField("AlwaysInjectSelector", selectors, 'json:"alwaysInjectSelector"'))
    if "InjectedAnnotations" in release.config_fields:
        fields.append(V.StructField("InjectedAnnotations", V.map_of(V.STRING, V.STRING), 'json:"injectedAnnotations"'))
    return V.distinct_named("inject.Config", V.struct_of(fields))


def parse_inject_config(text: str, release: Release, source: str) -> InjectConfig:
    """Istio's ``yaml.Unmarshal(data, &Config{})`` of an inject config file."""
    value = _unmarshal(text, _config_type(release), source)
    fields = value.fields if value is not None else {}
    return InjectConfig(
        policy=fields.get("Policy", ""),
        template=fields.get("Template", ""),
        never_inject_selector=_items(fields.get("NeverInjectSelector")),
        always_inject_selector=_items(fields.get("AlwaysInjectSelector")),
        injected_annotations=dict(V.map_items(fields["InjectedAnnotations"])) if fields.get("InjectedAnnotations") else {},
        source=source,
        template_first_line=_block_scalar_line(text, "template"),
    )


def _block_scalar_line(text: str, key: str) -> int:
    """The file line of the first content line of a literal/folded block scalar."""
    node = goyaml.node_at(text, key)
    if node is None or getattr(node, "style", None) not in ("|", ">"):
        return 0
    # The node starts at its indicator line; content starts on the next line
    # (a literal block keeps its lines, so template line N is file line first+N-1).
    return node.start_mark.line + 2 if node.style == "|" else 0


def _items(slice_value: Any) -> list[Any]:
    return list(V.elements(slice_value) or []) if slice_value is not None else []


def _unmarshal(text: str, t: V.GoType, source: str) -> Any:
    try:
        return goyaml.unmarshal(text, t)
    except goyaml.YAMLError as e:
        where = f"{source}:{e.line}:{e.column}" if e.line else source
        raise ConfigError(f"{where}: {e}") from None
    except gojson.JSONError as e:
        field = f" (field {e.path})" if e.path else ""
        raise ConfigError(f"{source}{field}: {e}") from None


def configmap_data(text: str, key: str, source: str, name: str | None = None) -> str:
    """``data.<key>`` of a ConfigMap manifest (YAML or JSON; the first document
    that is a ConfigMap, named ``name`` if given), as ``kubectl get cm -o
    jsonpath='{.data.<key>}'`` gives it."""
    for i, doc in enumerate(goyaml.split_documents(text)):
        try:
            obj = goyaml.yaml_to_json(doc)
        except goyaml.YAMLError as e:
            where = f"{source}: document {i + 1}" + (f", line {e.line}" if e.line else "")
            raise ConfigError(f"{where}: {e}") from None
        if not isinstance(obj, dict) or obj.get("kind") != "ConfigMap":
            continue
        if name is not None and (obj.get("metadata") or {}).get("name") != name:
            continue
        data = obj.get("data")
        if not isinstance(data, dict) or key not in data:
            found = (obj.get("metadata") or {}).get("name", "") if isinstance(obj.get("metadata"), dict) else ""
            raise ConfigError(f"{source}: ConfigMap {found!r} has no data.{key}")
        value = data[key]
        if not isinstance(value, str):
            raise ConfigError(f"{source}: data.{key} of the ConfigMap is not a string")
        return value
    named = f" named {name!r}" if name is not None else ""
    raise ConfigError(f"{source}: no ConfigMap{named} in the file")


def parse_values(text: str, source: str) -> Any:
    """The ``.Values`` of 1.2+ templates: Istio's ``yaml.Unmarshal`` of the values
    (JSON from the ConfigMap's data.values, or a YAML values file) into
    ``map[string]interface{}``: numbers become float64."""
    return _unmarshal(text, V.MAP_STRING_ANY, source) if text.strip() else {}


def embedded_text(name: str) -> str:
    """A file of the configuration shipped in the package (injector/data)."""
    return importlib.resources.files("injector").joinpath("data", name).read_text(encoding="utf-8")

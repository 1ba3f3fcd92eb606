"""The Istio templates saved under ../shared/upstream/istio, found and labelled.

These files belong to the Istio project: tests read them from ../shared and never
copy them into this repository. What is what (see each MANIFEST.md there):

* runtime templates, the text Istio's injector itself parses:
  - 0.5-0.8 ``install/kubernetes/templates/istio-sidecar-injector-configmap-*.yaml.tmpl``:
    the ConfigMap's ``data.config`` -> ``template:`` (the ``{ISTIO_NAMESPACE}``-style
    placeholders are plain text, so the template is taken as it stands);
  - 1.2+ ``files/*.yaml`` (injection, gateway, grpc, waypoint, ... templates), verbatim;
  - the injector configs rendered by Istio's own tests (1.24.6 ``testdata/inputs/*.template.gen.yaml``):
    every entry of ``templates:``;
  - the unit-test templates in testdata (``*_template.yaml``) and the two-stage
    ``parameterizedTemplate`` of 0.5.0 and 1.1.17, parsed with each stage's delimiters;
* Helm chart templates (``templates/*.yaml``, ``_helpers.tpl``): parsed as Helm
  parses them, with Go's default delimiters; Helm's own functions are not Go's, so
  these are compared with the function check off. The injector templates that
  0.8-1.1 embed in Helm string literals (``[[ ]]`` actions inside ``{{ "..." }}``)
  only exist after Helm renders the chart, so they are covered through the
  1.1.17 unit-test copies instead.
"""

from __future__ import annotations

import copy
import pathlib
from dataclasses import dataclass, field
from typing import Any

import yaml

from oracle import shared_dir

RUNTIME = "runtime"
HELM = "helm"


@dataclass(frozen=True)
class UpstreamTemplate:
    label: str  # version/path[#entry]
    version: str  # Istio version folder, e.g. "1.1.17" or "master"
    kind: str  # RUNTIME or HELM
    text: str
    delims: tuple[str, str] = ("{{", "}}")
    funcs: tuple[str, ...] = field(default=())

    def parse_request(self, skip_func_check: bool = False) -> dict:
        req: dict = {"mode": "parse", "name": self.label.rsplit("/", 1)[-1], "template": self.text}
        if self.delims != ("{{", "}}"):
            req["delims"] = list(self.delims)
        if skip_func_check:
            req["parse_mode"] = ["skipfunccheck"]
        elif self.funcs:
            req["funcs"] = list(self.funcs)
        return req


def istio_root() -> pathlib.Path | None:
    shared = shared_dir()
    if shared is None:
        return None
    root = shared / "upstream" / "istio"
    return root if root.is_dir() else None


def version_key(version: str) -> tuple[int, ...]:
    if version == "master":
        return (99, 99, 99)
    return tuple(int(p) for p in version.split("."))


def istio_funcs(version: str) -> tuple[str, ...]:
    """The oracle function set of a release folder."""
    if version == "master":
        return ("istio",)
    major, minor, patch = version_key(version)
    if (major, minor) < (0, 6):
        return ()
    return (f"istio@{major}.{minor}.{patch}",)


def _read(path: pathlib.Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


def _configmap_template(path: pathlib.Path) -> str | None:
    doc = yaml.safe_load(_read(path))
    config = yaml.safe_load(doc["data"]["config"])
    return config.get("template")


def _runtime_delims(version: str) -> tuple[str, str]:
    key = version_key(version)
    return ("[[", "]]") if (0, 8) <= key[:2] <= (1, 1) else ("{{", "}}")


def find_templates() -> list[UpstreamTemplate]:
    """Every saved template, in a stable order; [] when ../shared is absent."""
    root = istio_root()
    if root is None:
        return []
    out: list[UpstreamTemplate] = []
    for vdir in sorted((d for d in root.iterdir() if d.is_dir()), key=lambda d: version_key(d.name)):
        version = vdir.name
        funcs = istio_funcs(version)
        for path in sorted(vdir.rglob("*")):
            if not path.is_file() or path.name == "MANIFEST.md":
                continue
            rel = path.relative_to(vdir).as_posix()
            label = f"{version}/{rel}"
            if rel.startswith("install/kubernetes/templates/istio-sidecar-injector-configmap"):
                text = _configmap_template(path)
                if text is not None:
                    out.append(UpstreamTemplate(label, version, RUNTIME, text, ("{{", "}}"), funcs))
            elif "/files/" in rel and rel.endswith(".yaml") and "testdata" not in rel:
                out.append(UpstreamTemplate(label, version, RUNTIME, _read(path), ("{{", "}}"), funcs))
            elif "/templates/" in rel and (rel.endswith(".yaml") or rel.endswith(".tpl")) and "helm" in rel or (
                "manifests/charts" in rel and "/templates/" in rel
            ):
                out.append(UpstreamTemplate(label, version, HELM, _read(path)))
            elif rel.startswith("testdata/") and rel.endswith("_template.yaml"):
                out.append(UpstreamTemplate(label, version, RUNTIME, _read(path), _runtime_delims(version), funcs))
            elif rel.endswith("parameterizedTemplate.extracted-from-mesh.go.txt"):
                text = _read(path)
                # Stage 1 fills in install parameters, stage 2 is the injector's own pass.
                stage1 = ("[[", "]]") if version == "0.5.0" else ("{{", "}}")
                stage2 = ("{{", "}}") if version == "0.5.0" else ("[[", "]]")
                out.append(UpstreamTemplate(label + "#stage1", version, RUNTIME, text, stage1, ()))
                out.append(UpstreamTemplate(label + "#stage2", version, RUNTIME, text, stage2, funcs))
            elif rel.startswith("testdata/inputs/") and rel.endswith(".template.gen.yaml"):
                config = yaml.safe_load(_read(path))
                for name, text in sorted((config.get("templates") or {}).items()):
                    out.append(UpstreamTemplate(f"{label}#{name}", version, RUNTIME, text, ("{{", "}}"), funcs))
    return out


# --- runtime injection templates with the data Istio renders them with --------------------------------

# 0.5-0.7 ship the template inside their ConfigMap sources.
CONFIGMAP_TEMPLATES = [(v, flavour) for v in ("0.5.0", "0.5.1", "0.6.0", "0.7.1") for flavour in ("release", "debug")]

# (version, chart holding files/injection-template.yaml, chart whose values.yaml
# has the "global" values). The 1.5 and 1.6 istiod charts take their globals
# from a global chart that is not saved; they get those of the release's legacy
# chart (1.5) or of the next release's istiod chart (1.6): values are inputs,
# and Go and we get the same ones.
FILE_TEMPLATES = [
    ("1.2.10", "install/kubernetes/helm/istio", None),
    ("1.3.8", "install/kubernetes/helm/istio", None),
    ("1.4.10", "install/kubernetes/helm/istio", None),
    ("1.5.10", "install/kubernetes/helm/istio", None),
    ("1.5.10", "manifests/istio-control/istio-discovery", "1.5.10/install/kubernetes/helm/istio"),
    ("1.5.10", "manifests/istio-control/istio-autoinject", "1.5.10/install/kubernetes/helm/istio"),
    ("1.6.14", "manifests/charts/istio-control/istio-discovery", "1.7.8/manifests/charts/istio-control/istio-discovery"),
    ("1.7.8", "manifests/charts/istio-control/istio-discovery", None),
    ("1.8.6", "manifests/charts/istio-control/istio-discovery", None),  # sprig under Istio's functions
]


@dataclass(frozen=True)
class RuntimeTemplate:
    """One release's injection template as its injector gets it."""

    case_id: str  # e.g. "0.5.0-release", "1.5.10-istio-discovery"
    label: str  # path under ../shared/upstream/istio
    version: str  # release folder
    template: str
    values: dict[str, Any] | None = None  # .Values (1.2+), as Helm computes them from the chart
    config: str | None = None  # the inject config (data.config) when the release ships one


def merge_values(base: dict, override: dict) -> dict:
    """Helm's coalescing of two values trees: ``override`` wins, maps merge."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_values(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def chart_values(chart: pathlib.Path) -> dict:
    """The chart's default .Values (subchart defaults under their names, the
    parent's values winning), as Helm computes them."""
    values = yaml.safe_load((chart / "values.yaml").read_text()) or {}
    charts = chart / "charts"
    if charts.is_dir():
        for sub in sorted(charts.iterdir()):
            if (sub / "values.yaml").is_file():
                sub_values = yaml.safe_load((sub / "values.yaml").read_text()) or {}
                values[sub.name] = merge_values(sub_values, values.get(sub.name) or {})
    return values


def configmap_config(root: pathlib.Path, version: str, flavour: str) -> tuple[pathlib.Path, str]:
    """A 0.5-0.7 ConfigMap source's data.config after install/updateVersion.sh's
    plain-text substitution for the release."""
    path = root / version / "install/kubernetes/templates" / f"istio-sidecar-injector-configmap-{flavour}.yaml.tmpl"
    text = path.read_text()
    for placeholder, value in (("HUB", "docker.io/istio"), ("TAG", version)):
        text = text.replace("{PILOT_" + placeholder + "}", value).replace("{PROXY_" + placeholder + "}", value)
    text = text.replace("{ISTIO_NAMESPACE}", "istio-system")
    return path, yaml.safe_load(text)["data"]["config"]


def runtime_templates() -> list[RuntimeTemplate]:
    """Every saved runtime injection template of 0.5-1.8 with its .Values ([] without ../shared)."""
    from injector.config import parse_inject_config
    from injector.versions import release

    root = istio_root()
    if root is None:
        return []
    out = []
    for version, flavour in CONFIGMAP_TEMPLATES:
        path, config = configmap_config(root, version, flavour)
        template = parse_inject_config(config, release(version), str(path)).template
        label = path.relative_to(root).as_posix()
        out.append(RuntimeTemplate(f"{version}-{flavour}", label, version, template, config=config))
    for version, chart_dir, globals_chart in FILE_TEMPLATES:
        chart = root / version / chart_dir
        values = chart_values(chart)
        if globals_chart:
            values["global"] = chart_values(root / globals_chart)["global"]
        path = chart / "files" / "injection-template.yaml"
        template = path.read_text()
        if "\ntemplate: |" in "\n" + template:
            # 1.5's istiod file and later ones are the "template:" entry of data.config.
            template = parse_inject_config(template, release(version), chart_dir).template
        label = path.relative_to(root).as_posix()
        out.append(RuntimeTemplate(f"{version}-{chart_dir.rsplit('/', 1)[-1]}", label, version, template, values))
    return out

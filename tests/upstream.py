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

import pathlib
from dataclasses import dataclass, field

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

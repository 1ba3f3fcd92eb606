"""The ``injector`` command line.

``injector kube-inject`` is istioctl's kube-inject, offline: the inject config
and mesh config come from files (the extracted ``data.config`` / ``data.mesh``,
or the ConfigMap manifests themselves) or, with neither, from the configuration
embedded in the package. ``injector extract`` prints one ``data`` key of a
ConfigMap manifest, as ``kubectl create -f FILE --dry-run -o
jsonpath='{.data.KEY}'`` does in the documented manual-injection flow.

User errors print one line on stderr naming the file (and document, field or
template line) and exit 1; usage errors exit 2. Nothing is written on error:
the output file is written whole or not at all.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from gotmpl.cli import write_atomically

from . import config as C
from . import meshconfig
from .inject import InjectionError, Injector
from .kubeinject import KubeInjectError, kube_inject
from .versions import DEFAULT_VERSION, VersionError, parse_version, release

__all__ = ["main", "build_injector"]

_DEFAULT_VERSION_TEXT = "%d.%d" % DEFAULT_VERSION


class _UserError(Exception):
    pass


def _read(path: str, what: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            return f.read()
    except OSError as e:
        raise _UserError(f"cannot read {what} {path}: {e.strerror}") from None


def _brackets(template: str) -> str:
    """The embedded template with the [[ ]] delimiters of 0.8-1.1."""
    return template.replace("{{", "[[").replace("}}", "]]")


def build_injector(
    version: str = _DEFAULT_VERSION_TEXT,
    inject_config_file: str | None = None,
    inject_configmap_file: str | None = None,
    mesh_config_file: str | None = None,
    mesh_configmap_file: str | None = None,
    values_file: str | None = None,
) -> Injector:
    """An Injector from the kube-inject flags (the embedded configuration where
    a flag is absent). Raises ConfigError / MeshConfigError / InjectionError /
    VersionError naming the file."""
    full = parse_version(version)
    rel = release(full)
    values_text, values_source = None, None
    if inject_config_file:
        inject = C.parse_inject_config(_read(inject_config_file, "inject config"), rel, inject_config_file)
    elif inject_configmap_file:
        text = _read(inject_configmap_file, "inject ConfigMap")
        inject = C.parse_inject_config(C.configmap_data(text, "config", inject_configmap_file), rel, inject_configmap_file)
        if "Values" in rel.extra_data and values_file is None:
            try:
                values_text, values_source = C.configmap_data(text, "values", inject_configmap_file), inject_configmap_file
            except C.ConfigError:
                values_text = None
    else:
        source = f"embedded {C.EMBEDDED_INJECT_CONFIG}"
        inject = C.parse_inject_config(C.embedded_text(C.EMBEDDED_INJECT_CONFIG), rel, source)
        if rel.delims == ("[[", "]]"):
            inject.template = _brackets(inject.template)
    if mesh_config_file:
        mesh_text, mesh_source = _read(mesh_config_file, "mesh config"), mesh_config_file
    elif mesh_configmap_file:
        text = _read(mesh_configmap_file, "mesh ConfigMap")
        mesh_text, mesh_source = C.configmap_data(text, "mesh", mesh_configmap_file), mesh_configmap_file
    else:
        mesh_text, mesh_source = C.embedded_text(C.EMBEDDED_MESH_CONFIG), f"embedded {C.EMBEDDED_MESH_CONFIG}"
    try:
        mesh = meshconfig.apply_mesh_yaml(mesh_text, rel.name)
    except meshconfig.MeshConfigError as e:
        raise C.ConfigError(f"{mesh_source}: {e.explain()}") from None
    if values_file:
        values_text, values_source = _read(values_file, "values"), values_file
    values = C.parse_values(values_text, values_source or "") if values_text else {}
    return Injector(rel, inject, mesh.mesh_config, values, patch=full[2])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Istio's sidecar injector (0.5-1.7) on gotmpl, Go's text/template in Python."""


@main.command("kube-inject")
@click.option("-f", "--filename", required=True, metavar="FILE", help="Input manifest (YAML or JSON, - for stdin).")
@click.option("-o", "--output", metavar="FILE", help="Write here (whole file or nothing) instead of stdout.")
@click.option("--injectConfigFile", "inject_config_file", metavar="FILE", help="Inject config (policy + template), as the ConfigMap's data.config.")
@click.option("--injectConfigMapFile", "inject_configmap_file", metavar="FILE", help="The sidecar-injector ConfigMap manifest itself.")
@click.option("--meshConfigFile", "mesh_config_file", metavar="FILE", help="Mesh config, as the istio ConfigMap's data.mesh.")
@click.option("--meshConfigMapFile", "mesh_configmap_file", metavar="FILE", help="The istio ConfigMap manifest itself.")
@click.option("--valuesFile", "values_file", metavar="FILE", help="Injection values (.Values, Istio 1.2+), YAML or JSON.")
@click.option("--istio-version", "version", default=_DEFAULT_VERSION_TEXT, show_default=True, metavar="X.Y[.Z]", help="Istio release whose injector to reproduce (0.5 to 1.7).")
@click.option("--emitTemplate", "emit_template", is_flag=True, help="Print the sidecar template that would be used and exit.")
def kube_inject_command(
    filename: str,
    output: str | None,
    inject_config_file: str | None,
    inject_configmap_file: str | None,
    mesh_config_file: str | None,
    mesh_configmap_file: str | None,
    values_file: str | None,
    version: str,
    emit_template: bool,
) -> None:
    """Inject the Istio sidecar into the workloads of a manifest, offline."""
    if inject_config_file and inject_configmap_file:
        raise click.UsageError("--injectConfigFile and --injectConfigMapFile are exclusive")
    if mesh_config_file and mesh_configmap_file:
        raise click.UsageError("--meshConfigFile and --meshConfigMapFile are exclusive")
    try:
        injector = build_injector(
            version, inject_config_file, inject_configmap_file, mesh_config_file, mesh_configmap_file, values_file
        )
        if emit_template:
            click.echo(injector.config.template)
            return
        text = _read(filename, "manifest")
        result = kube_inject(injector, text, filename, warn=lambda m: click.echo(m, err=True))
    except (_UserError, C.ConfigError, InjectionError, KubeInjectError, VersionError) as e:
        _fail(e)
    _emit(result, output)


@main.command("extract")
@click.option("-f", "--filename", required=True, metavar="FILE", help="A ConfigMap manifest (- for stdin).")
@click.option("-k", "--key", required=True, metavar="KEY", help="The data key: config, mesh, values.")
@click.option("-o", "--output", metavar="FILE", help="Write here instead of stdout.")
def extract_command(filename: str, key: str, output: str | None) -> None:
    """Print data.KEY of a ConfigMap manifest (kubectl's jsonpath '{.data.KEY}')."""
    try:
        text = C.configmap_data(_read(filename, "ConfigMap"), key, filename)
    except (_UserError, C.ConfigError) as e:
        _fail(e)
    _emit(text, output)


def _fail(e: Exception) -> Any:
    click.echo(f"injector: error: {e}", err=True)
    sys.exit(1)


def _emit(text: str, output: str | None) -> None:
    if output:
        try:
            write_atomically(output, text)
        except OSError as e:
            _fail(_UserError(f"cannot write {output}: {e.strerror}"))
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
        sys.stdout.buffer.flush()

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
from gotmpl.diagnostics import FORMATS

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
    """Istio's sidecar injector (0.5-1.8) on gotmpl, Go's text/template in Python."""


@main.command("kube-inject")
@click.option("-f", "--filename", required=True, metavar="FILE", help="Input manifest (YAML or JSON, - for stdin).")
@click.option("-o", "--output", metavar="FILE", help="Write here (whole file or nothing) instead of stdout.")
@click.option("--injectConfigFile", "inject_config_file", metavar="FILE", help="Inject config (policy + template), as the ConfigMap's data.config.")
@click.option("--injectConfigMapFile", "inject_configmap_file", metavar="FILE", help="The sidecar-injector ConfigMap manifest itself.")
@click.option("--meshConfigFile", "mesh_config_file", metavar="FILE", help="Mesh config, as the istio ConfigMap's data.mesh.")
@click.option("--meshConfigMapFile", "mesh_configmap_file", metavar="FILE", help="The istio ConfigMap manifest itself.")
@click.option("--valuesFile", "values_file", metavar="FILE", help="Injection values (.Values, Istio 1.2+), YAML or JSON.")
@click.option("--istio-version", "version", default=_DEFAULT_VERSION_TEXT, show_default=True, metavar="X.Y[.Z]", help="Istio release whose injector to reproduce (0.5 to 1.8).")
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


# --- Webhook certificates and registration (replacing Istio 0.5's
# webhook-create-signed-cert.sh and webhook-patch-ca-bundle.sh) ---


@main.command("certs")
@click.option("--service", default="istio-sidecar-injector", show_default=True, help="The webhook's Service name.")
@click.option("--namespace", default="istio-system", show_default=True, help="Namespace of the Service and the Secret.")
@click.option("--out", "out_dir", required=True, metavar="DIR", help="Write ca-cert.pem, cert.pem, key.pem here (created if missing).")
@click.option("--secret", metavar="NAME", help="Also print a Secret manifest with the three files (e.g. sidecar-injector-certs).")
@click.option("--days", default=365, show_default=True, type=int, help="Validity of the serving certificate.")
@click.option("--ca-days", default=3650, show_default=True, type=int, help="Validity of a new CA.")
@click.option("--ca-cert", metavar="FILE", help="Sign with this CA certificate (PEM) instead of a new CA; needs --ca-key.")
@click.option("--ca-key", metavar="FILE", help="The private key (PEM, unencrypted) of --ca-cert.")
def certs_command(
    service: str,
    namespace: str,
    out_dir: str,
    secret: str | None,
    days: int,
    ca_days: int,
    ca_cert: str | None,
    ca_key: str | None,
) -> None:
    """Create the webhook's serving certificate, signed by a new (or given) CA."""
    # Imported here: cryptography costs kube-inject's start-up nothing this way.
    from . import certs

    if (ca_cert is None) != (ca_key is None):
        raise click.UsageError("--ca-cert and --ca-key go together")
    try:
        ca = certs.load_ca_files(ca_cert, ca_key) if ca_cert and ca_key else certs.make_ca(days=ca_days)
        files = certs.cert_files(ca, certs.make_serving_cert(ca, service, namespace, days))
        # Built before anything is written, so a bad --secret writes nothing.
        manifest = certs.secret_manifest(secret, namespace, files) if secret else None
        written = certs.write_certs(out_dir, files)
    except certs.CertError as e:
        _fail(e)
    summary = f"wrote {', '.join(written)} (serving certificate for {service}.{namespace}.svc, valid {days} days)"
    if manifest is None:
        click.echo(summary)
    else:
        click.echo(summary, err=True)
        _emit(manifest, None)


@main.command("webhook-config")
@click.option("--ca-bundle", required=True, metavar="FILE", help="The CA certificate that signed the webhook's certificate (ca-cert.pem).")
@click.option("--service", default="istio-sidecar-injector", show_default=True, help="The webhook's Service name.")
@click.option("--namespace", default="istio-system", show_default=True, help="The webhook's Service namespace.")
@click.option("--namespace-selector", default="istio-injection=enabled", show_default=True, metavar="KEY=VALUE[,...]", help="Inject into pods of namespaces with these labels.")
@click.option("--failure-policy", default="Fail", show_default=True, metavar="Fail|Ignore", help="What the API server does when the webhook cannot be called.")
@click.option("--timeout-seconds", default=10, show_default=True, type=int, help="How long the API server waits for the webhook (1-30).")
@click.option("-o", "--output", metavar="FILE", help="Write here (whole file or nothing) instead of stdout.")
def webhook_config_command(
    ca_bundle: str,
    service: str,
    namespace: str,
    namespace_selector: str,
    failure_policy: str,
    timeout_seconds: int,
    output: str | None,
) -> None:
    """Print the MutatingWebhookConfiguration that registers the webhook."""
    # Imported here, as in certs_command.
    from .webhookconfig import WebhookConfigError, check_ca_bundle, webhook_configuration

    try:
        try:
            with open(ca_bundle, "rb") as f:
                pem = f.read()
        except OSError as e:
            raise _UserError(f"cannot read CA bundle {ca_bundle}: {e.strerror}") from None
        try:
            check_ca_bundle(pem)
        except WebhookConfigError as e:
            raise _UserError(f"{ca_bundle}: {e}") from None
        text = webhook_configuration(
            pem,
            service=service,
            namespace=namespace,
            namespace_selector=namespace_selector,
            failure_policy=failure_policy,
            timeout_seconds=timeout_seconds,
        )
    except (_UserError, WebhookConfigError) as e:
        _fail(e)
    _emit(text, output)


# --- The admission webhook (Istio's sidecar-injector binary) ---


class _Duration(click.ParamType):
    """A Go duration flag (``2s``, ``1m30s``), in seconds."""

    name = "duration"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        if isinstance(value, (int, float)):
            return float(value)
        from gotmpl.gotime import parse_duration

        try:
            return parse_duration(value) / 1e9
        except ValueError as e:
            self.fail(str(e), param, ctx)


# Flags of Istio's sidecar-injector binary this server has no use for: accepted
# so Istio's own Deployment manifests run unchanged, and logged as ignored.
_IGNORED_ISTIO_FLAGS = (
    ("--caCertFile", "ca_cert_file", "registration is `injector webhook-config`"),
    ("--kubeconfig", "kubeconfig", "the server never calls the API server"),
    ("--webhookConfigName", "webhook_config_name", "registration is `injector webhook-config`"),
    ("--webhookName", "webhook_name", "registration is `injector webhook-config`"),
    ("--reconcileWebhookConfig", "reconcile_webhook_config", "registration is `injector webhook-config`"),
    ("--monitoringPort", "monitoring_port", "/metrics is served on the webhook port"),
    ("--log_output_level", "log_output_level", "logs are one JSON line per event"),
)


def _webhook_options(command: Any) -> Any:
    """The server's flags, Istio's names first (and kebab-case aliases)."""
    options = [
        click.option("--tlsCertFile", "--tls-cert-file", "tls_cert_file", default="/etc/istio/certs/cert-chain.pem", show_default=True, metavar="FILE", help="Serving certificate (PEM), reloaded when it changes."),
        click.option("--tlsKeyFile", "--tls-key-file", "tls_key_file", default="/etc/istio/certs/key.pem", show_default=True, metavar="FILE", help="Private key of --tlsCertFile (PEM)."),
        click.option("--injectConfig", "--inject-config", "inject_config", default="/etc/istio/inject/config", show_default=True, metavar="FILE", help="Inject config (policy + template), the sidecar-injector ConfigMap's data.config; reloaded when it changes."),
        click.option("--meshConfig", "--mesh-config", "mesh_config", default="/etc/istio/config/mesh", show_default=True, metavar="FILE", help="Mesh config, the istio ConfigMap's data.mesh; reloaded when it changes."),
        click.option("--injectValues", "--inject-values", "--valuesFile", "values_file", metavar="FILE", help="Injection values (.Values, Istio 1.2+), the ConfigMap's data.values; reloaded when it changes."),
        click.option("--port", default=443, show_default=True, type=click.IntRange(0, 65535), help="HTTPS port."),
        click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on."),
        click.option("--healthCheckInterval", "--health-check-interval", "health_check_interval", default="0", type=_Duration(), metavar="DURATION", help="How often to write --healthCheckFile (0 disables it)."),
        click.option("--healthCheckFile", "--health-check-file", "health_check_file", default="", metavar="FILE", help="File written with 'ok' every --healthCheckInterval (Istio's exec health probe)."),
        click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Server processes sharing the port (one per core serves the most)."),
        click.option("--reload-interval", "reload_interval", default="1s", type=_Duration(), metavar="DURATION", help="How often changed config and certificate files are looked for."),
        click.option("--istio-version", "version", default=_DEFAULT_VERSION_TEXT, show_default=True, metavar="X.Y[.Z]", help="Istio release whose injector to reproduce (0.5 to 1.8)."),
    ]
    options += [click.option(flag, dest, hidden=True, help=f"Istio's flag, ignored: {why}.") for flag, dest, why in _IGNORED_ISTIO_FLAGS]
    for option in reversed(options):
        command = option(command)
    return command


def _run_webhook(
    tls_cert_file: str,
    tls_key_file: str,
    inject_config: str,
    mesh_config: str,
    values_file: str | None,
    port: int,
    host: str,
    health_check_interval: float,
    health_check_file: str,
    reload_interval: float,
    version: str,
    workers: int,
    **istio_flags: Any,
) -> None:
    from . import webhook

    settings = webhook.Settings(
        tls_cert_file=tls_cert_file,
        tls_key_file=tls_key_file,
        inject_config=inject_config,
        mesh_config=mesh_config,
        values_file=values_file,
        version=version,
        port=port,
        host=host,
        health_check_interval=health_check_interval,
        health_check_file=health_check_file,
        reload_interval=max(reload_interval, 0.05),
        workers=workers,
    )
    webhook.configure_logging()
    for flag, dest, why in _IGNORED_ISTIO_FLAGS:
        if istio_flags.get(dest) is not None:
            webhook.log.info("ignoring %s: %s", flag, why)
    try:
        webhook.serve(settings)
    except (_UserError, C.ConfigError, meshconfig.MeshConfigError, InjectionError, VersionError, ValueError) as e:
        _fail(e)


@main.command("webhook")
@_webhook_options
def webhook_command(**flags: Any) -> None:
    """Serve automatic sidecar injection: a mutating admission webhook on HTTPS /inject."""
    _run_webhook(**flags)


@click.group(
    "sidecar-injector",
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@_webhook_options
@click.pass_context
def sidecar_injector(ctx: click.Context, **flags: Any) -> None:
    """Kubernetes webhook for automatic Istio sidecar injection.

    Istio's sidecar-injector command line (its flags, and its `probe`
    subcommand for exec health probes), so Istio's own Deployment runs this
    image unchanged. Without a subcommand it serves, as `injector webhook`."""
    if ctx.invoked_subcommand is None:
        _run_webhook(**flags)


@sidecar_injector.command("probe")
@click.option("--probe-path", "probe_path", required=True, metavar="FILE", help="Path of the file for checking the availability.")
@click.option("--interval", required=True, type=_Duration(), metavar="DURATION", help="Duration used for checking the target file's last modified time.")
def probe_command(probe_path: str, interval: float) -> None:
    """Succeed while --probe-path was modified within --interval (the health-check file)."""
    import os
    import time

    if interval <= 0:
        raise click.UsageError("some options are not valid: --interval must be positive")
    try:
        age = time.time() - os.stat(probe_path).st_mtime
    except OSError as e:
        _fail(_UserError(f"fail on inspecting path {probe_path}: {e.strerror}"))
    if age > interval:
        _fail(_UserError(f"fail on inspecting path {probe_path}: the file is {age:.1f}s old, more than {interval:g}s"))
    click.echo("OK")


# --- Checking workloads against Istio's pod requirements ---


def _check_version(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        release(value)
    except VersionError as e:
        raise click.BadParameter(str(e)) from None
    return value


def _config_diagnostic(source: str, message: str) -> Any:
    """A config error as a diagnostic: the ``FILE:LINE:COL: `` or ``FILE: ``
    its message starts with becomes the diagnostic's place."""
    from gotmpl.diagnostics import ERROR, Diagnostic

    line = column = 0
    if source and message.startswith(f"{source}:"):
        rest = message[len(source) + 1 :]
        parts = rest.split(":", 2)
        if len(parts) == 3 and parts[0].isdigit() and parts[1].strip().isdigit():
            line, column, rest = int(parts[0]), int(parts[1]), parts[2]
        message = rest.strip()
    return Diagnostic(source, line, column, ERROR, message, "config")


@main.command("check")
@click.argument("manifests", nargs=-1, metavar="[MANIFEST]...")
@click.option("-f", "--filename", "filenames", multiple=True, metavar="FILE", help="A manifest (YAML or JSON, - for stdin); repeatable.")
@click.option("--istio-version", "version", default=_DEFAULT_VERSION_TEXT, show_default=True, callback=_check_version, metavar="X.Y[.Z]", help="Istio release whose requirements and injector decide (0.5 to 1.8).")
@click.option("--namespace-labels", "namespace_labels", metavar="FILE", help="Labels of the cluster's namespaces: a mapping namespace -> labels, or Namespace objects.")
@click.option("--injectConfigFile", "inject_config_file", metavar="FILE", help="Inject config (policy + template), as the ConfigMap's data.config.")
@click.option("--injectConfigMapFile", "inject_configmap_file", metavar="FILE", help="The sidecar-injector ConfigMap manifest itself.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format.")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--explain", is_flag=True, help="Also print each workload's sidecar decision on stderr.")
def check_command(
    manifests: tuple[str, ...],
    filenames: tuple[str, ...],
    version: str,
    namespace_labels: str | None,
    inject_config_file: str | None,
    inject_configmap_file: str | None,
    fmt: str,
    strict: bool,
    explain: bool,
) -> None:
    """Check that workloads meet Istio's requirements for joining the mesh.

    Exit 0 when clean (or warnings only, unless --strict), 1 on problems, 2 on
    usage errors."""
    # Imported here, as in certs_command.
    from gotmpl.diagnostics import Diagnostic, exit_status, render, sort_key

    from . import check

    rel = release(version)
    paths = list(filenames) + list(manifests)
    if not paths:
        raise click.UsageError("no manifests: give -f FILE (or FILE arguments)")
    if inject_config_file and inject_configmap_file:
        raise click.UsageError("--injectConfigFile and --injectConfigMapFile are exclusive")
    diagnostics: list[Diagnostic] = []
    try:
        config = build_injector(version, inject_config_file, inject_configmap_file).config
    except (_UserError, C.ConfigError, InjectionError) as e:
        diagnostics.append(_config_diagnostic(inject_config_file or inject_configmap_file or "", str(e)))
        config = None
    labels: dict[str, dict[str, str]] = {}
    if namespace_labels:
        labels, problems = check.read_namespace_labels(namespace_labels, rel)
        diagnostics += problems
    found = check.read_manifests(paths, rel)
    diagnostics += check.check(found, rel, config, labels)
    if explain:
        for workload, decision in check.decisions(found, rel, config, labels):
            line, _ = workload.place.position(workload.path("metadata"))
            verdict = "sidecar" if decision.ok else "no sidecar"
            click.echo(f"{workload.place.file}:{line}: {workload.describe()}: {verdict}: {decision.reason}", err=True)
    diagnostics.sort(key=sort_key)
    _emit(render(diagnostics, fmt, "injector check", check.RULES), None)
    sys.exit(exit_status(diagnostics, strict))

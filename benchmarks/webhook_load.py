"""Admission webhook load: N concurrent keep-alive TLS clients over loopback.

    python benchmarks/webhook_load.py [--connections N] [--duration S] [--warmup S]
                                      [--template largest|embedded] [--in-process]
                                      [--direct S] [--stages N] [--profile N]

The sidecar-injector webhook (``injector webhook``) is started as its own
process (``--in-process``: in a thread of this one instead; the two then share
one GIL, so the figures are worse) on 127.0.0.1 with a fresh CA and serving
certificate, and the configuration of "the largest 0.5 to 1.7 template": every
runtime injection template of Istio 0.5 to 1.7 saved under
../shared/upstream/istio (0.5-0.8 ConfigMap sources after install/updateVersion.sh's
substitution; 1.2-1.7 ``files/injection-template.yaml`` with its chart's values
as ``.Values``, as tests/test_runtime_templates.py renders them; the 0.8-1.1
Helm ConfigMaps are Helm sources, not configs, and are skipped), longest first,
the first one that answers the benchmark's review with a patch. Without
../shared (or with ``--template embedded``) the embedded configuration is used.
The template used is printed (path, release, size).

Each of N clients (asyncio, uvloop when installed) keeps one TLS connection and
sends POST /inject with a pre-encoded AdmissionReview v1 of a Deployment's pod
(generateName, a controller ReplicaSet owner, app/version/pod-template-hash
labels, two containers with ports, HTTP probes, resources and the
service-account token mount, as the API server passes it after defaulting), a
new uid each time, one request in flight per connection; responses are read
with a minimal HTTP/1.1 parser (Content-Length). A response counts as an error
unless it is a 200 with ``"allowed":true``, the request's uid and a patch (the
first response of each connection is decoded whole). After ``--warmup`` seconds
the next ``--duration`` seconds are measured (default 20, at most 60 together
with the warm-up); the run stops by itself.

Prints requests/s, p50/p90/p99/max latency as the client sees it, errors, the
server's own ``sidecar_injection_duration_seconds`` histogram over the window
(/metrics) and, first, ``admission.review`` called in a loop in this process
(``--direct`` seconds; the most one server process can do, with no HTTP and no
TLS). ``--stages N`` splits N direct reviews' wall time by step (template
render, YAML and JSON decoding, patch encoding...; wrapped functions, no
profiler), ``--profile N`` adds a cProfile of N direct reviews (top functions
by cumulative and own time, in ms per review; the profiler itself makes them
about 3.5 times slower). The server's CPU use over the window is read from
/proc, so the figures show when the server, not the clients, is the limit.

Target: >= 500 requests/s with p99 < 20 ms on a 2-core machine, 0 errors; the
figures are printed, and whether the target was met, either way (exit status 0). There is no Go server to compare with here (the
oracle runs templates, not Istio's webhook), so only our figures are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import dataclasses
import json
import os
import pathlib
import pstats
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # upstream.py: Istio's saved templates with their .Values

from injector import certs  # noqa: E402
from injector.admission import review  # noqa: E402
from injector.cli import build_injector  # noqa: E402
from injector.config import EMBEDDED_INJECT_CONFIG, EMBEDDED_MESH_CONFIG, embedded_text, parse_inject_config  # noqa: E402
from injector.versions import DEFAULT_VERSION, release  # noqa: E402
from upstream import runtime_templates  # noqa: E402

SHARED = ROOT.parent / "shared"
UPSTREAM = SHARED / "upstream" / "istio"
SERVICE, NAMESPACE = "istio-sidecar-injector", "istio-system"
HOSTNAME = f"{SERVICE}.{NAMESPACE}.svc"
HOST = "127.0.0.1"
MAX_LOAD_SECONDS = 60.0  # warm-up + measurement
REQUEST_TIMEOUT = 10.0  # the API server's default webhook timeoutSeconds
TARGET_RPS, TARGET_P99_MS = 500.0, 20.0

# --- the request ------------------------------------------------------------------------------------

UID_PREFIX = "6f1e3b2a-4c5d-4e6f-8a9b-"
UID_PLACEHOLDER = UID_PREFIX + "0" * 12  # the last 12 hex digits vary per request


def _container(name: str, image: str, port: int, probe_path: str, cpu: str, memory: str, token: str) -> dict[str, Any]:
    def probe(path: str, delay: int) -> dict[str, Any]:
        return {
            "httpGet": {"path": path, "port": port, "scheme": "HTTP"},
            "initialDelaySeconds": delay,
            "timeoutSeconds": 1,
            "periodSeconds": 10,
            "successThreshold": 1,
            "failureThreshold": 3,
        }

    return {
        "name": name,
        "image": image,
        "ports": [{"name": "http" if port != 9102 else "http-metrics", "containerPort": port, "protocol": "TCP"}],
        "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
        "resources": {"limits": {"cpu": "500m", "memory": memory}, "requests": {"cpu": cpu, "memory": memory}},
        "volumeMounts": [{"name": token, "readOnly": True, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
        "livenessProbe": probe(probe_path, 15),
        "readinessProbe": probe(probe_path.replace("healthz", "ready"), 5),
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent",
    }


def deployment_pod(workload: int = 0) -> dict[str, Any]:
    """A pod as a Deployment's ReplicaSet creates it, after API-server defaulting
    (``workload`` numbers distinct Deployments: their pods render differently)."""
    app = "reviews" if workload == 0 else f"reviews{workload}"
    token = f"{app}-token-x7k2p"
    return {
        "metadata": {
            "generateName": f"{app}-v2-7bf8c9648f-",
            "namespace": "bookinfo",
            "creationTimestamp": None,
            "labels": {"app": app, "version": "v2", "pod-template-hash": "7bf8c9648f"},
            "annotations": {"kubernetes.io/psp": "restricted", "prometheus.io/scrape": "true", "prometheus.io/port": "9102"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": f"{app}-v2-7bf8c9648f",
                    "uid": "0b7d5c1e-29a4-4f1b-9d7e-3c2f8a6b1d40",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "volumes": [{"name": token, "secret": {"secretName": token, "defaultMode": 420}}],
            "containers": [
                _container(app, "docker.io/istio/examples-bookinfo-reviews-v2:1.16.2", 9080, "/healthz", "100m", "256Mi", token),
                _container("metrics", "quay.io/prometheus/statsd-exporter:v0.18.0", 9102, "/metrics/healthz", "20m", "32Mi", token),
            ],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": app,
            "serviceAccount": app,
            "securityContext": {},
            "schedulerName": "default-scheduler",
            "tolerations": [
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            ],
            "priority": 0,
            "enableServiceLinks": True,
        },
        "status": {},
    }


def review_template(pod: dict[str, Any]) -> tuple[bytes, bytes]:
    """The AdmissionReview v1 body, split around the varying end of the uid."""
    request = {
        "uid": UID_PLACEHOLDER,
        "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
        "requestResource": {"group": "", "version": "v1", "resource": "pods"},
        "namespace": pod["metadata"]["namespace"],
        "operation": "CREATE",
        "userInfo": {
            "username": "system:serviceaccount:kube-system:replicaset-controller",
            "uid": "5a3c1f9e-7d2b-4e8a-b6c4-9f0e1d2c3b4a",
            "groups": ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
        },
        "object": pod,
        "oldObject": None,
        "dryRun": False,
        "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"},
    }
    body = json.dumps({"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1", "request": request}, separators=(",", ":")).encode()
    at = body.index(UID_PLACEHOLDER.encode()) + len(UID_PREFIX)
    return body[:at], body[at + 12 :]


def review_body(prefix: bytes, suffix: bytes, n: int) -> bytes:
    return prefix + b"%012x" % n + suffix


# --- the configuration: the largest 0.5-1.7 runtime template that works -----------------------------


@dataclasses.dataclass
class Candidate:
    label: str  # path under ../shared/upstream/istio
    version: str  # the release folder, e.g. 1.5.10
    template: str
    values: dict[str, Any] | None = None  # .Values (1.2+)
    config: str | None = None  # the inject config file text when it is not built from the template

    @property
    def size(self) -> int:
        return len(self.template.encode("utf-8"))


def candidates() -> tuple[list[Candidate], list[str]]:
    """The saved runtime templates of 0.5-1.7 (largest first), as
    tests/test_runtime_templates.py renders them, and what is not among them."""
    found = [Candidate(t.label, t.version, t.template, t.values, t.config) for t in runtime_templates()]
    found.sort(key=lambda c: -c.size)
    skipped = [
        "0.8-1.1: their ConfigMaps are Helm sources (the runtime template exists only after Helm renders the chart)"
    ] if found else []
    return found, skipped


def embedded_candidate() -> Candidate:
    version = ".".join(str(p) for p in DEFAULT_VERSION)
    config = embedded_text(EMBEDDED_INJECT_CONFIG)
    template = parse_inject_config(config, release(version), EMBEDDED_INJECT_CONFIG).template
    return Candidate(f"embedded injector/data/{EMBEDDED_INJECT_CONFIG}", version, template, config=config)


def _literal_block(text: str, indent: str = "  ") -> str:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
        chomp = "|" if not text.endswith("\n\n") else "|+"
    else:
        chomp = "|-"
    return chomp + "\n" + "\n".join(indent + line if line else "" for line in lines) + "\n"


def write_config(c: Candidate, directory: pathlib.Path) -> dict[str, str]:
    """The server's files: inject config (data.config), mesh config, values."""
    files = {"inject": directory / "config", "mesh": directory / "mesh"}
    config = c.config if c.config is not None else "policy: enabled\ntemplate: " + _literal_block(c.template)
    files["inject"].write_text(config)
    files["mesh"].write_text(embedded_text(EMBEDDED_MESH_CONFIG))
    if c.values is not None:
        files["values"] = directory / "values"
        files["values"].write_text(json.dumps(c.values, default=str))
    return {k: str(v) for k, v in files.items()}


def _build(c: Candidate, files: dict[str, str]) -> Any:
    injector = build_injector(
        c.version, inject_config_file=files["inject"], mesh_config_file=files["mesh"], values_file=files.get("values")
    )
    if injector.config.template != c.template:
        raise ValueError("the inject config file does not give back the template")
    return injector


def _injected(outcome: Any) -> str:
    """Why a review outcome is not an injection ('' when it is one)."""
    if outcome.decision != "injected" or outcome.patch is None:
        return f"{outcome.decision} ({outcome.reason}: {outcome.message})"
    ops = json.loads(outcome.patch)
    if not any(op.get("path", "").startswith("/spec/containers") for op in ops):
        return "the patch adds no container"
    return ""


def choose(directory: pathlib.Path, body: bytes, which: str) -> tuple[Candidate, dict[str, str], Any, list[str]]:
    """The candidate used, its files, its injector and the ones passed over."""
    found, skipped = candidates() if which == "largest" else ([], [])
    if which == "largest" and not found:
        skipped.append(f"{UPSTREAM} is absent: no upstream templates")
    for c in found + [embedded_candidate()]:
        try:
            files = write_config(c, directory)
            injector = _build(c, files)
            why = _injected(review(injector, body))
        except Exception as e:  # noqa: BLE001 - any failure passes the template over
            why = f"{type(e).__name__}: {str(e).splitlines()[0][:160]}"
        if not why:
            return c, files, injector, skipped
        skipped.append(f"{c.label} ({c.size} bytes): {why if len(why) < 240 else why[:237] + '...'}")
    raise SystemExit("no usable configuration, not even the embedded one:\n  " + "\n  ".join(skipped))


# --- direct reviews (no HTTP) ------------------------------------------------------------------------


def direct_rate(injector: Any, prefix: bytes, suffix: bytes, seconds: float) -> tuple[int, float]:
    for i in range(20):
        review(injector, review_body(prefix, suffix, i))
    n, start = 0, time.perf_counter()
    end = start + seconds
    while True:
        review(injector, review_body(prefix, suffix, n))
        n += 1
        if n % 16 == 0 and time.perf_counter() >= end:
            break
    return n, time.perf_counter() - start


class _Stages:
    """Exclusive wall time per step of a review: the functions below are wrapped
    (module attributes, restored after), each call's time minus that of the
    wrapped calls inside it; no profiler, so the split adds up to the real time."""

    def __init__(self) -> None:
        self.own: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.stack: list[list[Any]] = []
        self.undo: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: Any, attr: str, label: Any) -> None:
        fn = getattr(owner, attr)
        stack, own, calls = self.stack, self.own, self.calls

        def wrapper(*a: Any, **k: Any) -> Any:
            name = label(stack) if callable(label) else label
            if not (stack and stack[-1][0] == name):
                calls[name] = calls.get(name, 0) + 1
            entry = [name, 0.0]
            stack.append(entry)
            start = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                elapsed = time.perf_counter() - start
                stack.pop()
                own[name] = own.get(name, 0.0) + elapsed - entry[1]
                if stack:
                    stack[-1][1] += elapsed

        self.undo.append((owner, attr, fn))
        setattr(owner, attr, wrapper)

    def restore(self) -> None:
        for owner, attr, fn in reversed(self.undo):
            setattr(owner, attr, fn)
        self.undo.clear()


def stage_split(injector: Any, prefix: bytes, suffix: bytes, n: int) -> None:
    from injector import admission, gojson, goyaml, inject, probes
    from injector.inject import Injector

    def in_spec(stack: list[list[Any]]) -> bool:
        return any(e[0].startswith("spec:") or e[0].startswith("decode_spec") for e in stack)

    def patch_or_parent(label: str):
        # Called from create_patch: its own step; elsewhere (quantities, probes): the caller's.
        return lambda s: label if not s or s[-1][0].startswith("create_patch") else s[-1][0]

    st = _Stages()
    st.wrap(admission, "review", "review: the rest (decisions, Outcome, skip checks)")
    st.wrap(admission, "parse_review", "request body: json.loads")
    st.wrap(gojson, "decode", lambda s: "spec: JSON -> SidecarInjectionSpec (gojson.decode)" if in_spec(s) else "pod: JSON -> corev1.Pod (gojson.decode)")
    st.wrap(admission, "workload_meta", "workload_meta")
    st.wrap(admission, "create_patch", "create_patch: the rest (ops, annotations, labels)")
    st.wrap(Injector, "template_data", "template data (SidecarTemplateData)")
    st.wrap(Injector, "_execute", "template render (gotmpl)")
    st.wrap(Injector, "status", "status annotation")
    st.wrap(inject, "validate_annotations", "annotation validation")
    st.wrap(inject, "decode_spec", "decode_spec: the rest")
    st.wrap(goyaml, "yaml_to_json", "spec: YAML nodes -> tree (goyaml _Builder)")
    st.wrap(goyaml, "_first_node", "spec: YAML parse + compose (libyaml)")
    st.wrap(goyaml.Document, "json", "spec: tree -> JSON for the Go type (goyaml _to_json)")
    st.wrap(gojson, "encode", patch_or_parent("patch values: Go -> JSON values (gojson.encode)"))
    st.wrap(gojson, "dumps", patch_or_parent("patch text: gojson.dumps"))
    st.wrap(probes, "app_probers", "probe rewrite (app_probers, rewrite_ops)")
    st.wrap(probes, "rewrite_ops", "probe rewrite (app_probers, rewrite_ops)")
    st.wrap(admission.Outcome, "body", "response: Outcome.body (json + base64)")
    try:
        for i in range(20):
            admission.review(injector, review_body(prefix, suffix, i)).body()
        st.own.clear()
        st.calls.clear()
        start = time.perf_counter()
        for i in range(n):
            admission.review(injector, review_body(prefix, suffix, i)).body()
        wall = time.perf_counter() - start
    finally:
        st.restore()
    print(f"\nwhere a review's time goes ({n} reviews + Outcome.body, {wall / n * 1e3:.3f} ms each, exclusive times):")
    for name, secs in sorted(st.own.items(), key=lambda kv: -kv[1]):
        print(f"  {secs / n * 1e3:8.3f} ms  {secs / wall * 100:5.1f}%  {st.calls[name] / n:5.1f} calls  {name}")


def profile_reviews(injector: Any, prefix: bytes, suffix: bytes, n: int, top: int = 25) -> None:
    for i in range(20):
        review(injector, review_body(prefix, suffix, i))
    bodies = [review_body(prefix, suffix, i) for i in range(n)]
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    for body in bodies:
        review(injector, body)
    prof.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{pathlib.Path(file).name}:{line}({func})" if line else func
        rows.append((ct, tt, nc, where))
    rows.sort(reverse=True)
    print(f"\ncProfile of {n} direct reviews ({wall / n * 1e3:.3f} ms per review under the profiler):")
    print(f"  {'cum ms/review':>13} {'own ms/review':>13} {'calls/review':>12}  function")
    for ct, tt, nc, where in rows[:top]:
        print(f"  {ct / n * 1e3:13.3f} {tt / n * 1e3:13.3f} {nc / n:12.1f}  {where}")
    rows.sort(key=lambda r: -r[1])
    print("  by own time:")
    for ct, tt, nc, where in rows[:top]:
        print(f"  {ct / n * 1e3:13.3f} {tt / n * 1e3:13.3f} {nc / n:12.1f}  {where}")


# --- the server -------------------------------------------------------------------------------------


class Server:
    """The webhook, as a subprocess (default) or in a thread of this process."""

    def __init__(
        self, c: Candidate, files: dict[str, str], tls: dict[str, str], directory: pathlib.Path, in_process: bool, workers: int = 1
    ) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.running: Any = None
        self.log_path = directory / "webhook.log"
        if in_process:
            from injector import webhook

            settings = webhook.Settings(
                tls_cert_file=tls["cert"], tls_key_file=tls["key"], inject_config=files["inject"],
                mesh_config=files["mesh"], values_file=files.get("values"), version=c.version,
            )
            self.running = webhook.start(settings, host=HOST)
            self.port = self.running.port
            return
        self.port = _free_port()
        cmd = [
            sys.executable, "-c", "from injector.cli import main; main()", "webhook",
            "--tlsCertFile", tls["cert"], "--tlsKeyFile", tls["key"],
            "--injectConfig", files["inject"], "--meshConfig", files["mesh"],
            "--port", str(self.port), "--host", HOST, "--istio-version", c.version,
            "--workers", str(workers),
        ]  # fmt: skip
        if "values" in files:
            cmd += ["--valuesFile", files["values"]]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        with open(self.log_path, "wb") as log:  # the structured request log, one JSON line per review
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)

    def alive(self) -> bool:
        return self.proc.poll() is None if self.proc is not None else self.running.thread.is_alive()

    def log_tail(self, lines: int = 10) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _get(port: int, ctx: ssl.SSLContext, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """One GET over a new TLS connection (readiness, metrics)."""
    with socket.create_connection((HOST, port), timeout=timeout) as raw, ctx.wrap_socket(raw, server_hostname=HOSTNAME) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOSTNAME}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def wait_ready(server: Server, ctx: ssl.SSLContext, timeout: float = 20.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if not server.alive():
            raise SystemExit("the webhook server exited:\n" + server.log_tail())
        try:
            if _get(server.port, ctx, "/readyz", timeout=2)[0] == 200:
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"the webhook server was not ready within {timeout:g}s:\n" + server.log_tail())


# --- /metrics ---------------------------------------------------------------------------------------


def parse_metrics(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("sidecar_injection_") and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def histogram(before: dict[str, float], after: dict[str, float], name: str) -> tuple[float, float, list[tuple[float, float]]]:
    """(count, sum, [(upper bound, cumulative count)]) of the window between two scrapes."""

    def delta(key: str) -> float:
        return after.get(key, 0.0) - before.get(key, 0.0)

    buckets = []
    for key in after:
        if key.startswith(name + "_bucket{"):
            le = key.split('le="', 1)[1].split('"', 1)[0]
            buckets.append((float(le), delta(key)))
    buckets.sort()
    return delta(name + "_count"), delta(name + "_sum"), buckets


def bucket_quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    """Prometheus' histogram_quantile: linear within the bucket."""
    if not buckets or buckets[-1][1] <= 0:
        return float("nan")
    rank = q * buckets[-1][1]
    lower, below = 0.0, 0.0
    for upper, count in buckets:
        if count >= rank:
            if upper == float("inf"):
                return lower
            return lower + (upper - lower) * ((rank - below) / (count - below) if count > below else 0)
        lower, below = upper, count
    return buckets[-1][0]


# --- the load -----------------------------------------------------------------------------------------


@dataclasses.dataclass
class Load:
    port: int
    ctx: ssl.SSLContext
    bodies: list[tuple[bytes, bytes]]  # (prefix, suffix) of each workload's review, around the uid's end
    t0: float = 0.0  # measurement window
    t1: float = 0.0
    counter: int = 0
    latencies: list[float] = dataclasses.field(default_factory=list)
    errors: int = 0
    warmup_requests: int = 0
    error_samples: list[str] = dataclasses.field(default_factory=list)
    patch_info: str = ""

    def head(self, length: int) -> bytes:
        return (
            f"POST /inject?timeout=10s HTTP/1.1\r\nHost: {HOSTNAME}\r\nUser-Agent: kube-apiserver-admission\r\n"
            f"Accept: application/json, */*\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
        ).encode()

    def error(self, when: float, message: str) -> None:
        if self.t0 <= when <= self.t1:
            self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(message)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    at = lower.find(b"\r\ncontent-length:")
    if at < 0:
        raise ValueError("response without Content-Length")
    end = lower.index(b"\r\n", at + 2)
    length = int(lower[at + 17 : end])
    close = b"\r\nconnection: close" in lower
    return status, await reader.readexactly(length), close


def _check(body: bytes, uid: bytes, full: bool) -> str:
    if b'"allowed":true' not in body or b'"patch":"' not in body or b'"uid":"' + uid + b'"' not in body:
        return "not an allowed review with this uid and a patch: " + body[:200].decode(errors="replace")
    if full:
        doc = json.loads(body)
        ops = json.loads(base64.b64decode(doc["response"]["patch"]))
        if doc["response"].get("patchType") != "JSONPatch" or not any(op["path"].startswith("/spec/containers") for op in ops):
            return "the patch adds no container"
    return ""


async def client(load: Load, first: bool) -> None:
    reader = writer = None
    verified = False
    while time.perf_counter() < load.t1:
        n = load.counter = load.counter + 1
        uid_tail = b"%012x" % n
        prefix, suffix = load.bodies[n % len(load.bodies)]
        body = prefix + uid_tail + suffix
        start = time.perf_counter()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                if writer is None:
                    reader, writer = await asyncio.open_connection(HOST, load.port, ssl=load.ctx, server_hostname=HOSTNAME)
                    start = time.perf_counter()  # the handshake is not the request's
                writer.write(load.head(len(body)) + body)
                status, answer, close = await _read_response(reader)
            done = time.perf_counter()
            why = f"HTTP {status}: {answer[:200].decode(errors='replace')}" if status != 200 else _check(answer, UID_PREFIX.encode() + uid_tail, not verified)
            if not verified and not why and first:
                ops = json.loads(base64.b64decode(json.loads(answer)["response"]["patch"]))
                load.patch_info = f"{len(answer)} bytes, patch of {len(ops)} operations"
            verified = True
            if why:
                load.error(done, why)
            elif load.t0 <= done <= load.t1:
                load.latencies.append(done - start)
            elif done < load.t0:
                load.warmup_requests += 1
            if close:
                writer.close()
                reader = writer = None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError, ssl.SSLError) as e:
            load.error(time.perf_counter(), f"{type(e).__name__}: {e}")
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def run_load(load: Load, connections: int, warmup: float, duration: float, pid: int | None) -> dict[str, Any]:
    """Run the clients; the window's metrics scrapes and CPU times."""
    now = time.perf_counter()
    load.t0, load.t1 = now + warmup, now + warmup + duration
    tasks = [asyncio.create_task(client(load, i == 0)) for i in range(connections)]
    await asyncio.sleep(max(0.0, load.t0 - time.perf_counter()))
    cpu0 = (time.process_time(), _proc_cpu(pid))
    before = await asyncio.to_thread(_scrape, load)
    await asyncio.sleep(max(0.0, load.t1 - time.perf_counter()))
    cpu1 = (time.process_time(), _proc_cpu(pid))
    done, pending = await asyncio.wait(tasks, timeout=REQUEST_TIMEOUT + 2)
    for t in pending:
        t.cancel()
    after = await asyncio.to_thread(_scrape, load)
    for t in done:
        if t.exception() is not None:
            raise t.exception()  # type: ignore[misc]
    server_cpu = cpu1[1] - cpu0[1] if pid is not None and cpu0[1] >= 0 and cpu1[1] >= 0 else None
    return {"before": before, "after": after, "client_cpu": cpu1[0] - cpu0[0], "server_cpu": server_cpu}


def _proc_cpu(pid: int | None) -> float:
    """User + system CPU seconds of a process and its live children (the
    server's workers), from Linux /proc; -1 when unknown."""
    if pid is None:
        return -1.0
    total, found = 0.0, False
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            found = True
    return total if found else -1.0


def _scrape(load: Load) -> dict[str, float]:
    try:
        status, body = _get(load.port, load.ctx, "/metrics")
    except OSError:
        return {}
    return parse_metrics(body.decode()) if status == 200 else {}


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, max(0, round(q * len(sorted_values) + 0.5) - 1))]


# --- main -----------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-c", "--connections", type=int, default=8, help="concurrent keep-alive connections (default 8)")
    ap.add_argument("-d", "--duration", type=float, default=20.0, help="measured seconds (default 20; warm-up + duration <= 60)")
    ap.add_argument("--warmup", type=float, default=2.0, help="seconds of load before measuring (default 2)")
    ap.add_argument("--template", choices=("largest", "embedded"), default="largest", help="the largest saved 0.5-1.7 template (default) or the embedded config")
    ap.add_argument("--workloads", type=int, default=32, help="distinct Deployments whose pods the clients send in turn (default 32)")
    ap.add_argument("-w", "--workers", type=int, default=min(os.cpu_count() or 1, 4), help="server processes (injector webhook --workers; default: one per core, at most 4)")
    ap.add_argument("--in-process", action="store_true", help="run the server in a thread of this process (shares the GIL with the clients)")
    ap.add_argument("--direct", type=float, default=2.0, help="seconds of direct admission.review calls first (0: skip)")
    ap.add_argument("--stages", type=int, default=0, metavar="N", help="also split N direct reviews' time by step")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="also cProfile N direct reviews")
    args = ap.parse_args()
    warmup = min(max(args.warmup, 0.0), MAX_LOAD_SECONDS)
    duration = min(max(args.duration, 0.5), MAX_LOAD_SECONDS - warmup)
    connections = max(1, args.connections)
    direct = min(max(args.direct, 0.0), 10.0)

    # Whatever happens, stop: the load phase is bounded, this is the backstop.
    budget = 75 + (30 if args.profile or args.stages else 0)

    def _overdue(_signum: int, _frame: Any) -> None:
        raise TimeoutError(f"benchmark overran its {budget:.0f}s budget")

    signal.signal(signal.SIGALRM, _overdue)
    signal.alarm(int(budget))

    try:
        import uvloop

        loop_name = f"uvloop {uvloop.__version__}"
    except ImportError:
        uvloop = None
        loop_name = "asyncio"

    prefix, suffix = review_template(deployment_pod())
    server: Server | None = None
    with tempfile.TemporaryDirectory(prefix="webhook-load-") as tmp:
        directory = pathlib.Path(tmp)
        try:
            c, files, injector, skipped = choose(directory, review_body(prefix, suffix, 0), args.template)
            print(f"template: {c.label} (Istio {c.version}, {c.size} bytes" + (f", .Values {len(json.dumps(c.values, default=str))} bytes JSON)" if c.values is not None else ")"))
            for s in skipped:
                print(f"  passed over: {s}")
            print(f"request: AdmissionReview v1 of a Deployment's pod, {len(prefix) + 12 + len(suffix)} bytes; {args.workloads} Deployments in turn")

            if direct > 0:
                n, secs = direct_rate(injector, prefix, suffix, direct)
                print(f"direct admission.review in this process: {n / secs:8.0f} reviews/s  ({secs / n * 1e3:.3f} ms per review; the most one server process can do)")
            if args.stages:
                stage_split(injector, prefix, suffix, args.stages)
            if args.profile:
                profile_reviews(injector, prefix, suffix, args.profile)

            tls_dir = directory / "tls"
            ca = certs.make_ca()
            certs.write_certs(str(tls_dir), certs.cert_files(ca, certs.make_serving_cert(ca, SERVICE, NAMESPACE)))
            tls = {"ca": str(tls_dir / certs.CA_CERT_FILE), "cert": str(tls_dir / certs.CERT_FILE), "key": str(tls_dir / certs.KEY_FILE)}
            ctx = ssl.create_default_context(cafile=tls["ca"])
            ctx.set_alpn_protocols(["http/1.1"])

            server = Server(c, files, tls, directory, args.in_process, args.workers)
            ready = wait_ready(server, ctx)
            mode = "in this process (thread)" if args.in_process else f"subprocess pid {server.proc.pid}"  # type: ignore[union-attr]
            print(f"server: injector webhook on https://{HOST}:{server.port}, {mode}, ready after {ready:.2f} s")

            load = Load(server.port, ctx, [review_template(deployment_pod(i)) for i in range(args.workloads)])
            if uvloop is not None:
                uvloop.install()
            pid = server.proc.pid if server.proc is not None else None
            window = asyncio.run(run_load(load, connections, warmup, duration, pid))
            alive = server.alive()
        finally:
            signal.alarm(0)
            if server is not None:
                server.stop()

        lat = sorted(load.latencies)
        requests = len(lat)
        rps = requests / duration
        p50, p90, p99 = (percentile(lat, q) * 1e3 for q in (0.50, 0.90, 0.99))
        worst = lat[-1] * 1e3 if lat else float("nan")
        cpus = os.cpu_count()
        print(f"load: {connections} connections, one request in flight each, client on {loop_name}, {cpus} CPUs; warm-up {warmup:g} s ({load.warmup_requests} requests), measured {duration:g} s")
        if load.patch_info:
            print(f"  response       {load.patch_info}")
        print(f"  requests       {requests:8d}")
        print(f"  requests/s     {rps:8.1f}   (target >= {TARGET_RPS:.0f})")
        print(f"  latency p50    {p50:8.2f} ms")
        print(f"  latency p90    {p90:8.2f} ms")
        print(f"  latency p99    {p99:8.2f} ms   (target < {TARGET_P99_MS:.0f} ms)")
        print(f"  latency max    {worst:8.2f} ms")
        print(f"  errors         {load.errors:8d}   (target 0)")
        for sample in load.error_samples:
            print(f"    e.g. {sample}")
        if not alive:
            print("  the server died during the run:\n" + server.log_tail())  # type: ignore[union-attr]
        cpu = f"client {window['client_cpu'] / duration * 100:.0f}%" + (" (server thread included)" if args.in_process else "")
        if window["server_cpu"] is not None:
            cpu = f"server {window['server_cpu'] / duration * 100:.0f}%, " + cpu
            if requests:
                cpu += f"; server {window['server_cpu'] / requests * 1e3:.2f} ms CPU per request"
        print(f"  CPU            {cpu} (100% = one core)")
        count, total, buckets = histogram(window["before"], window["after"], "sidecar_injection_duration_seconds")
        if count > 0:
            q50, q99 = bucket_quantile(0.5, buckets), bucket_quantile(0.99, buckets)
            print(
                f"  server-side    {int(count)} reviews in the window, mean {total / count * 1e3:.2f} ms, "
                f"p50 ~{q50 * 1e3:.2f} ms, p99 ~{q99 * 1e3:.2f} ms (sidecar_injection_duration_seconds, bucket-interpolated)"
            )
        met = rps >= TARGET_RPS and p99 < TARGET_P99_MS and load.errors == 0
        misses = [
            f"requests/s {rps:.0f} < {TARGET_RPS:.0f}" if rps < TARGET_RPS else "",
            f"p99 {p99:.1f} ms >= {TARGET_P99_MS:.0f} ms" if not p99 < TARGET_P99_MS else "",
            f"{load.errors} errors" if load.errors else "",
        ]
        print("targets: MET" if met else "targets: NOT MET (" + ", ".join(m for m in misses if m) + ")")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

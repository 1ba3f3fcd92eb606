"""The HTTPS admission webhook server: automatic sidecar injection.

This module owns the server around :func:`injector.admission.review`: an ASGI
application (``/inject``, ``/healthz``, ``/readyz``, ``/metrics``) served by
uvicorn over TLS, the configuration it renders with and its reloading, the
certificate's reloading, Istio's health-check file, Prometheus metrics and the
structured request log.

Why uvicorn with a bare ASGI callable: the webhook has four fixed routes and
one CPU-bound handler, so a framework would add per-request cost and nothing
else; uvicorn (httptools parser, uvloop) is the fastest maintained pure-Python
HTTP/1.1 server, handles TLS, keep-alive, graceful shutdown and concurrency
limits, and the application stays testable without a socket.

Rendering runs on the event loop thread: it is CPU-bound and short (a few
milliseconds), so handing it to a thread would only add switching; what must
not block the loop — reading a slow client's body — is awaited with a deadline.

Configuration files (inject config, mesh config, values, TLS pair) are polled;
when one changes, a new :class:`~injector.inject.Injector` is built off the
loop and swapped in atomically: a request in flight keeps the injector it
started with. A broken new configuration is refused, logged with its reason,
and the old one keeps serving.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as _dt
import gc
import hashlib
import json
import logging
import os
import ssl
import sys
import threading
import time
from typing import Any, Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from .admission import BadRequest, Outcome, review
from .inject import Injector

__all__ = ["Settings", "Metrics", "WebhookApp", "ConfigSource", "serve", "Running", "start", "tls_context"]

log = logging.getLogger("injector.webhook")

# Kubernetes caps a request body at 3 MiB (etcd's object limit is 1.5 MiB and a
# review carries the object once on CREATE); anything larger is not a review.
DEFAULT_MAX_BODY = 4 * 1024 * 1024
# The API server waits timeoutSeconds (default 10 s) for the whole call.
DEFAULT_BODY_TIMEOUT = 10.0


@dataclasses.dataclass
class Settings:
    """The server's flags (Istio's sidecar-injector flags plus ours)."""

    tls_cert_file: str
    tls_key_file: str
    inject_config: str | None = None
    mesh_config: str | None = None
    values_file: str | None = None
    version: str = ""
    port: int = 9443
    host: str = "0.0.0.0"
    health_check_interval: float = 0.0
    health_check_file: str = ""
    reload_interval: float = 1.0
    max_body: int = DEFAULT_MAX_BODY
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    # A connection must send a request's headers within this long (from the
    # connection or the request's first byte), or it is closed.
    header_timeout: float = DEFAULT_BODY_TIMEOUT
    # Server processes sharing the port (rendering is CPU-bound: one per core).
    workers: int = 1

    def watched_files(self) -> list[str]:
        files = [self.inject_config, self.mesh_config, self.values_file]
        return [f for f in files if f]


# --- metrics ------------------------------------------------------------------------------------------


class Metrics:
    """The Prometheus series, in a registry of their own (one per server)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.multiprocess = "PROMETHEUS_MULTIPROC_DIR" in os.environ
        r = self.registry
        self.requests = Counter("sidecar_injection_requests", "Admission requests received on /inject.", registry=r)
        self.injected = Counter("sidecar_injection_success", "Pods answered with an injection patch.", registry=r)
        self.skipped = Counter("sidecar_injection_skip", "Pods allowed without injection, by reason.", ["reason"], registry=r)
        self.failures = Counter(
            "sidecar_injection_failure", "Requests denied or refused, by reason.", ["reason"], registry=r
        )
        self.latency = Histogram(
            "sidecar_injection_duration_seconds",
            "Time to answer an admission request, body read excluded.",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=r,
        )
        self.reloads = Counter(
            "sidecar_injector_config_reloads", "Configuration reloads, by result.", ["result"], registry=r
        )
        self.config_hash = Gauge(
            "sidecar_injector_config_info",
            "The configuration being served (its sha256).",
            ["sha256"],
            registry=r,
            multiprocess_mode="max",
        )

    def record(self, outcome: Outcome) -> None:
        self.latency.observe(outcome.seconds)
        if outcome.decision == "injected":
            self.injected.inc()
        elif outcome.decision == "skipped":
            self.skipped.labels(outcome.reason).inc()
        else:
            self.failures.labels(outcome.reason).inc()

    def serving(self, sha256: str, previous: str = "") -> None:
        if previous:
            self.config_hash.labels(previous).set(0)
        self.config_hash.labels(sha256).set(1)

    def text(self) -> bytes:
        if not self.multiprocess:
            return generate_latest(self.registry)
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)


def _share_metrics_between_processes(directory: str) -> None:
    """prometheus_client's multiprocess mode: every process writes its series
    to files in ``directory`` and /metrics, in any process, sums them. Must run
    before the first metric is made."""
    from prometheus_client import values

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    values.ValueClass = values.MultiProcessValue()


# --- configuration ------------------------------------------------------------------------------------


def _fingerprint(paths: list[str]) -> tuple[Any, ...]:
    """What changes when a file changes, symlink swaps of ConfigMap volumes included."""
    marks: list[Any] = []
    for path in paths:
        try:
            st = os.stat(path)
            marks.append((path, st.st_ino, st.st_mtime_ns, st.st_size))
        except OSError as e:
            marks.append((path, e.errno))
    return tuple(marks)


def _content_hash(paths: list[str]) -> str:
    h = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


class ConfigSource:
    """Builds the injector from the settings' files and notices when they change."""

    def __init__(self, settings: Settings, build: Callable[[Settings], Injector] | None = None) -> None:
        self.settings = settings
        self._build = build or _build_injector
        self._files = settings.watched_files()
        self.fingerprint = _fingerprint(self._files)
        self.injector = self._build(settings)
        self.sha256 = _content_hash(self._files)

    def changed(self) -> bool:
        return _fingerprint(self._files) != self.fingerprint

    def reload(self) -> Injector:
        """A new injector from the files as they are now; raises (keeping the old) when they are broken."""
        fingerprint = _fingerprint(self._files)
        injector = self._build(self.settings)
        self.fingerprint, self.injector, self.sha256 = fingerprint, injector, _content_hash(self._files)
        return injector

    def skip_current(self) -> None:
        """Remember the broken files' state so they are not retried until they change again."""
        self.fingerprint = _fingerprint(self._files)


def _build_injector(settings: Settings) -> Injector:
    from .cli import build_injector  # the one place that turns flags into an Injector

    kwargs: dict[str, Any] = {
        "inject_config_file": settings.inject_config,
        "mesh_config_file": settings.mesh_config,
        "values_file": settings.values_file,
    }
    if settings.version:
        kwargs["version"] = settings.version
    return build_injector(**kwargs)


def tls_context(cert_file: str, key_file: str) -> ssl.SSLContext:
    """A server TLS context (TLS 1.2+, as the API server speaks) holding the pair."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert_file, key_file)
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def _reload_tls(ctx: ssl.SSLContext, cert_file: str, key_file: str) -> None:
    # Validate on a scratch context first: a failed load_cert_chain can leave a
    # new certificate next to the old key in the live one.
    tls_context(cert_file, key_file)
    ctx.load_cert_chain(cert_file, key_file)


# --- the ASGI application -----------------------------------------------------------------------------


Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

_TEXT = b"text/plain; charset=utf-8"
_JSON = b"application/json"


class _HTTPError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class WebhookApp:
    """The ASGI application. ``source`` supplies the current injector; the
    lifespan starts the config/certificate watcher and the health-check file."""

    def __init__(
        self,
        source: ConfigSource,
        settings: Settings,
        metrics: Metrics | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.source = source
        self.settings = settings
        self.metrics = metrics or Metrics()
        self.tls = tls
        self.ready = False
        self._tasks: list[asyncio.Task[None]] = []
        self._tls_fingerprint = _fingerprint([settings.tls_cert_file, settings.tls_key_file])
        self.metrics.serving(source.sha256)

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        try:
            if path == "/inject":
                if method != "POST":
                    raise _HTTPError(405, "use POST for /inject")
                await self._inject(scope, receive, send)
            elif path in ("/healthz", "/readyz"):
                ok = path == "/healthz" or self.ready
                await _respond(send, 200 if ok else 503, b"ok\n" if ok else b"not ready\n", _TEXT)
            elif path == "/metrics":
                await _respond(send, 200, self.metrics.text(), CONTENT_TYPE_LATEST.encode())
            else:
                raise _HTTPError(404, f"no such endpoint {path!r}: the injector serves /inject, /healthz, /readyz, /metrics")
        except _HTTPError as e:
            await _respond(send, e.status, (str(e) + "\n").encode(), _TEXT)

    async def _inject(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        self.metrics.requests.inc()
        started = time.perf_counter()
        try:
            body = await self._read_body(scope, receive)
            outcome = review(self.source.injector, body)
        except (_HTTPError, BadRequest) as e:
            status = e.status
            reason = {400: "bad_request", 408: "timeout", 413: "too_large", 415: "content_type"}.get(status, "bad_request")
            self.metrics.failures.labels(reason).inc()
            self.metrics.latency.observe(time.perf_counter() - started)
            _log_request({"decision": "refused", "status": status, "reason": reason, "message": str(e)}, logging.WARNING)
            raise _HTTPError(status, str(e)) from None
        except Exception as e:  # noqa: BLE001 - a bug must deny one pod, not kill the server
            log.exception("internal error answering an admission review")
            self.metrics.failures.labels("internal").inc()
            raise _HTTPError(500, f"internal error: {type(e).__name__}") from None
        self.metrics.record(outcome)
        _log_request(outcome.log_fields(), logging.INFO if outcome.allowed else logging.WARNING)
        await _respond(send, 200, outcome.body(), _JSON)

    async def _read_body(self, scope: dict[str, Any], receive: Receive) -> bytes:
        headers = dict(scope["headers"])
        media_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if media_type != b"application/json":
            got = headers.get(b"content-type", b"").decode("latin-1") or "none"
            raise _HTTPError(415, f"invalid Content-Type {got!r}, want application/json")
        limit = self.settings.max_body
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise _HTTPError(413, f"request body of {int(declared)} bytes exceeds the limit of {limit}")
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + self.settings.body_timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                message = await asyncio.wait_for(receive(), timeout=max(remaining, 0.001))
            except asyncio.TimeoutError:
                raise _HTTPError(408, f"request body not received within {self.settings.body_timeout:g}s") from None
            if message["type"] == "http.disconnect":
                raise _HTTPError(400, "client disconnected before sending the whole body")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _HTTPError(413, f"request body exceeds the limit of {limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if not body:
            raise _HTTPError(400, "no body found")
        return body

    # -- lifespan: background work -----------------------------------------------------------------

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._tasks.append(asyncio.create_task(self._watch()))
                if self.settings.health_check_interval > 0 and self.settings.health_check_file:
                    self._tasks.append(asyncio.create_task(self._health_ticker()))
                self.ready = True
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.ready = False
                for task in self._tasks:
                    task.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _watch(self) -> None:
        interval = self.settings.reload_interval
        while True:
            await asyncio.sleep(interval)
            if self.source.changed():
                # Debounce: a ConfigMap update swaps several files one after another.
                await asyncio.sleep(min(0.1, interval))
                await self.reload_config()
            if self.tls is not None:
                self._check_tls()

    async def reload_config(self) -> bool:
        """Rebuild the injector from the files; keep the old one when they are broken."""
        old_sha = self.source.sha256
        try:
            await asyncio.to_thread(self.source.reload)
        except Exception as e:  # noqa: BLE001 - any failure keeps the old configuration
            self.source.skip_current()
            self.metrics.reloads.labels("refused").inc()
            _log_event("config reload refused, still serving the previous configuration", logging.ERROR, error=str(e), serving=old_sha)
            return False
        _freeze_heap()
        self.metrics.reloads.labels("applied").inc()
        self.metrics.serving(self.source.sha256, previous=old_sha)
        _log_event("configuration reloaded", logging.INFO, sha256=self.source.sha256, previous=old_sha)
        return True

    def _check_tls(self) -> None:
        files = [self.settings.tls_cert_file, self.settings.tls_key_file]
        fingerprint = _fingerprint(files)
        if fingerprint == self._tls_fingerprint or self.tls is None:
            return
        self._tls_fingerprint = fingerprint
        try:
            _reload_tls(self.tls, *files)
        except (OSError, ssl.SSLError) as e:
            _log_event("certificate reload refused, still serving the previous certificate", logging.ERROR, error=str(e))
            return
        _log_event("certificate reloaded", logging.INFO, cert=files[0])

    async def _health_ticker(self) -> None:
        # Istio's health check: an exec probe checks that this file stays fresh.
        while True:
            try:
                with open(self.settings.health_check_file, "w") as f:
                    f.write("ok")
            except OSError as e:
                _log_event("health check file update failed", logging.ERROR, file=self.settings.health_check_file, error=e.strerror)
            await asyncio.sleep(self.settings.health_check_interval)


async def _respond(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


# --- structured logs ----------------------------------------------------------------------------------


class JSONLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, message and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "time": _dt.datetime.fromtimestamp(record.created, _dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "msg": record.getMessage(),
        }
        doc.update(getattr(record, "fields", {}))
        if record.exc_info:
            doc["error"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False, default=str)


def _log_request(fields: dict[str, Any], level: int) -> None:
    log.log(level, "admission review", extra={"fields": fields})


def _log_event(message: str, level: int, **fields: Any) -> None:
    log.log(level, message, extra={"fields": fields})


def configure_logging(stream: Any = None) -> None:
    """Structured logs on stderr (the container log)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JSONLogFormatter())
    # uvicorn's own messages (startup, shutdown, protocol errors) in the same format.
    for logger in (log, logging.getLogger("uvicorn.error")):
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False


# --- running ------------------------------------------------------------------------------------------


def _guarded_protocol(header_timeout: float) -> Any:
    """uvicorn's httptools protocol, closing connections that do not send a
    request's headers in time: uvicorn times out idle connections only after a
    response, so a client that connects and stalls (or stalls mid-headers)
    would hold its connection forever."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        _header_timer: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(header_timeout, self._headers_overdue)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_overdue(self) -> None:
            self._header_timer = None
            if not self.transport.is_closing():
                _log_event("closing a connection that sent no request headers in time", logging.WARNING, client=str(self.client), seconds=header_timeout)
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return GuardedHttpToolsProtocol


def _uvicorn_config(app: WebhookApp, settings: Settings, tls: ssl.SSLContext) -> Any:
    import uvicorn

    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        ssl_certfile=settings.tls_cert_file,
        ssl_context_factory=lambda _config, _default: tls,
        lifespan="on",
        log_config=None,
        access_log=False,
        server_header=False,
        http=_guarded_protocol(settings.header_timeout) if _has("httptools") else "h11",
        loop="uvloop" if _has("uvloop") else "asyncio",
        timeout_keep_alive=30,
        timeout_graceful_shutdown=15,
    )


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _freeze_heap() -> None:
    """Move the configuration's long-lived objects (the compiled template, the
    mesh, the Go types: tens of thousands) out of the collector's sight, so a
    full collection during a request costs microseconds, not milliseconds."""
    gc.collect()
    gc.freeze()


def build_app(settings: Settings) -> WebhookApp:
    """The application with its configuration and certificate loaded; raises
    (naming the file) when either is unusable, before anything listens."""
    source = ConfigSource(settings)
    try:
        tls = tls_context(settings.tls_cert_file, settings.tls_key_file)
    except (OSError, ssl.SSLError) as e:
        raise ValueError(f"cannot load the TLS pair {settings.tls_cert_file}, {settings.tls_key_file}: {e}") from None
    app = WebhookApp(source, settings, tls=tls)
    _freeze_heap()
    return app


def serve(settings: Settings) -> None:
    """Run the webhook until SIGTERM/SIGINT (in-flight requests finish first);
    with ``settings.workers`` > 1, in that many forked processes sharing the
    listening socket, their metrics summed."""
    import socket
    import tempfile

    import uvicorn

    metrics_dir = None
    if settings.workers > 1:
        metrics_dir = tempfile.mkdtemp(prefix="injector-metrics-")
        _share_metrics_between_processes(metrics_dir)
    app = build_app(settings)
    assert app.tls is not None
    config = _uvicorn_config(app, settings, app.tls)
    _log_event(
        "sidecar injector webhook listening",
        logging.INFO,
        port=settings.port,
        istio=app.source.injector.release.name,
        sha256=app.source.sha256,
        workers=settings.workers,
    )
    if settings.workers <= 1:
        uvicorn.Server(config).run()
        return
    # One listening socket per worker on the same port (SO_REUSEPORT): the
    # kernel spreads connections over them, where one shared socket lets
    # whichever worker wakes first take every long-lived API-server connection.
    sockets = [socket.create_server((settings.host, settings.port), reuse_port=True, backlog=2048)]
    port = sockets[0].getsockname()[1]
    sockets += [socket.create_server((settings.host, port), reuse_port=True, backlog=2048) for _ in range(settings.workers - 1)]
    try:
        _supervise(lambda i: uvicorn.Server(config).run(sockets=[sockets[i]]), settings.workers, metrics_dir)
    finally:
        for sock in sockets:
            sock.close()
        import shutil

        shutil.rmtree(metrics_dir or "", ignore_errors=True)


def _supervise(run: Callable[[int], None], workers: int, metrics_dir: str | None) -> None:
    """Fork ``workers`` processes running ``run`` (they inherit the loaded
    configuration); restart one that dies; on SIGTERM/SIGINT pass the signal on
    and wait for them to finish their requests."""
    import signal

    stopping = False
    children: dict[int, int] = {}  # pid -> worker slot

    def spawn(slot: int) -> None:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                run(slot)
            except BaseException:  # noqa: BLE001 - report, then leave without the parent's cleanup
                log.exception("webhook worker failed")
                code = 1
            finally:
                os._exit(code)
        children[pid] = slot

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for slot in range(workers):
        spawn(slot)
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        slot = children.pop(pid, 0)
        if metrics_dir:
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(pid, metrics_dir)
        if not stopping:
            _log_event("webhook worker exited, starting another", logging.ERROR, pid=pid, status=status)
            time.sleep(1)  # no busy loop when a worker cannot start
            spawn(slot)


@dataclasses.dataclass
class Running:
    """A server started by :func:`start` in a background thread."""

    app: WebhookApp
    server: Any
    thread: threading.Thread
    port: int

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def start(settings: Settings, host: str = "127.0.0.1") -> Running:
    """Serve on ``host`` and a free port in a thread (tests, benchmarks)."""
    import socket

    import uvicorn

    app = build_app(settings)
    assert app.tls is not None
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(_uvicorn_config(app, dataclasses.replace(settings, host=host, port=port), app.tls))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="injector-webhook")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the webhook server did not start")
        time.sleep(0.01)
    return Running(app, server, thread, port)

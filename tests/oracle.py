"""Client for the Go "oracle": real Go text/template behind a JSON Lines pipe.

This module owns everything about talking to the oracle binary built by
``../shared/oracle/build.sh`` (protocol: ``../shared/oracle/README.md``):
locating or building it (:func:`find_oracle`), one long-lived process per
:class:`Oracle` with pipelined request batches (:meth:`Oracle.run_many`), and
:func:`error_kind`, which folds a Go error message into a coarse "kind" so
tests can report which of Go's errors they reach.

It never imports the ``gotmpl`` package: it describes Go, not us.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import tempfile
import threading
from typing import Any, Iterable, Sequence

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent

# A first build may pip-install the Go toolchain (README: ~40 s); leave slack.
_BUILD_TIMEOUT_S = 900
_UNSET = object()
_found: object = _UNSET


class OracleError(RuntimeError):
    """The oracle process failed (died, closed its pipe, or wrote garbage)."""


def shared_dir() -> pathlib.Path | None:
    """The ``../shared`` folder next to the repository, or None if absent."""
    path = REPO_ROOT.parent / "shared"
    return path if path.is_dir() else None


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _build(script: pathlib.Path, sprig: bool) -> str | None:
    """Run build.sh and return the binary path it prints last, or None."""
    env = dict(os.environ)
    if sprig:
        env["ORACLE_SPRIG"] = "1"
    try:
        proc = subprocess.run(
            ["bash", str(script)],
            capture_output=True,
            text=True,
            env=env,
            timeout=_BUILD_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return None
    path = lines[-1].strip()
    return path if _is_executable(path) else None


def _locate() -> str | None:
    env_bin = os.environ.get("GOTMPL_ORACLE")
    if env_bin and _is_executable(env_bin):
        return env_bin
    shared = shared_dir()
    script = shared / "oracle" / "build.sh" if shared else None
    if script is None or not script.is_file():
        return None
    # Sprig-enabled builds are a superset; a machine without the Debian sprig
    # sources can still give us a plain oracle.
    return _build(script, sprig=True) or _build(script, sprig=False)


def find_oracle() -> str | None:
    """Path of a runnable oracle binary, or None; never raises.

    Order: ``$GOTMPL_ORACLE`` (if executable), else build with
    ``../shared/oracle/build.sh`` (sprig first, then without). The answer is
    cached for the life of the process, since a build costs a subprocess.
    """
    global _found
    if _found is _UNSET:
        try:
            _found = _locate()
        except Exception:  # a helper that must never take the test run down
            _found = None
    return _found  # type: ignore[return-value]


def _encode(request: dict[str, Any] | str) -> bytes:
    """One request as one non-blank JSON line.

    The oracle skips blank lines without answering, so a blank request would
    shift every later response; dicts always encode to ``{...}``, raw strings
    (for testing malformed input) are checked. ``ensure_ascii=False`` plus
    strict UTF-8 makes lone surrogates fail here, loudly, instead of reaching
    Go as U+FFFD.
    """
    if isinstance(request, str):
        line = request
        if not line.strip() or "\n" in line or "\r" in line:
            raise ValueError(f"raw request must be one non-blank line: {line!r}")
    elif isinstance(request, dict):
        line = json.dumps(request, ensure_ascii=False, separators=(",", ":"))
    else:
        raise TypeError(f"request must be a dict or str, not {type(request).__name__}")
    return line.encode("utf-8") + b"\n"


class Oracle:
    """One long-lived oracle process speaking JSON Lines.

    ``run_many`` pipelines: a writer thread feeds all requests while this
    thread reads responses, so neither pipe can fill up and deadlock however
    large the batch. Calls are serialised with a lock, and a dead process is
    restarted on the next call.
    """

    def __init__(self, binary: str | None = None, args: Sequence[str] = ()) -> None:
        path = binary or find_oracle()
        if path is None:
            raise OracleError("Go oracle not available: set GOTMPL_ORACLE or provide ../shared/oracle")
        self.binary: str = path
        self.args: tuple[str, ...] = tuple(args)
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: Any = None
        self._lock = threading.Lock()

    # -- process lifetime -------------------------------------------------

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._discard()
        # stderr goes to a file: an unread stderr pipe could fill and block Go.
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(
            [self.binary, *self.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            bufsize=1 << 16,
        )
        return self._proc

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0)
            return self._stderr.read()[-2000:].decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def _discard(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            for stream in (proc.stdin, proc.stdout):
                try:
                    if stream:
                        stream.close()
                except OSError:
                    pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def close(self) -> None:
        """Stop the process (closing stdin lets it exit on EOF)."""
        with self._lock:
            self._discard()

    def __enter__(self) -> "Oracle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self._discard()
        except Exception:
            pass

    # -- requests ---------------------------------------------------------

    def run(self, request: dict[str, Any] | str) -> dict[str, Any]:
        """Send one request and return its parsed response."""
        return self.run_many([request])[0]

    def run_many(self, requests: Iterable[dict[str, Any] | str]) -> list[dict[str, Any]]:
        """Send many requests, pipelined; responses come back in order."""
        lines = [_encode(r) for r in requests]
        if not lines:
            return []
        with self._lock:
            proc = self._start()
            try:
                return self._exchange(proc, lines)
            except BaseException:
                # After a failure the pipe may hold stale responses; start afresh.
                self._discard()
                raise

    def _exchange(self, proc: subprocess.Popen[bytes], lines: list[bytes]) -> list[dict[str, Any]]:
        write_error: list[BaseException] = []
        writer = threading.Thread(
            target=self._write_all, args=(proc, lines, write_error), daemon=True
        )
        writer.start()
        responses = []
        assert proc.stdout is not None
        for index in range(len(lines)):
            raw = proc.stdout.readline()
            if not raw:
                writer.join(timeout=5)
                raise OracleError(
                    f"oracle closed stdout after {index} of {len(lines)} responses "
                    f"(exit {proc.poll()}): {self._stderr_tail()}"
                )
            try:
                responses.append(json.loads(raw.decode("utf-8")))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise OracleError(f"bad oracle response line {raw[:200]!r}") from exc
        writer.join()
        if write_error:
            raise OracleError(f"writing to the oracle failed: {write_error[0]!r}")
        return responses

    @staticmethod
    def _write_all(
        proc: subprocess.Popen[bytes], lines: list[bytes], errors: list[BaseException]
    ) -> None:
        assert proc.stdin is not None
        try:
            for line in lines:
                proc.stdin.write(line)
            proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError) as exc:  # reader reports the death
            errors.append(exc)

    def info(self) -> dict[str, Any]:
        """``oracle --info``: Go version, sprig flag, function sets."""
        out = subprocess.run(
            [self.binary, "--info"], capture_output=True, timeout=60, check=True
        ).stdout
        return json.loads(out)


# -- error classification ---------------------------------------------------

_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"(?:\.\.\.)?|`[^`]*`')
# %#U quotes exactly one rune, unescaped: U+0027 ''' (a quote), U+005C '\' (a backslash).
_RUNE = re.compile(r"U\+[0-9A-F]{4,6}(?: '.')?", re.S)
_STARTED_AT = re.compile(r" started at .*:\d+$", re.S)
_PAYLOAD_KINDS = (
    "bad number syntax",
    "illegal number syntax",
    "integer overflow",
    "malformed character constant",
)


def strip_error_prefix(message: str, names: Iterable[str] = ()) -> str:
    """Drop Go's ``template: NAME:LINE: `` prefix from a parse error.

    Names may contain ``:`` and spaces, so known template names are tried
    first (longest first); a generic pattern is the fallback.
    """
    for name in sorted(set(names), key=len, reverse=True):
        match = re.match(r"template: " + re.escape(name) + r":\d+: ", message)
        if match:
            return message[match.end():]
    match = re.match(r"template: .*?:\d+: ", message, re.S)
    return message[match.end():] if match else message


def error_kind(
    message: str, names: Iterable[str] = (), delims: Sequence[str] | None = None
) -> str:
    """A coarse class of a Go parse error, for coverage statistics.

    ``template: t:3: unexpected "}}" in operand`` -> ``unexpected Q in operand``.
    Quoted parts, runes, item names and locations are folded away; the
    wording that tells the error kinds apart is kept. Go prints ``{{end}}``
    and ``{{else}}`` nodes with the template's own delimiters, so pass the
    request's ``delims`` to fold ``[[else]]`` back to ``{{else}}``.
    """
    text = strip_error_prefix(message, names)
    if delims and len(delims) == 2 and all(delims):
        for keyword in ("end", "else"):
            text = text.replace(delims[0] + keyword + delims[1], "{{" + keyword + "}}")
    for kind in _PAYLOAD_KINDS:
        if text.startswith(kind + ":"):
            return kind
    text = _STARTED_AT.sub(" started at L", text)
    text = _QUOTED.sub("Q", text)
    text = _RUNE.sub("U+X", text)
    text = re.sub(r"<[^<>]*>", "<K>", text)
    text = re.sub(r"\d+", "N", text)
    return text

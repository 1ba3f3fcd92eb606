"""The oracle's JSON Lines protocol, answered by gotmpl.

``gotmpl batch`` reads one request per line and writes one response per line, in
order, exactly as the Go oracle in ../shared/oracle does (see its README), so the
same request files drive both and their answers can be compared byte for byte.
Parse mode gives ``{"tree", "trees", "error", "phase"}``; exec mode
``{"output", "error", "phase"}`` (plus ``output_b64`` when the output is not
UTF-8). Protocol errors (a bad line, an unknown field, bad data) have phase
"request" and start with ``gotmpl:``.

Function sets are looked up in ``FUNC_SETS`` (name -> functions); a set known
only by name (sprig and Istio's sets until their implementations are attached)
lets templates parse, and calling one of its functions is an execution error.
"""

from __future__ import annotations

import json
from typing import IO, Any

import base64
import re
from typing import Callable

from .funcs import BUILTIN_NAMES, func_set_names
from .parser import PARSE_COMMENTS, SKIP_FUNC_CHECK, ParseError, parse
from .runtime import ExecError, LimitExceeded
from .template import Template
from .values import from_typed_json

# Function sets with implementations, by the oracle's names ("test" is registered
# by the test suite with its Python twins of the oracle's Go functions).
FUNC_SETS: dict[str, dict[str, Callable]] = {}
# Families of sets computed from their name (the injector provides "istio@X.Y"):
# each provider returns the functions for a name, or None when not its family.
FUNC_SET_PROVIDERS: list[Callable[[str], "dict[str, Callable] | None"]] = []


def func_set(spec: str) -> "dict[str, Callable] | None":
    """The implementations of a function set, when this process has them."""
    if spec == "sprig" and spec not in FUNC_SETS:
        from .funcs import sprig_funcs

        FUNC_SETS[spec] = sprig_funcs()
    impl = FUNC_SETS.get(spec)
    if impl is None:
        for provider in FUNC_SET_PROVIDERS:
            impl = provider(spec)
            if impl is not None:
                break
    return impl

__all__ = ["handle_request", "handle_line", "serve"]

_FIELDS = {
    "id",
    "mode",
    "name",
    "template",
    "delims",
    "options",
    "funcs",
    "associated",
    "execute",
    "data",
    "parse_mode",
    "timeout_ms",
    "max_output",
    "istio_env",
    "bench",
}
_PARSE_MODES = {"comments": PARSE_COMMENTS, "skipfunccheck": SKIP_FUNC_CHECK}


class RequestError(ValueError):
    """The request itself is bad (phase "request")."""


def _associated(raw: Any) -> list[tuple[str, str]]:
    if raw is None:
        return []
    if isinstance(raw, dict):
        pairs = list(raw.items())
    elif isinstance(raw, list) and all(isinstance(p, list) and len(p) == 2 for p in raw):
        pairs = [(p[0], p[1]) for p in raw]
    else:
        raise RequestError("bad associated: must be an object of name -> template text")
    if not all(isinstance(n, str) and isinstance(t, str) for n, t in pairs):
        raise RequestError("bad associated: names and templates must be strings")
    return pairs


def _delims(req: dict) -> tuple[str, str]:
    delims = req.get("delims") or []
    if len(delims) not in (0, 2) or not all(isinstance(d, str) for d in delims):
        raise RequestError("delims must be [left, right]")
    return (delims[0], delims[1]) if delims else ("", "")


def _func_names(req: dict) -> list[frozenset[str]]:
    try:
        return [func_set_names(spec) for spec in req.get("funcs") or []]
    except ValueError as e:
        raise RequestError(str(e)) from None


def _build(req: dict) -> Template:
    """The oracle's build(): New, Delims, Funcs, Option, associated, Parse."""
    if not isinstance(req.get("template"), str):
        raise RequestError('missing "template"')
    t = Template(req.get("name", "t"))
    t.delims(*_delims(req))
    for spec, names in zip(req.get("funcs") or [], _func_names(req)):
        impl = func_set(spec)
        if impl is not None:
            t.funcs(impl)
        else:
            t.known_funcs(names)
    try:
        t.option(*(req.get("options") or []))
    except ValueError as e:
        raise RequestError(f"bad option: {e}") from None
    for name, text in _associated(req.get("associated")):
        t.new(name).parse(text)
    t.parse(req["template"])
    return t


def _parse_response(req: dict) -> dict:
    modes = req.get("parse_mode") or []
    if not modes:
        t = _build(req)
        trees = {tt.name: str(tt.root) for tt in t.templates() if tt.root is not None}
        return {"tree": str(t.root) if t.root is not None else None, "trees": trees, "error": None, "phase": None}
    mode = 0
    for m in modes:
        if m not in _PARSE_MODES:
            raise RequestError(f"unknown parse_mode {m!r}")
        mode |= _PARSE_MODES[m]
    if req.get("associated") is not None:
        raise RequestError("associated is not supported with parse_mode")
    if not isinstance(req.get("template"), str):
        raise RequestError('missing "template"')
    name = req.get("name", "t")
    left, right = _delims(req)
    tree_set = parse(name, req["template"], left, right, [BUILTIN_NAMES, *_func_names(req)], mode)
    trees = {n: str(tree.root) for n, tree in tree_set.items()}
    return {"tree": trees.get(name), "trees": trees, "error": None, "phase": None}


def handle_request(req: Any, default_mode: str = "exec") -> dict:
    """Answer one decoded request as the oracle would."""
    rid = req.get("id") if isinstance(req, dict) else None
    mode = default_mode
    try:
        if not isinstance(req, dict):
            raise RequestError("bad request: a request is a JSON object")
        unknown = sorted(set(req) - _FIELDS)
        if unknown:
            raise RequestError(f"bad request: unknown field {unknown[0]!r}")
        mode = req.get("mode") or default_mode
        if mode not in ("exec", "parse"):
            raise RequestError(f'bad request: mode must be "exec" or "parse", got {mode!r}')
        resp = _parse_response(req) if mode == "parse" else _exec_response(req)
    except RequestError as e:
        resp = _error_response(mode, "gotmpl: " + str(e), "request")
    except ParseError as e:
        resp = _error_response(mode, str(e), "parse")
    if rid is not None:
        resp = {"id": rid, **resp}
    return resp


def _exec_response(req: dict) -> dict:
    t = _build(req)
    try:
        data = from_typed_json(req.get("data"))
    except ValueError as e:
        raise RequestError(f"bad data: {e}") from None
    out: list[str] = []
    error = phase = None
    timeout = (req.get("timeout_ms") or 10000) / 1000
    max_output = req.get("max_output") or 64 << 20
    try:
        name = req.get("execute")
        tmpl = t if name is None else t.lookup(name)
        if tmpl is None:
            raise ExecError(f"template: no template {_quote(name)} associated with template {_quote(t.name)}")
        tmpl._run(data, out, timeout, max_output)
    except LimitExceeded as e:
        # Worded as the oracle words its own limits.
        del out[e.output_prefix :]
        error, phase = "oracle: " + str(e), "exec"
    except ExecError as e:
        error, phase = str(e), "exec"
    output = "".join(out)
    if error is not None:
        error = _INVALID_BYTE.sub("\ufffd", error)
    resp = {"output": output, "error": error, "phase": phase}
    if _INVALID_BYTE.search(output):
        # JSON cannot carry the bytes: U+FFFD per invalid byte, as Go's encoder
        # writes them, and the exact bytes in base64.
        resp["output"] = _INVALID_BYTE.sub("\ufffd", output)
        resp["output_b64"] = base64.b64encode(output.encode("utf-8", "surrogateescape")).decode("ascii")
    return resp


_INVALID_BYTE = re.compile("[\udc80-\udcff]")


def _quote(s: str) -> str:
    from .strconv import quote

    return quote(s)


def _error_response(mode: str, message: str, phase: str) -> dict:
    message = _INVALID_BYTE.sub("\ufffd", message)
    if mode == "parse":
        return {"tree": None, "trees": None, "error": message, "phase": phase}
    return {"output": "", "error": message, "phase": phase}


def handle_line(line: str, default_mode: str = "exec") -> dict:
    try:
        req = json.loads(line)
    except ValueError as e:
        return _error_response(default_mode, f"gotmpl: bad request: {e}", "request")
    return handle_request(req, default_mode)


def serve(inp: IO[str], out: IO[str], default_mode: str = "exec") -> None:
    """Answer every non-blank line of ``inp`` on ``out``, flushing after each."""
    for line in inp:
        if not line.strip():
            continue
        resp = handle_line(line, default_mode)
        out.write(json.dumps(resp, ensure_ascii=False) + "\n")
        out.flush()

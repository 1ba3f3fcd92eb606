"""``gotmpl check``: every problem in a set of template files, in one pass.

This module owns the template checker: it parses the files of one template set
(as Go's ParseFiles does: ``{{define}}`` names are shared) with the project's
parser, keeps going after parse errors, walks the parse trees for problems Go
would only meet at run time, and reports them all as
:class:`gotmpl.diagnostics.Diagnostic` values (printing and exit status live in
gotmpl/diagnostics.py). The rules, by id (also in :data:`RULES`):

* ``parse-error``: what Go's parser rejects, in Go's words (the
  ``template: NAME:LINE:`` prefix is dropped: the diagnostic carries the place);
* ``undefined-function``: a function that is neither a builtin nor in the chosen
  function sets (Go's parse error text, plus a did-you-mean);
* ``undefined-variable``: Go's parse error for a variable not in scope, and the
  run-time one for a variable whose declaration the run never reaches (declared
  in an ``{{if}}`` body, used in its ``{{else}}``; assigned with ``=`` before any
  ``:=``);
* ``unused-variable`` (warning): declared with ``:=`` and never read; ``$`` and
  names starting with ``$_`` are exempt, and each variable of ``range $i, $e :=``
  counts on its own;
* ``undefined-template``: ``{{template "x"}}`` with no ``x`` in the set;
* ``duplicate-define``: a name defined twice in one file (Go's parse error) or,
  as a warning, in two files (Go keeps the later one silently);
* ``unused-define`` (warning): a ``{{define}}`` that no ``{{template}}`` calls
  (blocks call themselves, so they count as used);
* ``wrong-args``: a builtin called with a number of arguments or a literal
  argument that fails in Go whatever the data (``len 3``, ``index 3 1``,
  ``printf 3``, ``ne 1``, ``{{3 4}}``); the messages are Go's run-time ones;
* ``incompatible-comparison``: ``eq``/``ne``/``lt``/``le``/``gt``/``ge`` on
  literals Go cannot compare (``eq 1 "a"``, ``lt true false``, ``lt .x nil``);
* ``ambiguous-trim`` (warning): ``{{-3}}`` and ``{{3-}}``, where a dash with no
  space is read as part of the operand, not as a trim marker;
* ``range-literal``: ``range`` over a literal Go cannot iterate (strings, bools,
  floats, nil; ints can be ranged over since Go 1.22);
* ``unreadable-file``: a file that could not be read.

With a schema or a values sample, gotmpl.typecheck adds its own rules.

Inline suppression: a comment ``{{/* gotmpl:ignore RULE[,RULE...] */}}`` (with
the set's delimiters; rules separated by commas or spaces, anything after
``--`` is a free-text reason; no rule means every rule) silences those rules on
the lines the comment covers and on the line after it.

Recovery after a parse error: the failing action is found from the error's
position (the checker's own tolerant scan of the text splits it into actions),
then the text is repaired without moving anything, so every later position is
still right, and parsed again. A repair, tried in this order until the error
changes: an undefined function is taken as defined from then on (the tree walk
reports every call of it); an undefined variable is replaced by ``$`` (padded
with spaces); a missing ``{{end}}`` is appended at the end; a duplicate
``{{define}}``/``{{block}}`` is blanked with its ``{{end}}``; any other action
first keeps its keyword, template name and declarations and gets ``.`` as its
pipeline, then is blanked together with the ``{{else}}``/``{{end}}`` actions of
its block (same-length comments or spaces, newlines kept). Each error is
reported once. Each round parses the whole file again, so the rounds are
bounded; when recovery stops early or gets stuck, a warning says that the rest
of the file was not checked.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import os
import re
from typing import Any, Callable, Iterable, Sequence

from . import lexer as lx
from .diagnostics import ERROR, WARNING, Diagnostic, sort_key
from .funcs import BUILTIN_NAMES, func_set_names
from .gofmt import sprint
from .nodes import (
    ActionNode,
    BoolNode,
    BranchNode,
    ChainNode,
    CommandNode,
    DotNode,
    IdentifierNode,
    ListNode,
    NilNode,
    Node,
    NumberNode,
    PipeNode,
    RangeNode,
    StringNode,
    TemplateNode,
    Tree,
    VariableNode,
    is_empty_tree,
)

from .parser import ParseError, parse
from .strconv import NumError, quote, unquote

__all__ = ["RULES", "check_files", "check_text", "check_sources"]

RULES: dict[str, str] = {
    "parse-error": "Go's parser rejects the template",
    "undefined-function": "a function that is not a builtin nor in the chosen function sets",
    "undefined-variable": "a variable that is not in scope where it is used",
    "unused-variable": "a variable declared with := and never read",
    "undefined-template": "{{template}} names a template the set does not define",
    "duplicate-define": "a template name defined more than once",
    "unused-define": "a {{define}} that no {{template}} calls",
    "wrong-args": "a builtin call that fails in Go whatever the data (argument count or literal kind)",
    "incompatible-comparison": "a comparison of literals Go cannot compare",
    "ambiguous-trim": "a dash next to a delimiter that is read as part of the operand, not as a trim marker",
    "range-literal": "range over a literal Go cannot iterate",
    "unreadable-file": "a file that could not be read",
}

_SPACE = " \t\r\n"  # Go's trim-marker spaces
_MAX_ROUNDS = 1000  # parses of one file while recovering from its errors
_FREE_ROUNDS = 20  # always allowed, whatever the file's size
_WORK_BUDGET = 2_000_000  # characters parsed in all rounds, beyond the free ones


# --- entry points ----------------------------------------------------------------------------------


def check_files(
    paths: Sequence[str],
    *,
    delims: tuple[str, str] | None = None,
    funcs: Iterable[str] = (),
    schema: Any = None,
    values_sample: Any = None,
) -> list[Diagnostic]:
    """Check ``paths`` as one template set (Go's ParseFiles); diagnostics sorted by place."""
    sources: list[tuple[str, str]] = []
    unreadable: list[Diagnostic] = []
    for path in paths:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            reason = e.strerror or str(e)
            unreadable.append(Diagnostic(path, 0, 0, ERROR, f"cannot read {path}: {reason}", "unreadable-file"))
            continue
        sources.append((path, data.decode("utf-8", "surrogateescape")))
    diags = check_sources(sources, delims=delims, funcs=funcs, schema=schema, values_sample=values_sample)
    return sorted(diags + unreadable, key=sort_key)


def check_text(
    text: str,
    filename: str = "<text>",
    *,
    delims: tuple[str, str] | None = None,
    funcs: Iterable[str] = (),
    schema: Any = None,
    values_sample: Any = None,
) -> list[Diagnostic]:
    """Check one template text, reported as ``filename`` (its base name is the template's name)."""
    return check_sources([(filename, text)], delims=delims, funcs=funcs, schema=schema, values_sample=values_sample)


def check_sources(
    sources: Sequence[tuple[str, str]],
    *,
    delims: tuple[str, str] | None = None,
    funcs: Iterable[str] = (),
    schema: Any = None,
    values_sample: Any = None,
) -> list[Diagnostic]:
    """Check (path, text) pairs as one template set. Raises ValueError for an unknown function set."""
    left, right = delims if delims else ("", "")
    left, right = left or lx.DEFAULT_LEFT, right or lx.DEFAULT_RIGHT
    env = _Env.make(funcs)
    files = [_check_file(path, text, left, right, env) for path, text in sources]
    diags: list[Diagnostic] = []
    for f in files:
        diags.extend(f.diags)
    diags.extend(_set_rules(files))
    if schema is not None or values_sample is not None:
        diags.extend(_type_diagnostics(files, schema, values_sample))
    kept = [d for d in diags if not _suppressed(d, files)]
    return sorted(set(kept), key=sort_key)


def _type_diagnostics(files: list["_File"], schema: Any, values_sample: Any) -> list[Diagnostic]:
    from .typecheck import check_types  # written separately; imported only when asked for

    out: list[Diagnostic] = []
    for f in files:
        if f.trees is not None:
            # Dot has the root type in the file's own template (ParseFiles names it so).
            out.extend(check_types(f.trees, schema, f.path, values_sample, main=f.name))
    return out


# --- the function environment ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Env:
    """The function names the templates may call, and which builtins keep Go's meaning."""

    known: frozenset[str]
    builtins: frozenset[str]  # builtins not replaced by a function set (sprig has its own slice)

    @staticmethod
    def make(specs: Iterable[str]) -> "_Env":
        extra: set[str] = set()
        for spec in specs:
            spec = spec.strip()
            if spec and spec != "builtin":
                extra |= func_set_names(spec)
        return _Env(frozenset(BUILTIN_NAMES | extra), frozenset(BUILTIN_NAMES - extra))


# --- positions -----------------------------------------------------------------------------------------


class _Lines:
    """Character offset -> (1-based line, 1-based column in characters)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


def _char_offset(tree: Tree, pos: int) -> int:
    """A node's byte position as a character offset into its tree's text."""
    text = tree.text
    if text.isascii():
        return pos
    return len(tree.text_bytes()[:pos].decode("utf-8", "surrogateescape"))


# --- the tolerant action scan ---------------------------------------------------------------------------

_KEYWORDS = frozenset({"if", "range", "with", "define", "block", "template", "else", "end", "break", "continue"})
_OPENERS = frozenset({"if", "range", "with", "define", "block"})
_WORD = re.compile(r"(?:else\s+(?:if|with)(?![\w])|[A-Za-z_]\w*)")
_NAME = re.compile(r'\s*("(?:[^"\\\n]|\\.)*"|`[^`]*`)')
_DECL = re.compile(r"\s*\$\w*\s*(?:,\s*\$\w*\s*)?(?::=|=)")


@dataclasses.dataclass(frozen=True)
class _Span:
    """One action (or comment) of the text, found without the real lexer so that
    broken actions have an extent too."""

    start: int  # the left delimiter
    end: int  # past the right delimiter; where an unclosed action stops
    inner_start: int
    inner_end: int  # the right delimiter (== end when unclosed)
    closed: bool
    comment: bool
    keyword: str  # "if", "else if", "end", ...; "" for other actions and comments


def _scan_actions(text: str, left: str, right: str) -> list[_Span]:
    spans: list[_Span] = []
    i = 0
    n = len(text)
    while True:
        s = text.find(left, i)
        if s < 0:
            return spans
        j = s + len(left)
        k = j + 2 if text.startswith("-", j) and j + 1 < n and text[j + 1] in _SPACE else j
        if text.startswith("/*", k):
            close = text.find("*/", k + 2)
            r = text.find(right, close + 2 if close >= 0 else k + 2)
            if r < 0:
                spans.append(_Span(s, n, j, n, False, True, ""))
                return spans
            spans.append(_Span(s, r + len(right), j, r, True, True, ""))
            i = r + len(right)
            continue
        inner_end, end, closed = _action_end(text, j, left, right)
        spans.append(_Span(s, end, j, inner_end, closed, False, _keyword(text[j:inner_end])))
        i = max(end, j)


def _action_end(text: str, j: int, left: str, right: str) -> tuple[int, int, bool]:
    """(inner end, end, closed) of the action whose inside starts at ``j``: the first
    right delimiter outside quotes, else just before the next left delimiter."""
    n = len(text)
    k = j
    while k < n:
        if text.startswith(right, k):
            return k, k + len(right), True
        if text.startswith(left, k):
            return k, k, False
        c = text[k]
        if c in "\"'`":
            close = _quote_end(text, k)
            if close < 0:  # unterminated: the action most likely ends at the next delimiter
                r, l = text.find(right, k), text.find(left, k)
                if r >= 0 and (l < 0 or r < l):
                    return r, r + len(right), True
                return (l, l, False) if l >= 0 else (n, n, False)
            k = close
            continue
        k += 1
    return n, n, False


def _quote_end(text: str, k: int) -> int:
    """Past the closing quote of the quoted string or rune at ``k``, or -1."""
    q = text[k]
    if q == "`":
        m = text.find("`", k + 1)
        return m + 1 if m >= 0 else -1
    m = k + 1
    while m < len(text) and text[m] not in (q, "\n"):
        m += 2 if text[m] == "\\" else 1
    return m + 1 if m < len(text) and text[m] == q else -1


def _keyword(inner: str) -> str:
    body = inner[2:] if inner.startswith("-") and len(inner) > 1 and inner[1] in _SPACE else inner
    m = _WORD.match(body.lstrip())
    if not m:
        return ""
    words = m.group(0).split()
    if len(words) == 2:  # "else if", "else with"
        return "else " + words[1]
    return words[0] if words[0] in _KEYWORDS else ""


def _match_blocks(spans: list[_Span]) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Opener index -> its else/end indexes, and end index -> opener index."""
    parts: dict[int, list[int]] = {}
    opener_of: dict[int, int] = {}
    stack: list[int] = []
    for i, span in enumerate(spans):
        kw = span.keyword
        if kw in _OPENERS:
            stack.append(i)
            parts[i] = []
        elif kw.startswith("else") and stack:
            parts[stack[-1]].append(i)
        elif kw == "end" and stack:
            opener = stack.pop()
            parts[opener].append(i)
            opener_of[i] = opener
    return parts, opener_of


def _span_at(spans: list[_Span], offset: int) -> int | None:
    """The action an error at ``offset`` belongs to: the last one starting before it."""
    found = None
    for i, span in enumerate(spans):
        if span.start < offset:
            found = i
        else:
            break
    return found


def _template_name(text: str, span: _Span) -> tuple[str, int] | None:
    """(name, offset of its quote) of a define/block/template action."""
    inner = text[span.inner_start : span.inner_end]
    body_at = span.inner_start + (2 if inner.startswith("-") and len(inner) > 1 and inner[1] in _SPACE else 0)
    m = re.compile(r"\s*" + re.escape(span.keyword)).match(text, body_at)
    if not m:
        return None
    name = _NAME.match(text, m.end())
    if not name:
        return None
    try:
        return unquote(name.group(1)), name.start(1)
    except NumError:
        return None


# --- repairs (same length, newlines kept) ---------------------------------------------------------------


def _filler(segment: str) -> str:
    return "".join("\n" if c == "\n" else " " for c in segment)


def _blank(text: str, span: _Span, left: str, right: str) -> str:
    """The action replaced by a comment of the same length, or by spaces when too short."""
    segment = text[span.start : span.end]
    filler = _filler(segment)
    if span.closed and len(segment) >= len(left) + len(right) + 4:
        middle = filler[len(left) + 2 : len(segment) - len(right) - 2]
        filler = left + "/*" + middle + "*/" + right
    return text[: span.start] + filler + text[span.end :]


def _neutralize(text: str, span: _Span) -> str | None:
    """The action with its keyword, template name and declarations kept and its
    pipeline replaced by ``.``; None when that cannot be done in place."""
    if not span.closed or span.comment:
        return None
    a, b = span.inner_start, span.inner_end
    inner = text[a:b]
    if inner.startswith("-") and len(inner) > 1 and inner[1] in _SPACE:
        a += 2
    if b - a >= 2 and text[b - 1] == "-" and text[b - 2] in _SPACE:
        b -= 2
    kw = span.keyword
    m = re.compile(r"\s*" + re.escape(kw).replace(r"\ ", r"\s+")).match(text, a) if kw else None
    head = m.end() if m else a
    if kw in ("end", "break", "continue", "else"):
        return text[:head] + _filler(text[head:b]) + text[b:]
    if kw in ("define", "template", "block"):
        name = _NAME.match(text, head, b)
        if not name:
            return None
        head = name.end()
        if kw != "block":
            return text[:head] + _filler(text[head:b]) + text[b:]
        return _dot_pipeline(text, head, b, need_space=True)
    decl = _DECL.match(text, head, b)
    if decl is None:
        return _dot_pipeline(text, head, b, need_space=False)
    return _dot_pipeline(text, decl.end(), b, need_space=False) or _compact_decl(text, decl.start(), decl.end(), b)


def _compact_decl(text: str, p: int, q: int, end: int) -> str | None:
    """``$x :=`` with nothing after it, as ``$x:=.``: room for the dot comes from
    the spaces inside the declaration (never from newlines, which must stay)."""
    if "\n" in text[p:end]:
        return None
    lead = " " if text[p] in _SPACE else ""
    compact = lead + re.sub(r"\s+", "", text[p:q]) + "."
    if len(compact) > end - p:
        return None
    return text[:p] + compact.ljust(end - p) + text[end:]


def _dot_pipeline(text: str, p: int, q: int, need_space: bool) -> str | None:
    filler = list(_filler(text[p:q]))
    for i in range(1 if need_space else 0, len(filler)):
        if filler[i] == " ":
            filler[i] = "."
            return text[:p] + "".join(filler) + text[q:]
    return None


def _replace_variable(text: str, offset: int, length: int) -> str:
    return text[:offset] + " " * (length - 1) + "$" + text[offset + length :]


# --- parsing with recovery -----------------------------------------------------------------------------


@dataclasses.dataclass
class _Problem:
    offset: int  # character offset into the file's text
    severity: str
    message: str
    rule: str


@dataclasses.dataclass
class _Failure:
    message: str  # Go's text without "template: NAME:LINE: "
    offset: int  # the token the error was found at


def _parse_once(name: str, text: str, left: str, right: str, known: Callable[[str], bool]) -> dict[str, Tree] | _Failure:
    try:
        return parse(name, text, left, right, [known])
    except ParseError as e:
        return _Failure(e.message.removeprefix(f"template: {name}:{e.line}: "), e.offset)


@dataclasses.dataclass
class _Recovered:
    trees: dict[str, Tree] | None  # None when recovery gave up
    text: str  # the repaired text the trees were parsed from
    problems: list[_Problem]


def _parse_recovering(name: str, text: str, left: str, right: str, env: _Env) -> _Recovered:
    problems: list[_Problem] = []
    seen: set[tuple[str, int]] = set()
    # Functions Go's parser reported as undefined are then taken as defined, so
    # that it goes on; the tree walk reports every call of them.
    assumed: set[str] = set()

    def known(fname: str) -> bool:
        return fname in env.known or fname in assumed

    eof_reported = False
    last_key: tuple[str, int] | None = None
    level = 0
    current = text
    rounds = min(_MAX_ROUNDS, 20 + 4 * text.count(left))
    work = 0
    for round_ in range(rounds):
        if round_ >= _FREE_ROUNDS and work > _WORK_BUDGET:
            # Each round parses the whole text again: stop before that gets slow.
            message = f"too many parse errors: stopped after {len(problems)}; fix them and check again"
            problems.append(_Problem(len(text), WARNING, message, "parse-error"))
            return _Recovered(None, current, problems)
        work += len(current)
        outcome = _parse_once(name, current, left, right, known)
        if not isinstance(outcome, _Failure):
            return _Recovered(outcome, current, problems)
        spans = _scan_actions(current, left, right)
        key = (outcome.message, outcome.offset)
        level = level + 1 if key == last_key else 0
        last_key = key
        is_eof = outcome.message == "unexpected EOF"
        if key not in seen and not (is_eof and eof_reported):
            problems.append(_describe(outcome, current, spans, env))
        seen.add(key)
        eof_reported = eof_reported or is_eof
        function = _undefined_function(outcome.message)
        if function is not None and function not in assumed:
            assumed.add(function)
            continue
        repaired = _repair(outcome, current, spans, level, left, right)
        if repaired is None or repaired == current:
            break
        current = repaired
    message = "could not get past this parse error: the rest of the file is not checked"
    problems.append(_Problem(problems[-1].offset if problems else 0, WARNING, message, "parse-error"))
    return _Recovered(None, current, problems)


def _describe(failure: _Failure, text: str, spans: list[_Span], env: _Env) -> _Problem:
    """The diagnostic for a parse error: its rule, and the most telling place."""
    message = failure.message
    var = _undefined_variable(message)
    if var is not None:
        found = _find_name(text, spans, failure.offset, var)
        return _Problem(found if found is not None else failure.offset, ERROR, message, "undefined-variable")
    function = _undefined_function(message)
    if function is not None:
        found = _find_name(text, spans, failure.offset, function)
        return _Problem(
            found if found is not None else failure.offset,
            ERROR,
            _undefined_function_message(function, env.known),
            "undefined-function",
        )
    offset = failure.offset
    idx = _span_at(spans, offset)
    rule = "duplicate-define" if "multiple definition" in message else "parse-error"
    duplicate = _duplicate_opener(failure, text, spans) if rule == "duplicate-define" else None
    if duplicate is not None:
        offset = spans[duplicate].start
    elif idx is not None and spans[idx].keyword in ("end", "else", "break", "continue"):
        offset = spans[idx].start  # the whole marker action is the problem, not its "}}"
    return _Problem(offset, ERROR, message, rule)


def _duplicate_opener(failure: _Failure, text: str, spans: list[_Span]) -> int | None:
    """The define or block a "multiple definition" error is about: of those with
    the name, the one whose {{end}} the parser had just read, else the last one
    before the error (a block named like the file's own template is only found
    out at the end of the text)."""
    name = _quoted_name("template: multiple definition of template Q", failure.message)
    named = [
        i
        for i, span in enumerate(spans)
        if span.keyword in ("define", "block")
        and span.start < failure.offset
        and (_template_name(text, span) or ("",))[0] == name
    ]
    idx = _span_at(spans, failure.offset)
    opener = _match_blocks(spans)[1].get(idx) if idx is not None else None
    if opener in named:
        return opener
    return named[-1] if named else None


def _undefined_function_message(name: str, known: Iterable[str]) -> str:
    message = f"function {quote(name)} not defined"
    hint = _suggest(name, known)
    return message + f"; did you mean {quote(hint)}?" if hint else message


def _quoted_name(pattern: str, message: str) -> str | None:
    m = re.fullmatch(pattern.replace("Q", r'("(?:[^"\\]|\\.)*")'), message)
    if not m:
        return None
    try:
        return unquote(m.group(1))
    except NumError:
        return None


def _undefined_function(message: str) -> str | None:
    return _quoted_name("function Q not defined", message)


def _undefined_variable(message: str) -> str | None:
    return _quoted_name("undefined variable Q", message)


def _find_name(text: str, spans: list[_Span], offset: int, name: str) -> int | None:
    """Where the variable or function the parser tripped over is: its last
    occurrence in the action at or before the error's token (the parser may have
    looked ahead)."""
    idx = _span_at(spans, offset)
    if idx is None:
        return None
    span = spans[idx]
    found = None
    for m in re.finditer(r"(?<![\w.$])" + re.escape(name) + r"(?![\w])", text[span.start : span.end]):
        if span.start + m.start() <= offset:
            found = span.start + m.start()
    return found


def _repair(failure: _Failure, text: str, spans: list[_Span], level: int, left: str, right: str) -> str | None:
    """The text with the failing part made harmless, keeping every position; a
    higher ``level`` (the same error came back) takes a bigger bite."""
    message = failure.message
    if message == "unexpected EOF":  # a block is never closed: close it at the end
        return text + left + "end" + right
    idx = _span_at(spans, failure.offset)
    parts = _match_blocks(spans)[0]
    var = _undefined_variable(message)
    if var is not None:
        found = _find_name(text, spans, failure.offset, var)
        if level == 0 and found is not None:
            return _replace_variable(text, found, len(var))
        level = max(0, level - 1)
    elif "multiple definition" in message:
        duplicate = _duplicate_opener(failure, text, spans)
        if level == 0 and duplicate is not None:
            for i in [duplicate, *parts.get(duplicate, [])]:
                text = _blank(text, spans[i], left, right)
            return text
        level = max(0, level - 1)
    if idx is None:
        return None
    if level == 0:
        neutral = _neutralize(text, spans[idx])
        if neutral is not None and neutral != text:
            return neutral
        level = 1
    if level == 1:
        for i in [idx, *parts.get(idx, [])]:
            text = _blank(text, spans[i], left, right)
        return text
    return None


# --- one file ------------------------------------------------------------------------------------------


@dataclasses.dataclass
class _File:
    path: str
    name: str  # the template's name: the base name, as in ParseFiles
    text: str
    lines: _Lines
    left: str
    right: str
    trees: dict[str, Tree] | None
    repaired: str
    diags: list[Diagnostic] = dataclasses.field(default_factory=list)
    calls: list[tuple[str, str, int]] = dataclasses.field(default_factory=list)  # (name, calling tree, char offset)
    defines: list[tuple[str, str, int]] = dataclasses.field(default_factory=list)  # (name, "define"|"block", offset)
    suppressions: list[tuple[int, int, frozenset[str] | None]] = dataclasses.field(default_factory=list)

    def diag(self, offset: int, severity: str, message: str, rule: str) -> None:
        line, col = self.lines.line_col(min(offset, len(self.text)))
        self.diags.append(Diagnostic(self.path, line, col, severity, message, rule))

    def node_diag(self, node: Node, severity: str, message: str, rule: str) -> None:
        self.diag(_char_offset(node.tree, node.pos), severity, message, rule)


def _check_file(path: str, text: str, left: str, right: str, env: _Env) -> _File:
    name = os.path.basename(path)
    recovered = _parse_recovering(name, text, left, right, env)
    f = _File(path, name, text, _Lines(text), left, right, recovered.trees, recovered.text)
    for p in recovered.problems:
        f.diag(p.offset, p.severity, p.message, p.rule)
    original_spans = _scan_actions(text, left, right)
    _check_trims(f, original_spans)
    f.suppressions = _suppressions(f, original_spans)
    final_spans = _scan_actions(recovered.text, left, right)
    for span in final_spans:
        if span.keyword in ("define", "block"):
            named = _template_name(recovered.text, span)
            if named is not None:
                f.defines.append((named[0], span.keyword, named[1]))
    if f.trees is not None:
        for tree_name, tree in f.trees.items():
            _TreeChecker(f, env, tree_name).run(tree)
    return f


# --- ambiguous trim markers --------------------------------------------------------------------------------


def _check_trims(f: _File, spans: list[_Span]) -> None:
    for span in spans:
        if span.comment:
            continue
        inner = f.text[span.inner_start : span.inner_end]
        if inner.startswith("-") and (len(inner) == 1 or inner[1] not in _SPACE):
            word = _operand_text(inner)
            f.diag(
                span.inner_start,
                WARNING,
                f"{quote(f.left + word)} is not a trim marker: the dash belongs to {quote(word)}; "
                f"write {quote(f.left + '- ' + word[1:])} to trim the text before the action",
                "ambiguous-trim",
            )
        elif span.closed and inner.endswith("-") and (len(inner) == 1 or inner[-2] not in _SPACE):
            word = inner.rstrip("-").split()[-1] if inner.rstrip("-").split() else ""
            f.diag(
                span.inner_end - 1,
                WARNING,
                f"{quote(word + '-' + f.right)} is not a trim marker: the dash belongs to {quote(word + '-')}; "
                f"write {quote(word + ' -' + f.right)} to trim the text after the action",
                "ambiguous-trim",
            )


def _operand_text(inner: str) -> str:
    m = re.match(r"-[^\s()|]*", inner)
    return m.group(0) if m else inner


# --- suppression comments --------------------------------------------------------------------------------------

_IGNORE = re.compile(r"\s*gotmpl:ignore(?![\w-])(.*)", re.S)


def _suppressions(f: _File, spans: list[_Span]) -> list[tuple[int, int, frozenset[str] | None]]:
    """(first line, last line, rules or None for all) of each gotmpl:ignore comment."""
    out = []
    for span in spans:
        if not span.comment:
            continue
        inner = f.text[span.inner_start : span.inner_end]
        open_at = inner.find("/*")
        close_at = inner.rfind("*/")
        body = inner[open_at + 2 : close_at if close_at > open_at else len(inner)]
        m = _IGNORE.match(body)
        if not m:
            continue
        words = [w for w in re.split(r"[,\s]+", m.group(1).split("--", 1)[0]) if w]
        first = f.lines.line_col(span.start)[0]
        last = f.lines.line_col(max(span.start, span.end - 1))[0]
        out.append((first, last + 1, frozenset(words) if words else None))
    return out


def _suppressed(d: Diagnostic, files: list[_File]) -> bool:
    for f in files:
        if f.path != d.file:
            continue
        for first, last, rules in f.suppressions:
            if first <= d.line <= last and (rules is None or d.rule in rules):
                return True
    return False


# --- literals as Go's builtins see them --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Lit:
    """A literal argument's value as Go's evalArg makes it (idealConstant for numbers)."""

    kind: str  # "int", "float64", "complex128", "string", "bool", "nil"
    value: Any


def _literal(node: Node) -> _Lit | None:
    if isinstance(node, StringNode):
        return _Lit("string", node.text)
    if isinstance(node, BoolNode):
        return _Lit("bool", node.true)
    if isinstance(node, NilNode):
        return _Lit("nil", None)
    if isinstance(node, NumberNode):
        text = node.text
        if node.is_complex:
            return _Lit("complex128", node.complex128)
        hex_int = len(text) > 2 and text[0] == "0" and text[1] in "xX" and not any(c in text for c in "pP")
        if node.is_float and not hex_int and not text.startswith("'") and any(c in text for c in ".eEpP"):
            return _Lit("float64", node.float64)
        if node.is_int:
            return _Lit("int", node.int64)
    return None  # not a literal, or a number Go rejects as overflowing int


def _show(lit: _Lit) -> str:
    """Go's %v of a literal's value."""
    if lit.kind == "string":
        return lit.value
    return sprint(lit.value)


def _is_non_function(node: Node) -> bool:
    """A first word that cannot take arguments (Go's notAFunction)."""
    if isinstance(node, (BoolNode, NumberNode, StringNode, DotNode, PipeNode)):
        return True
    return isinstance(node, VariableNode) and len(node.ident) == 1


# --- builtin signatures -----------------------------------------------------------------------------------------

# name -> (fixed parameters, variadic), from Go's text/template/funcs.go.
_SIGNATURES: dict[str, tuple[int, bool]] = {
    "and": (1, True),
    "or": (1, True),
    "not": (1, False),
    "len": (1, False),
    "index": (1, True),
    "slice": (1, True),
    "print": (0, True),
    "println": (0, True),
    "printf": (1, True),
    "html": (0, True),
    "js": (0, True),
    "urlquery": (0, True),
    "eq": (1, True),
    "ne": (2, False),
    "lt": (2, False),
    "le": (2, False),
    "gt": (2, False),
    "ge": (2, False),
    "call": (1, True),
}
_ORDERED = frozenset({"lt", "le", "gt", "ge"})


def _count_error(name: str, n_args: int, piped: bool) -> str | None:
    """Go's evalCall argument-count check (its variadic message counts no piped value)."""
    fixed, variadic = _SIGNATURES[name]
    num_in = n_args + (1 if piped else 0)
    if variadic:
        if num_in < fixed:
            return f"wrong number of args for {name}: want at least {fixed} got {n_args}"
    elif num_in != fixed:
        return f"wrong number of args for {name}: want {fixed} got {num_in}"
    return None


def _value_error(name: str, args: list[Node], values: list[_Lit | None]) -> tuple[str, str] | None:
    """(rule, Go's message) for a builtin call that fails whatever the data."""
    if name == "len":
        lit = values[0]
        if lit is not None and lit.kind != "string":
            if lit.kind == "nil":
                return "wrong-args", "error calling len: reflect: call of reflect.Value.Type on zero Value"
            return "wrong-args", f"error calling len: len of type {lit.kind}"
    elif name == "index":
        return _index_error(values)
    elif name == "slice":
        return _slice_error(values)
    elif name == "printf" and args:
        lit = values[0]
        if lit is not None and lit.kind == "nil":
            return "wrong-args", "cannot assign nil to string"
        if lit is not None and lit.kind != "string":
            return "wrong-args", f"expected string; found {args[0]}"
    elif name == "call" and args:
        lit = values[0]
        if lit is not None and lit.kind == "nil":
            return "wrong-args", "error calling call: call of nil"
        if lit is not None:
            return "wrong-args", f"error calling call: non-function {args[0]} of type {lit.kind}"
    elif name in ("eq", "ne"):
        if len(values) == 1:
            return "wrong-args", "error calling eq: missing argument for comparison"
        message = _eq_error(values)
        if message:
            return "incompatible-comparison", f"error calling {name}: {message}"
    elif name in _ORDERED:
        message = _lt_error(values[0], values[1])
        if message:
            return "incompatible-comparison", f"error calling {name}: {message}"
    return None


def _index_arg_error(lit: _Lit | None, cap: int) -> tuple[str, int | None]:
    """Go's indexArg for a literal index: (error or "", index or None when unknown)."""
    if lit is None:
        return "", None
    if lit.kind == "nil":
        return "cannot index slice/array with nil", None
    if lit.kind != "int":
        return f"cannot index slice/array with type {lit.kind}", None
    if lit.value < 0 or lit.value > cap:
        return f"index out of range: {lit.value}", None
    return "", lit.value


def _index_error(values: list[_Lit | None]) -> tuple[str, str] | None:
    item, indexes = values[0], values[1:]
    if not indexes or item is None:
        return None
    if item.kind == "nil":
        return "wrong-args", "error calling index: index of untyped nil"
    if item.kind != "string":
        return "wrong-args", f"error calling index: can't index item of type {item.kind}"
    size = len(item.value.encode("utf-8", "surrogateescape"))
    error, x = _index_arg_error(indexes[0], size)
    if not error and x is not None and x == size:
        error = "reflect: string index out of range"  # indexArg lets len through; reflect panics
    if not error and x is not None and len(indexes) > 1:
        error = "can't index item of type uint8"
    return ("wrong-args", "error calling index: " + error) if error else None


def _slice_error(values: list[_Lit | None]) -> tuple[str, str] | None:
    item, indexes = values[0], values[1:]
    if item is None:
        return None
    if item.kind == "nil":
        return "wrong-args", "error calling slice: slice of untyped nil"
    if len(indexes) > 3:
        return "wrong-args", f"error calling slice: too many slice indexes: {len(indexes)}"
    if item.kind != "string":
        return "wrong-args", f"error calling slice: can't slice item of type {item.kind}"
    if len(indexes) == 3:
        return "wrong-args", "error calling slice: cannot 3-index slice a string"
    size = len(item.value.encode("utf-8", "surrogateescape"))
    bounds = [0, size]
    for i, lit in enumerate(indexes):
        error, x = _index_arg_error(lit, size)
        if error:
            return "wrong-args", "error calling slice: " + error
        if x is None:
            return None
        bounds[i] = x
    if bounds[0] > bounds[1]:
        return "wrong-args", f"error calling slice: invalid slice index: {bounds[0]} > {bounds[1]}"
    return None


def _eq_error(values: list[_Lit | None]) -> str | None:
    """Go's eq: compares arg1 with each later argument until one is equal; a pair of
    different basic kinds (neither nil) is an error. Stops where the data decides."""
    first = values[0]
    if first is None or first.kind == "nil":
        return None
    for lit in values[1:]:
        if lit is None:
            return None
        if lit.kind == "nil":
            continue
        if lit.kind != first.kind:
            return f"incompatible types for comparison: {first.kind} and {lit.kind}"
        if lit.value == first.value:
            return None
    return None


def _lt_error(a: _Lit | None, b: _Lit | None) -> str | None:
    """Go's lt (which le, gt and ge call first)."""
    if (a is not None and a.kind == "nil") or (b is not None and b.kind == "nil"):
        return "invalid type for comparison"  # nil has no basic kind, whatever the other side is
    if a is None or b is None:
        return None
    if a.kind != b.kind:
        return f"incompatible types for comparison: {a.kind} and {b.kind}"
    if a.kind in ("bool", "complex128"):
        return "invalid type for comparison"
    return None


# --- the tree walk: variables, functions, templates, builtins ---------------------------------------------------


@dataclasses.dataclass
class _Var:
    name: str
    node: VariableNode | None  # None for $
    used: bool = False


class _TreeChecker:
    """Walks one parse tree with the variable scopes Go's executor has."""

    def __init__(self, f: _File, env: _Env, tree_name: str) -> None:
        self.f = f
        self.env = env
        self.tree_name = tree_name
        self.vars: list[_Var] = []

    def run(self, tree: Tree) -> None:
        self.vars = [_Var("$", None)]
        try:
            self._list(tree.root)
        except RecursionError:
            self.f.diag(0, WARNING, f"template {quote(tree.name)} is nested too deeply to check", "parse-error")
            return
        self._pop(0)

    # -- scopes

    def _pop(self, mark: int) -> None:
        for var in self.vars[mark:]:
            if var.node is not None and not var.used and var.name != "$" and not var.name.startswith("$_"):
                self.f.node_diag(var.node, WARNING, f"{var.name} declared and not used", "unused-variable")
        del self.vars[mark:]

    def _lookup(self, name: str) -> _Var | None:
        for var in reversed(self.vars):
            if var.name == name:
                return var
        return None

    # -- nodes

    def _list(self, node: ListNode | None) -> None:
        if node is None:
            return
        for child in node.nodes:
            if isinstance(child, ActionNode):
                self._pipe(child.pipe)
            elif isinstance(child, BranchNode):
                self._branch(child)
            elif isinstance(child, TemplateNode):
                self.f.calls.append((child.name, self.tree_name, _char_offset(child.tree, child.pos)))
                if child.pipe is not None:
                    mark = len(self.vars)
                    self._pipe(child.pipe)
                    self._pop(mark)

    def _branch(self, node: BranchNode) -> None:
        # The pipeline's variables live until {{end}}; each list's own ones only
        # in that list (at run time the else list never sees the body's).
        mark = len(self.vars)
        self._pipe(node.pipe)
        if isinstance(node, RangeNode):
            self._range_literal(node)
        body = len(self.vars)
        self._list(node.list)
        self._pop(body)
        self._list(node.else_list)
        self._pop(body)
        self._pop(mark)

    def _pipe(self, pipe: PipeNode) -> None:
        prev: CommandNode | None = None
        for cmd in pipe.cmds:
            self._command(cmd, prev)
            prev = cmd
        for var in pipe.decl:
            name = var.ident[0]
            if pipe.is_assign:
                if self._lookup(name) is None:
                    self.f.node_diag(var, ERROR, f"undefined variable: {name}", "undefined-variable")
            else:
                self.vars.append(_Var(name, var))

    def _command(self, cmd: CommandNode, prev: CommandNode | None) -> None:
        for i, arg in enumerate(cmd.args):
            self._operand(arg, called=i == 0)
        first = cmd.args[0]
        if isinstance(first, IdentifierNode):
            self._call(first, cmd.args[1:], prev)
        elif len(cmd.args) > 1 and _is_non_function(first):
            self.f.node_diag(first, ERROR, f"can't give argument to non-function {first}", "wrong-args")

    def _operand(self, node: Node, called: bool) -> None:
        if isinstance(node, VariableNode):
            self._use(node)
        elif isinstance(node, PipeNode):
            mark = len(self.vars)
            self._pipe(node)
            self._pop(mark)
        elif isinstance(node, ChainNode):
            self._operand(node.node, called=False)
        elif isinstance(node, IdentifierNode):
            if not self._defined(node) or called:
                return
            # An identifier as an argument is called with no arguments.
            if node.ident in self.env.builtins:
                message = _count_error(node.ident, 0, False)
                if message:
                    self.f.node_diag(node, ERROR, message, "wrong-args")

    def _use(self, node: VariableNode) -> None:
        name = node.ident[0]
        var = self._lookup(name)
        if var is None:
            self.f.node_diag(node, ERROR, f"undefined variable: {name}", "undefined-variable")
        else:
            var.used = True

    def _defined(self, node: IdentifierNode) -> bool:
        name = node.ident
        if name in self.env.known:
            return True
        self.f.node_diag(node, ERROR, _undefined_function_message(name, self.env.known), "undefined-function")
        return False

    def _call(self, ident: IdentifierNode, args: list[Node], prev: CommandNode | None) -> None:
        name = ident.ident
        if name not in self.env.builtins:
            return
        piped = prev is not None
        message = _count_error(name, len(args), piped)
        if message:
            self.f.node_diag(ident, ERROR, message, "wrong-args")
            return
        values = [_literal(a) for a in args]
        nodes = list(args)
        if piped:
            # The previous command's result comes last; known only for a lone literal.
            lone = prev.args[0] if len(prev.args) == 1 else None
            values.append(_literal(lone) if lone is not None else None)
            nodes.append(lone if lone is not None else prev)
            if name in ("call", "printf") and not args:
                return  # the piped value is typed differently there; Go's message differs
        found = _value_error(name, nodes, values)
        if found:
            rule, message = found
            where = args[0] if name == "printf" else ident
            self.f.node_diag(where, ERROR, message, rule)

    def _range_literal(self, node: RangeNode) -> None:
        cmds = node.pipe.cmds
        if len(cmds) != 1 or len(cmds[0].args) != 1:
            return
        arg = cmds[0].args[0]
        lit = _literal(arg)
        if lit is None:
            return
        if lit.kind == "nil":
            self.f.node_diag(arg, ERROR, "nil is not a command", "range-literal")
        elif lit.kind != "int":
            self.f.node_diag(arg, ERROR, f"range can't iterate over {_show(lit)}", "range-literal")
        elif len(node.pipe.decl) > 1:
            message = f"can't use {lit.value} to iterate over more than one variable"
            self.f.node_diag(arg, ERROR, message, "range-literal")


def _suggest(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` is most likely a typo of: a case-only difference,
    else the fewest edits (a swap of neighbours is one), then the closest length."""
    lower = name.lower()
    best: tuple[int, int, float, str] | None = None
    limit = 1 if len(name) <= 4 else 2 if len(name) <= 8 else 3
    for k in known:
        if k.lower() == lower:
            return k
        distance = _edit_distance(lower, k.lower())
        if distance <= limit:
            rank = (distance, abs(len(k) - len(name)), -difflib.SequenceMatcher(None, name, k).ratio(), k)
            best = rank if best is None or rank < best else best
    return best[3] if best else None


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


# --- rules over the whole set ----------------------------------------------------------------------------------


def _set_rules(files: list[_File]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    defined = _definitions(files)
    called_from: dict[str, set[str]] = {}
    for f in files:
        for name, caller, _ in f.calls:
            called_from.setdefault(name, set()).add(caller)
    for f in files:
        for name, _, offset in f.calls:
            if name in defined:
                continue
            message = f"template {quote(name)} not defined"
            hint = _suggest(name, defined)
            if hint:
                message += f"; did you mean {quote(hint)}?"
            out.append(_at(f, offset, ERROR, message, "undefined-template"))
    out.extend(_duplicates(files))
    for f in files:
        for name, kind, offset in f.defines:
            callers = called_from.get(name, set()) - {name}
            if kind == "define" and not callers:
                out.append(_at(f, offset, WARNING, f"template {quote(name)} is defined but never called", "unused-define"))
    return out


def _at(f: _File, offset: int, severity: str, message: str, rule: str) -> Diagnostic:
    line, col = f.lines.line_col(min(offset, len(f.text)))
    return Diagnostic(f.path, line, col, severity, message, rule)


def _definitions(files: list[_File]) -> set[str]:
    names: set[str] = set()
    for f in files:
        names.add(f.name)
        if f.trees is not None:
            names.update(f.trees)
        names.update(name for name, _, _ in f.defines)
    return names


def _duplicates(files: list[_File]) -> list[Diagnostic]:
    """Names with a non-empty body in more than one file: Go's ParseFiles keeps the
    last one without a word, so every later one is reported."""
    first_at: dict[str, tuple[_File, int]] = {}
    out: list[Diagnostic] = []
    for f in files:
        bodies: list[tuple[str, int]] = []
        if f.trees is not None:
            top = f.trees.get(f.name)
            if top is not None and not is_empty_tree(top.root):
                bodies.append((f.name, 0))
            seen: set[str] = set()
            for name, _, offset in f.defines:
                tree = f.trees.get(name)
                if name not in seen and tree is not None and not is_empty_tree(tree.root):
                    bodies.append((name, offset))
                    seen.add(name)
        for name, offset in bodies:
            if name not in first_at:
                first_at[name] = (f, offset)
                continue
            other, other_offset = first_at[name]
            line = other.lines.line_col(other_offset)[0]
            message = (
                f"template {quote(name)} is also defined in {other.path}:{line}; "
                "the later definition replaces it"
            )
            out.append(_at(f, offset, WARNING, message, "duplicate-define"))
    return out

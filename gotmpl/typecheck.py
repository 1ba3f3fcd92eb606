"""Field paths checked against Go types: what Go's executor would reject for
every value of the data's type, found before any data exists.

This module owns the static half of ``gotmpl check --schema``:

* :func:`check_types` walks every tree of a template set with the static type of
  dot and of each variable, resolving each ``.A.B`` as Go's ``evalField`` does
  (methods of T and *T first, then struct fields with embedded promotion, then
  string-keyed map lookups; pointers followed), and reports the steps Go would
  fail on whatever the data: rule ``unknown-field`` (no such field or method),
  ``field-of-slice`` (a field of a slice, array, channel, function, scalar, or
  of a map whose keys are not strings). ``interface{}`` values (``.Values``,
  function results) stop the checking, unless a values sample is given: then
  ``.Values.a.b`` is checked against the sample's keys (``unknown-value-key``,
  a warning: values files vary). An optional key that is only tested
  (``if .Values.x``, ``valueOrDefault .Values.x``; used inside such an ``if``)
  is not reported unless it looks like a typo of a key the sample has.
* Followed: ``with`` (dot becomes the value), ``range`` (element and key types
  of slices, arrays, maps, channels, integers, iterator functions), variables
  (``:=`` declares with the value's type, ``=`` widens to unknown when types
  differ), ``$``, ``{{template}}`` (each callee checked once per argument type;
  templates no call reaches with an unknown dot), builtin functions' result
  types (``len``, ``index``, ``slice``, ``printf``, comparisons, ``and``/``or``,
  ``call``), method results from their Go signatures. Other functions' results
  are unknown; their arguments are still checked.
* :func:`load_schema` turns ``--schema NAME`` (through :data:`SCHEMA_PROVIDERS`,
  where :mod:`injector.schema` registers ``istio@X.Y[.Z]``) or ``--schema-file``
  (a type table in the format of ../shared/gotypes, plus ``"root"``) into the
  GoType of dot.

Certainty: an error means Go fails on this step for every data value of the
type, whenever the step runs. Nil pointers, missing map keys and the dynamic
types behind interfaces depend on the data, so they never give errors; a step
below a map lookup (the key may be absent, which Go lets pass silently) is
reported as a warning.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from typing import Any, Callable, Iterable

from . import values as V
from .diagnostics import ERROR, WARNING, Diagnostic
from .nodes import (
    ActionNode,
    BoolNode,
    BranchNode,
    ChainNode,
    CommandNode,
    DotNode,
    FieldNode,
    IdentifierNode,
    IfNode,
    ListNode,
    Node,
    NumberNode,
    PipeNode,
    RangeNode,
    StringNode,
    TemplateNode,
    Tree,
    VariableNode,
    WithNode,
)

__all__ = [
    "check_types",
    "load_schema",
    "SCHEMA_PROVIDERS",
    "RULES",
    "UNKNOWN_FIELD",
    "FIELD_OF_SLICE",
    "UNKNOWN_VALUE_KEY",
    "schema_from_table",
]

UNKNOWN_FIELD = "unknown-field"
FIELD_OF_SLICE = "field-of-slice"
UNKNOWN_VALUE_KEY = "unknown-value-key"
RULES = {
    UNKNOWN_FIELD: "a field or method the Go type of the value does not have",
    FIELD_OF_SLICE: "a field of a slice, array, map with non-string keys or scalar (Go cannot evaluate it)",
    UNKNOWN_VALUE_KEY: "a .Values key the values sample does not have",
}

# Named schemas (``istio@1.1``): each provider returns dot's type for a spec of
# its family, None for other families, and raises ValueError for a bad member.
SCHEMA_PROVIDERS: list[Callable[[str], "V.GoType | None"]] = []

# A template called with many different types is checked with the first ones
# only, then with an unknown dot (keeps recursive templates finite).
_MAX_TYPES_PER_TEMPLATE = 8


class _NoSample:
    """No values sample stands behind the value."""

    def __repr__(self) -> str:
        return "NO_SAMPLE"


NO_SAMPLE: Any = _NoSample()


@dataclasses.dataclass(frozen=True)
class St:
    """What is statically known of a value.

    ``type`` None: nothing (an interface, an unknown function's result): the
    checking stops there. ``maybe_missing``: reached through a map key that may
    be absent, so failures below it are not certain. ``sample``: the values
    sample node behind an ``interface{}`` value from ``.Values``; ``path`` its
    path (``.Values.global``). ``values_holder``: an unknown dot whose
    ``.Values`` is the sample (no schema, but a values sample).
    """

    type: V.GoType | None = None
    maybe_missing: bool = False
    sample: Any = NO_SAMPLE
    path: str = ""
    values_holder: bool = False

    @property
    def known(self) -> bool:
        return self.type is not None or self.sample is not NO_SAMPLE or self.values_holder

    def key(self) -> tuple:
        return (self.type, id(self.sample) if self.sample is not NO_SAMPLE else None, self.values_holder)


UNKNOWN = St()


def _st(t: V.GoType | None, maybe_missing: bool = False) -> St:
    """A typed value; interfaces are unknown (their dynamic type decides)."""
    if t is None or t.kind == V.Kind.INTERFACE:
        return St(None, maybe_missing)
    return St(t, maybe_missing)


# --- scopes ----------------------------------------------------------------------------------------


class _Var:
    """A template variable: a cell shared by the scopes that see it, so an
    assignment in a branch widens the variable everywhere."""

    __slots__ = ("name", "st")

    def __init__(self, name: str, st: St) -> None:
        self.name = name
        self.st = st


@dataclasses.dataclass
class _Ctx:
    dot: St
    vars: list[_Var]

    def branch(self, dot: St | None = None) -> "_Ctx":
        # Go pops variables declared inside if/with/range at their end.
        return _Ctx(self.dot if dot is None else dot, list(self.vars))

    def lookup(self, name: str) -> _Var | None:
        for var in reversed(self.vars):
            if var.name == name:
                return var
        return None

    def declare(self, name: str, st: St) -> None:
        self.vars.append(_Var(name, st))

    def assign(self, name: str, st: St) -> None:
        var = self.lookup(name)
        if var is None:  # the parser rejects undefined variables; be safe
            return
        var.st = _merge(var.st, st)


def _merge(a: St, b: St) -> St:
    """The type a variable has when it may hold either: the same type, or unknown."""
    if a == b:
        return a
    if a.type is not None and a.type is b.type and a.sample is NO_SAMPLE and b.sample is NO_SAMPLE:
        return St(a.type, a.maybe_missing or b.maybe_missing)
    return UNKNOWN


# --- positions -------------------------------------------------------------------------------------


def _blen(s: str) -> int:
    return len(s.encode("utf-8", "surrogateescape"))


def _field_offset(node: Node, index: int) -> int:
    """The byte offset of the ``.Name`` of field ``index`` of a field, variable
    or chain node. Go places a multi-field node at its second field token."""
    if isinstance(node, FieldNode):
        names = node.ident
        start = node.pos - (1 + _blen(names[0])) if len(names) > 1 else node.pos
        return start + sum(1 + _blen(n) for n in names[:index])
    if isinstance(node, VariableNode):
        # ident[0] is "$x"; node.pos is the first ".F" when there is one.
        return node.pos + sum(1 + _blen(n) for n in node.ident[1:index])
    if isinstance(node, ChainNode):
        return node.pos + sum(1 + _blen(n) for n in node.field[:index])
    return node.pos


def _position(node: Node, offset: int, name: str | None) -> tuple[int, int]:
    """(line, 1-based character column) of ``offset`` in the node's template
    text; the node's own position when the text there is not ``.name``."""
    tree = node.tree
    if tree is None:
        return 0, 0
    data = tree.text_bytes()
    if name is not None and data[offset : offset + 1 + _blen(name)] != ("." + name).encode("utf-8", "surrogateescape"):
        offset = node.pos
    line, byte_col = tree.line_col(offset)
    line_start = offset - byte_col
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return line, column


# --- names -----------------------------------------------------------------------------------------


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean X?)`` for a close candidate, else ""."""
    match = _closest(name, candidates)
    return f" (did you mean {match}?)" if match else ""


def _closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``name`` is most likely a typo of: one differing only in
    case, else difflib's closest among those a few edits away (a ratio alone
    pairs unrelated names that share a long suffix, as Namespace does)."""
    cands = sorted({c for c in candidates if c != name})
    lower = {c.lower(): c for c in cands}
    key = name.lower()
    if key in lower:
        return lower[key]
    budget = max(1, len(key) // 4)
    for close in difflib.get_close_matches(key, list(lower), n=5, cutoff=0.72):
        if _edit_distance(key, close) <= budget:
            return lower[close]
    return None


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def _is_exported(name: str) -> bool:
    return name[:1].isupper()


def _field_names(t: V.GoType) -> set[str]:
    """Exported fields of a struct, promoted ones included."""
    names: set[str] = set()
    seen: set[int] = set()
    todo = [t]
    while todo:
        s = todo.pop()
        if id(s) in seen or s.kind != V.Kind.STRUCT:
            continue
        seen.add(id(s))
        for f in s.fields:
            if _is_exported(f.name) or (s.py_class is not None and f.exported):
                names.add(f.name)
            if f.embedded:
                todo.append(f.type.elem if f.type.kind == V.Kind.PTR and f.type.elem is not None else f.type)
    return names


def _short_name(t: V.GoType) -> str | None:
    """``ObjectMeta`` for ``v1.ObjectMeta``; None for unnamed types."""
    return t.name.rsplit(".", 1)[-1] if t.name else None


def _describe(what: str) -> str:
    return "dot" if what == "." else what


def _kind_phrase(t: V.GoType) -> str:
    k = t.kind
    if k == V.Kind.SLICE:
        return "a slice"
    if k == V.Kind.ARRAY:
        return "an array"
    if k == V.Kind.CHAN:
        return "a channel"
    if k == V.Kind.FUNC:
        return "a function"
    if k == V.Kind.MAP:
        return "a map"
    return _a(str(t)) if t.name is None else f"{_a(str(t))} ({k})"


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _deref(t: V.GoType) -> V.GoType:
    """Go's indirect: through every pointer."""
    while t.kind == V.Kind.PTR and t.elem is not None:
        t = t.elem
    return t


def _methods_of(t: V.GoType) -> dict[str, V.Method]:
    """T's and *T's methods (pointer-receiver ones too: the data is usually
    reached through pointers, so addressable), with the standard library
    methods gotmpl's own types leave out, also where embedding promotes them."""
    table = t.method_table()
    extra = _stdlib_methods(t)
    if extra is None and not t.has_embedded:
        return table
    out = dict(extra or {})
    if t.has_embedded:
        for inner in _embedded_types(t):
            for name, m in (_stdlib_methods(inner) or {}).items():
                out.setdefault(name, m)
        fields = {f.name for f in t.fields}
        out = {k: v for k, v in out.items() if k not in fields}
    out.update(table)
    return out


def _embedded_types(t: V.GoType) -> list[V.GoType]:
    found, todo, seen = [], [t], set()
    while todo:
        s = todo.pop()
        for f in s.fields if s.kind == V.Kind.STRUCT else ():
            if f.embedded:
                inner = f.type.elem if f.type.kind == V.Kind.PTR and f.type.elem is not None else f.type
                if id(inner) not in seen:
                    seen.add(id(inner))
                    found.append(inner)
                    todo.append(inner)
    return found


def _stdlib_methods(t: V.GoType) -> dict[str, V.Method] | None:
    if t.name != "time.Time":
        return None
    global _TIME_METHODS
    if _TIME_METHODS is None:
        from .gotime import DURATION, TIME

        results = {
            "Year": V.INT, "Day": V.INT, "Hour": V.INT, "Minute": V.INT, "Second": V.INT, "Nanosecond": V.INT,
            "YearDay": V.INT, "Month": V.named("time.Month", V.INT), "Weekday": V.named("time.Weekday", V.INT),
            "Unix": V.INT64, "UnixNano": V.INT64, "UnixMilli": V.INT64, "UnixMicro": V.INT64, "Format": V.STRING,
            "String": V.STRING, "GoString": V.STRING, "IsZero": V.BOOL, "IsDST": V.BOOL, "After": V.BOOL,
            "Before": V.BOOL, "Equal": V.BOOL, "Compare": V.INT, "UTC": TIME, "Local": TIME, "In": TIME,
            "Add": TIME, "AddDate": TIME, "Truncate": TIME, "Round": TIME, "Sub": DURATION, "Location": V.ANY,
            "Zone": V.STRING, "Date": V.INT, "Clock": V.INT, "ISOWeek": V.INT, "MarshalJSON": V.BYTES,
            "MarshalText": V.BYTES, "MarshalBinary": V.BYTES, "AppendFormat": V.BYTES,
        }  # fmt: skip
        _TIME_METHODS = {n: V.Method(n, V.func_of([], [r]), _not_callable) for n, r in results.items()}
    return _TIME_METHODS


# time.Time's methods (Go 1.27), for checking: gotmpl's TIME implements only String.
_TIME_METHODS: dict[str, V.Method] | None = None


def _method_result(m: V.Method) -> St:
    results = m.func_type.results if m.func_type is not None else ()
    return _st(results[0]) if results else UNKNOWN


def _string_key_ok(key: V.GoType) -> bool:
    """Whether a field name (a Go ``string``) can be a key of the map: string
    itself or an interface (named string types are not assignable)."""
    return key is V.STRING or key.kind == V.Kind.INTERFACE


# --- values samples ------------------------------------------------------------------------------


def _sample_kind(sample: Any) -> str:
    if isinstance(sample, bool):
        return "a boolean"
    if isinstance(sample, (int, float)):
        return "a number"
    if isinstance(sample, str):
        return "a string"
    if isinstance(sample, list):
        return "a list"
    return "a " + type(sample).__name__


def _merge_items(items: list) -> Any:
    """The sample of a list's elements: its maps merged (the keys any element
    has); no sample when the elements are not all maps."""
    if not items or not all(isinstance(i, dict) for i in items):
        return NO_SAMPLE
    merged: dict = {}
    for item in items:
        for k, v in item.items():
            merged.setdefault(str(k), v)
    return merged


def _sample_st(sample: Any, path: str) -> St:
    if sample is None:
        return UNKNOWN  # null in the sample: anything may be put there
    return St(None, sample=sample, path=path)


# --- the checker -----------------------------------------------------------------------------------

_BOOL_FUNCS = frozenset({"not", "eq", "ne", "lt", "le", "gt", "ge"})
# Functions whose value arguments are presence tests: a missing key is what
# they are for (builtins, sprig's and Istio's defaulting functions).
_PRESENCE_FUNCS = frozenset({"not", "and", "or", "default", "valueOrDefault", "coalesce", "empty"})
_STRING_FUNCS = frozenset({"print", "printf", "println", "html", "js", "urlquery"})


class _Checker:
    def __init__(self, trees: dict[str, Tree], filename: str, values_sample: Any) -> None:
        self.trees = trees
        self.filename = filename
        self.values_sample = values_sample
        self.diagnostics: dict[tuple, Diagnostic] = {}
        self.seen: set[tuple[str, tuple]] = set()
        self.types_per_template: dict[str, int] = {}
        self.pending: list[tuple[str, St]] = []
        # Field nodes whose last key is only tested for presence (``if .Values.x``).
        self.presence: set[int] = set()
        # Values paths found missing in a presence test (``if .Values.x``), and
        # the ones the enclosing if/with bodies know to be present.
        self.tested_missing: list[str] = []
        self.guarded: list[str] = []

    # -- driving --

    def run(self, main: str, root: St) -> list[Diagnostic]:
        self._call_template(main, root)
        self._drain()
        # Templates no call reaches (libraries of defines) are checked with an
        # unknown dot: their variables and literals still have types.
        for name in self.trees:
            if not any(seen_name == name for seen_name, _ in self.seen):
                self._call_template(name, UNKNOWN)
                self._drain()
        return sorted(self.diagnostics.values(), key=lambda d: (d.line, d.column, d.rule, d.message))

    def _drain(self) -> None:
        while self.pending:
            name, st = self.pending.pop(0)
            tree = self.trees.get(name)
            if tree is None or tree.root is None:
                continue
            ctx = _Ctx(st, [_Var("$", st)])
            self._walk_list(tree.root, ctx)

    def _call_template(self, name: str, st: St) -> None:
        if name not in self.trees:
            return
        count = self.types_per_template.get(name, 0)
        key = (name, st.key())
        if key in self.seen:
            return
        if count >= _MAX_TYPES_PER_TEMPLATE:
            st, key = UNKNOWN, (name, UNKNOWN.key())
            if key in self.seen:
                return
        self.seen.add(key)
        self.types_per_template[name] = count + 1
        self.pending.append((name, st))

    def _report(self, node: Node, index: int | None, name: str | None, severity: str, rule: str, message: str) -> None:
        offset = _field_offset(node, index) if index is not None else node.pos
        line, column = _position(node, offset, name)
        d = Diagnostic(self.filename, line, column, severity, message, rule)
        key = (line, column, rule, message)
        old = self.diagnostics.get(key)
        # The same step checked under several call types: an error wins over a warning.
        if old is None or (old.severity == WARNING and severity == ERROR):
            self.diagnostics[key] = d

    # -- control structures --

    def _walk_list(self, lst: ListNode | None, ctx: _Ctx) -> None:
        if lst is None:
            return
        for node in lst.nodes:
            self._walk(node, ctx)

    def _walk(self, node: Node, ctx: _Ctx) -> None:
        if isinstance(node, ActionNode):
            self._pipe(node.pipe, ctx)
        elif isinstance(node, RangeNode):
            self._range(node, ctx)
        elif isinstance(node, (IfNode, WithNode)):
            self._if_or_with(node, ctx)
        elif isinstance(node, TemplateNode):
            st = self._pipe(node.pipe, ctx) if node.pipe is not None else UNKNOWN
            self._call_template(node.name, st)
        elif isinstance(node, ListNode):
            self._walk_list(node, ctx)

    def _if_or_with(self, node: BranchNode, ctx: _Ctx) -> None:
        self._mark_presence(node.pipe)
        inner = ctx.branch()
        self.tested_missing = []
        st = self._pipe(node.pipe, inner)
        guards, self.tested_missing = self.tested_missing, []
        if isinstance(node, WithNode):
            # The body runs only for a non-empty value: present, not nil.
            body = inner.branch(dataclasses.replace(st, maybe_missing=False))
        else:
            body = inner.branch()
        # In the body, the optional keys the condition tested are set.
        self.guarded.extend(guards)
        self._walk_list(node.list, body)
        del self.guarded[len(self.guarded) - len(guards) :]
        self._walk_list(node.else_list, inner.branch())

    def _mark_presence(self, pipe: PipeNode) -> None:
        """Note the field nodes an if/with condition only tests for presence:
        the condition itself, or the value arguments of not/and/or/default."""
        if len(pipe.cmds) != 1 or pipe.decl:
            return
        args = pipe.cmds[0].args
        if isinstance(args[0], IdentifierNode) and args[0].ident in _PRESENCE_FUNCS:
            tested = args[1:]
        elif len(args) == 1:
            tested = args
        else:
            return
        for a in tested:
            if isinstance(a, (FieldNode, VariableNode, ChainNode)):
                self.presence.add(id(a))
            elif isinstance(a, PipeNode):
                self._mark_presence(a)  # (not .Values.x), (.Values.x)

    def _is_presence_test(self, node: Node, index: int | None) -> bool:
        if id(node) not in self.presence or index is None:
            return False
        last = {FieldNode: lambda n: len(n.ident) - 1, VariableNode: lambda n: len(n.ident) - 1, ChainNode: lambda n: len(n.field) - 1}
        return index == last[type(node)](node)

    def _range(self, node: RangeNode, ctx: _Ctx) -> None:
        inner = ctx.branch()
        coll = self._pipe(node.pipe, inner, bind=False)
        key, elem = self._range_types(coll)
        decl = node.pipe.decl
        # One pass: the first iteration sees the variables as declared before
        # the loop, which is what Go fails on first; an assignment in the body
        # widens them (to unknown), which later iterations could only check less.
        body = inner.branch(elem)
        if len(decl) == 1:
            self._bind(body, decl[0].ident[0], elem, node.pipe.is_assign)
        elif len(decl) == 2:
            self._bind(body, decl[0].ident[0], key, node.pipe.is_assign)
            self._bind(body, decl[1].ident[0], elem, node.pipe.is_assign)
        self._walk_list(node.list, body)
        if node.else_list is not None:
            other = inner.branch()
            for v in decl:
                self._bind(other, v.ident[0], coll, node.pipe.is_assign)
            self._walk_list(node.else_list, other)

    @staticmethod
    def _bind(ctx: _Ctx, name: str, st: St, is_assign: bool) -> None:
        if is_assign:
            ctx.assign(name, st)
        else:
            ctx.declare(name, st)

    def _range_types(self, coll: St) -> tuple[St, St]:
        """(key, element) of ranging over a value of this type."""
        if coll.sample is not NO_SAMPLE:
            if isinstance(coll.sample, list):
                return _st(V.INT), _sample_st(_merge_items(coll.sample), coll.path + "[]")
            return UNKNOWN, UNKNOWN
        if coll.type is None:
            return UNKNOWN, UNKNOWN
        t = _deref(coll.type)
        k = t.kind
        if k in (V.Kind.SLICE, V.Kind.ARRAY):
            return _st(V.INT), _st(t.elem)
        if k == V.Kind.MAP:
            return _st(t.key), _st(t.elem)
        if k == V.Kind.CHAN:
            return UNKNOWN, _st(t.elem)
        if k in V.INT_KINDS or k in V.UINT_KINDS:
            return UNKNOWN, _st(t)  # Go 1.22+: 0..n-1 of the same type
        if k == V.Kind.FUNC and len(t.params) == 1 and t.params[0].kind == V.Kind.FUNC:
            yields = t.params[0].params  # iter.Seq / iter.Seq2
            if len(yields) == 1:
                return UNKNOWN, _st(yields[0])
            if len(yields) == 2:
                return _st(yields[0]), _st(yields[1])
        return UNKNOWN, UNKNOWN

    # -- pipelines and commands --

    def _pipe(self, pipe: PipeNode, ctx: _Ctx, bind: bool = True) -> St:
        result: St | None = None
        for cmd in pipe.cmds:
            result = self._command(cmd, ctx, result)
        st = result if result is not None else UNKNOWN
        if bind:
            for var in pipe.decl:
                self._bind(ctx, var.ident[0], st, pipe.is_assign)
        return st

    def _command(self, cmd: CommandNode, ctx: _Ctx, final: St | None) -> St:
        if not cmd.args:
            return UNKNOWN
        first = cmd.args[0]
        if isinstance(first, IdentifierNode):
            return self._function(first.ident, cmd.args[1:], ctx, final)
        for arg in cmd.args[1:]:  # a method's arguments
            self._arg(arg, ctx)
        return self._arg(first, ctx)

    def _arg(self, node: Node, ctx: _Ctx) -> St:
        if isinstance(node, DotNode):
            return ctx.dot
        if isinstance(node, FieldNode):
            return self._fields(ctx.dot, node, node.ident, 0, ".")
        if isinstance(node, VariableNode):
            var = ctx.lookup(node.ident[0])
            base = var.st if var is not None else UNKNOWN
            return self._fields(base, node, node.ident[1:], 1, node.ident[0])
        if isinstance(node, ChainNode):
            base = self._arg(node.node, ctx)
            return self._fields(base, node, node.field, 0, "(" + str(node.node).strip("()") + ")")
        if isinstance(node, PipeNode):
            return self._pipe(node, ctx)
        if isinstance(node, IdentifierNode):
            return self._function(node.ident, [], ctx, None)
        if isinstance(node, StringNode):
            return _st(V.STRING)
        if isinstance(node, BoolNode):
            return _st(V.BOOL)
        if isinstance(node, NumberNode):
            return _st(_number_type(node))
        return UNKNOWN

    def _function(self, name: str, arg_nodes: list[Node], ctx: _Ctx, final: St | None) -> St:
        if name in _PRESENCE_FUNCS and name not in ("not", "and", "or"):
            self.presence.update(id(a) for a in arg_nodes if isinstance(a, (FieldNode, VariableNode, ChainNode)))
        args = [self._arg(a, ctx) for a in arg_nodes]
        if final is not None:
            args.append(final)
        if name in _BOOL_FUNCS:
            return _st(V.BOOL)
        if name == "len":
            return _st(V.INT)
        if name in _STRING_FUNCS:
            return _st(V.STRING)
        if name in ("and", "or"):
            return _same_type(args)
        if name == "index":
            return self._index(args, arg_nodes)
        if name == "slice":
            return _slice_result(args[0]) if args else UNKNOWN
        if name == "call" and args and args[0].type is not None and args[0].type.kind == V.Kind.FUNC:
            results = args[0].type.results
            return _st(results[0]) if results else UNKNOWN
        return UNKNOWN  # other functions: their results are not known statically

    def _index(self, args: list[St], nodes: list[Node]) -> St:
        if not args:
            return UNKNOWN
        item = args[0]
        for i, key in enumerate(args[1:], 1):
            node = nodes[i] if i < len(nodes) else None
            if item.sample is not NO_SAMPLE:
                if isinstance(item.sample, dict) and isinstance(node, StringNode):
                    item = self._sample_key(item, node.text, node, None)
                    continue
                if isinstance(item.sample, list) and isinstance(node, NumberNode) and node.is_int:
                    # Another values file may have more elements: no warning when out of range.
                    n = node.int64
                    item = _sample_st(item.sample[n], f"{item.path}[{n}]") if 0 <= n < len(item.sample) else UNKNOWN
                    continue
                return UNKNOWN
            if item.type is None:
                return UNKNOWN
            t = item.type  # index does not follow pointers
            if t.kind in (V.Kind.SLICE, V.Kind.ARRAY, V.Kind.MAP):
                item = _st(t.elem)
            elif t.kind == V.Kind.STRING:
                item = _st(V.UINT8)
            else:
                return UNKNOWN
        return item

    # -- field chains --

    def _fields(self, st: St, node: Node, names: list[str], first: int, what: str) -> St:
        for i, name in enumerate(names):
            st = self._field(st, name, node, first + i, what)
            if not st.known:
                return UNKNOWN
            what = name
        return st

    def _field(self, st: St, name: str, node: Node, index: int, what: str) -> St:
        if st.values_holder:
            if name == "Values":
                return _sample_st(self.values_sample, ".Values")
            return UNKNOWN
        if st.sample is not NO_SAMPLE:
            return self._sample_key(st, name, node, index)
        if st.type is None:
            return UNKNOWN
        t = _deref(st.type)
        if t.kind == V.Kind.INTERFACE:
            return UNKNOWN
        severity = WARNING if st.maybe_missing else ERROR
        methods = _methods_of(t)
        m = methods.get(name)
        if m is not None:
            return dataclasses.replace(_method_result(m), maybe_missing=st.maybe_missing)
        if t.kind == V.Kind.STRUCT:
            return self._struct_field(st, t, name, node, index, what, severity)
        if t.kind == V.Kind.MAP and _string_key_ok(t.key):
            return _st(t.elem, maybe_missing=True)
        self._not_a_struct(t, name, node, index, what, severity, methods)
        return UNKNOWN

    def _struct_field(self, st: St, t: V.GoType, name: str, node: Node, index: int, what: str, severity: str) -> St:
        path = t.field_path(name)
        owner = _short_name(t) or _describe(what)
        if path is None:
            methods = _methods_of(t)
            candidates = _field_names(t) | {m for m in methods if _is_exported(m)}
            suggestion = _did_you_mean(name, candidates)
            if not suggestion and "Get" + name in methods:
                suggestion = f" (did you mean Get{name}?)"  # a protobuf oneof member
            message = f"no field {name} in {owner}{suggestion}"
            self._report(node, index, name, severity, UNKNOWN_FIELD, message)
            return UNKNOWN
        f = path[-1]
        exported = f.exported if t.py_class is not None else _is_exported(f.name)
        if not exported:
            message = f"{name} is an unexported field of {owner}; templates cannot read it"
            self._report(node, index, name, severity, UNKNOWN_FIELD, message)
            return UNKNOWN
        if (
            f.name == "Values"
            and self.values_sample is not NO_SAMPLE
            and (f.type.kind == V.Kind.INTERFACE or (f.type.kind == V.Kind.MAP and f.type.elem.kind == V.Kind.INTERFACE))
        ):
            return _sample_st(self.values_sample, ".Values")
        return _st(f.type, st.maybe_missing)

    def _not_a_struct(
        self, t: V.GoType, name: str, node: Node, index: int, what: str, severity: str, methods: dict
    ) -> None:
        subject = _describe(what)
        k = t.kind
        if k in (V.Kind.SLICE, V.Kind.ARRAY):
            message = f"{subject} is {_kind_phrase(t)}; use range or index"
        elif k == V.Kind.MAP:
            message = f"{subject} is a map with {t.key} keys; field syntax looks up string keys only: use range"
        elif k == V.Kind.CHAN:
            message = f"{subject} is a channel; use range"
        elif methods:
            owner = _short_name(t) or subject
            exported = [m for m in methods if _is_exported(m)]
            message = f"no method {name} in {owner}{_did_you_mean(name, exported)}"
            self._report(node, index, name, severity, UNKNOWN_FIELD, message)
            return
        else:
            message = f"{subject} is {_kind_phrase(t)}; it has no field {name}"
        self._report(node, index, name, severity, FIELD_OF_SLICE, message)

    def _sample_key(self, st: St, name: str, node: Node, index: int | None) -> St:
        sample = st.sample
        if isinstance(sample, dict):
            if not sample:
                return UNKNOWN  # an empty map in the sample: its keys are the user's
            keys = {str(k): v for k, v in sample.items()}
            path = f"{st.path}.{name}"
            if name in keys:
                return _sample_st(keys[name], path)
            if path in self.guarded:
                return UNKNOWN  # inside `if` of this very key
            suggestion = _did_you_mean(name, keys)
            if not suggestion and self._is_presence_test(node, index):
                self.tested_missing.append(path)
                return UNKNOWN  # an optional key, tested before use
            message = f"no key {name} in {st.path}{suggestion}"
            self._report(node, index, name if index is not None else None, WARNING, UNKNOWN_VALUE_KEY, message)
            return UNKNOWN
        message = f"{st.path} is {_sample_kind(sample)} in the values sample; it has no key {name}"
        self._report(node, index, name if index is not None else None, WARNING, UNKNOWN_VALUE_KEY, message)
        return UNKNOWN


def _number_type(node: NumberNode) -> V.GoType | None:
    """Go's idealConstant: the type a number literal has as a value."""
    if node.is_complex:
        return V.COMPLEX128
    text = node.text
    if node.is_float and not text.lower().startswith(("0x", "-0x", "+0x")) and any(c in text for c in ".eEpP"):
        return V.FLOAT64
    if node.is_int:
        return V.INT
    if node.is_float:
        return V.FLOAT64
    return None


def _same_type(args: list[St]) -> St:
    """and/or give one of their operands: typed when all have one type."""
    if not args or any(a.type is None or a.sample is not NO_SAMPLE for a in args):
        return UNKNOWN
    t = args[0].type
    if all(a.type is t for a in args):
        return St(t, any(a.maybe_missing for a in args))
    return UNKNOWN


def _slice_result(item: St) -> St:
    t = item.type
    if t is None:
        return UNKNOWN
    if t.kind in (V.Kind.STRING, V.Kind.SLICE):
        return _st(t)
    if t.kind == V.Kind.ARRAY:
        return _st(V.slice_of(t.elem))
    return UNKNOWN


def check_types(
    trees: dict[str, Tree],
    root: V.GoType | None,
    filename: str,
    values_sample: Any = None,
    main: str | None = None,
) -> list[Diagnostic]:
    """Check every template of the set with dot of type ``root`` in the main
    template (``main``, default the first of ``trees``), following
    ``{{template}}`` calls with their argument's type. ``values_sample`` (a
    parsed values file) checks ``.Values`` paths; None leaves them unchecked."""
    if not trees:
        return []
    sample = NO_SAMPLE if values_sample is None else values_sample
    checker = _Checker(trees, filename, sample)
    if root is not None:
        top = _st(root)
        if top.type is None and sample is not NO_SAMPLE:
            top = St(values_holder=True)
    elif sample is not NO_SAMPLE:
        top = St(values_holder=True)
    else:
        top = UNKNOWN
    name = main if main is not None and main in trees else next(iter(trees))
    return checker.run(name, top)


# --- schemas -------------------------------------------------------------------------------------


def load_schema(spec: str | None, schema_file: str | None) -> V.GoType | None:
    """Dot's Go type from ``--schema`` (a name such as ``istio@1.1``) or
    ``--schema-file`` (a type table); None when neither is given. Raises
    ValueError on a bad spec or file."""
    if spec and schema_file:
        raise ValueError("give either a schema name or a schema file, not both")
    if schema_file:
        return _schema_from_file(schema_file)
    if not spec:
        return None
    if spec.startswith("istio"):
        try:
            import injector.schema  # noqa: F401 - registers the istio@ provider
        except ImportError as e:
            raise ValueError(f"schema {spec!r} needs the injector package: {e}") from None
    for provider in SCHEMA_PROVIDERS:
        t = provider(spec)
        if t is not None:
            return t
    raise ValueError(f"unknown schema {spec!r}: want istio@X.Y[.Z] or a schema file")


def _schema_from_file(path: str) -> V.GoType:
    try:
        with open(path, encoding="utf-8") as fh:
            table = json.load(fh)
    except OSError as e:
        raise ValueError(f"cannot read schema file {path}: {e.strerror or e}") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"schema file {path} is not valid JSON: {e}") from None
    try:
        return schema_from_table(table)
    except ValueError as e:
        raise ValueError(f"schema file {path}: {e}") from None


def schema_from_table(table: Any) -> V.GoType:
    """Dot's type from a type table (../shared/gotypes' format) with a top-level
    ``"root"``: a type key (``inject.SidecarTemplateData``) or a type expression
    over keys (``*inject.SidecarTemplateData``)."""
    if not isinstance(table, dict):
        raise ValueError("want a JSON object with \"types\" and \"root\"")
    root = table.get("root")
    if not isinstance(root, str) or not root.strip():
        raise ValueError('missing "root": the type key (or type expression) of dot')
    types = table.get("types")
    if not isinstance(types, dict):
        raise ValueError('missing "types": an object of type entries keyed "pkg.Name"')
    return _TableTypes(table).expr(root.strip(), "")


_BASIC = {
    "bool": V.BOOL, "string": V.STRING, "int": V.INT, "int8": V.INT8, "int16": V.INT16, "int32": V.INT32,
    "rune": V.INT32, "int64": V.INT64, "uint": V.UINT, "uint8": V.UINT8, "byte": V.UINT8, "uint16": V.UINT16,
    "uint32": V.UINT32, "uint64": V.UINT64, "uintptr": V.UINTPTR, "float32": V.FLOAT32, "float64": V.FLOAT64,
    "complex64": V.COMPLEX64, "complex128": V.COMPLEX128, "any": V.ANY, "interface{}": V.ANY,
    "interface {}": V.ANY, "error": V.ERROR,
}  # fmt: skip

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?")


class _TableTypes:
    """Builds GoTypes from a type table, each key once (types may refer to
    themselves through pointers and slices)."""

    def __init__(self, table: dict) -> None:
        self.types: dict[str, Any] = table["types"]
        self.package_names = {
            p.get("alias"): p.get("goPackageName")
            for p in table.get("packages") or []
            if isinstance(p, dict) and p.get("alias") and p.get("goPackageName")
        }
        self.built: dict[str, V.GoType] = {}

    def expr(self, text: str, pkg: str) -> V.GoType:
        """A type expression; unqualified names are of package ``pkg``."""
        t, rest = self._parse(text.strip(), pkg)
        if rest.strip():
            raise ValueError(f"bad type expression {text!r}")
        return t

    def _parse(self, s: str, pkg: str) -> tuple[V.GoType, str]:
        s = s.lstrip()
        if s.startswith("*"):
            t, rest = self._parse(s[1:], pkg)
            return V.ptr_to(t), rest
        if s.startswith("[]"):
            t, rest = self._parse(s[2:], pkg)
            return V.slice_of(t), rest
        if s.startswith("["):
            end = s.index("]")
            t, rest = self._parse(s[end + 1 :], pkg)
            try:
                return V.array_of(int(s[1:end]), t), rest
            except ValueError:
                return V.slice_of(t), rest  # [...]T or a constant length
        if s.startswith("map["):
            key, rest = self._parse(s[4:], pkg)
            rest = rest.lstrip()
            if not rest.startswith("]"):
                raise ValueError(f"bad map type {s!r}")
            elem, rest = self._parse(rest[1:], pkg)
            return V.map_of(key, elem), rest
        if s.startswith(("chan ", "<-chan ", "chan<- ")):
            t, rest = self._parse(s.split(" ", 1)[1], pkg)
            ct = V.GoType(V.Kind.CHAN)
            ct.elem = t
            return ct, rest
        for word in ("interface{}", "interface {}", "struct{}", "struct {}"):
            if s.startswith(word):
                return (V.ANY if word.startswith("interface") else V.struct_of([])), s[len(word) :]
        if s.startswith("func("):
            return V.func_of([], [V.ANY]), _skip_balanced(s[4:])
        m = _IDENT.match(s)
        if m is None:
            raise ValueError(f"bad type expression {s!r}")
        return self.named(m.group(0), pkg), s[m.end() :]

    def named(self, name: str, pkg: str) -> V.GoType:
        if name in _BASIC:
            return _BASIC[name]
        key = name if "." in name else (f"{pkg}.{name}" if pkg else name)
        if key in self.built:
            return self.built[key]
        entry = self.types.get(key)
        if entry is None:
            return _external(key)
        return self._build(key, entry)

    def _display(self, key: str) -> str:
        alias, _, name = key.rpartition(".")
        return f"{self.package_names.get(alias, alias)}.{name}" if alias else name

    def _build(self, key: str, entry: Any) -> V.GoType:
        if not isinstance(entry, dict):
            raise ValueError(f"type {key!r}: want an object")
        pkg = key.rpartition(".")[0]
        kind = entry.get("kind")
        if kind == "struct":
            t = V.GoType(V.Kind.STRUCT, self._display(key))
            self.built[key] = t  # before the fields: self-reference
            t.fields = tuple(self._field(key, f, pkg) for f in entry.get("fields") or [])
        elif kind in ("named", "alias"):
            under_text = entry.get("underlyingq") or entry.get("underlying")
            if not isinstance(under_text, str):
                raise ValueError(f"type {key!r}: {kind} type without \"underlying\"")
            if kind == "alias":
                t = self.expr(under_text, pkg)
                self.built[key] = t
                return t
            placeholder = V.GoType(V.Kind.INTERFACE, self._display(key))
            self.built[key] = placeholder
            under = self.expr(under_text, pkg)
            t = V.distinct_named(self._display(key), under)
            self.built[key] = t
        elif kind == "interface":
            t = V.GoType(V.Kind.INTERFACE, self._display(key))
            self.built[key] = t
        else:
            raise ValueError(f"type {key!r}: unknown kind {kind!r}")
        t.methods.update(self._methods(key, entry.get("methods") or [], pkg))
        return t

    def _field(self, owner: str, f: Any, pkg: str) -> V.StructField:
        if not isinstance(f, dict) or not isinstance(f.get("name"), str):
            raise ValueError(f"type {owner!r}: each field needs a \"name\"")
        text = f.get("typeq") or f.get("type")
        if not isinstance(text, str):
            raise ValueError(f"type {owner!r}: field {f['name']!r} has no \"type\"")
        ftype = self.expr(text, pkg)
        json_name = f.get("json")
        tag = ""
        if isinstance(json_name, str):
            opts = [json_name] + [o for o in f.get("jsonOpts") or [] if isinstance(o, str)]
            tag = 'json:"' + ",".join(opts) + '"'
        return V.StructField(f["name"], ftype, tag, embedded=bool(f.get("embedded")))

    def _methods(self, key: str, methods: list, pkg: str) -> dict[str, V.Method]:
        out = {}
        for text in methods:
            if not isinstance(text, str):
                continue
            m = re.match(r"(\*?)([A-Za-z_][A-Za-z0-9_]*)\(", text)
            if m is None:
                continue
            results_text = _skip_balanced(text[m.end() - 1 :]).strip()
            if results_text.startswith("("):
                results_text = results_text[1:].split(",")[0].rstrip(")").strip()
            try:
                results = [self.expr(results_text, pkg)] if results_text else []
            except (ValueError, IndexError):
                results = [V.ANY]
            out[m.group(2)] = V.Method(m.group(2), V.func_of([], results), _not_callable, pointer_receiver=bool(m.group(1)))
        return out


def _skip_balanced(s: str) -> str:
    """The text after the parenthesized group ``s`` starts with."""
    depth = 0
    for i, c in enumerate(s):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return s[i + 1 :]
    return ""


def _external(key: str) -> V.GoType:
    """A type of a package the table does not describe: time's are known,
    others are opaque (interface: checking stops there)."""
    if key in ("time.Time", "time.Duration"):
        from .gotime import DURATION, TIME

        return TIME if key == "time.Time" else DURATION
    return V.ANY


def _not_callable(*args: Any) -> Any:
    raise V.GoError("schema types describe templates' data; they are not called")

"""Template sets: Go's text/template ``Template`` API, in Python style.

A :class:`Template` is one named template in a set of associated templates that
share delimiters' defaults, functions, options and the name -> template table,
exactly as Go's templates share their ``common`` part: ``new`` adds a template
to the set, ``parse`` adds every ``{{define}}``/``{{block}}`` it finds, and
``lookup`` finds any of them by name. Redefinition follows Go: within one
``parse`` a name may be defined twice only if one body is empty; a later
``parse`` may replace a template, but an empty body never replaces a non-empty
one.
"""

from __future__ import annotations

import glob as _glob
import os
from typing import Any, Callable, Iterable, Mapping

from .compiler import compile_tree
from .funcs import BUILTIN_NAMES, as_go_func, builtins, check_func_name
from .nodes import ListNode, Tree, is_empty_tree
from .parser import ParseError, parse as _parse_text
from .runtime import ExecError, GoFunc, LimitExceeded, State, check_limits, tick
from .strconv import quote
from .values import ANY, MISSING, NilInterface, func_of, slice_of

ANY_FUNC = func_of([slice_of(ANY)], [ANY], True)

__all__ = ["Template", "ParseError", "ExecError", "LimitExceeded", "parse_files", "parse_glob", "MISSINGKEY_ACTIONS"]

# missingkey=... values Go accepts, and what each means to the executor.
MISSINGKEY_ACTIONS = {"default": "invalid", "invalid": "invalid", "zero": "zero", "error": "error"}


class _Common:
    """What associated templates share (Go's ``common``), and the caches built
    from it: the function table and compiled code per parse tree."""

    __slots__ = ("templates", "missingkey", "funcs", "known_names", "_exec_funcs", "_compiled")

    def __init__(self) -> None:
        self.templates: dict[str, Template] = {}
        self.missingkey = "invalid"
        self.funcs: dict[str, Callable[..., Any]] = {}
        self.known_names: set[str] = set()
        self._exec_funcs: dict[str, GoFunc] | None = None
        self._compiled: dict[tuple[int, bool], tuple[Tree, Callable[..., Any]]] = {}

    def exec_funcs(self) -> dict[str, GoFunc]:  # noqa: D102 - cached below
        table = self._exec_funcs
        if table is not None:
            return table
        return self._build_exec_funcs()

    def _build_exec_funcs(self) -> dict[str, GoFunc]:
        """Go's findFunction table: the set's functions over the builtins; names
        only known for parsing map to an unimplemented entry."""
        if self._exec_funcs is None:
            table = dict(builtins())
            for name in self.known_names:
                table.setdefault(name, GoFunc(name, ANY_FUNC, None))
            for name, fn in self.funcs.items():
                table[name] = as_go_func(name, fn)
            self._exec_funcs = table
        return self._exec_funcs

    def compiled(self, tree: Tree, trace: bool = False) -> Callable[..., Any]:
        key = (id(tree), trace)
        entry = self._compiled.get(key)
        if entry is not None and entry[0] is tree:
            return entry[1]
        entry = (tree, compile_tree(tree, self.exec_funcs(), trace))
        self._compiled[key] = entry
        return entry[1]

    def invalidate(self) -> None:
        self._exec_funcs = None
        self._compiled.clear()


class Template:
    """A named template, member of a set of associated templates."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tree: Tree | None = None
        self.left_delim = ""
        self.right_delim = ""
        self._common = _Common()

    def __repr__(self) -> str:
        return f"<Template {self.name!r}>"

    @property
    def root(self) -> ListNode | None:
        """The root node of this template's tree (Go's embedded Tree.Root)."""
        return self.tree.root if self.tree is not None else None

    # --- configuration -------------------------------------------------------------------------

    def new(self, name: str) -> "Template":
        """A new template associated with this one, with the same delimiters."""
        nt = Template(name)
        nt._common = self._common
        nt.left_delim = self.left_delim
        nt.right_delim = self.right_delim
        return nt

    def delims(self, left: str = "", right: str = "") -> "Template":
        """Set the action delimiters for later ``parse`` calls; "" means the default."""
        self.left_delim = left
        self.right_delim = right
        return self

    def funcs(self, mapping: Mapping[str, Callable[..., Any]]) -> "Template":
        """Add functions to the set's function map (Go's Funcs; checked like Go)."""
        for name, fn in mapping.items():
            check_func_name(name)
            if not callable(fn):
                raise ValueError(f"value for {name} not a function")
        self._common.funcs.update(mapping)
        self._common.invalidate()
        return self

    def known_funcs(self, names: "Iterable[str]") -> "Template":
        """Let the parser accept calls to ``names`` without implementations.

        For checking templates written for a function set (sprig, Istio's) that is
        not attached: Go's parser only needs the names.
        """
        self._common.known_names.update(names)
        self._common.invalidate()
        return self

    def option(self, *options: str) -> "Template":
        """Set options; only ``missingkey=default|invalid|zero|error`` exists."""
        for opt in options:
            if opt == "":
                raise ValueError("empty option string")
            key, sep, value = opt.partition("=")
            if not sep or key != "missingkey" or value not in MISSINGKEY_ACTIONS:
                raise ValueError("unrecognized option: " + opt)
            self._common.missingkey = MISSINGKEY_ACTIONS[value]
        return self

    @property
    def missingkey(self) -> str:
        """The set's missing-key action: "invalid" (the default), "zero" or "error"."""
        return self._common.missingkey

    @property
    def func_map(self) -> Mapping[str, Callable[..., Any]]:
        """The functions added with ``funcs`` (builtins excluded)."""
        return self._common.funcs

    # --- parsing -------------------------------------------------------------------------------

    def parse(self, text: str, mode: int = 0) -> "Template":
        """Parse ``text`` as this template's body; raises ParseError with Go's text."""
        trees = _parse_text(
            self.name,
            text,
            self.left_delim,
            self.right_delim,
            (self._common.funcs, BUILTIN_NAMES, self._common.known_names),
            mode,
        )
        for name, tree in trees.items():
            self.add_parse_tree(name, tree)
        return self

    def add_parse_tree(self, name: str, tree: Tree) -> "Template":
        """Associate ``tree`` with this set under ``name`` (Go's AddParseTree)."""
        nt = self if name == self.name else self.new(name)
        if self._associate(nt, tree) or nt.tree is None:
            nt.tree = tree
        return nt

    def _associate(self, new: "Template", tree: Tree) -> bool:
        old = self._common.templates.get(new.name)
        if old is not None and is_empty_tree(tree.root) and old.tree is not None:
            return False
        self._common.templates[new.name] = new
        return True

    def parse_files(self, *paths: str) -> "Template":
        """Parse files into this set, each named by its base name (Go's ParseFiles)."""
        _parse_files_into(self, paths)
        return self

    def parse_glob(self, pattern: str) -> "Template":
        """Parse the files matching ``pattern`` into this set (Go's ParseGlob)."""
        _parse_files_into(self, _glob_files(pattern))
        return self

    # --- lookups -----------------------------------------------------------------------------------

    def lookup(self, name: str) -> "Template | None":
        return self._common.templates.get(name)

    def templates(self) -> list["Template"]:
        """Every template of the set (Go returns them in map order; this is sorted)."""
        return [self._common.templates[k] for k in sorted(self._common.templates)]

    def defined_templates(self) -> str:
        """Go's DefinedTemplates: "; defined templates are: "a", "b"" or ""."""
        names = [
            quote(name)
            for name, tmpl in sorted(self._common.templates.items())
            if tmpl.tree is not None and tmpl.tree.root is not None
        ]
        if not names:
            return ""
        return "; defined templates are: " + ", ".join(names)

    def clone(self) -> "Template":
        """A copy of the set that can be changed without affecting this one.

        Trees are shared, as in Go: they are never modified after parsing.
        """
        nt = Template(self.name)
        nt.tree = self.tree
        nt.left_delim, nt.right_delim = self.left_delim, self.right_delim
        nt._common.missingkey = self._common.missingkey
        nt._common.funcs = dict(self._common.funcs)
        nt._common.known_names = set(self._common.known_names)
        for name, tmpl in self._common.templates.items():
            if name == self.name:
                nt._common.templates[name] = nt
                continue
            copy = Template(tmpl.name)
            copy.tree = tmpl.tree
            copy.left_delim, copy.right_delim = tmpl.left_delim, tmpl.right_delim
            copy._common = nt._common
            nt._common.templates[name] = copy
        return nt

    # --- execution -------------------------------------------------------------------------------

    def execute(self, writer: Any, data: Any = None) -> None:
        """Apply the template to ``data`` and write the output to ``writer`` (Go's
        Execute; text or binary writers). On an error the output produced so far
        is written, then ExecError is raised with Go's text."""
        out: list[str] = []
        try:
            self._run(data, out)
        finally:
            if out:
                _write(writer, "".join(out))

    def execute_template(self, writer: Any, name: str, data: Any = None) -> None:
        """Execute the associated template ``name`` (Go's ExecuteTemplate)."""
        self._named(name).execute(writer, data)

    def render(
        self, data: Any = None, name: str | None = None, timeout: float | None = None, max_output: int | None = None
    ) -> str:
        """The output as a string; ``name`` picks an associated template.
        ``timeout`` (seconds) and ``max_output`` (bytes) bound untrusted templates:
        exceeding one raises LimitExceeded."""
        tmpl = self if name is None else self._named(name)
        out: list[str] = []
        tmpl._run(data, out, timeout, max_output)
        return "".join(out)

    def _named(self, name: str) -> "Template":
        tmpl = self.lookup(name)
        if tmpl is None:
            raise ExecError(f"template: no template {quote(name)} associated with template {quote(self.name)}", self.name)
        return tmpl

    def render_traced(self, data: Any = None) -> tuple[str, list[tuple[int, str, int]]]:
        """The output and where it came from: (output offset, parse name (the
        text the node was parsed from, as in Go's error contexts),
        template line) for every text and action that wrote, in output order.
        For error reports (which template line wrote this output line?); runs
        separately compiled code, so plain renders pay nothing for it."""
        out: list[str] = []
        trace: list[tuple[int, str, int, str | None]] = []
        try:
            self._run(data, out, trace=trace)
        except ExecError:
            pass  # the output written before the error is traced as well
        offsets, total, spans = [], 0, []
        for chunk in out:
            offsets.append(total)
            total += len(chunk)
        offsets.append(total)
        for index, name, line, text in trace:
            start = offsets[min(index, len(offsets) - 1)]
            if text is None:
                spans.append((start, name, line))
                continue
            # A text node spans lines: one span per line it writes.
            for i, part in enumerate(text.split("\n")):
                spans.append((start, name, line + i))
                start += len(part) + 1
        return "".join(out), spans

    def _run(
        self,
        data: Any,
        out: list[str],
        timeout: float | None = None,
        max_output: int | None = None,
        trace: list | None = None,
    ) -> None:
        """Run the compiled template. ``{{template}}`` calls come back from the
        compiled code as requests and are run here with an explicit stack, so
        recursion is bounded by Go's depth limit, not by Python's."""
        name = self.name
        tree = self.tree
        if tree is None or tree.root is None:
            raise ExecError(f"template: {name}: {quote(name)} is an incomplete or empty template", name)
        common = self._common
        S = State(self, name, out, common.exec_funcs(), common.missingkey, timeout, max_output)
        S.trace = trace
        dot = MISSING if data is None or type(data) is NilInterface else data
        fn = common.compiled(tree, trace is not None)
        if not fn.__gotmpl_generator__:  # no {{template}} calls: the common case
            fn(S, dot)
            if S.limited:
                check_limits(S)
            return
        gen = fn(S, dot)
        try:
            request = next(gen)
        except StopIteration:
            if S.limited:
                check_limits(S)
            return
        stack = [gen]
        names = [name]
        while True:
            fn, callee, callee_dot = request
            names.append(callee)
            S.name = callee
            S.depth += 1
            if S.limited:
                tick(S)
            if not fn.__gotmpl_generator__:
                fn(S, callee_dot)
                stack.append(iter(()))
            else:
                stack.append(fn(S, callee_dot))
            while True:
                try:
                    request = next(stack[-1])
                    break
                except StopIteration:
                    stack.pop()
                    names.pop()
                    if not stack:
                        if S.limited:
                            check_limits(S)
                        return
                    S.name = names[-1]
                    S.depth -= 1

    def _compiled(self, tmpl: "Template", trace: bool = False) -> Callable[..., Any]:
        """The compiled code of an associated template (used for {{template}} calls)."""
        if tmpl.tree is None:
            raise ExecError(f"template: {tmpl.name}: {quote(tmpl.name)} is an incomplete or empty template", tmpl.name)
        return self._common.compiled(tmpl.tree, trace)


def _write(writer: Any, text: str) -> None:
    try:
        writer.write(text)
    except TypeError:
        writer.write(text.encode("utf-8", "surrogateescape"))


def _read_template_file(path: str) -> tuple[str, str]:
    """(base name, text) of a template file, its bytes kept exactly (Go strings are bytes)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise OSError(f"open {path}: no such file or directory") from None
    except IsADirectoryError:
        raise OSError(f"read {path}: is a directory") from None
    except PermissionError:
        raise OSError(f"open {path}: permission denied") from None
    return os.path.basename(path), data.decode("utf-8", "surrogateescape")


def _parse_files_into(t: Template | None, paths: tuple[str, ...] | list[str]) -> Template:
    if not paths:
        raise ValueError("template: no files named in call to ParseFiles")
    for path in paths:
        name, text = _read_template_file(path)
        if t is None:
            t = Template(name)
        tmpl = t if name == t.name else t.new(name)
        tmpl.parse(text)
    return t


def _glob_files(pattern: str) -> list[str]:
    files = sorted(_glob.glob(pattern))
    if not files:
        raise ValueError(f"template: pattern matches no files: {_backquote(pattern)}")
    return files


def _backquote(s: str) -> str:
    """fmt's %#q: a raw string when strconv.CanBackquote, else quoted."""
    if "`" not in s and all(ch == "\t" or (ch >= " " and ch != "\x7f") for ch in s) and "\ufeff" not in s:
        return "`" + s + "`"
    return quote(s)


def parse_files(*paths: str) -> Template:
    """A new template set from files; the first file names the set (Go's ParseFiles)."""
    return _parse_files_into(None, paths)


def parse_glob(pattern: str) -> Template:
    """A new template set from the files matching ``pattern`` (Go's ParseGlob)."""
    return _parse_files_into(None, _glob_files(pattern))

"""The ``gotmpl`` command line.

``gotmpl render`` renders templates with YAML/JSON data (seen as Helm sees it:
numbers are float64) or the oracle's typed data; ``gotmpl parse`` parses
template files as Go's ParseFiles would and prints each template's tree in Go's
canonical form (``--tree`` adds a node-by-node dump with positions);
``gotmpl check`` reports every problem in a template set (gotmpl/check.py) in
text, JSON, SARIF or GitHub annotation form, exit 1 when there are errors;
``gotmpl batch`` answers the Go oracle's JSON Lines protocol. User errors print
one line on stderr and exit 1; usage errors exit 2.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any, Iterable

import click
import yaml

from . import batch as _batch
from .check import RULES as check_rules, check_files
from .diagnostics import FORMATS, exit_status, render, sort_key
from .funcs import func_set_names
from .nodes import BranchNode, ChainNode, CommandNode, ListNode, Node, PipeNode, TemplateNode, Tree
from .parser import ParseError
from .runtime import ExecError
from .template import Template
from .values import INT64, Typed, from_typed_json

__all__ = ["main", "write_atomically"]


def _known_names(specs: str) -> list[frozenset[str]]:
    out = []
    for spec in filter(None, (s.strip() for s in specs.split(","))):
        if spec == "builtin":
            continue
        try:
            out.append(func_set_names(spec))
        except ValueError as e:
            raise click.UsageError(str(e)) from None
    return out


def _load_set(files: Iterable[str], delims: tuple[str, str] | None, funcs: str) -> Template:
    """Parse ``files`` into one set, named after the first file (Go's ParseFiles)."""
    files = list(files)
    first = Template(files[0].rsplit("/", 1)[-1])
    if delims:
        first.delims(*delims)
    specs = [s.strip() for s in funcs.split(",") if s.strip() and s.strip() != "builtin"]
    for spec, names in zip(specs, _known_names(funcs)):
        impl = _batch.func_set(spec)
        if impl is not None:
            first.funcs(impl)  # sprig, or a set this process has (Istio's once the injector is loaded)
        else:
            first.known_funcs(names)
    return first.parse_files(*files)


def _dump(node: Node, tree: Tree, out: list[str]) -> None:
    """An indented node listing: type, line:column, Go's text of leaf nodes."""
    stack: list[tuple[Node, int]] = [(node, 0)]
    while stack:
        n, depth = stack.pop()
        line, col = tree.line_col(n.pos)
        text = "" if isinstance(n, (ListNode, BranchNode)) else " " + repr(str(n))
        out.append(f"{'  ' * depth}{n.type_name} {line}:{col}{text}")
        children: list[Node] = []
        if isinstance(n, ListNode):
            children = n.nodes
        elif isinstance(n, BranchNode):
            children = [n.pipe, n.list] + ([n.else_list] if n.else_list is not None else [])
        elif isinstance(n, PipeNode):
            children = [*n.decl, *n.cmds]
        elif isinstance(n, CommandNode):
            children = n.args
        elif isinstance(n, ChainNode):
            children = [n.node]
        elif isinstance(n, TemplateNode) and n.pipe is not None:
            children = [n.pipe]
        elif hasattr(n, "pipe") and isinstance(getattr(n, "pipe"), PipeNode):
            children = [n.pipe]
        stack.extend((c, depth + 1) for c in reversed(children))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gotmpl")
def main() -> None:
    """Go's text/template, in Python, faithful to Go 1.27."""


@main.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--delims", nargs=2, metavar="LEFT RIGHT", help="Action delimiters (default {{ }}).")
@click.option("--funcs", default="", metavar="SETS", help="Function names to accept: sprig, istio@X.Y, test (comma-separated).")
@click.option("--tree", "show_tree", is_flag=True, help="Also dump every node with its line:column.")
def parse_cmd(files: tuple[str, ...], delims: tuple[str, str] | None, funcs: str, show_tree: bool) -> None:
    """Parse FILES as one template set and print each template's tree as Go prints it."""
    try:
        tset = _load_set(files, delims, funcs)
    except ParseError as e:
        click.echo(str(e), err=True)
        sys.exit(1)
    except (OSError, ValueError) as e:
        click.echo(f"gotmpl: {e}", err=True)
        sys.exit(1)
    for tmpl in tset.templates():
        if tmpl.tree is None:
            continue
        click.echo(f"==> {tmpl.name} <==")
        click.echo(str(tmpl.root))
        if show_tree:
            lines: list[str] = []
            _dump(tmpl.root, tmpl.tree, lines)
            click.echo("\n".join(lines))


def _helm_numbers(v: Any) -> Any:
    """YAML/JSON data as Helm's decoder gives it: every number a float64."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, dict):
        return {str(k): _helm_numbers(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_helm_numbers(x) for x in v]
    return str(v)


def _load_data(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    except OSError as e:
        raise click.ClickException(f"{path}: {e.strerror}") from None
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise click.ClickException(f"{path}{where}: invalid YAML/JSON data: {getattr(e, 'problem', e)}") from None
    if len(docs) > 1:
        raise click.ClickException(f"{path}: data must be one YAML/JSON document, found {len(docs)}")
    return _helm_numbers(docs[0] if docs else None)


def _set_value(data: dict, assignment: str) -> None:
    """One ``--set a.b[0]=v`` (Helm's strvals: ints are int64, true/false bool, null nil)."""
    key, sep, raw = assignment.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"{assignment!r}: expected key=value", param_hint="--set")
    value: Any = raw
    if raw in ("true", "false"):
        value = raw == "true"
    elif raw == "null":
        value = None
    else:
        try:
            value = Typed(INT64, int(raw, 10))
        except ValueError:
            pass
    parts = key.split(".")
    cur = data
    for part in parts[:-1]:
        nxt = cur.get(part)
        if not isinstance(nxt, dict):
            nxt = cur[part] = {}
        cur = nxt
    cur[parts[-1]] = value


def write_atomically(path: str, text: str) -> None:
    """Write a whole file or nothing: a temporary file renamed into place, with
    the permissions a new file gets (mkstemp's are owner-only)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".gotmpl-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8", "surrogateescape"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


@main.command("render")
@click.argument("templates", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-d", "--data", "data_file", metavar="FILE", help="YAML or JSON data (- for stdin); numbers are float64, as in Helm.")
@click.option("--typed-data", metavar="FILE", help="Data in the Go oracle's typed JSON encoding.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Set a data value (a.b=c), as Helm's --set.")
@click.option("--delims", nargs=2, metavar="LEFT RIGHT", help="Action delimiters (default {{ }}).")
@click.option("--option", "options", multiple=True, metavar="OPT", help="Template option, e.g. missingkey=error.")
@click.option("--funcs", default="", metavar="SETS", help="Extra function sets (comma-separated).")
@click.option("-t", "--template", "name", metavar="NAME", help="Execute this associated template instead of the first file.")
@click.option("-o", "--output", metavar="FILE", help="Write here (whole file or nothing) instead of stdout.")
def render_cmd(
    templates: tuple[str, ...],
    data_file: str | None,
    typed_data: str | None,
    sets: tuple[str, ...],
    delims: tuple[str, str] | None,
    options: tuple[str, ...],
    funcs: str,
    name: str | None,
    output: str | None,
) -> None:
    """Render TEMPLATES (parsed as one set, the first file executed) with data."""
    if data_file and typed_data:
        raise click.UsageError("use either --data or --typed-data")
    data: Any = None
    if data_file:
        data = _load_data(data_file)
    elif typed_data:
        try:
            with open(typed_data, encoding="utf-8") as f:
                data = from_typed_json(json.load(f))
        except OSError as e:
            raise click.ClickException(f"{typed_data}: {e.strerror}") from None
        except ValueError as e:
            raise click.ClickException(f"{typed_data}: {e}") from None
    if sets:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise click.UsageError("--set needs map data")
        for assignment in sets:
            _set_value(data, assignment)
    try:
        tset = _load_set(templates, delims, funcs)
        tset.option(*options)
        out: list[str] = []
        tmpl = tset if name is None else tset._named(name)
        try:
            tmpl._run(data, out)
        except ExecError as e:
            if output is None:
                sys.stdout.write("".join(out))
                sys.stdout.flush()
            click.echo(str(e), err=True)
            sys.exit(1)
    except (ParseError, ExecError) as e:
        click.echo(str(e), err=True)
        sys.exit(1)
    except (OSError, ValueError) as e:
        click.echo(f"gotmpl: {e}", err=True)
        sys.exit(1)
    text = "".join(out)
    if output is None:
        sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
    else:
        write_atomically(output, text)


@main.command("check")
@click.argument("files", nargs=-1, required=True)
@click.option("--delims", nargs=2, metavar="LEFT RIGHT", help="Action delimiters (default {{ }}).")
@click.option("--funcs", default="", metavar="SETS", help="Function sets besides the builtins: sprig, istio@X.Y, test (comma-separated).")
@click.option("--schema", metavar="SPEC", help="Type-check field paths against a known root type, e.g. istio@1.7.")
@click.option("--schema-file", metavar="FILE", help="Type-check field paths against a root type described in FILE.")
@click.option("--data", "data_file", metavar="SAMPLE", help="A YAML/JSON values sample for the type check (numbers are float64, as in Helm).")
@click.option("--render-with", "render_with", metavar="PODS.yaml", help="With --schema istio@X.Y: render for each workload in PODS.yaml and decode the output as that release's injector does.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def check_cmd(
    files: tuple[str, ...],
    delims: tuple[str, str] | None,
    funcs: str,
    schema: str | None,
    schema_file: str | None,
    data_file: str | None,
    render_with: str | None,
    fmt: str,
    strict: bool,
) -> None:
    """Report every problem in FILES (one template set) as file:line:col: severity: message [rule].

    Exit status: 0 clean (warnings alone unless --strict), 1 problems found, 2 usage error.
    Silence a rule on a line with {{/* gotmpl:ignore RULE */}} on that line or the one before.
    """
    sets = [s.strip() for s in funcs.split(",") if s.strip()]
    _known_names(funcs)  # unknown sets are usage errors
    rules = dict(check_rules)
    root_type = None
    sample = None
    if schema or schema_file or data_file:
        if schema and schema_file:
            raise click.UsageError("use either --schema or --schema-file")
        typecheck = _typecheck_module()
        rules.update(getattr(typecheck, "RULES", {}))
        try:
            root_type = typecheck.load_schema(schema, schema_file)
        except (OSError, ValueError) as e:
            raise click.UsageError(f"bad schema: {e}") from None
        if data_file:
            try:
                sample = _load_data(data_file)
            except click.ClickException as e:
                raise click.UsageError(e.message) from None
    diags = check_files(files, delims=delims, funcs=sets, schema=root_type, values_sample=sample)
    if render_with:
        diags = sorted(diags + _render_problems(files, schema, render_with, sample), key=sort_key)
        rules["render-error"] = "the template fails, or writes YAML its injector cannot decode, for a given pod"
    click.echo(render(diags, fmt, "gotmpl", rules), nl=False)
    sys.exit(exit_status(diags, strict))


def _render_problems(files: tuple[str, ...], schema: str | None, pods: str, values: Any) -> list[Any]:
    """--render-with: each file rendered by the Istio release --schema names."""
    if not schema or not schema.startswith("istio@"):
        raise click.UsageError("--render-with needs --schema istio@X.Y (the release whose injector renders)")
    try:
        from injector.schema import render_problems
    except ImportError as e:
        raise click.UsageError(f"--render-with needs the injector package: {e}") from None
    found: list[Any] = []
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue  # the check reports unreadable files
        found += render_problems(text, path, schema, pods, values if isinstance(values, dict) else None)
    return found


def _typecheck_module() -> Any:
    """gotmpl.typecheck, which the schema options need (imported only then)."""
    try:
        from . import typecheck
    except ImportError as e:
        raise click.UsageError(f"type checking is not available in this build ({e})") from None
    if not all(hasattr(typecheck, name) for name in ("check_types", "load_schema")):
        raise click.UsageError("type checking is not available in this build (gotmpl.typecheck is incomplete)")
    return typecheck


@main.command("batch")
@click.option("--parse", "parse_mode", is_flag=True, help='Requests default to "mode": "parse".')
def batch_cmd(parse_mode: bool) -> None:
    """Answer the Go oracle's JSON Lines requests from stdin, one response per line."""
    stdin = open(sys.stdin.fileno(), "r", encoding="utf-8", errors="surrogateescape", closefd=False)
    _batch.serve(stdin, sys.stdout, "parse" if parse_mode else "exec")


if __name__ == "__main__":  # pragma: no cover
    main()

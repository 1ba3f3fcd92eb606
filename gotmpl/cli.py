"""The ``gotmpl`` command line.

``gotmpl parse`` parses template files as Go's ParseFiles would and prints each
template's tree in Go's canonical form (``--tree`` adds a node-by-node dump with
positions); ``gotmpl batch`` answers the Go oracle's JSON Lines protocol.
User errors print one line on stderr and exit 1; usage errors exit 2.
"""

from __future__ import annotations

import sys
from typing import Iterable

import click

from . import batch as _batch
from .funcs import func_set_names
from .nodes import BranchNode, ChainNode, CommandNode, ListNode, Node, PipeNode, TemplateNode, Tree
from .parser import ParseError
from .template import Template, parse_files

__all__ = ["main"]


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
    for names in _known_names(funcs):
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


@main.command("batch")
@click.option("--parse", "parse_mode", is_flag=True, help='Requests default to "mode": "parse".')
def batch_cmd(parse_mode: bool) -> None:
    """Answer the Go oracle's JSON Lines requests from stdin, one response per line."""
    stdin = open(sys.stdin.fileno(), "r", encoding="utf-8", errors="surrogateescape", closefd=False)
    _batch.serve(stdin, sys.stdout, "parse" if parse_mode else "exec")


if __name__ == "__main__":  # pragma: no cover
    main()

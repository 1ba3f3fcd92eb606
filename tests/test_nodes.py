"""Nodes: Go's String() for every node kind, positions, and NumberNode's classification.

Expected values come from Go: the recorded parse trees (fixtures/parse_goldens.jsonl),
Go's execution errors, which name a node's line:column (fixtures/position_goldens.jsonl),
and Go's printf "%T|%v" of each constant (fixtures/number_goldens.jsonl).
"""

from __future__ import annotations

import cmath
import re

import pytest

from gotmpl import Template
from gotmpl import nodes as n
from gotmpl.funcs import BUILTIN_NAMES
from gotmpl.parser import ParseError, parse
from goldens import load

PARSED = [(req, want) for req, want in load("parse_goldens.jsonl") if want["phase"] is None]


def _walk(node: n.Node):
    stack = [node]
    while stack:
        cur = stack.pop()
        yield cur
        if isinstance(cur, n.ListNode):
            stack.extend(cur.nodes)
        elif isinstance(cur, n.BranchNode):
            stack.extend([cur.pipe, cur.list] + ([cur.else_list] if cur.else_list else []))
        elif isinstance(cur, n.PipeNode):
            stack.extend(cur.decl + cur.cmds)
        elif isinstance(cur, n.CommandNode):
            stack.extend(cur.args)
        elif isinstance(cur, n.ChainNode):
            stack.append(cur.node)
        elif isinstance(cur, (n.ActionNode, n.TemplateNode)) and cur.pipe is not None:
            stack.append(cur.pipe)


def _trees(req: dict) -> dict[str, n.Tree]:
    t = Template(req.get("name", "t"))
    if req.get("delims"):
        t.delims(*req["delims"])
    from gotmpl.funcs import func_set_names

    for spec in req.get("funcs", []):
        t.known_funcs(func_set_names(spec))
    for name, text in (req.get("associated") or {}).items():
        t.new(name).parse(text)
    mode = 0
    if "comments" in req.get("parse_mode", []):
        mode |= 1
    if "skipfunccheck" in req.get("parse_mode", []):
        mode |= 2
    if mode:
        return parse(req.get("name", "t"), req["template"], *(req.get("delims") or ("", "")), [BUILTIN_NAMES], mode)
    t.parse(req["template"])
    return {tt.name: tt.tree for tt in t.templates()}


def test_every_node_kind_is_covered_by_go_trees() -> None:
    seen = set()
    for req, _ in PARSED:
        for tree in _trees(req).values():
            seen.update(type(node).__name__ for node in _walk(tree.root))
    wanted = {
        "ListNode", "TextNode", "CommentNode", "ActionNode", "PipeNode", "CommandNode", "IdentifierNode",
        "VariableNode", "DotNode", "NilNode", "FieldNode", "ChainNode", "BoolNode", "NumberNode",
        "StringNode", "IfNode", "RangeNode", "WithNode", "TemplateNode", "BreakNode", "ContinueNode",
    }
    assert wanted <= seen


@pytest.mark.parametrize("req,want", PARSED[:400], ids=lambda x: repr(x)[:40] if isinstance(x, dict) else "")
def test_each_node_string_is_part_of_gos_tree(req: dict, want: dict) -> None:
    """Every node prints as the piece of Go's text it stands for."""
    for name, tree in _trees(req).items():
        go_text = want["trees"][name]
        assert str(tree.root) == go_text
        for node in _walk(tree.root):
            assert str(node) in go_text, (type(node).__name__, str(node))


def test_single_node_templates_print_as_go() -> None:
    """Templates that are exactly one node: that node's String() is Go's whole tree."""
    checked = 0
    for req, want in PARSED:
        if req.get("associated") or req.get("parse_mode"):
            continue
        root = _trees(req)[req.get("name", "t")].root
        if len(root.nodes) == 1:
            assert str(root.nodes[0]) == want["tree"]
            checked += 1
    assert checked > 100


POSITIONS = load("position_goldens.jsonl")
_LOCATION = re.compile(r'^template: (?P<loc>[^ ]+:\d+:\d+): executing "[^"]*" at <(?P<ctx>.*?)>: ', re.S)


@pytest.mark.parametrize("req,want", POSITIONS, ids=[r["template"][:30] for r, _ in POSITIONS])
def test_error_context_positions_match_go(req: dict, want: dict) -> None:
    m = _LOCATION.match(want["error"] or "")
    assert m, want
    trees = _trees(req)
    contexts = {
        trees[name].error_context(node)
        for name in trees
        for node in _walk(trees[name].root)
        if str(node) == m["ctx"]
    }
    assert (m["loc"], m["ctx"]) in contexts


NUMBERS = load("number_goldens.jsonl")


def _number_node(text: str) -> n.NumberNode:
    root = parse("t", "{{" + text + "}}", funcs=[BUILTIN_NAMES])["t"].root
    return root.nodes[0].pipe.cmds[0].args[0]


def _go_complex(s: str) -> complex:
    return complex(s.strip("()").replace("i", "j"))


@pytest.mark.parametrize("req,want", NUMBERS, ids=[r["template"] for r, _ in NUMBERS])
def test_number_classification_matches_go(req: dict, want: dict) -> None:
    """Go's printf of a constant shows the type it chose from NumberNode's flags."""
    text = req["template"].split('" ', 1)[1].split(" ")[0]
    if want["phase"] == "parse":
        with pytest.raises(ParseError) as info:
            _number_node(text)
        assert str(info.value) == want["error"]
        return
    node = _number_node(text)
    if want["phase"] == "exec":  # a uint constant that Go cannot make an int
        assert want["error"].endswith(f"{text} overflows int")
        assert node.is_uint and not node.is_int
        return
    go_type, go_value = want["output"].split("|", 1)
    # Go's idealConstant: complex, then float (if written like one), then int, then uint.
    if go_type == "complex128":
        assert node.is_complex and cmath.isclose(node.complex128, _go_complex(go_value), rel_tol=0, abs_tol=0)
    elif go_type == "float64":
        assert node.is_float and node.float64 == float(go_value)
    elif go_type == "int":
        assert node.is_int and node.int64 == int(go_value)
    elif go_type == "uint":
        assert node.is_uint and not node.is_int and node.uint64 == int(go_value)
    else:
        pytest.fail(f"unexpected Go type {go_type}")


def test_number_parse_errors_are_gos() -> None:
    errors = {
        r["template"]: w["error"]
        for r, w in load("parse_goldens.jsonl")
        if w["error"] and "number" in w["error"] and set(r) == {"mode", "template"}
    }
    assert len(errors) >= 5
    for text, go_error in errors.items():
        with pytest.raises(ParseError) as info:
            parse("t", text, funcs=[BUILTIN_NAMES])
        assert str(info.value) == go_error


def test_deep_trees_print_without_recursion() -> None:
    depth = 5000
    text = "{{if .}}" * depth + "x" + "{{end}}" * depth
    root = parse("t", text, funcs=[BUILTIN_NAMES])["t"].root
    assert str(root) == text
    parens = "{{" + "(" * depth + "1" + ")" * depth + "}}"
    assert str(parse("t", parens, funcs=[BUILTIN_NAMES])["t"].root) == parens


def test_tree_copy_is_deep_and_equal() -> None:
    tree = parse("t", "{{if .A}}{{range $i, $v := .}}{{$v.X | print}}{{end}}{{else}}{{(1).Y}}{{end}}", funcs=[BUILTIN_NAMES])["t"]
    copy = tree.copy()
    assert str(copy.root) == str(tree.root)
    assert all(a is not b for a, b in zip(_walk(copy.root), _walk(tree.root)))

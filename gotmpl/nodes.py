"""Parse-tree nodes: plain classes mirroring Go's text/template/parse nodes.

Each node has ``pos``, Go's Pos: the byte offset of the node in the text of the
template (the whole text handed to ``parse``, also for ``{{define}}`` bodies), and
``tree``, the :class:`Tree` it belongs to, which knows that text, so ``line`` and
``column`` are derived rather than stored. ``str(node)`` is Go's ``Node.String()``
byte for byte; it walks the tree with an explicit stack, so arbitrarily deep trees
print without recursion.

``Tree`` is the result of parsing one template: its name, the name of the
top-level template being parsed (for error messages), its root list, its text
and delimiters.
"""

from __future__ import annotations

from typing import Iterator

from .strconv import quote

__all__ = [
    "Node",
    "ListNode",
    "TextNode",
    "CommentNode",
    "ActionNode",
    "PipeNode",
    "CommandNode",
    "IdentifierNode",
    "VariableNode",
    "DotNode",
    "NilNode",
    "FieldNode",
    "ChainNode",
    "BoolNode",
    "NumberNode",
    "StringNode",
    "BranchNode",
    "IfNode",
    "RangeNode",
    "WithNode",
    "TemplateNode",
    "BreakNode",
    "ContinueNode",
    "Tree",
    "is_empty_tree",
]


class Tree:
    """One parsed template, as Go's ``parse.Tree``."""

    __slots__ = ("name", "parse_name", "root", "text", "left_delim", "right_delim", "mode", "_bytes")

    def __init__(
        self,
        name: str,
        parse_name: str,
        text: str,
        left_delim: str = "{{",
        right_delim: str = "}}",
        mode: int = 0,
    ) -> None:
        self.name = name
        self.parse_name = parse_name
        self.root: ListNode | None = None
        self.text = text
        self.left_delim = left_delim
        self.right_delim = right_delim
        self.mode = mode
        self._bytes: bytes | None = None

    def text_bytes(self) -> bytes:
        if self._bytes is None:
            self._bytes = self.text.encode("utf-8", "surrogateescape")
        return self._bytes

    def line_col(self, pos: int) -> tuple[int, int]:
        """Go's line and (zero-based, byte) column of a byte offset."""
        data = self.text_bytes()
        before = data[:pos]
        last_nl = before.rfind(b"\n")
        col = pos if last_nl < 0 else pos - (last_nl + 1)
        return 1 + before.count(b"\n"), col

    def error_context(self, node: "Node") -> tuple[str, str]:
        """Go's Tree.ErrorContext: ("NAME:LINE:COL", node text)."""
        tree = node.tree or self
        line, col = tree.line_col(node.pos)
        return f"{tree.parse_name}:{line}:{col}", str(node)

    def copy(self) -> "Tree":
        """Go's Tree.Copy: the same tree with a fresh node structure."""
        new = Tree(self.name, self.parse_name, self.text, self.left_delim, self.right_delim, self.mode)
        new.root = self.root.copy_to(new) if self.root is not None else None
        return new

    def __repr__(self) -> str:
        return f"<Tree {self.name!r}>"


class Node:
    """Base of all nodes. ``_pieces`` yields strings and child nodes in print order."""

    __slots__ = ("pos", "tree")
    type_name = "Node"

    def __init__(self, pos: int, tree: Tree | None) -> None:
        self.pos = pos
        self.tree = tree

    @property
    def line(self) -> int:
        return self.tree.line_col(self.pos)[0] if self.tree else 0

    @property
    def column(self) -> int:
        return self.tree.line_col(self.pos)[1] if self.tree else 0

    def _pieces(self) -> Iterator["str | Node"]:
        raise NotImplementedError

    def __str__(self) -> str:
        out: list[str] = []
        stack: list[Iterator[str | Node]] = [self._pieces()]
        while stack:
            for piece in stack[-1]:
                if isinstance(piece, str):
                    out.append(piece)
                else:
                    stack.append(piece._pieces())
                    break
            else:
                stack.pop()
        return "".join(out)

    def __repr__(self) -> str:
        return f"<{self.type_name} {str(self)[:60]!r} @{self.pos}>"

    def copy_to(self, tree: Tree) -> "Node":
        """A deep copy attached to ``tree`` (used by Tree.copy)."""
        raise NotImplementedError


def _copy_list(nodes: list["Node"], tree: Tree) -> list["Node"]:
    return [n.copy_to(tree) for n in nodes]


class ListNode(Node):
    __slots__ = ("nodes",)
    type_name = "List"

    def __init__(self, pos: int, tree: Tree | None, nodes: list[Node] | None = None) -> None:
        super().__init__(pos, tree)
        self.nodes: list[Node] = nodes if nodes is not None else []

    def append(self, node: Node) -> None:
        self.nodes.append(node)

    def _pieces(self) -> Iterator[str | Node]:
        yield from self.nodes

    def copy_to(self, tree: Tree) -> "ListNode":
        return ListNode(self.pos, tree, _copy_list(self.nodes, tree))


class TextNode(Node):
    __slots__ = ("text",)
    type_name = "Text"

    def __init__(self, pos: int, tree: Tree | None, text: str) -> None:
        super().__init__(pos, tree)
        self.text = text

    def _pieces(self) -> Iterator[str | Node]:
        yield self.text

    def __str__(self) -> str:
        return self.text

    def copy_to(self, tree: Tree) -> "TextNode":
        return TextNode(self.pos, tree, self.text)


class CommentNode(Node):
    __slots__ = ("text",)
    type_name = "Comment"

    def __init__(self, pos: int, tree: Tree | None, text: str) -> None:
        super().__init__(pos, tree)
        self.text = text

    def _pieces(self) -> Iterator[str | Node]:
        yield self.tree.left_delim + self.text + self.tree.right_delim

    def copy_to(self, tree: Tree) -> "CommentNode":
        return CommentNode(self.pos, tree, self.text)


class PipeNode(Node):
    __slots__ = ("line_no", "is_assign", "decl", "cmds")
    type_name = "Pipe"

    def __init__(self, pos: int, tree: Tree | None, line_no: int, decl: list["VariableNode"] | None = None) -> None:
        super().__init__(pos, tree)
        self.line_no = line_no
        self.is_assign = False
        self.decl: list[VariableNode] = decl if decl is not None else []
        self.cmds: list[CommandNode] = []

    def _pieces(self) -> Iterator[str | Node]:
        if self.decl:
            yield ", ".join(str(v) for v in self.decl)
            yield " = " if self.is_assign else " := "
        for i, cmd in enumerate(self.cmds):
            if i:
                yield " | "
            yield cmd

    def copy_to(self, tree: Tree) -> "PipeNode":
        new = PipeNode(self.pos, tree, self.line_no, _copy_list(self.decl, tree))
        new.is_assign = self.is_assign
        new.cmds = _copy_list(self.cmds, tree)
        return new


class ActionNode(Node):
    __slots__ = ("line_no", "pipe")
    type_name = "Action"

    def __init__(self, pos: int, tree: Tree | None, line_no: int, pipe: PipeNode) -> None:
        super().__init__(pos, tree)
        self.line_no = line_no
        self.pipe = pipe

    def _pieces(self) -> Iterator[str | Node]:
        yield self.tree.left_delim
        yield self.pipe
        yield self.tree.right_delim

    def copy_to(self, tree: Tree) -> "ActionNode":
        return ActionNode(self.pos, tree, self.line_no, self.pipe.copy_to(tree))


class CommandNode(Node):
    __slots__ = ("args",)
    type_name = "Command"

    def __init__(self, pos: int, tree: Tree | None, args: list[Node] | None = None) -> None:
        super().__init__(pos, tree)
        self.args: list[Node] = args if args is not None else []

    def _pieces(self) -> Iterator[str | Node]:
        for i, arg in enumerate(self.args):
            if i:
                yield " "
            if isinstance(arg, PipeNode):
                yield "("
                yield arg
                yield ")"
            else:
                yield arg

    def copy_to(self, tree: Tree) -> "CommandNode":
        return CommandNode(self.pos, tree, _copy_list(self.args, tree))


class IdentifierNode(Node):
    __slots__ = ("ident",)
    type_name = "Identifier"

    def __init__(self, pos: int, tree: Tree | None, ident: str) -> None:
        super().__init__(pos, tree)
        self.ident = ident

    def _pieces(self) -> Iterator[str | Node]:
        yield self.ident

    def __str__(self) -> str:
        return self.ident

    def copy_to(self, tree: Tree) -> "IdentifierNode":
        return IdentifierNode(self.pos, tree, self.ident)


class VariableNode(Node):
    """``$x.F.G``: ident is ["$x", "F", "G"]."""

    __slots__ = ("ident",)
    type_name = "Variable"

    def __init__(self, pos: int, tree: Tree | None, ident: list[str]) -> None:
        super().__init__(pos, tree)
        self.ident = ident

    def _pieces(self) -> Iterator[str | Node]:
        yield ".".join(self.ident)

    def __str__(self) -> str:
        return ".".join(self.ident)

    def copy_to(self, tree: Tree) -> "VariableNode":
        return VariableNode(self.pos, tree, list(self.ident))


class DotNode(Node):
    __slots__ = ()
    type_name = "Dot"

    def _pieces(self) -> Iterator[str | Node]:
        yield "."

    def __str__(self) -> str:
        return "."

    def copy_to(self, tree: Tree) -> "DotNode":
        return DotNode(self.pos, tree)


class NilNode(Node):
    __slots__ = ()
    type_name = "Nil"

    def _pieces(self) -> Iterator[str | Node]:
        yield "nil"

    def __str__(self) -> str:
        return "nil"

    def copy_to(self, tree: Tree) -> "NilNode":
        return NilNode(self.pos, tree)


class FieldNode(Node):
    """``.A.B``: ident is ["A", "B"]."""

    __slots__ = ("ident",)
    type_name = "Field"

    def __init__(self, pos: int, tree: Tree | None, ident: list[str]) -> None:
        super().__init__(pos, tree)
        self.ident = ident

    def _pieces(self) -> Iterator[str | Node]:
        yield "".join("." + i for i in self.ident)

    def __str__(self) -> str:
        return "".join("." + i for i in self.ident)

    def copy_to(self, tree: Tree) -> "FieldNode":
        return FieldNode(self.pos, tree, list(self.ident))


class ChainNode(Node):
    """A term followed by field accesses: ``(pipe).A.B``."""

    __slots__ = ("node", "field")
    type_name = "Chain"

    def __init__(self, pos: int, tree: Tree | None, node: Node, field: list[str] | None = None) -> None:
        super().__init__(pos, tree)
        self.node = node
        self.field: list[str] = field if field is not None else []

    def _pieces(self) -> Iterator[str | Node]:
        if isinstance(self.node, PipeNode):
            yield "("
            yield self.node
            yield ")"
        else:
            yield self.node
        yield "".join("." + f for f in self.field)

    def copy_to(self, tree: Tree) -> "ChainNode":
        # Go's ChainNode.Copy shares the inner node; a copy is just as good.
        return ChainNode(self.pos, tree, self.node.copy_to(tree), list(self.field))


class BoolNode(Node):
    __slots__ = ("true",)
    type_name = "Bool"

    def __init__(self, pos: int, tree: Tree | None, true: bool) -> None:
        super().__init__(pos, tree)
        self.true = true

    def _pieces(self) -> Iterator[str | Node]:
        yield "true" if self.true else "false"

    def __str__(self) -> str:
        return "true" if self.true else "false"

    def copy_to(self, tree: Tree) -> "BoolNode":
        return BoolNode(self.pos, tree, self.true)


class NumberNode(Node):
    """A numeric constant with everything Go's NumberNode knows about it."""

    __slots__ = (
        "is_int",
        "is_uint",
        "is_float",
        "is_complex",
        "int64",
        "uint64",
        "float64",
        "complex128",
        "text",
    )
    type_name = "Number"

    def __init__(self, pos: int, tree: Tree | None, text: str) -> None:
        super().__init__(pos, tree)
        self.text = text
        self.is_int = self.is_uint = self.is_float = self.is_complex = False
        self.int64 = 0
        self.uint64 = 0
        self.float64 = 0.0
        self.complex128 = 0j

    def _pieces(self) -> Iterator[str | Node]:
        yield self.text

    def __str__(self) -> str:
        return self.text

    def copy_to(self, tree: Tree) -> "NumberNode":
        new = NumberNode(self.pos, tree, self.text)
        for name in NumberNode.__slots__:
            setattr(new, name, getattr(self, name))
        return new


class StringNode(Node):
    __slots__ = ("quoted", "text")
    type_name = "String"

    def __init__(self, pos: int, tree: Tree | None, quoted: str, text: str) -> None:
        super().__init__(pos, tree)
        self.quoted = quoted
        self.text = text

    def _pieces(self) -> Iterator[str | Node]:
        yield self.quoted

    def __str__(self) -> str:
        return self.quoted

    def copy_to(self, tree: Tree) -> "StringNode":
        return StringNode(self.pos, tree, self.quoted, self.text)


class BranchNode(Node):
    """The common shape of if, range and with."""

    __slots__ = ("line_no", "pipe", "list", "else_list")
    type_name = "Branch"
    keyword = ""

    def __init__(
        self,
        pos: int,
        tree: Tree | None,
        line_no: int,
        pipe: PipeNode,
        list_: ListNode,
        else_list: ListNode | None,
    ) -> None:
        super().__init__(pos, tree)
        self.line_no = line_no
        self.pipe = pipe
        self.list = list_
        self.else_list = else_list

    def _pieces(self) -> Iterator[str | Node]:
        left, right = self.tree.left_delim, self.tree.right_delim
        yield left + self.keyword + " "
        yield self.pipe
        yield right
        yield self.list
        if self.else_list is not None:
            yield left + "else" + right
            yield self.else_list
        yield left + "end" + right

    def copy_to(self, tree: Tree) -> "BranchNode":
        return type(self)(
            self.pos,
            tree,
            self.line_no,
            self.pipe.copy_to(tree),
            self.list.copy_to(tree),
            self.else_list.copy_to(tree) if self.else_list is not None else None,
        )


class IfNode(BranchNode):
    __slots__ = ()
    type_name = "If"
    keyword = "if"


class RangeNode(BranchNode):
    __slots__ = ()
    type_name = "Range"
    keyword = "range"


class WithNode(BranchNode):
    __slots__ = ()
    type_name = "With"
    keyword = "with"


class TemplateNode(Node):
    """``{{template "name" pipe}}``; ``pipe`` is None when absent."""

    __slots__ = ("line_no", "name", "pipe")
    type_name = "Template"

    def __init__(self, pos: int, tree: Tree | None, line_no: int, name: str, pipe: PipeNode | None) -> None:
        super().__init__(pos, tree)
        self.line_no = line_no
        self.name = name
        self.pipe = pipe

    def _pieces(self) -> Iterator[str | Node]:
        yield self.tree.left_delim + "template " + quote(self.name)
        if self.pipe is not None:
            yield " "
            yield self.pipe
        yield self.tree.right_delim

    def copy_to(self, tree: Tree) -> "TemplateNode":
        pipe = self.pipe.copy_to(tree) if self.pipe is not None else None
        return TemplateNode(self.pos, tree, self.line_no, self.name, pipe)


class BreakNode(Node):
    __slots__ = ("line_no",)
    type_name = "Break"

    def __init__(self, pos: int, tree: Tree | None, line_no: int) -> None:
        super().__init__(pos, tree)
        self.line_no = line_no

    def _pieces(self) -> Iterator[str | Node]:
        yield self.tree.left_delim + "break" + self.tree.right_delim

    def copy_to(self, tree: Tree) -> "BreakNode":
        return BreakNode(self.pos, tree, self.line_no)


class ContinueNode(Node):
    __slots__ = ("line_no",)
    type_name = "Continue"

    def __init__(self, pos: int, tree: Tree | None, line_no: int) -> None:
        super().__init__(pos, tree)
        self.line_no = line_no

    def _pieces(self) -> Iterator[str | Node]:
        yield self.tree.left_delim + "continue" + self.tree.right_delim

    def copy_to(self, tree: Tree) -> "ContinueNode":
        return ContinueNode(self.pos, tree, self.line_no)


def is_empty_tree(node: Node | None) -> bool:
    """Go's parse.IsEmptyTree: nothing but space and comments."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None or isinstance(n, CommentNode):
            continue
        if isinstance(n, ListNode):
            stack.extend(n.nodes)
            continue
        if isinstance(n, TextNode):
            if n.text.strip(_GO_SPACE):
                return False
            continue
        return False
    return True


# bytes.TrimSpace trims Unicode white space (unicode.IsSpace).
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"

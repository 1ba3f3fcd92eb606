"""The template parser: Go's text/template/parse, with Lark parsing the pipelines.

It owns the rules of the template language above the tokens: the block structure
of actions (if/else if/else/end, range, with, define, block, template, break,
continue), variable scopes, the function check, and every parse error, worded and
placed exactly as Go words and places it.

How it is split, and why:

* The text/action layer is a small hand-written driver (``_Parser._run``). Actions
  are delimited by arbitrary strings, a trim marker changes the text around an
  action, and Go reports its errors at very particular points of its token
  stream; the lexer (gotmpl/lexer.py) handles the first two and the driver mirrors
  Go's reads so that every error carries Go's line. The driver keeps an explicit
  stack of open blocks instead of recursing, so nesting depth is bounded only by
  memory.
* The contents of each action, the pipeline (declarations, commands, operands,
  parenthesised sub-pipelines, field chains), are parsed by Lark's LALR(1) parser
  from gotmpl/grammar.lark, built once per process (and cached on disk by Lark).
  Tokens are fed one by one through Lark's parser state, so the checks Go makes as
  it reads (undefined functions and variables, bad numbers and strings) happen at
  the same token as in Go, and a token the grammar rejects is reported with Go's
  "unexpected X in Y" wording. Grammar callbacks build the nodes of gotmpl/nodes.py.
"""

from __future__ import annotations

import os
from typing import Callable, Iterable

import lark
from lark.parsers.lalr_parser_state import ParseConf, ParserState

from . import lexer as lx
from .lexer import Item, Lexer
from .nodes import (
    ActionNode,
    BoolNode,
    BreakNode,
    ChainNode,
    CommandNode,
    CommentNode,
    ContinueNode,
    DotNode,
    FieldNode,
    IdentifierNode,
    IfNode,
    ListNode,
    NilNode,
    Node,
    NumberNode,
    PipeNode,
    RangeNode,
    StringNode,
    TemplateNode,
    TextNode,
    Tree,
    VariableNode,
    WithNode,
    is_empty_tree,
)
from .strconv import (
    NumError,
    float_to_int64_exact,
    float_to_uint64_exact,
    go_bytes,
    parse_float,
    parse_int,
    parse_uint,
    quote,
    unquote,
    unquote_char,
)

__all__ = ["ParseError", "parse", "PARSE_COMMENTS", "SKIP_FUNC_CHECK", "MAX_STACK_DEPTH"]

PARSE_COMMENTS = 1
SKIP_FUNC_CHECK = 2

MAX_STACK_DEPTH = 10000  # Go's maxStackDepth for nested parentheses


class ParseError(Exception):
    """A template that Go would not parse. ``str(err)`` is Go's error text.

    ``name`` is the template being parsed, ``line`` Go's line number and
    ``column`` the (1-based) column of the token where the error was found, which
    Go does not print but editors and linters want.
    """

    def __init__(self, message: str, name: str = "", line: int = 0, column: int = 0, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.name = name
        self.line = line
        self.column = column
        self.offset = offset  # the token's character offset in the text (0 when unknown)


# --- the Lark grammar ------------------------------------------------------------------


def _load_grammar() -> lark.Lark:
    path = os.path.join(os.path.dirname(__file__), "grammar.lark")
    with open(path, encoding="utf-8") as f:
        grammar = f.read()
    try:
        return lark.Lark(grammar, parser="lalr", lexer="basic", cache=True)
    except OSError:  # an unwritable temp dir only costs the cache
        return lark.Lark(grammar, parser="lalr", lexer="basic")


_LARK = _load_grammar()
_PARSE_TABLE = _LARK.parser.parser.parser.parse_table
_RULES = {(r.origin.name, tuple(s.name for s in r.expansion)): r for r in _LARK.rules}

# Go item type -> grammar terminal. Types absent here can never be accepted.
_TERMINAL = {
    lx.IDENTIFIER: "IDENT",
    lx.DOT: "DOT",
    lx.NIL: "NIL",
    lx.VARIABLE: "VARIABLE",
    lx.FIELD: "FIELD",
    lx.BOOL: "BOOL",
    lx.NUMBER: "NUMBER",
    lx.CHAR_CONSTANT: "NUMBER",
    lx.COMPLEX: "NUMBER",
    lx.STRING: "STRING",
    lx.RAW_STRING: "STRING",
    lx.LEFT_PAREN: "LPAREN",
    lx.RIGHT_PAREN: "RPAREN",
    lx.PIPE: "PIPE",
    lx.RIGHT_DELIM: "END",
}
_TERM_START = frozenset(
    {
        lx.IDENTIFIER,
        lx.DOT,
        lx.NIL,
        lx.VARIABLE,
        lx.FIELD,
        lx.BOOL,
        lx.NUMBER,
        lx.CHAR_CONSTANT,
        lx.COMPLEX,
        lx.STRING,
        lx.RAW_STRING,
        lx.LEFT_PAREN,
    }
)
# Terms that cannot be followed by .Field (Go: "unexpected . after term").
_LITERAL_TERMS = frozenset(
    {lx.BOOL, lx.STRING, lx.RAW_STRING, lx.NUMBER, lx.CHAR_CONSTANT, lx.COMPLEX, lx.NIL, lx.DOT}
)


class _Tok:
    """What Lark's parser state needs of a token: its terminal name, and our value."""

    __slots__ = ("type", "value")

    def __init__(self, type_: str, value: object = None) -> None:
        self.type = type_
        self.value = value


_END_OF_INPUT = _Tok("$END")


class _GoError(Exception):
    """Raised inside the parser; turned into ParseError. ``line`` is Go's line."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


# --- numbers --------------------------------------------------------------------------------


def new_number(pos: int, tree: Tree | None, text: str, typ: int) -> NumberNode:
    """Go's Tree.newNumber: classify a number, character or complex constant.

    Raises _GoError with Go's message for constants Go rejects.
    """
    n = NumberNode(pos, tree, text)
    if typ == lx.CHAR_CONSTANT:
        data = go_bytes(text)
        try:
            rune, _, tail = unquote_char(data, 1, data[0])
        except NumError as e:
            raise _GoError(str(e)) from None
        if data[tail:] != b"'":
            raise _GoError("malformed character constant: " + text)
        n.int64 = n.uint64 = rune
        n.float64 = float(rune)
        n.is_int = n.is_uint = n.is_float = True
        return n
    if typ == lx.COMPLEX:
        n.complex128 = _sscan_complex(text)
        n.is_complex = True
        _simplify_complex(n)
        return n
    if text.endswith("i"):
        try:
            imag = parse_float(text[:-1])
        except NumError:
            pass
        else:
            n.is_complex = True
            n.complex128 = complex(0.0, imag)
            _simplify_complex(n)
            return n
    u = 0
    try:
        u = parse_uint(text)
        n.is_uint, n.uint64 = True, u
    except NumError:
        pass
    try:
        i = parse_int(text)
        n.is_int, n.int64 = True, i
        if i == 0:
            n.is_uint, n.uint64 = True, u  # "-0"
    except NumError:
        pass
    if n.is_int:
        n.is_float, n.float64 = True, float(n.int64)
    elif n.is_uint:
        n.is_float, n.float64 = True, float(n.uint64)
    else:
        try:
            f = parse_float(text)
        except NumError:
            pass
        else:
            if not any(c in text for c in ".eEpP"):
                raise _GoError("integer overflow: " + quote(text))
            n.is_float, n.float64 = True, f
            as_int = float_to_int64_exact(f)
            if as_int is not None:
                n.is_int, n.int64 = True, as_int
            as_uint = float_to_uint64_exact(f)
            if as_uint is not None:
                n.is_uint, n.uint64 = True, as_uint
    if not (n.is_int or n.is_uint or n.is_float):
        raise _GoError("illegal number syntax: " + quote(text))
    return n


def _simplify_complex(n: NumberNode) -> None:
    n.is_float = n.complex128.imag == 0
    if n.is_float:
        n.float64 = n.complex128.real
        as_int = float_to_int64_exact(n.float64)
        n.is_int = as_int is not None
        if as_int is not None:
            n.int64 = as_int
        as_uint = float_to_uint64_exact(n.float64)
        n.is_uint = as_uint is not None
        if as_uint is not None:
            n.uint64 = as_uint


_ERR_COMPLEX = "syntax error scanning complex number"


def _sscan_complex(text: str) -> complex:
    """fmt.Sscan into a complex128, for the "1+2i" tokens the lexer makes."""
    real, i = _float_token(text, 0)
    if i >= len(text) or text[i] not in "+-":
        raise _GoError(_ERR_COMPLEX)
    sign = text[i]
    imag, i = _float_token(text, i + 1)
    if i >= len(text) or text[i] != "i":
        raise _GoError(_ERR_COMPLEX)
    return complex(_convert_float(real), _convert_float(sign + imag))


def _float_token(s: str, i: int) -> tuple[str, int]:
    """fmt's ss.floatToken: the longest float-looking prefix of s[i:]."""
    start = i
    n = len(s)

    def accept(chars: str) -> bool:
        nonlocal i
        if i < n and s[i] in chars:
            i += 1
            return True
        return False

    if accept("nN") and accept("aA") and accept("nN"):
        return s[start:i], i
    accept("+-")
    if accept("iI") and accept("nN") and accept("fF"):
        return s[start:i], i
    digits, exp = "0123456789_", "eEpP"
    if accept("0") and accept("xX"):
        digits, exp = "0123456789aAbBcCdDeEfF_", "pP"
    while accept(digits):
        pass
    if accept("."):
        while accept(digits):
            pass
    if accept(exp):
        accept("+-")
        while accept("0123456789_"):
            pass
    return s[start:i], i


def _convert_float(s: str) -> float:
    """fmt's ss.convertFloat (decimal mantissas may take a binary 'p' exponent)."""
    p = s.find("p")
    if p >= 0 and "x" not in s and "X" not in s:
        try:
            f = parse_float(s[:p])
        except NumError as e:
            raise _GoError(str(NumError(e.func, s, e.err))) from None
        try:
            m = parse_int(s[p + 1 :])
        except NumError as e:
            raise _GoError(str(NumError("Atoi", s, e.err))) from None
        try:
            import math

            return math.ldexp(f, m)
        except OverflowError:
            return float("inf") if f > 0 else float("-inf")
    try:
        return parse_float(s)
    except NumError as e:
        raise _GoError(str(e)) from None


# --- per-tree parse state ----------------------------------------------------------------------


class _TreeState:
    """What Go keeps per Tree while parsing: variables in scope, range depth,
    the line of the action being parsed, and the line of the last token read."""

    __slots__ = ("tree", "vars", "range_depth", "action_line", "last_line", "paren_depth")

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.vars = ["$"]
        self.range_depth = 0
        self.action_line = 0
        self.last_line = 0
        self.paren_depth = 0


class _Marker:
    """An {{end}} or {{else}} action: ends a list, never enters the tree."""

    __slots__ = ("keyword", "pos", "line", "chain")

    def __init__(self, keyword: str, pos: int, line: int, chain: bool = False) -> None:
        self.keyword = keyword
        self.pos = pos
        self.line = line
        self.chain = chain  # "else if" / "else with": the keyword is still pending


class _Frame:
    """An open list in the driver's stack: the top level, a define or block body,
    or the body / else part of an if, range or with."""

    __slots__ = (
        "kind",
        "ts",
        "list",
        "name_item",
        "pipe",
        "then_list",
        "in_else",
        "var_mark",
        "chained",
        "else_pos",
        "block_parent",
    )

    def __init__(self, kind: str, ts: _TreeState, list_: ListNode) -> None:
        self.kind = kind  # "top", "define", "block", "if", "range", "with"
        self.ts = ts
        self.list = list_
        self.name_item: Item | None = None
        self.pipe: PipeNode | None = None
        self.then_list: ListNode | None = None
        self.in_else = False
        self.var_mark = 0
        self.chained = False
        self.else_pos = 0
        self.block_parent: _TreeState | None = None


# --- the parser ---------------------------------------------------------------------------------


class _Parser:
    """One parse of one template text (Go's parse.Parse)."""

    def __init__(
        self,
        name: str,
        text: str,
        left: str,
        right: str,
        has_function: Callable[[str], bool],
        mode: int,
        tree_set: dict[str, Tree],
    ) -> None:
        self.name = name
        self.text = text
        self.left = left or lx.DEFAULT_LEFT
        self.right = right or lx.DEFAULT_RIGHT
        self.has_function = has_function
        self.mode = mode
        self.tree_set = tree_set
        self.lexer = Lexer(text, self.left, self.right)
        self.lexer.emit_comment = bool(mode & PARSE_COMMENTS)
        self.lexer.break_ok = not has_function("break")
        self.lexer.continue_ok = not has_function("continue")
        self.tokens: list[Item | None] = [None, None, None]
        self.peek_count = 0
        self.cur: _TreeState | None = None
        self._byte_pos = _byte_offsets(text)
        self._ctx: list[str] = []
        self._pipe_starts: list[tuple[int, int] | None] = []
        self._callbacks = self._make_callbacks()
        self._conf = ParseConf(_PARSE_TABLE, self._callbacks, "start")
        self._states = self._conf.states

    # --- token buffer (Go's next/peek/backup, three tokens of lookahead) ---------------------

    def _pull(self) -> Item:
        item = self.lexer.next_item()
        self.cur.last_line = item.line
        return item

    def _next(self) -> Item:
        if self.peek_count > 0:
            self.peek_count -= 1
        else:
            self.tokens[0] = self._pull()
        return self.tokens[self.peek_count]

    def _backup(self) -> None:
        self.peek_count += 1

    def _backup2(self, t1: Item) -> None:
        self.tokens[1] = t1
        self.peek_count = 2

    def _backup3(self, t2: Item, t1: Item) -> None:
        self.tokens[1] = t1
        self.tokens[2] = t2
        self.peek_count = 3

    def _peek(self) -> Item:
        if self.peek_count > 0:
            return self.tokens[self.peek_count - 1]
        self.peek_count = 1
        self.tokens[0] = self._pull()
        return self.tokens[0]

    def _next_non_space(self) -> Item:
        while True:
            token = self._next()
            if token.typ != lx.SPACE:
                return token

    def _peek_non_space(self) -> Item:
        token = self._next_non_space()
        self._backup()
        return token

    # --- errors ------------------------------------------------------------------------------------

    def _errorf(self, message: str, ts: _TreeState | None = None) -> _GoError:
        ts = ts or self.cur
        return _GoError(f"template: {ts.tree.parse_name}:{ts.last_line}: {message}", ts.last_line)

    def _unexpected(self, token: Item, context: str) -> _GoError:
        if token.typ == lx.ERROR:
            extra = ""
            ts = self.cur
            if ts.action_line != 0 and ts.action_line != token.line:
                extra = f" in action started at {ts.tree.parse_name}:{ts.action_line}"
                if token.val.endswith(" action"):
                    extra = extra[len(" in action") :]
            return self._errorf(f"{token}{extra}")
        return self._errorf(f"unexpected {token} in {context}")

    def _expect(self, typ: int, context: str) -> Item:
        token = self._next_non_space()
        if token.typ != typ:
            raise self._unexpected(token, context)
        return token

    # --- positions ---------------------------------------------------------------------------------

    def _bpos(self, char_pos: int) -> int:
        table = self._byte_pos
        return char_pos if table is None else table[char_pos]

    # --- the driver: text, actions and the block structure ---------------------------------------

    def run(self) -> None:
        main = _TreeState(Tree(self.name, self.name, self.text, self.left, self.right, self.mode))
        self.cur = main
        root = ListNode(self._bpos(self._peek().pos), main.tree)
        main.tree.root = root
        stack = [_Frame("top", main, root)]
        while stack:
            frame = stack[-1]
            self.cur = frame.ts
            token = self._peek()
            if token.typ == lx.EOF:
                if frame.kind != "top":
                    raise self._errorf("unexpected EOF")
                stack.pop()
                break
            if frame.kind == "top" and token.typ == lx.LEFT_DELIM:
                delim = self._next()
                if self._next_non_space().typ == lx.DEFINE:
                    stack.append(self._start_definition())
                    continue
                self._backup2(delim)
            result = self._text_or_action(stack)
            if result is None:
                continue
            if isinstance(result, _Marker):
                self._end_list(stack, result)
            else:
                frame.list.append(result)
        self._add(main)

    def _text_or_action(self, stack: list[_Frame]) -> Node | _Marker | None:
        """Go's textOrAction. Returns a node to append, a marker, or None when a
        control action opened a new frame on the stack."""
        token = self._next_non_space()
        ts = self.cur
        if token.typ == lx.TEXT:
            return TextNode(self._bpos(token.pos), ts.tree, token.val)
        if token.typ == lx.LEFT_DELIM:
            ts.action_line = token.line
            result = self._action(stack)
            if not (result is None and stack[-1].ts is ts):
                ts.action_line = 0
            return result
        if token.typ == lx.COMMENT:
            return CommentNode(self._bpos(token.pos), ts.tree, token.val)
        raise self._unexpected(token, "input")

    def _action(self, stack: list[_Frame]) -> Node | _Marker | None:
        token = self._next_non_space()
        typ = token.typ
        if typ == lx.BLOCK:
            return self._block_control(stack)
        if typ == lx.BREAK or typ == lx.CONTINUE:
            return self._loop_control(token)
        if typ == lx.ELSE:
            return self._else_control()
        if typ == lx.END:
            return _Marker("end", self._bpos(self._expect(lx.RIGHT_DELIM, "end").pos), 0)
        if typ == lx.IF or typ == lx.RANGE or typ == lx.WITH:
            stack.append(self._open_control(token.val))
            return None
        if typ == lx.TEMPLATE:
            return self._template_control()
        self._backup()
        token = self._peek()
        pipe = self._pipeline("command")
        return ActionNode(self._bpos(token.pos), self.cur.tree, token.line, pipe)

    def _loop_control(self, token: Item) -> Node:
        word = "break" if token.typ == lx.BREAK else "continue"
        after = self._next_non_space()
        if after.typ != lx.RIGHT_DELIM:
            raise self._unexpected(after, "{{" + word + "}}")
        if self.cur.range_depth == 0:
            raise self._errorf("{{%s}} outside {{range}}" % word)
        cls = BreakNode if word == "break" else ContinueNode
        return cls(self._bpos(token.pos), self.cur.tree, token.line)

    def _else_control(self) -> _Marker:
        peek = self._peek_non_space()
        if peek.typ == lx.IF or peek.typ == lx.WITH:
            return _Marker("else", self._bpos(peek.pos), peek.line, chain=True)
        token = self._expect(lx.RIGHT_DELIM, "else")
        return _Marker("else", self._bpos(token.pos), token.line)

    def _open_control(self, keyword: str) -> _Frame:
        """Go's parseControl up to the body: the pipeline, then a frame for the list."""
        ts = self.cur
        mark = len(ts.vars)
        pipe = self._pipeline(keyword)
        if keyword == "range":
            ts.range_depth += 1
        frame = _Frame(keyword, ts, self._new_list())
        frame.pipe = pipe
        frame.var_mark = mark
        return frame

    def _new_list(self) -> ListNode:
        return ListNode(self._bpos(self._peek_non_space().pos), self.cur.tree)

    def _end_list(self, stack: list[_Frame], marker: _Marker) -> None:
        """An {{end}} or {{else}} arrived in the innermost frame."""
        frame = stack[-1]
        kind = frame.kind
        keyword_text = self.left + marker.keyword + self.right
        if kind == "top":
            raise self._errorf("unexpected " + keyword_text)
        if kind == "define":
            if marker.keyword != "end":
                raise self._errorf(f"unexpected {keyword_text} in define clause")
            stack.pop()
            frame.ts.tree.root = frame.list
            self._add(frame.ts)
            return
        if kind == "block":
            if marker.keyword != "end":
                raise self._errorf(f"unexpected {keyword_text} in block clause", frame.block_parent)
            stack.pop()
            frame.ts.tree.root = frame.list
            self._add(frame.ts)
            parent = frame.block_parent
            self.cur = parent
            name_item = frame.name_item
            node = TemplateNode(self._bpos(name_item.pos), parent.tree, name_item.line, frame.ts.tree.name, frame.pipe)
            self._append_to(stack, node)
            return
        # if / range / with
        if frame.in_else:
            if marker.keyword != "end":
                raise self._errorf("expected end; found " + keyword_text)
            self._close_control(stack)
            return
        if kind == "range":
            frame.ts.range_depth -= 1
        if marker.keyword == "end":
            self._close_control(stack)
            return
        frame.then_list = frame.list
        frame.in_else = True
        if kind in ("if", "with") and self._peek().typ == (lx.IF if kind == "if" else lx.WITH):
            self._next()
            chained = self._open_control(kind)
            chained.chained = True
            chained.else_pos = marker.pos
            stack.append(chained)
            return
        frame.list = self._new_list()

    def _close_control(self, stack: list[_Frame]) -> None:
        """The control's {{end}}: build the node, pop its variables, and hand the
        node to the enclosing list (or, for an else-if chain, end the parent too)."""
        while True:
            frame = stack.pop()
            ts = frame.ts
            del ts.vars[frame.var_mark :]
            if frame.in_else:
                then_list, else_list = frame.then_list, frame.list
            else:
                then_list, else_list = frame.list, None
            cls = {"if": IfNode, "range": RangeNode, "with": WithNode}[frame.kind]
            pipe = frame.pipe
            node = cls(pipe.pos, ts.tree, pipe.line_no, pipe, then_list, else_list)
            ts.action_line = 0
            if not frame.chained:
                self._append_to(stack, node)
                return
            parent = stack[-1]
            parent.list = ListNode(frame.else_pos, ts.tree, [node])

    def _append_to(self, stack: list[_Frame], node: Node) -> None:
        frame = stack[-1]
        frame.list.append(node)
        self.cur = frame.ts
        frame.ts.action_line = 0

    # --- define, block and template -------------------------------------------------------------

    def _sub_tree(self, name: str) -> _TreeState:
        outer = self.cur.tree
        tree = Tree(name, outer.parse_name, self.text, self.left, self.right, self.mode)
        return _TreeState(tree)

    def _start_definition(self) -> _Frame:
        """Go's parseDefinition up to the body; `define` has been read."""
        ts = self._sub_tree("definition")
        self.cur = ts
        context = "define clause"
        name = self._next_non_space()
        if name.typ not in (lx.STRING, lx.RAW_STRING):
            raise self._unexpected(name, context)
        ts.tree.name = self._unquote(name.val)
        self._expect(lx.RIGHT_DELIM, context)
        return _Frame("define", ts, self._new_list())

    def _template_name(self, token: Item, context: str) -> str:
        if token.typ not in (lx.STRING, lx.RAW_STRING):
            raise self._unexpected(token, context)
        return self._unquote(token.val)

    def _block_control(self, stack: list[_Frame]) -> None:
        outer = self.cur
        token = self._next_non_space()
        name = self._template_name(token, "block clause")
        pipe = self._pipeline("block clause")
        ts = self._sub_tree(name)
        self.cur = ts
        frame = _Frame("block", ts, self._new_list())
        frame.name_item = token
        frame.pipe = pipe
        frame.block_parent = outer
        stack.append(frame)
        return None

    def _template_control(self) -> TemplateNode:
        token = self._next_non_space()
        name = self._template_name(token, "template clause")
        pipe = None
        if self._next_non_space().typ != lx.RIGHT_DELIM:
            self._backup()
            pipe = self._pipeline("template clause")
        return TemplateNode(self._bpos(token.pos), self.cur.tree, token.line, name, pipe)

    def _unquote(self, text: str) -> str:
        try:
            return unquote(text)
        except NumError as e:
            raise self._errorf(str(e)) from None

    def _add(self, ts: _TreeState) -> None:
        """Go's Tree.add: register the tree; only an empty tree may be redefined."""
        tree = ts.tree
        existing = self.tree_set.get(tree.name)
        if existing is None or is_empty_tree(existing.root):
            self.tree_set[tree.name] = tree
            return
        if not is_empty_tree(tree.root):
            raise self._errorf(f"template: multiple definition of template {quote(tree.name)}", ts)

    # --- pipelines, through Lark -------------------------------------------------------------------

    def _pipeline(self, context: str) -> PipeNode:
        """Go's Tree.pipeline(context, itemRightDelim), parsed by the LALR grammar."""
        first = self._peek_non_space()
        self._ctx = [context]
        self._pipe_starts = [(self._bpos(first.pos), first.line)]
        state = ParserState(self._conf, None)
        states = self._states
        stack = state.state_stack
        ts = self.cur
        after_operand = False  # Go is in command(), after an operand
        decl_ok = True  # Go is at the start of pipeline(), where declarations go
        decl_count = 0
        literal: Item | None = None  # a literal term that fields may not follow
        chained = False

        def feed(terminal: str, value: object = None) -> None:
            if terminal not in states[stack[-1]]:
                raise _Rejected
            try:
                state.feed_token(_Tok(terminal, value))
            except lark.exceptions.UnexpectedToken:
                raise _Rejected from None

        need_start = False  # a "(" opened a pipeline whose first token is next
        while True:
            token = self._next()
            spaced = token.typ == lx.SPACE
            if spaced:
                if literal is not None and chained:
                    raise self._errorf("unexpected . after term " + quote(literal.val))
                literal = None
                token = self._next()
            typ = token.typ
            if need_start:
                need_start = False
                self._pipe_starts[-1] = (self._bpos(token.pos), token.line)
            try:
                if after_operand and not spaced and typ == lx.FIELD:
                    feed("CHAIN", token)
                    chained = True
                    continue
                if literal is not None and chained:
                    raise self._errorf("unexpected . after term " + quote(literal.val))
                literal = None
                chained = False
                if typ == lx.ERROR:
                    raise self._unexpected(token, "")
                if decl_ok and typ == lx.VARIABLE:
                    decl_ok = False
                    after_var = self._peek()
                    following = self._peek_non_space()
                    if following.typ in (lx.DECLARE, lx.ASSIGN):
                        self._next_non_space()
                        feed("DECL_VAR", self._decl_variable(token))
                        feed("DECLARE" if following.typ == lx.DECLARE else "ASSIGN")
                        continue
                    if following.typ == lx.CHAR and following.val == ",":
                        self._next_non_space()
                        feed("DECL_VAR", self._decl_variable(token))
                        decl_count += 1
                        if self._ctx[-1] == "range" and decl_count < 2:
                            peeked = self._peek_non_space().typ
                            if peeked in (lx.VARIABLE, lx.RIGHT_DELIM, lx.RIGHT_PAREN):
                                feed("COMMA")
                                decl_ok = True
                                continue
                            raise self._errorf("range can only initialize variables")
                        raise self._errorf(f"too many declarations in {self._ctx[-1]}")
                    if after_var.typ == lx.SPACE:
                        self._backup3(token, after_var)
                    else:
                        self._backup2(token)
                    continue
                decl_ok = False
                if after_operand and spaced and typ in _TERM_START:
                    feed("SEP")
                terminal = _TERMINAL.get(typ, "")
                if terminal not in states[stack[-1]]:
                    raise _Rejected
                if typ in _TERM_START:
                    value = self._term(token)
                    feed(terminal, value)
                    if typ == lx.LEFT_PAREN:
                        after_operand = False
                        decl_ok = True
                        decl_count = 0
                        need_start = True
                        continue
                    after_operand = True
                    if typ in _LITERAL_TERMS:
                        literal = token
                    continue
                if typ == lx.RIGHT_DELIM:
                    feed(terminal)
                    pipe = state.feed_token(_END_OF_INPUT, True)
                    return pipe
                feed(terminal)
                if typ == lx.RIGHT_PAREN:
                    ts.paren_depth -= 1
                    after_operand = True
                else:  # PIPE
                    after_operand = False
            except _Rejected:
                raise self._unexpected(token, "operand" if after_operand else self._ctx[-1]) from None

    def _decl_variable(self, token: Item) -> VariableNode:
        self.cur.vars.append(token.val)
        return VariableNode(self._bpos(token.pos), self.cur.tree, [token.val])

    def _term(self, token: Item) -> object:
        """Go's Tree.term for an accepted token: make the node, with Go's checks."""
        ts = self.cur
        tree = ts.tree
        pos = self._bpos(token.pos)
        typ = token.typ
        if typ == lx.FIELD:
            return FieldNode(pos, tree, token.val[1:].split("."))
        if typ == lx.IDENTIFIER:
            if not self.mode & SKIP_FUNC_CHECK and not self.has_function(token.val):
                raise self._errorf(f"function {quote(token.val)} not defined")
            return IdentifierNode(pos, tree, token.val)
        if typ == lx.VARIABLE:
            ident = token.val.split(".")
            if ident[0] not in ts.vars:
                raise self._errorf(f"undefined variable {quote(ident[0])}")
            return VariableNode(pos, tree, ident)
        if typ == lx.DOT:
            return DotNode(pos, tree)
        if typ == lx.NIL:
            return NilNode(pos, tree)
        if typ == lx.BOOL:
            return BoolNode(pos, tree, token.val == "true")
        if typ == lx.STRING or typ == lx.RAW_STRING:
            return StringNode(pos, tree, token.val, self._unquote(token.val))
        if typ == lx.LEFT_PAREN:
            if ts.paren_depth >= MAX_STACK_DEPTH:
                raise self._errorf("max expression depth exceeded")
            ts.paren_depth += 1
            self._ctx.append("parenthesized pipeline")
            self._pipe_starts.append(None)
            return pos
        try:
            return new_number(pos, tree, token.val, typ)
        except _GoError as e:
            raise self._errorf(str(e)) from None

    # --- grammar callbacks ---------------------------------------------------------------------------

    def _make_callbacks(self) -> dict:
        tree_of = lambda: self.cur.tree  # noqa: E731 - the tree changes with define/block

        def pipeline(children: list) -> PipeNode:
            start = self._pipe_starts.pop()
            context = self._ctx.pop() if len(self._ctx) > 1 else self._ctx[0]
            pipe = PipeNode(start[0], tree_of(), start[1])
            for child in children:
                if isinstance(child, tuple):  # decl: (variables, is_assign)
                    pipe.decl, pipe.is_assign = child
                else:
                    pipe.cmds = child
            _check_pipeline(self, pipe, context)
            return pipe

        def decl(children: list) -> tuple:
            variables = [c.value for c in children if c.type == "DECL_VAR"]
            return variables, children[-1].type == "ASSIGN"

        def cmds(children: list) -> list:
            return children[0]

        def cmdseq_first(children: list) -> list:
            return [children[0]]

        def cmdseq_more(children: list) -> list:
            children[0].append(children[2])
            return children[0]

        def command_first(children: list) -> CommandNode:
            node, start = _finish_operand(children[0])
            return CommandNode(start, tree_of(), [node])

        def command_more(children: list) -> CommandNode:
            children[0].args.append(_finish_operand(children[2])[0])
            return children[0]

        def operand_first(children: list) -> list:
            node, start = children[0]
            return [node, start, None, 0]

        def operand_chain(children: list) -> list:
            operand, field = children[0], children[1].value
            if operand[2] is None:
                operand[2] = []
                operand[3] = self._bpos(field.pos)
            operand[2].append(field.val[1:])
            return operand

        def term_token(children: list) -> tuple:
            node = children[0].value
            return node, node.pos

        def term_paren(children: list) -> tuple:
            return children[1], children[0].value

        by_rule = {
            ("start", ("pipeline", "END")): lambda c: c[0],
            ("decl", None): decl,
            ("pipeline", None): pipeline,
            ("cmds", None): cmds,
            ("cmdseq", ("command",)): cmdseq_first,
            ("cmdseq", ("cmdseq", "PIPE", "command")): cmdseq_more,
            ("command", ("operand",)): command_first,
            ("command", ("command", "SEP", "operand")): command_more,
            ("operand", ("term",)): operand_first,
            ("operand", ("operand", "CHAIN")): operand_chain,
            ("term", ("LPAREN", "pipeline", "RPAREN")): term_paren,
            ("term", None): term_token,
        }
        callbacks = {}
        for (origin, expansion), rule in _RULES.items():
            fn = by_rule.get((origin, expansion)) or by_rule[(origin, None)]
            callbacks[rule] = fn
        return callbacks


class _Rejected(Exception):
    """The grammar does not accept the token here."""


def _finish_operand(operand: list) -> tuple[Node, int]:
    """Go's operand(): fold trailing fields into Field/Variable nodes, else a Chain."""
    node, start, fields, chain_pos = operand
    if fields is None:
        return node, start
    if isinstance(node, FieldNode):
        return FieldNode(chain_pos, node.tree, node.ident + fields), start
    if isinstance(node, VariableNode):
        return VariableNode(chain_pos, node.tree, node.ident + fields), start
    return ChainNode(chain_pos, node.tree, node, fields), start


_NON_EXECUTABLE = (BoolNode, DotNode, NilNode, NumberNode, StringNode)


def _check_pipeline(parser: _Parser, pipe: PipeNode, context: str) -> None:
    if not pipe.cmds:
        raise parser._errorf(f"missing value for {context}")
    for i, cmd in enumerate(pipe.cmds[1:]):
        if isinstance(cmd.args[0], _NON_EXECUTABLE):
            raise parser._errorf(f"non executable command in pipeline stage {i + 2}")


def _byte_offsets(text: str) -> list[int] | None:
    """Character offset -> byte offset table, or None when they coincide (ASCII)."""
    if text.isascii():
        return None
    offsets = [0] * (len(text) + 1)
    total = 0
    for i, ch in enumerate(text):
        offsets[i] = total
        o = ord(ch)
        if o < 0x80 or 0xDC80 <= o <= 0xDCFF:
            total += 1
        elif o < 0x800:
            total += 2
        elif o < 0x10000:
            total += 3
        else:
            total += 4
    offsets[len(text)] = total
    return offsets


def parse(
    name: str,
    text: str,
    left: str = "",
    right: str = "",
    funcs: Iterable[Callable[[str], bool] | object] = (),
    mode: int = 0,
    tree_set: dict[str, Tree] | None = None,
) -> dict[str, Tree]:
    """Go's parse.Parse: every template in ``text``, keyed by name.

    ``funcs`` are name containers (dicts, sets) or predicates; a function name is
    defined when any of them has it. Raises ParseError with Go's message.
    """
    containers = list(funcs)

    def has_function(fname: str) -> bool:
        for c in containers:
            if callable(c) and not hasattr(c, "__contains__"):
                if c(fname):
                    return True
            elif fname in c:
                return True
        return False

    trees: dict[str, Tree] = {} if tree_set is None else tree_set
    parser = _Parser(name, text, left, right, has_function, mode, trees)
    try:
        parser.run()
    except _GoError as e:
        column, offset = 0, 0
        last = parser.tokens[0]
        if last is not None:
            offset = last.pos
            column = last.pos - text.rfind("\n", 0, last.pos)
        raise ParseError(str(e), name, e.line, column, offset) from None
    return trees

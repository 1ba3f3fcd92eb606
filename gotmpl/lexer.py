"""The template lexer: Go's text/template/parse lexer, rule for rule.

It owns the lexical rules: where text ends and actions begin (any non-empty
delimiter pair), trim markers (``{{- `` and `` -}}`` need an ASCII space, tab, CR
or LF next to the dash, so ``{{-3}}`` is the number -3), comments, and the tokens
inside actions, including Go's lexical error texts ("unclosed action",
"bad number syntax: ...").

Like Go's, the lexer is lazy: the parser pulls one item at a time with
:meth:`Lexer.next_item`, so a lexical error surfaces only when the parser reaches
it, and errors the parser finds earlier win, exactly as in Go. Items carry Go's
positions (character offsets here; the parser converts to byte offsets) and the
line on which each item starts.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .strconv import is_print, quote

# Item types, in Go's order (keywords last, so ``typ > KEYWORD`` finds them).
ERROR = 0
BOOL = 1
CHAR = 2
CHAR_CONSTANT = 3
COMMENT = 4
COMPLEX = 5
ASSIGN = 6
DECLARE = 7
EOF = 8
FIELD = 9
IDENTIFIER = 10
LEFT_DELIM = 11
LEFT_PAREN = 12
NUMBER = 13
PIPE = 14
RAW_STRING = 15
RIGHT_DELIM = 16
RIGHT_PAREN = 17
SPACE = 18
STRING = 19
TEXT = 20
VARIABLE = 21
KEYWORD = 22
BLOCK = 23
BREAK = 24
CONTINUE = 25
DOT = 26
DEFINE = 27
ELSE = 28
END = 29
IF = 30
NIL = 31
RANGE = 32
TEMPLATE = 33
WITH = 34

TYPE_NAMES = {
    value: name
    for name, value in globals().items()
    if name.isupper() and isinstance(value, int) and not name.startswith("_")
}

KEYWORDS = {
    ".": DOT,
    "block": BLOCK,
    "break": BREAK,
    "continue": CONTINUE,
    "define": DEFINE,
    "else": ELSE,
    "end": END,
    "if": IF,
    "range": RANGE,
    "nil": NIL,
    "template": TEMPLATE,
    "with": WITH,
}

DEFAULT_LEFT = "{{"
DEFAULT_RIGHT = "}}"
_LEFT_COMMENT = "/*"
_RIGHT_COMMENT = "*/"
_SPACE_CHARS = " \t\r\n"
_TERMINATORS = frozenset(" \t\r\n.,|:)(")

_ASCII_ALNUM_RUN = re.compile(r"[A-Za-z0-9_]*")
_SPACE_RUN = re.compile(r"[ \t\r\n]*")


class Item(NamedTuple):
    """A token or text string, as Go's ``item``."""

    typ: int
    pos: int
    val: str
    line: int

    def __str__(self) -> str:
        """Go's item.String(), which appears in "unexpected X in Y" errors."""
        if self.typ == EOF:
            return "EOF"
        if self.typ == ERROR:
            return self.val
        if self.typ > KEYWORD:
            return f"<{self.val}>"
        if len(self.val.encode("utf-8", "surrogateescape")) > 10:
            return quote(_truncate_runes(self.val, 10)) + "..."
        return quote(self.val)


def _truncate_runes(s: str, n: int) -> str:
    """fmt's %.Nq precision: the first n runes (invalid bytes count one each)."""
    return s[:n]


def is_space(ch: str) -> bool:
    return ch in _SPACE_CHARS and ch != ""


def is_alnum(ch: str) -> bool:
    """Go's isAlphaNumeric: '_', a Unicode letter or a decimal digit (Nd)."""
    if ch < "\x80":
        return ch == "_" or ch.isalnum()
    return ch.isalpha() or ch.isdecimal()


def format_rune_u(ch: str) -> str:
    """fmt's %#U: U+20AC '€' (the quoted rune only when printable)."""
    r = ord(ch)
    if 0xDC80 <= r <= 0xDCFF:  # an invalid UTF-8 byte decodes as U+FFFD in Go
        ch, r = "\ufffd", 0xFFFD
    text = "U+%04X" % r
    if is_print(ch):
        text += " '" + ch + "'"
    return text


class Lexer:
    """Go's lexer over one template text; pull items with :meth:`next_item`."""

    __slots__ = (
        "input",
        "left",
        "right",
        "pos",
        "start",
        "line",
        "start_line",
        "paren_depth",
        "inside_action",
        "emit_comment",
        "break_ok",
        "continue_ok",
        "_right0",
        "_n",
    )

    def __init__(self, text: str, left: str = "", right: str = "") -> None:
        self.input = text
        self.left = left or DEFAULT_LEFT
        self.right = right or DEFAULT_RIGHT
        self._right0 = self.right[0]
        self._n = len(text)
        self.pos = 0
        self.start = 0
        self.line = 1
        self.start_line = 1
        self.paren_depth = 0
        self.inside_action = False
        self.emit_comment = False
        self.break_ok = True
        self.continue_ok = True

    # --- item construction -------------------------------------------------------

    def _this_item(self, typ: int) -> Item:
        item = Item(typ, self.start, self.input[self.start : self.pos], self.start_line)
        self.start = self.pos
        self.start_line = self.line
        return item

    def _ignore(self) -> None:
        self.line += self.input.count("\n", self.start, self.pos)
        self.start = self.pos
        self.start_line = self.line

    def _error(self, message: str) -> Item:
        item = Item(ERROR, self.start, message, self.start_line)
        # Like Go, an error ends the input: later calls see EOF-like emptiness.
        self.input = ""
        self._n = 0
        self.start = self.pos = 0
        return item

    # --- driver ----------------------------------------------------------------------

    def next_item(self) -> Item:
        if self.inside_action:
            return self._lex_inside_action()
        while True:
            item = self._lex_text()
            if item is not None:
                return item

    # --- text and delimiters -----------------------------------------------------------

    def _lex_text(self) -> Item | None:
        text = self.input
        x = text.find(self.left, self.pos)
        if x >= 0:
            if x > self.pos:
                self.pos = x
                trim = 0
                delim_end = x + len(self.left)
                if self._has_left_trim_marker(delim_end):
                    trim = _right_trim_length(text, self.start, self.pos)
                self.pos -= trim
                self.line += text.count("\n", self.start, self.pos)
                item = self._this_item(TEXT)
                self.pos += trim
                self._ignore()
                if item.val:
                    # The left delimiter is lexed on the next call.
                    return item
            return self._lex_left_delim()
        self.pos = self._n
        if self.pos > self.start:
            self.line += text.count("\n", self.start, self.pos)
            return self._this_item(TEXT)
        return self._this_item(EOF)

    def _has_left_trim_marker(self, i: int) -> bool:
        text = self.input
        return i + 1 < self._n and text[i] == "-" and text[i + 1] in _SPACE_CHARS

    def _has_right_trim_marker(self, i: int) -> bool:
        text = self.input
        return i + 1 < self._n and text[i] in _SPACE_CHARS and text[i + 1] == "-"

    def _at_right_delim(self) -> tuple[bool, bool]:
        text = self.input
        pos = self.pos
        if self._has_right_trim_marker(pos) and text.startswith(self.right, pos + 2):
            return True, True
        if text.startswith(self.right, pos):
            return True, False
        return False, False

    def _lex_left_delim(self) -> Item | None:
        self.pos += len(self.left)
        trim = self._has_left_trim_marker(self.pos)
        after_marker = 2 if trim else 0
        if self.input.startswith(_LEFT_COMMENT, self.pos + after_marker):
            self.pos += after_marker
            self._ignore()
            return self._lex_comment()
        item = self._this_item(LEFT_DELIM)
        self.inside_action = True
        self.pos += after_marker
        self._ignore()
        self.paren_depth = 0
        return item

    def _lex_comment(self) -> Item | None:
        text = self.input
        self.pos += len(_LEFT_COMMENT)
        x = text.find(_RIGHT_COMMENT, self.pos)
        if x < 0:
            return self._error("unclosed comment")
        self.pos = x + len(_RIGHT_COMMENT)
        delim, trim = self._at_right_delim()
        if not delim:
            return self._error("comment ends before closing delimiter")
        self.line += text.count("\n", self.start, self.pos)
        item = self._this_item(COMMENT)
        if trim:
            self.pos += 2
        self.pos += len(self.right)
        if trim:
            self.pos = _SPACE_RUN.match(text, self.pos).end()
        self._ignore()
        if self.emit_comment:
            return item
        return None

    def _lex_right_delim(self, trim: bool) -> Item:
        if trim:
            self.pos += 2
            self._ignore()
        self.pos += len(self.right)
        item = self._this_item(RIGHT_DELIM)
        if trim:
            self.pos = _SPACE_RUN.match(self.input, self.pos).end()
            self._ignore()
        self.inside_action = False
        return item

    # --- inside actions ---------------------------------------------------------------

    def _lex_inside_action(self) -> Item:
        text = self.input
        pos = self.pos
        if pos < self._n and (text[pos] == self._right0 or text[pos] in _SPACE_CHARS):
            delim, trim = self._at_right_delim()
            if delim:
                if self.paren_depth == 0:
                    return self._lex_right_delim(trim)
                return self._error("unclosed left paren")
        if pos >= self._n:
            return self._error("unclosed action")
        r = text[pos]
        self.pos = pos + 1
        if r in _SPACE_CHARS:
            self.pos = pos
            return self._lex_space()
        if r == "=":
            return self._this_item(ASSIGN)
        if r == ":":
            if self.pos < self._n and text[self.pos] == "=":
                self.pos += 1
                return self._this_item(DECLARE)
            if self.pos < self._n:
                self.pos += 1  # Go consumed the rune it looked at
            return self._error("expected :=")
        if r == "|":
            return self._this_item(PIPE)
        if r == '"':
            return self._lex_quote()
        if r == "`":
            return self._lex_raw_quote()
        if r == "$":
            return self._lex_variable()
        if r == "'":
            return self._lex_char()
        if r == ".":
            if self.pos < self._n:
                nxt = text[self.pos]
                if not "0" <= nxt <= "9":
                    return self._lex_field_or_variable(FIELD)
            self.pos = pos
            return self._lex_number()
        if r == "+" or r == "-" or "0" <= r <= "9":
            self.pos = pos
            return self._lex_number()
        if is_alnum(r):
            self.pos = pos
            return self._lex_identifier()
        if r == "(":
            self.paren_depth += 1
            return self._this_item(LEFT_PAREN)
        if r == ")":
            self.paren_depth -= 1
            if self.paren_depth < 0:
                return self._error("unexpected right paren")
            return self._this_item(RIGHT_PAREN)
        if r < "\x80" and is_print(r):
            return self._this_item(CHAR)
        return self._error("unrecognized character in action: " + format_rune_u(r))

    def _lex_space(self) -> Item:
        text = self.input
        end = _SPACE_RUN.match(text, self.pos).end()
        num_spaces = end - self.pos
        self.pos = end
        # A trim-marked right delimiter starts with a space: leave that space.
        if self._has_right_trim_marker(end - 1) and text.startswith(self.right, end + 1):
            self.pos = end - 1
            if num_spaces == 1:
                return self._lex_right_delim(True)
        self.line += text.count("\n", self.start, self.pos)
        return self._this_item(SPACE)

    def _alnum_run_end(self, i: int) -> int:
        text = self.input
        i = _ASCII_ALNUM_RUN.match(text, i).end()
        n = self._n
        while i < n and text[i] >= "\x80" and is_alnum(text[i]):
            i = _ASCII_ALNUM_RUN.match(text, i + 1).end()
        return i

    def _at_terminator(self) -> bool:
        pos = self.pos
        if pos >= self._n:
            return True
        if self.input[pos] in _TERMINATORS:
            return True
        return self.input.startswith(self.right, pos)

    def _bad_character(self) -> Item:
        # Go's next() consumed the offending rune (or hit EOF).
        ch = self.input[self.pos]
        self.pos += 1
        return self._error("bad character " + format_rune_u(ch))

    def _lex_identifier(self) -> Item:
        self.pos = self._alnum_run_end(self.pos)
        if not self._at_terminator():
            return self._bad_character()
        word = self.input[self.start : self.pos]
        typ = KEYWORDS.get(word)
        if typ is not None:
            if typ == BREAK and not self.break_ok or typ == CONTINUE and not self.continue_ok:
                return self._this_item(IDENTIFIER)
            return self._this_item(typ)
        if word == "true" or word == "false":
            return self._this_item(BOOL)
        return self._this_item(IDENTIFIER)

    def _lex_variable(self) -> Item:
        if self._at_terminator():
            return self._this_item(VARIABLE)
        return self._lex_field_or_variable(VARIABLE)

    def _lex_field_or_variable(self, typ: int) -> Item:
        if self._at_terminator():
            return self._this_item(VARIABLE if typ == VARIABLE else DOT)
        self.pos = self._alnum_run_end(self.pos)
        if not self._at_terminator():
            return self._bad_character()
        return self._this_item(typ)

    def _lex_char(self) -> Item:
        text = self.input
        n = self._n
        i = self.pos
        while True:
            if i >= n:
                self.pos = i
                return self._error("unterminated character constant")
            c = text[i]
            i += 1
            if c == "\\":
                if i < n and text[i] != "\n":
                    i += 1
                    continue
                self.pos = i
                return self._error("unterminated character constant")
            if c == "\n":
                self.pos = i
                return self._error("unterminated character constant")
            if c == "'":
                break
        self.pos = i
        return self._this_item(CHAR_CONSTANT)

    def _lex_quote(self) -> Item:
        text = self.input
        n = self._n
        i = self.pos
        while True:
            if i >= n:
                self.pos = i
                return self._error("unterminated quoted string")
            c = text[i]
            i += 1
            if c == "\\":
                if i < n and text[i] != "\n":
                    i += 1
                    continue
                self.pos = i
                return self._error("unterminated quoted string")
            if c == "\n":
                self.pos = i
                return self._error("unterminated quoted string")
            if c == '"':
                break
        self.pos = i
        return self._this_item(STRING)

    def _lex_raw_quote(self) -> Item:
        x = self.input.find("`", self.pos)
        if x < 0:
            self.pos = self._n
            return self._error("unterminated raw quoted string")
        self.pos = x + 1
        self.line += self.input.count("\n", self.start, self.pos)
        return self._this_item(RAW_STRING)

    def _lex_number(self) -> Item:
        if not self._scan_number():
            return self._error("bad number syntax: " + quote(self.input[self.start : self.pos]))
        if self.pos < self._n and self.input[self.pos] in "+-":
            # Complex: 1+2i. No spaces, must end in 'i'.
            if not self._scan_number() or self.input[self.pos - 1] != "i":
                return self._error("bad number syntax: " + quote(self.input[self.start : self.pos]))
            return self._this_item(COMPLEX)
        return self._this_item(NUMBER)

    def _accept(self, valid: str) -> bool:
        if self.pos < self._n and self.input[self.pos] in valid:
            self.pos += 1
            return True
        return False

    def _accept_run(self, valid: str) -> None:
        text = self.input
        n = self._n
        i = self.pos
        while i < n and text[i] in valid:
            i += 1
        self.pos = i

    def _scan_number(self) -> bool:
        self._accept("+-")
        digits = "0123456789_"
        if self._accept("0"):
            if self._accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self._accept("oO"):
                digits = "01234567_"
            elif self._accept("bB"):
                digits = "01_"
        self._accept_run(digits)
        if self._accept("."):
            self._accept_run(digits)
        if len(digits) == 11 and self._accept("eE"):
            self._accept("+-")
            self._accept_run("0123456789_")
        if len(digits) == 23 and self._accept("pP"):
            self._accept("+-")
            self._accept_run("0123456789_")
        self._accept("i")
        if self.pos < self._n and is_alnum(self.input[self.pos]):
            self.pos += 1
            return False
        return True


def _right_trim_length(text: str, start: int, end: int) -> int:
    i = end
    while i > start and text[i - 1] in _SPACE_CHARS:
        i -= 1
    return end - i


def lex_all(text: str, left: str = "", right: str = "", emit_comment: bool = False) -> list[Item]:
    """All items up to EOF or the first error (for tests and debugging)."""
    lexer = Lexer(text, left, right)
    lexer.emit_comment = emit_comment
    items = []
    while True:
        item = lexer.next_item()
        items.append(item)
        if item.typ in (EOF, ERROR):
            return items

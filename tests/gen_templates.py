"""Hypothesis strategies for Go text/template sources and oracle parse requests.

This module owns the random *inputs* of the differential parser tests:

* :func:`template_texts` - template source that is usually valid Go syntax,
  built by a small grammar walker that tracks variable scope, ``range``
  nesting and ``{{define}}`` names the way Go's parser does;
* :func:`mutated` - 0..3 random edits that mostly make a template invalid
  (cuts, duplicated/deleted slices, bad literals, stray keywords, ...);
* :func:`delim_pairs` - action delimiter pairs, ordinary and pathological;
* :func:`parse_requests` - complete oracle ``"mode": "parse"`` requests.

All strings are valid UTF-8 (no surrogates) because they travel as JSON.
The grammar knowledge here was written from reading Go's lexer and parser,
not copied from Go's tests.
"""

from __future__ import annotations

import string
from typing import Any, Callable, Sequence, TypeVar

from hypothesis import strategies as st

BUILTIN_FUNCS: tuple[str, ...] = (
    "and", "call", "html", "index", "slice", "js", "len", "not", "or",
    "print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
)
# The oracle's "test" function set (README "Function set test").
TEST_FUNCS: tuple[str, ...] = (
    "echo", "add", "fail", "failWith", "zero", "boom", "vjoin", "typeOf",
    "tlist", "errVal", "nilPtr", "mkT", "mkPT",
)
DEFAULT_DELIMS: tuple[str, str] = ("{{", "}}")

T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[Any]], Any]

# -- vocabularies -------------------------------------------------------------

_FIELD_NAMES = ("A", "B", "C", "Foo", "bar", "x_1", "_", "é", "Ünï", "A1", "名", "end", "if", "nil", "true")
_VAR_NAMES = ("$x", "$y", "$i", "$v", "$k", "$item", "$_", "$é", "$1", "$aB", "$名")
_TEMPLATE_NAMES = ("a", "b", "main", "x y", "é", "t", "", "名前", 'q"uote', "tab\there", "a/b.tmpl")
_UNDEFINED_FUNCS = ("foo", "nosuch", "Printf", "printff", "ECHO", "get", "default", "include")
# Undeclared variables ($x, $i: only sometimes declared) and keywords out of place.
_UNDEFINED_OTHERS = ("$nope", "$undefined.X", "$x", "$i", "break", "continue", "define", "else")

_SPACE_RUNS = (" ", " ", " ", " ", "  ", "\t", "\n", "\r\n", " \n\t", "\r", "\n\n")
_TRIM_SPACES = (" ", " ", " ", "\t", "\n", "\r")
_TEXT_ALPHABET = (
    string.ascii_letters + string.digits + " \t\n\r.,;:!?-_=+*/\\'\"`$#@%&()[]<>|~^{}"
    + "éßüñ中文😀€\u00a0\u2028\x00\x7f"
)
_STRING_CHARS = string.ascii_letters + string.digits + " '{}()|$.-=:,@€é中😀\t"
_STRING_ESCAPES = (
    "\\n", "\\t", "\\\\", '\\"', "\\x41", "\\u00e9", "\\U0001F600", "\\101",
    "\\a", "\\b", "\\f", "\\r", "\\v", "\\x7f", "\\377", "\\u2028",
)
_CHAR_LITERALS = (
    "'a'", "'Z'", "'0'", "' '", "'\\n'", "'\\t'", "'\\x41'", "'é'", "'中'", "'😀'",
    "'\\''", "'\"'", "'\\\\'", "'\\u00e9'", "'\\U0001F600'", "'\\101'", "'\\377'", "'}'", "'|'",
)
_SPECIAL_NUMBERS = (
    "0", "-0", "+0", "1_000", "0x1F", "0XfF", "0x_1f", "0o17", "0O7", "017", "0b101", "0B1_0",
    "1.5e3", "6.02E+23", "1e-3", "1.", ".5", "-.5", "0x1p-2", "0x1.8p1", "0X.8P0", "2i", "1.5i",
    "0i", "0x10p0i", "1+2i", "-1-2.5i", "1e3+0.5i", "0+0i", "9223372036854775807",
    "-9223372036854775808", "18446744073709551615", "1_2.3_4", "1e308", "4.9e-324", "00", "0.0",
)
# Mutations: literals Go's lexer or number/quote parser rejects (or nearly does).
_BAD_LITERALS = (
    "0x", "1__0", "089", "1e", "'ab'", "''", '"\\q"', '"abc', "`abc", "'a", "1+2", ".5x",
    "0b2", "0o8", "1e400", "18446744073709551616", "-9223372036854775809", "0x1.p", "1i+2",
    "0x1+2i", "1+2j", "'\\q'", '"\\x4"', '"\\u12"', "'\\400'", "1_", "_1", "0_x1", "1.2.3",
    "--1", "+-1", "0x1p", "1p3", "'\n'", '"a\nb"', "`a\nb`", '"\\\'"', "1e+", "0xg", ".",
    "-", "+", "1..2", "1.A", '"s".F', "nil.X", "true.Y", "..A", "$.", "$x.1", ".A.1",
)
_STRAY_ACTIONS = (
    "{{end}}", "{{else}}", "{{else if 1}}", "{{else with .}}", "{{break}}", "{{continue}}",
    '{{define "x"}}', "{{end}}{{end}}", "{{if 1}}", "{{range .}}", "{{with .}}", '{{block "b" .}}',
    "{{template}}", "{{define}}", "{{end 1}}", "{{else 1}}", "{{break 1}}", "{{continue .}}",
    "{{}}", "{{ }}", "{{-}}", "{{- -}}", "{{if}}", "{{range}}", "{{with}}", "{{()}}",
    "{{/* x */ }}", "{{ /* x */}}", "{{/* x", "{{/* a */x}}", "{{-  /* x */}}", "{{/* x */  -}}",
    "{{$}}", "{{$x := }}", "{{$a, $b := 1}}", "{{range $a, $b, $c := .}}", "{{range $a, 1}}",
    "{{with $a, $b := .}}", "{{$x : 1}}", "{{: }}", "{{1 | 2}}", "{{. | .A | 3}}", "{{.A=1}}",
    "{{$x=1}}", '{{template "x" }}', '{{block "b"}}', "{{(1}}", "{{1)}}", "{{(1))}}", "{{print (}}",
    "{{.A.}}", "{{if 1}}{{else}}{{else}}{{end}}", "{{-3}}", "{{3 -}}", "{{3-}}", "{{ -}}",
    "{{nil}}", "{{.A|}}", "{{|.A}}", "{{.A | | .B}}", '{{define "d"}}x{{end}}', "{{else}}{{end}}",
    "{{range 1}}{{else if 1}}{{end}}", "{{if 1}}{{else with 1}}{{end}}", "{{with 1}}{{else}}{{else}}{{end}}",
    "{{(|)}}", "{{(.A) (1)}}", "{{range .}}{{break 2}}{{end}}", "{{range .}}{{continue x}}{{end}}",
    '{{"a" "b"}}', "{{if 1 | 2}}x{{end}}", "{{with $x, $y := 1}}{{end}}", "{{range $i, .A}}{{end}}",
    '{{"abc}}', "{{'a}}", "{{`abc}}", '{{"a\nb"}}', "{{if 1}}{{define \"x\"}}{{end}}{{end}}",
    "{{range .}}{{block \"r\" .}}{{break}}{{end}}{{end}}", "{{with}}{{end}}", "{{range}}{{end}}",
    "{{if (1 | 2)}}{{end}}", "{{print 1 | 3}}", "{{.A | nil}}", "{{. | true}}", "{{if 1}}x", "{{end 1}}",
    "{{range .}}{{else}}{{break}}{{end}}", '{{template "x" |}}', '{{block "x" |}}{{end}}', "{{with |}}",
    "{{range |}}", "{{(}}", "{{ ( ) }}", "{{$x := 1}}{{$x, $y := 2}}", '{{define "x" 1}}{{end}}',
    '{{define "x"}}{{else}}{{end}}', '{{block "x" .}}{{else}}{{end}}', "{{if 1}}{{else}}{{end 2}}",
    "{{if ,}}{{end}}", '{{block "x" ,}}{{end}}', "{{with .A}}{{else if .B}}{{end}}", "{{if :}}",
    "{{range $i, $v := .}}{{continue}}{{end}}{{continue}}", "{{'ab'}}", "{{print '\\400'}}", "{{if}}{{end}}",
    "{{1e400}}", "{{0x}}", "{{99999999999999999999}}",
)
_RANDOM_CHARS = (
    ")", "(", ",", ":", "=", "@", "€", "\x01", "\x1b", "\x7f", "#", "!", ";", "[", "]", "{", "}",
    "'", '"', "`", "\\", "~", "-", "+", "*", "/", "%", "&", "^", "?", "\u00a0", "\u2028", "é",
    "\n", "\t", "\r", " ", "|", "$", ".", "0", "_", "😀",
)
_KEYWORD_SWAPS = (
    ("else if", "else with"), ("else with", "else if"), ("if ", "range "), ("with ", "if "),
    ("range ", "with "), ("end", "else"), ("else", "end"), (":=", "="), (":=", ":"), (" = ", " := "),
    ("define", "block"), ("template", "define"), ("block", "template"), ("$", ""), ("(", ""),
    (")", ""), ('"', "'"), ("'", '"'), ("-", "--"), (" -", "-"), ("- ", "-"), ("|", ""), (".", ""),
    ("break", "continue"), ("range", "if"), ("*/", "* /"), ("/*", "/ *"),
)
_OTHER_DELIMS = (("{{", "}}"), ("[[", "]]"), ("<%", "%>"), ("{%", "%}"), ("<<", ">>"), ("{", "}"))

_COMMON_DELIMS = (("[[", "]]"), ("<%", "%>"), ("{%", "%}"), ("<<", ">>"), ("{{{", "}}}"), ("${", "}"), ("{{", "]]"))
_SINGLE_DELIMS = (("<", ">"), ("[", "]"), ("%", "%"), ("«", "»"), ("@", "@"), ("{", "}"), ("#", "#"))
_SYNTAX_DELIMS = (
    ("(", ")"), ("|", "|"), ('"', '"'), ("$", "$"), (".", "."), ("-", "-"), ("{{-", "-}}"),
    ("/*", "*/"), ("'", "'"), ("`", "`"), ("", ""), (":", "="), ("{{ ", " }}"),
)
_UNUSUAL_NAMES = (
    "t", "t", "t", "main", "page.html", "x y", "é", "名前", 'q"uote', "it's", "", "a:1:", "t\nx", " ", "😀",
)


# -- small helpers ------------------------------------------------------------


def _weighted(draw: Draw, options: Sequence[tuple[int, T]]) -> T:
    """Pick one option by integer weight; shrinking favours the first."""
    total = sum(weight for weight, _ in options)
    roll = draw(st.integers(0, total - 1))
    for weight, value in options:
        if roll < weight:
            return value
        roll -= weight
    raise AssertionError("unreachable")


def _chance(draw: Draw, percent: int) -> bool:
    return draw(st.integers(0, 99)) < percent


def _pick(draw: Draw, items: Sequence[T]) -> T:
    return items[draw(st.integers(0, len(items) - 1))]


def go_quote(text: str) -> str:
    """A Go interpreted string literal for ``text`` (escaping only what must be)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _normalize_delims(left: str, right: str) -> tuple[str, str]:
    # Go treats an empty delimiter as the default one.
    return (left or DEFAULT_DELIMS[0], right or DEFAULT_DELIMS[1])


# -- the grammar walker -----------------------------------------------------------


class _TemplateBuilder:
    """Writes one template, mirroring the parser state Go keeps.

    ``vars`` is Go's flat variable list: declarations append to it and a
    control structure truncates it back at its ``{{end}}`` (so a variable
    declared in an ``{{if}}`` body is still visible in its ``{{else}}``).
    ``range_depth`` is reset inside ``define``/``block`` bodies, because Go
    parses those with a fresh tree.
    """

    def __init__(self, draw: Draw, left: str, right: str, funcs: Sequence[str], max_depth: int) -> None:
        self.draw = draw
        self.left, self.right = _normalize_delims(left, right)
        self.funcs = BUILTIN_FUNCS + tuple(funcs)
        self.max_depth = max_depth
        self.budget = draw(st.integers(1, 16))
        self.vars: list[str] = ["$"]
        self.range_depth = 0
        self.defined: list[str] = []

    # whitespace ---------------------------------------------------------------

    def sep(self) -> str:
        """Whitespace where Go needs at least one space character."""
        return _pick(self.draw, _SPACE_RUNS)

    def opt(self) -> str:
        """Whitespace where Go allows none."""
        return self.sep() if _chance(self.draw, 35) else ""

    # text and comments --------------------------------------------------------

    def text(self) -> str:
        raw = self.draw(st.text(alphabet=_TEXT_ALPHABET, min_size=1, max_size=20))
        if _chance(self.draw, 20):
            # Lone halves of the delimiters are plain text and worth exercising.
            raw += _pick(self.draw, (self.left[:1], self.right, self.right[:1], self.left[:-1] or "x"))
        return self.clean_text(raw)

    def clean_text(self, raw: str) -> str:
        """Drop anything that would open an action inside or at the end of text."""
        while self.left in raw:
            raw = raw.replace(self.left, "")
        # "x{" followed by "{{" would lex as "x" then "{{" then "{".
        while raw and (raw + self.left).find(self.left) < len(raw):
            raw = raw[:-1]
        return raw

    def comment(self) -> str:
        body = self.draw(st.text(alphabet=_TEXT_ALPHABET, max_size=16))
        if _chance(self.draw, 20):
            body += "\n" + self.draw(st.text(alphabet=_TEXT_ALPHABET, max_size=8))
        while "*/" in body:  # one pass of replace can create a new "*/"
            body = body.replace("*/", "")
        trim_left = _chance(self.draw, 25)
        trim_right = _chance(self.draw, 25)
        return (
            self.left + ("- " if trim_left else "") + "/*" + body + "*/"
            + (" -" if trim_right else "") + self.right
        )

    # actions ------------------------------------------------------------------

    def action(self, body: str) -> str:
        """Wrap ``body`` in delimiters, with optional trim markers and spacing."""
        open_ = self.left
        if _chance(self.draw, 20):
            open_ += "-" + _pick(self.draw, _TRIM_SPACES)
        close = self.right
        if _chance(self.draw, 20):
            close = _pick(self.draw, _TRIM_SPACES) + "-" + close
        return open_ + self.opt() + body + self.opt() + close

    # literals -----------------------------------------------------------------

    def number(self) -> str:
        kind = _weighted(self.draw, [
            (30, "int"), (15, "special"), (15, "float"), (8, "based"), (6, "imag"), (5, "complex"), (5, "char"),
        ])
        if kind == "int":
            digits = str(self.draw(st.integers(0, 10**6)))
            if len(digits) > 3 and _chance(self.draw, 25):
                digits = digits[0] + "_" + digits[1:]
            return _pick(self.draw, ("", "", "", "-", "+")) + digits
        if kind == "special":
            return _pick(self.draw, _SPECIAL_NUMBERS)
        if kind == "float":
            whole = str(self.draw(st.integers(0, 999)))
            frac = str(self.draw(st.integers(0, 999)))
            exp = _pick(self.draw, ("", "", "e3", "E-2", "e+10", "e0"))
            return _pick(self.draw, ("", "-")) + whole + "." + frac + exp
        if kind == "based":
            value = self.draw(st.integers(0, 2**20))
            prefix, body = _pick(self.draw, (
                ("0x", f"{value:x}"), ("0X", f"{value:X}"), ("0o", f"{value:o}"),
                ("0", f"{value:o}"), ("0b", f"{value:b}"),
            ))
            return prefix + body
        if kind == "imag":
            return str(self.draw(st.integers(0, 99))) + _pick(self.draw, ("i", ".5i", "e2i"))
        if kind == "complex":
            real, imag = self.draw(st.integers(-9, 99)), self.draw(st.integers(0, 99))
            return f"{real}{_pick(self.draw, ('+', '-'))}{imag}i"
        return _pick(self.draw, _CHAR_LITERALS)

    def string_literal(self) -> str:
        if _chance(self.draw, 25):
            raw = self.draw(st.text(alphabet=_STRING_CHARS + "\n\"\\", max_size=12)).replace("`", "")
            return "`" + raw + "`"
        pieces = []
        for _ in range(self.draw(st.integers(0, 6))):
            if _chance(self.draw, 30):
                pieces.append(_pick(self.draw, _STRING_ESCAPES))
            else:
                pieces.append(self.draw(st.text(alphabet=_STRING_CHARS, min_size=1, max_size=4)))
        return '"' + "".join(pieces) + '"'

    def literal(self) -> str:
        return _weighted(self.draw, [
            (40, self.number), (35, self.string_literal),
            (10, lambda: _pick(self.draw, ("true", "false"))), (5, lambda: "nil"),
        ])()

    # operands and pipelines -----------------------------------------------------

    def field_chain(self) -> str:
        count = _weighted(self.draw, [(70, 1), (22, 2), (8, 3)])
        return "".join("." + _pick(self.draw, _FIELD_NAMES) for _ in range(count))

    def variable(self) -> str:
        return _pick(self.draw, self.vars)

    def function(self) -> str:
        return _pick(self.draw, self.funcs)

    def paren(self, depth: int) -> str:
        return "(" + self.opt() + self.pipeline("paren", depth + 1) + self.opt() + ")"

    def operand(self, depth: int, executable: bool = False) -> str:
        """One term, maybe followed by ``.Field`` accesses (never after a literal)."""
        options: list[tuple[int, Callable[[], str]]] = [
            (22, self.field_chain), (14, self.variable), (14, self.function),
        ]
        if not executable:
            options += [(35, self.literal), (6, lambda: ".")]
        if depth < self.max_depth:
            options.append((10, lambda: self.paren(depth)))
        term = _weighted(self.draw, options)()
        chainable = term.startswith(("(", "$")) or term in self.funcs
        if chainable and _chance(self.draw, 25):
            term += self.field_chain()
        return term

    def command(self, depth: int, first: bool) -> str:
        head = self.operand(depth, executable=not first)
        # Functions take arguments; fields, variables and parenthesized values
        # rarely (method calls); literals never (Go would reject them at exec).
        if head in self.funcs:
            max_args = 3
        elif head.startswith((".", "$", "(")) and head != ".":
            max_args = 1
        else:
            max_args = 0
        count = self.draw(st.integers(0, max_args)) if max_args else 0
        parts = [head] + [self.operand(depth) for _ in range(count)]
        out = parts[0]
        for part in parts[1:]:
            out += self.sep() + part
        return out

    def declaration(self, context: str) -> str:
        """``$x :=``, ``$x =`` or (in range) ``$i, $v :=``; updates scope like Go."""
        names = [_pick(self.draw, _VAR_NAMES)]
        if context == "range" and _chance(self.draw, 55):
            names.append(_pick(self.draw, _VAR_NAMES))
        assigned = [v for v in self.vars if v != "$"]
        assign = bool(assigned) and _chance(self.draw, 25)
        if assign and len(names) == 1:
            names = [_pick(self.draw, assigned)]
        self.vars.extend(names)
        lhs = names[0]
        if len(names) == 2:
            lhs += self.opt() + "," + self.opt() + names[1]
        # "$x=1" is a lexer error (bad character '='), so "=" needs a space before it.
        return lhs + (self.sep() + "=" if assign else self.opt() + ":=") + self.sep()

    def pipeline(self, context: str, depth: int) -> str:
        decl_chance = {"range": 45, "command": 25, "if": 15, "with": 25, "paren": 4}.get(context, 10)
        out = self.declaration(context) if _chance(self.draw, decl_chance) else ""
        out += self.command(depth, first=True)
        for _ in range(_weighted(self.draw, [(70, 0), (22, 1), (8, 2)])):
            out += self.opt() + "|" + self.opt() + self.command(depth, first=False)
        return out

    # templates and control structures ---------------------------------------------

    def template_name(self, fresh: bool) -> str:
        """A quoted template name; ``fresh`` ones avoid Go's duplicate-definition error."""
        name = _pick(self.draw, _TEMPLATE_NAMES)
        if fresh:
            while name in self.defined:
                name += "_"
            self.defined.append(name)
        elif self.defined and _chance(self.draw, 60):
            name = _pick(self.draw, self.defined)
        if "`" not in name and "\n" not in name and _chance(self.draw, 30):
            return "`" + name + "`"
        return go_quote(name)

    def body(self, depth: int, fresh_tree: bool = False) -> str:
        """A nested list; ``fresh_tree`` parses it like Go's define/block trees."""
        if not fresh_tree:
            return self.items(depth)
        saved = (self.vars, self.range_depth)
        self.vars, self.range_depth = ["$"], 0
        try:
            return self.items(depth)
        finally:
            self.vars, self.range_depth = saved

    def if_or_with(self, keyword: str, depth: int) -> str:
        mark = len(self.vars)
        out = self.action(keyword + self.sep() + self.pipeline(keyword, depth)) + self.body(depth + 1)
        while _chance(self.draw, 22):
            out += self.action("else" + self.sep() + keyword + self.sep() + self.pipeline(keyword, depth))
            out += self.body(depth + 1)
        if _chance(self.draw, 35):
            out += self.action("else") + self.body(depth + 1)
        del self.vars[mark:]
        return out + self.action("end")

    def range_(self, depth: int) -> str:
        mark = len(self.vars)
        out = self.action("range" + self.sep() + self.pipeline("range", depth))
        self.range_depth += 1
        out += self.body(depth + 1)
        self.range_depth -= 1  # Go counts only the main list, not {{else}}
        if _chance(self.draw, 30):
            out += self.action("else") + self.body(depth + 1)
        del self.vars[mark:]
        return out + self.action("end")

    def define(self, depth: int) -> str:
        head = self.action("define" + self.sep() + self.template_name(fresh=True))
        return head + self.body(depth + 1, fresh_tree=True) + self.action("end")

    def block(self, depth: int) -> str:
        head = "block" + self.sep() + self.template_name(fresh=True) + self.sep() + self.pipeline("block", depth)
        return self.action(head) + self.body(depth + 1, fresh_tree=True) + self.action("end")

    def template_call(self, depth: int) -> str:
        head = "template" + self.sep() + self.template_name(fresh=False)
        if _chance(self.draw, 60):
            head += self.sep() + self.pipeline("template", depth)
        return self.action(head)

    def loop_control(self) -> str:
        return self.action(_pick(self.draw, ("break", "continue")))

    def item(self, depth: int, top: bool) -> str:
        leaf: list[tuple[int, Callable[[], str]]] = [
            (26, self.text),
            (30, lambda: self.action(self.pipeline("command", depth))),
            (6, self.comment),
            (4, lambda: self.template_call(depth)),
        ]
        if self.range_depth:
            leaf.append((6, self.loop_control))
        if depth < self.max_depth:
            leaf += [
                (9, lambda: self.if_or_with("if", depth)),
                (6, lambda: self.if_or_with("with", depth)),
                (7, lambda: self.range_(depth)),
                (3, lambda: self.block(depth)),
            ]
            if top:
                leaf.append((5, lambda: self.define(depth)))
        return _weighted(self.draw, leaf)()

    def items(self, depth: int, top: bool = False) -> str:
        out = []
        limit = 6 if top else 3
        for _ in range(self.draw(st.integers(1 if top else 0, limit))):
            if self.budget <= 0:
                break
            self.budget -= 1
            out.append(self.item(depth, top))
        return "".join(out)


@st.composite
def _template_text(draw: Draw, left: str, right: str, funcs: tuple[str, ...], max_depth: int) -> str:
    return _TemplateBuilder(draw, left, right, funcs, max_depth).items(0, top=True)


def template_texts(
    left: str = "{{", right: str = "}}", funcs: Sequence[str] = (), max_depth: int = 3
) -> st.SearchStrategy[str]:
    """Template sources that are usually valid Go syntax for these delimiters.

    ``funcs`` are extra function names (beyond Go's builtins) the text may call.
    """
    return _template_text(left, right, tuple(funcs), max_depth)


# -- mutations ----------------------------------------------------------------------


class _Mutator:
    """Random edits aimed at Go's error paths; positions favour action interiors."""

    def __init__(self, draw: Draw, left: str, right: str) -> None:
        self.draw = draw
        self.left, self.right = _normalize_delims(left, right)

    def position(self, text: str) -> int:
        """An index in ``text``, often just inside an action's delimiters."""
        spots = [i + len(self.left) for i in _find_all(text, self.left)]
        spots += _find_all(text, self.right)
        if spots and _chance(self.draw, 60):
            return _pick(self.draw, spots)
        return self.draw(st.integers(0, len(text)))

    def span(self, text: str) -> tuple[int, int]:
        start = self.draw(st.integers(0, len(text)))
        return start, self.draw(st.integers(start, min(len(text), start + 40)))

    def insert(self, text: str, snippet: str) -> str:
        at = self.position(text)
        return text[:at] + snippet + text[at:]

    def cut(self, text: str) -> str:
        at = self.position(text) if _chance(self.draw, 50) else self.draw(st.integers(0, len(text)))
        return text[:at]

    def duplicate(self, text: str) -> str:
        start, end = self.span(text)
        return text[:end] + text[start:end] + text[end:]

    def delete(self, text: str) -> str:
        start, end = self.span(text)
        return text[:start] + text[end:]

    def swap_delims(self, text: str) -> str:
        left, right = _pick(self.draw, _OTHER_DELIMS)
        which = _pick(self.draw, ((self.left, left), (self.right, right)))
        hits = _find_all(text, which[0])
        if not hits:
            return self.insert(text, _pick(self.draw, (left, right)))
        at = _pick(self.draw, hits)
        return text[:at] + which[1] + text[at + len(which[0]):]

    def bad_literal(self, text: str) -> str:
        padding = ("", " ")
        literal = _pick(self.draw, _BAD_LITERALS)
        return self.insert(text, _pick(self.draw, padding) + literal + _pick(self.draw, padding))

    def random_chars(self, text: str) -> str:
        count = self.draw(st.integers(1, 3))
        return self.insert(text, "".join(_pick(self.draw, _RANDOM_CHARS) for _ in range(count)))

    def boundary(self, text: str) -> int:
        """An index between actions (or anywhere), where a whole action fits."""
        spots = [0, len(text)] + _find_all(text, self.left)
        spots += [i + len(self.right) for i in _find_all(text, self.right)]
        if _chance(self.draw, 80):
            return _pick(self.draw, spots)
        return self.draw(st.integers(0, len(text)))

    def stray_action(self, text: str) -> str:
        snippet = _pick(self.draw, _STRAY_ACTIONS)
        # The stray actions are written with default delimiters; retarget them.
        snippet = snippet.replace("{{", "\0L").replace("}}", "\0R")
        snippet = snippet.replace("\0L", self.left).replace("\0R", self.right)
        at = self.boundary(text)
        return text[:at] + snippet + text[at:]

    def action_spans(self, text: str) -> list[tuple[int, int]]:
        """Rough (start, end) spans of actions: each left delimiter to the next right one."""
        spans = []
        for start in _find_all(text, self.left):
            end = text.find(self.right, start + len(self.left))
            if end >= 0:
                spans.append((start, end + len(self.right)))
        return spans

    def drop_action(self, text: str) -> str:
        spans = self.action_spans(text)
        if not spans:
            return self.stray_action(text)
        start, end = _pick(self.draw, spans)
        return text[:start] + text[end:]

    def duplicate_action(self, text: str) -> str:
        spans = self.action_spans(text)
        if not spans:
            return self.stray_action(text)
        start, end = _pick(self.draw, spans)
        at = self.boundary(text)
        return text[:at] + text[start:end] + text[at:]

    def undefined_name(self, text: str) -> str:
        name = _pick(self.draw, _UNDEFINED_FUNCS + _UNDEFINED_OTHERS)
        return self.insert(text, " " + name + " ")

    def newline(self, text: str) -> str:
        return self.insert(text, _pick(self.draw, ("\n", "\r\n", " \n ")))

    def swap_keyword(self, text: str) -> str:
        old, new = _pick(self.draw, _KEYWORD_SWAPS)
        hits = _find_all(text, old)
        if not hits:
            return self.random_chars(text)
        at = _pick(self.draw, hits)
        return text[:at] + new + text[at + len(old):]

    def mutate(self, text: str) -> str:
        op = _weighted(self.draw, [
            (10, self.cut), (5, self.duplicate), (6, self.delete), (4, self.swap_delims),
            (14, self.bad_literal), (12, self.random_chars), (30, self.stray_action),
            (6, self.undefined_name), (4, self.newline), (12, self.swap_keyword),
            (6, self.drop_action), (4, self.duplicate_action),
        ])
        return op(text)


def _find_all(text: str, needle: str) -> list[int]:
    hits, at = [], text.find(needle) if needle else -1
    while at >= 0 and len(hits) < 50:
        hits.append(at)
        at = text.find(needle, at + 1)
    return hits


@st.composite
def _mutated(draw: Draw, texts: st.SearchStrategy[str], left: str, right: str) -> str:
    text = draw(texts)
    mutator = _Mutator(draw, left, right)
    for _ in range(_weighted(draw, [(10, 0), (50, 1), (25, 2), (15, 3)])):
        text = mutator.mutate(text)
    return text


def mutated(text_strategy: st.SearchStrategy[str], left: str = "{{", right: str = "}}") -> st.SearchStrategy[str]:
    """Apply 0..3 random mutations, mostly producing invalid templates.

    ``left``/``right`` say which delimiters ``text_strategy`` uses, so edits
    can aim inside actions.
    """
    return _mutated(text_strategy, left, right)


# -- delimiters and requests -------------------------------------------------------------


def delim_pairs() -> st.SearchStrategy[tuple[str, str]]:
    """Delimiter pairs: the default, common alternatives, single characters,
    and a few that collide with action syntax (``(``/``)``, ``|``...)."""
    return st.one_of(
        st.just(DEFAULT_DELIMS),
        st.sampled_from(_COMMON_DELIMS),
        st.sampled_from(_SINGLE_DELIMS),
        st.sampled_from(_SYNTAX_DELIMS),
    )


@st.composite
def _delims_for_request(draw: Draw) -> tuple[str, str]:
    # Mostly the default, so most requests stay close to real-world templates.
    return _weighted(draw, [
        (60, lambda: DEFAULT_DELIMS),
        (30, lambda: draw(st.sampled_from(_COMMON_DELIMS + _SINGLE_DELIMS))),
        (10, lambda: draw(delim_pairs())),
    ])()


@st.composite
def _parse_request(draw: Draw, n_funcs: bool) -> dict[str, Any]:
    left, right = draw(_delims_for_request())
    with_test_funcs = n_funcs and _chance(draw, 40)
    # Sometimes the text calls test functions the request does not provide.
    text_funcs = TEST_FUNCS if with_test_funcs or (n_funcs and _chance(draw, 5)) else ()
    texts = template_texts(left, right, funcs=text_funcs)
    valid = _chance(draw, 60)
    text = draw(texts if valid else mutated(texts, left, right))

    request: dict[str, Any] = {"mode": "parse", "name": _pick(draw, _UNUSUAL_NAMES), "template": text}
    if (left, right) != DEFAULT_DELIMS or _chance(draw, 10):
        request["delims"] = [left, right]
    if with_test_funcs:
        request["funcs"] = ["test"]
    mode = _weighted(draw, [(80, None), (8, ["comments"]), (8, ["skipfunccheck"]), (4, ["comments", "skipfunccheck"])])
    if mode is not None:
        request["parse_mode"] = mode
    elif _chance(draw, 15):
        request["associated"] = draw(_associated(left, right, text_funcs))
    return request


@st.composite
def _associated(draw: Draw, left: str, right: str, funcs: tuple[str, ...]) -> dict[str, str]:
    others: dict[str, str] = {}
    for _ in range(draw(st.integers(1, 3))):
        name = _pick(draw, _TEMPLATE_NAMES)
        texts = template_texts(left, right, funcs=funcs, max_depth=2)
        others[name] = draw(texts if _chance(draw, 85) else mutated(texts, left, right))
    return others


def parse_requests(n_funcs: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """Oracle parse-mode requests, ~60% from valid texts and ~40% mutated.

    With ``n_funcs`` the requests sometimes add the oracle's ``"test"``
    function set (and sometimes call those functions without it).
    """
    return _parse_request(n_funcs)

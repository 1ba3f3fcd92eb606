"""Sprig's string, conversion, defaults and JSON functions against the Go oracle.

Owns the differential tests of gotmpl.sprig.strings, gotmpl.sprig.defaults
(with gotmpl.sprig.gojson), gotmpl.sprig.cast and gotmpl.sprig.gounicode: every
deterministic function is called with Hypothesis-generated arguments (right
types, wrong types, nil, empty and edge values; strings with non-ASCII text,
Unicode spaces and invalid UTF-8 passed as template literals) and must give
Go's output and error text exactly. The random functions (randAlpha...,
shuffle) are checked by properties, next to Go's own results.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from conftest import hypothesis_examples
from hypothesis import given, settings
from hypothesis import strategies as st
from sprig_support import (
    compare,
    compare_many,
    go_render,
    need_sprig,
    ours,
    request,
    typed,
)

from gotmpl import values as V
from gotmpl.sprig import cast, gounicode
from gotmpl.strconv import go_quote

EXAMPLES = hypothesis_examples(30)

MAX_INT = (1 << 63) - 1
MIN_INT = -(1 << 63)


@pytest.fixture(scope="module")
def go(oracle):
    need_sprig(oracle)
    return oracle


# --- strategies --------------------------------------------------------------------------------------

# Characters that exercise Go's rules: ASCII classes, case pairs without a
# simple one-to-one mapping, title-case letters, Unicode spaces, CJK, marks,
# newer letters (Unicode 15-17), U+FFFD, and invalid bytes (lone surrogates).
_SPECIAL = (
    "aZ09_- ./$~\t\n\"'\\`<>&"
    "éÉßẞǅǆǄİıſΣσςµŉǰΐﬀﬓ"
    "\u00a0\u0085\u1680\u2000\u2028\u2029\u202f\u3000\u200b\u001c"
    "中文ＡＢ１٣\u0301\u0295\ua7cb\ufffd😀"
)
_INVALID = "\udc80\udcc3\udca9\udcff\udce2\udc82"

chars = st.one_of(st.sampled_from(_SPECIAL), st.characters(max_codepoint=0x2FFFF, blacklist_categories=("Cs",)))
valid_text = st.text(chars, max_size=12)
word_text = st.lists(st.sampled_from(["HTTP", "Server", "id", "ID2", "x", "2xx", "_", "-", " ", "foo", "Bar", "é", "ǅ", "123", "a1b", "..", "😀"]), max_size=6).map("".join)
any_text = st.one_of(valid_text, word_text, st.text(st.one_of(chars, st.sampled_from(_INVALID)), max_size=10))
numeric_text = st.sampled_from(
    ["0", "12", "-7", "+3", "0x1F", "0X1f", "0b101", "0o17", "017", "1_000", "12.00", "12.50", "1.0.0", "1.", ".0", "1e3",
     "1E-2", " 7", "7 ", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "NaN", "inf", "-Inf",
     "0x1p-2", "", "abc", "1e400", "٣", "0.0", "-0", "00"]
)  # fmt: skip
int_edge = st.one_of(
    st.integers(-12, 40), st.sampled_from([MIN_INT, MAX_INT, -(1 << 31), 1 << 62, 3, 4, 5, 6, 7, 8, 10])
)


def _float_payload(bits: int) -> st.SearchStrategy:
    finite = st.floats(allow_nan=False, allow_infinity=False, width=bits)
    return st.one_of(finite, st.sampled_from(["NaN", "+Inf", "-Inf", "-0", 0.5, 1e21, 1e-7, 2.5e-6]))


_INT_TYPES = {
    "int": (MIN_INT, MAX_INT), "int8": (-128, 127), "int16": (-(1 << 15), (1 << 15) - 1), "int32": (-(1 << 31), (1 << 31) - 1),
    "int64": (MIN_INT, MAX_INT), "uint": (0, (1 << 64) - 1), "uint8": (0, 255), "uint16": (0, 65535),
    "uint32": (0, (1 << 32) - 1), "uint64": (0, (1 << 64) - 1), "uintptr": (0, 1 << 40),
}  # fmt: skip


def _int_value(t: str) -> st.SearchStrategy:
    lo, hi = _INT_TYPES[t]
    ints = st.one_of(st.integers(max(lo, -100), min(hi, 100)), st.sampled_from([lo, hi]), st.integers(lo, hi))
    return ints.map(lambda n: typed(t, str(n) if abs(n) > 2**53 else n))


scalar_value = st.one_of(
    st.none(),
    st.booleans(),
    valid_text,
    numeric_text,
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-5, 5).map(float),
    st.sampled_from(sorted(_INT_TYPES)).flatmap(_int_value),
    _float_payload(64).map(lambda f: typed("float64", f)),
    _float_payload(32).map(lambda f: typed("float32", f)),
    numeric_text.map(lambda s: typed("string", s)),
    st.booleans().map(lambda b: typed("bool", b)),
    st.sampled_from([[1, 2], [0, 0], ["NaN", 1]]).map(lambda c: typed("complex128", c)),
    st.one_of(st.none(), valid_text).map(lambda s: typed("error", s)),
    valid_text.map(lambda s: typed("oracle.Stringer", {"S": s})),
    st.tuples(valid_text, st.integers(-3, 3)).map(lambda t: typed("oracle.T", {"S": t[0], "N": t[1]})),
    st.just(typed("*int", None)),  # non-nil pointers print their address: DATA_CASES has them
    st.integers(-(10**12), 10**12).map(lambda n: typed("time.Duration", n)),
    st.sampled_from(["2020-01-02T03:04:05Z", "0001-01-01T00:00:00Z", "2021-06-07T08:09:10.5+02:00"]).map(lambda s: typed("time.Time", s)),
    st.one_of(st.none(), valid_text).map(lambda s: typed("[]byte", s)),
    st.one_of(st.none(), st.lists(valid_text, max_size=4)).map(lambda xs: typed("[]string", xs)),
    st.lists(st.integers(-3, 300), max_size=3).map(lambda xs: typed("[]int", xs)),
    st.lists(valid_text, min_size=2, max_size=2).map(lambda xs: typed("[2]string", xs)),
    st.one_of(st.none(), st.dictionaries(valid_text, st.integers(-2, 2), max_size=3)).map(lambda d: typed("map[string]int", d)),
    st.lists(st.tuples(st.integers(-3, 3), valid_text), max_size=3).map(lambda kv: typed("map[int]string", [list(p) for p in kv])),
    st.tuples(st.integers(-2, 2), valid_text).map(lambda t: typed('struct{A int; B string "json:\\"b,omitempty\\""}', {"A": t[0], "B": t[1]})),
    st.just(typed("*struct{N int}", None)),
    st.just(typed("struct{}", {})),
    st.sampled_from([None, []]).map(lambda x: typed("[]any", x)),
    st.sampled_from([None, {}]).map(lambda x: typed("map[string]any", x)),
)
any_value = st.recursive(
    scalar_value,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(valid_text, inner, max_size=3),
        st.lists(inner, max_size=2).map(lambda xs: typed("[]any", xs)),
    ),
    max_leaves=6,
)


def json_texts() -> st.SearchStrategy:
    """JSON documents, valid and mangled (cut, a character inserted or replaced)."""
    docs = st.recursive(
        st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False), st.integers(-(10**20), 10**20), valid_text),
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(valid_text, inner, max_size=3)),
        max_leaves=6,
    )
    dumped = st.tuples(docs, st.booleans()).map(lambda t: json.dumps(t[0], ensure_ascii=t[1]))
    special = st.sampled_from(
        ['"\\ud800"', '"\\ud83d\\ude00"', '"\\u12"', "1e400", "[1e400, -1e999]", '{"a/b":1e500}', "01", "-", "1.", "tru",
         '{"a":1,"a":{"b":2}}', '"\\x"', " [ ] ", '{"":0}', "nulll", '"\t"', "\u00a0", "[" * 30 + "]" * 30]
    )  # fmt: skip
    cut = st.tuples(dumped, st.integers(0, 40)).map(lambda t: t[0][: t[1]])
    insert = st.tuples(dumped, st.integers(0, 40), st.sampled_from(list('{}[],:"\\ x0-e.é\x01') + ["\udcff"])).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :]
    )
    return st.one_of(dumped, special, cut, insert)


# --- arguments: template literals or data ---------------------------------------------------------------


class Call:
    """A template calling one function with literal and data arguments."""

    def __init__(self) -> None:
        self.args: list[str] = []
        self.data: dict[str, Any] = {}

    def literal(self, text: str) -> None:
        self.args.append(text)

    def value(self, payload: Any) -> None:
        key = f"a{len(self.data)}"
        self.data[key] = payload
        self.args.append("." + key)

    def template(self, name: str) -> str:
        return "{{ " + " ".join([name, *self.args]) + " }}"

    def typed_data(self) -> Any:
        return typed("map[string]any", self.data) if self.data else None


def _draw_string(data: st.DataObject, call: Call) -> None:
    s = data.draw(any_text)
    if any("\udc80" <= c <= "\udcff" for c in s) or data.draw(st.booleans()):
        call.literal(go_quote(s))
    else:
        call.value(typed("string", s))


def _draw_int(data: st.DataObject, call: Call) -> None:
    n = data.draw(int_edge)
    if data.draw(st.booleans()):
        call.literal(str(n))
    else:
        call.value(typed("int", str(n) if abs(n) > 2**53 else n))


def _draw_bool(data: st.DataObject, call: Call) -> None:
    call.literal(data.draw(st.sampled_from(["true", "false"])))


def _draw_any(data: st.DataObject, call: Call) -> None:
    kind = data.draw(st.sampled_from(["data", "data", "data", "string", "number", "nil"]))
    if kind == "data":
        call.value(data.draw(any_value))
    elif kind == "string":
        call.literal(go_quote(data.draw(any_text)))
    elif kind == "number":
        call.literal(data.draw(st.sampled_from(["0", "1", "-3", "1.5", "0.0", "1e3", "0x10", "'a'", "1i"])))
    else:
        call.literal("nil")


def _draw_json(data: st.DataObject, call: Call) -> None:
    text = data.draw(json_texts())
    call.literal(go_quote(text))


_DRAW = {"s": _draw_string, "i": _draw_int, "b": _draw_bool, "v": _draw_any, "j": _draw_json}


def draw_call(data: st.DataObject, kinds: str) -> Call:
    """Arguments by kind letters ("*" after a letter: zero to three of them); now
    and then an argument of a wrong type or a missing/extra argument."""
    call = Call()
    i = 0
    while i < len(kinds):
        k = kinds[i]
        count = 1
        if i + 1 < len(kinds) and kinds[i + 1] == "*":
            count = data.draw(st.integers(0, 3))
            i += 1
        for _ in range(count):
            wrong = data.draw(st.integers(0, 19)) == 0
            _DRAW["v" if wrong else k](data, call)
        i += 1
    if data.draw(st.integers(0, 29)) == 0:
        if call.args and data.draw(st.booleans()):
            call.args.pop()
        else:
            _draw_any(data, call)
    return call


def check_call(go: Any, name: str, call: Call) -> dict:
    return compare(go, call.template(name), call.typed_data())


# --- deterministic functions: differential -------------------------------------------------------------

STRING_FUNCS = {
    "hello": "",
    "upper": "s", "lower": "s", "title": "s", "untitle": "s", "trim": "s", "nospace": "s", "initials": "s",
    "swapcase": "s", "snakecase": "s", "camelcase": "s", "kebabcase": "s",
    "substr": "iis", "repeat": "is", "trimAll": "ss", "trimall": "ss", "trimPrefix": "ss", "trimSuffix": "ss",
    "wrap": "is", "wrapWith": "iss", "contains": "ss", "hasPrefix": "ss", "hasSuffix": "ss",
    "indent": "is", "nindent": "is", "replace": "sss", "plural": "ssi", "trunc": "is", "abbrev": "is",
    "abbrevboth": "iis", "split": "ss", "splitList": "ss", "splitn": "sis", "atoi": "s", "fail": "s",
    "quote": "v*", "squote": "v*", "cat": "v*", "toString": "v", "toStrings": "v", "join": "sv", "sortAlpha": "v",
    "int": "v", "int64": "v", "float64": "v", "toDecimal": "v",
}  # fmt: skip

DEFAULTS_FUNCS = {
    "default": "vv*", "empty": "v", "coalesce": "v*", "all": "v*", "any": "v*", "ternary": "vvb",
    "toJson": "v", "mustToJson": "v", "toPrettyJson": "v", "mustToPrettyJson": "v", "toRawJson": "v", "mustToRawJson": "v",
    "fromJson": "j", "mustFromJson": "j",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(STRING_FUNCS))
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_string_funcs_like_go(go, name: str, data: st.DataObject) -> None:
    check_call(go, name, draw_call(data, STRING_FUNCS[name]))


@pytest.mark.parametrize("name", sorted(DEFAULTS_FUNCS))
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_defaults_funcs_like_go(go, name: str, data: st.DataObject) -> None:
    check_call(go, name, draw_call(data, DEFAULTS_FUNCS[name]))


@settings(max_examples=EXAMPLES)
@given(value=any_value)
def test_json_round_trip_like_go(go, value: Any) -> None:
    """fromJson of toJson/toPrettyJson/toRawJson output, and the decoded value's type."""
    compare(go, '{{ $j := toJson . }}{{ $j }}|{{ fromJson $j }}|{{ mustFromJson (toPrettyJson .) }}|{{ toRawJson . | fromJson | printf "%T" }}', value)


@settings(max_examples=EXAMPLES)
@given(text=json_texts())
def test_from_json_values_like_go(go, text: str) -> None:
    """What fromJson decodes, re-encoded and printed."""
    compare(go, '{{ $v := fromJson %s }}{{ $v }} {{ toJson $v }} {{ printf "%%T" $v }}' % go_quote(text))


@settings(max_examples=EXAMPLES)
@given(text=st.one_of(any_text, word_text, st.text(st.sampled_from("aA1_- .Zz9é"), max_size=12)))
def test_case_conversions_like_go(go, text: str) -> None:
    """All the case and word functions on one string, as a literal (invalid UTF-8 too)."""
    lit = go_quote(text)
    funcs = ["upper", "lower", "title", "untitle", "swapcase", "snakecase", "camelcase", "kebabcase", "initials", "nospace", "trim"]
    compare(go, "|".join("{{ %s %s }}" % (f, lit) for f in funcs), None)


# --- hand-picked cases ---------------------------------------------------------------------------------

HAND_PICKED = [
    # slicing panics and allocation limits
    '{{ substr 2 1 "abc" }}', '{{ substr -1 5 "abc" }}', '{{ substr -1 -5 "abc" }}', '{{ substr 5 -1 "abc" }}',
    '{{ substr 0 1 "é" }}', '{{ trunc 1 "é" }}', '{{ trunc -1 "é" }}',
    '{{ repeat -1 "a" }}', '{{ repeat 4611686018427387904 "ab" }}', '{{ repeat 9223372036854775807 "a" }}',
    '{{ indent 9223372036854775807 "a" }}', '{{ indent -2 "a" }}', '{{ repeat 9223372036854775807 "" }}',
    '{{ randAlpha 9223372036854775807 }}',
    # strconv and cast corners
    '{{ atoi "99999999999999999999" }}', '{{ atoi "-99999999999999999999" }}', '{{ atoi "1_000" }}', '{{ atoi "+5" }}',
    '{{ int64 "0x10" }}|{{ int64 "1.0.0" }}|{{ int64 "12.000" }}|{{ int "0b11" }}|{{ float64 "0x1p4" }}|{{ float64 "1_0.5" }}',
    '{{ int64 1e19 }}', '{{ int64 -1.9 }}', '{{ float64 nil }}|{{ int nil }}|{{ int64 true }}', '{{ toDecimal "777" }}|{{ toDecimal 9 }}|{{ toDecimal -10 }}',
    # byte-wise goutils functions
    '{{ nospace "à b" }}', '{{ initials "élan vital" }}', '{{ initials "a\\u0085b c" }}', '{{ nospace "\\xa0\\x85" }}',
    '{{ abbrevboth 0 4 "abcdefgh" }}', '{{ abbrevboth 5 7 "abcdefghijklmnopqrstuvwxyz" }}', '{{ abbrevboth 20 10 "abcdefghijklmnopqrstuvwxyz" }}',
    '{{ abbrevboth -9223372036854775808 4 "000000" }}', '{{ abbrevboth 9223372036854775807 9223372036854775807 "0123456789" }}', '{{ abbrev 4 "ééé" }}', '{{ wrap 0 "a b c" }}', '{{ wrapWith 2 "" "abcdef ghi" }}', '{{ wrap 3 "  a  b  " }}',
    # Unicode (Go 1.27's tables)
    '{{ upper "ß ǆ ſ ﬀ" }}', '{{ lower "İ ẞ Σ" }}', '{{ title "ǆa ǅb σc" }}', '{{ swapcase "ǅ ǆ ǅ" }}', '{{ upper "\\ua7cb\\u0295" }}',
    '{{ camelcase "_" }}', '{{ camelcase "__a__b" }}', '{{ snakecase "HTTPServer2xxOK" }}', '{{ kebabcase "a\\xffB" }}',
    '{{ snakecase "\\xff\\xfe" }}', '{{ camelcase "a\\xffb" }}', '{{ snakecase "中文Abc" }}',
    # split and replace on bytes
    '{{ splitList "" "a\\xffé" }}', '{{ splitn "" 2 "abc" }}', '{{ splitn "," 0 "a,b" }}', '{{ split "," "" }}',
    '{{ replace "" "-" "é\\xff" }}', '{{ replace "\\xc3" "x" "é" }}', '{{ trimPrefix "\\xc3" "é" }}', '{{ contains "\\xa9" "é" }}',
    '{{ trimAll "\\xff" "\\xfe\\xffa\\ufffd" }}', '{{ trimAll "" "a" }}',
    '{{ $j := join "\\xa9" (splitList "," "\\xc3,x") }}{{ $j }}{{ eq $j "éx" }}{{ len $j }}',
    '{{ $c := cat "\\xc3" "\\xa9" }}{{ $c }}{{ eq $c "\\xc3 \\xa9" }}{{ $q := quote "\\xc3" }}{{ $q }}',
    # nil and typed-nil values
    '{{ quote nil }}|{{ squote nil 1 }}|{{ cat nil }}|{{ toString nil }}|{{ toStrings nil }}|{{ join "," nil }}|{{ sortAlpha nil }}',
    '{{ default "d" nil }}|{{ default "d" "" }}|{{ default "d" }}|{{ coalesce }}|{{ empty nil }}',
    '{{ fail "" }}', '{{ fail "boom" }}', '{{ hello }}',
    # JSON
    '{{ mustFromJson "[" }}', '{{ fromJson "" }}', '{{ mustFromJson "\\"\\xff\\"" }}', '{{ mustToJson "\\xff<" }}',
]  # fmt: skip


def test_hand_picked_like_go(go) -> None:
    compare_many(go, [(t, None) for t in HAND_PICKED])


DATA_CASES = [
    ('{{ default "d" .nope }}|{{ empty .nope }}|{{ toString .nope }}|{{ coalesce .nope .z 1 }}|{{ .nope | default "p" }}|{{ .z | default "p" }}|{{ .s | default "p" }}',
     {"z": 0, "s": "set"}),
    ('{{ quote .nope }}|{{ cat .nope "x" }}|{{ toJson .nope }}|{{ int64 .nope }}|{{ ternary .nope 1 true }}|{{ all .s .nope }}|{{ any .nope .s }}',
     {"s": "set"}),
    ("{{ sortAlpha . }}{{ . }}", typed("[]string", ["b", "a", "\u00e9", "B"])),
    ("{{ sortAlpha . }}{{ . }}", typed("[]any", ["b", "a", 1])),
    ("{{ sortAlpha . }}", typed("*[]string", ["b", "a"])),
    ("{{ sortAlpha . }}", typed("[2]int", [2, 1])),
    ("{{ toStrings . }}|{{ join \"-\" . }}", typed("[]error", ["x", None])),
    ("{{ toStrings . }}|{{ join \"-\" . }}", typed("[]*int", [None, None])),
    ("{{ toStrings . }}|{{ join \"-\" . }}", typed("[]string", None)),
    ("{{ toJson (toStrings .) }}|{{ toJson (splitList \",\" \"\") }}|{{ toJson (sortAlpha .) }}", typed("[]string", None)),
    ("{{ toJson . }}|{{ toRawJson . }}|{{ toPrettyJson . }}", [1, "<&>", None, {"a": []}, {}, []]),
    ("{{ toString . }}|{{ quote . }}|{{ squote . }}", typed("oracle.Stringer", {"S": "s"})),
    ("{{ toString . }}|{{ quote . }}|{{ squote . }}", typed("*oracle.Stringer", None)),
    ("{{ toString . }}|{{ quote . }}|{{ squote . }}|{{ cat . }}", typed("[]byte", "hi")),
    ("{{ empty . }}|{{ default 1 . }}", typed("struct{}", {})),
    ("{{ empty . }}|{{ default 1 . }}", typed("[0]int", [])),
    ("{{ empty . }}|{{ default 1 . }}", typed("complex128", [0, 0])),
    ("{{ empty . }}|{{ default 1 . }}", typed("float64", "-0")),
    ("{{ empty . }}|{{ default 1 . }}", typed("float64", "NaN")),
    ("{{ int64 . }}|{{ int . }}|{{ float64 . }}", typed("time.Duration", "1s")),
    ("{{ int64 . }}|{{ int . }}|{{ float64 . }}|{{ toDecimal . | printf \"%T\" }}|{{ empty . }}", typed("**int", 7)),
    ("{{ toString . }}|{{ cat . }}|{{ squote . }}|{{ toJson . }}|{{ toStrings . }}|{{ empty . }}", typed("*struct{N int; S string}", {"N": 5, "S": "x"})),
    ("{{ int64 . }}|{{ float64 . }}|{{ toJson . }}", typed("*string", "0x10")),
    ("{{ int64 . }}|{{ int . }}|{{ float64 . }}", typed("uint64", "18446744073709551615")),
    ("{{ int64 . }}|{{ int . }}|{{ float64 . }}", typed("float32", "+Inf")),
    ("{{ int64 . }}|{{ int . }}|{{ float64 . }}", typed("uintptr", 5)),
    ("{{ mustToJson . }}", typed("map[string]map[bool]int", {"a": [[True, 1]]})),
    ("{{ mustToJson . }}", typed("map[any]int", [[1.5, 1]])),
    ("{{ mustToJson . }}", typed("map[float32]int", [[1e-7, 1], [1e21, 2]])),
    ("{{ mustToJson . }}", typed('struct{A int "json:\\",format:x\\""}', {})),
    ("{{ mustToJson . }}", typed('struct{A int "json:\\"a,string\\""; B *int "json:\\",string\\""; C **int "json:\\",string\\""; D string "json:\\",string\\""}', {"A": 1, "B": 2, "C": 3, "D": "x<"})),
    ("{{ mustToPrettyJson . }}", typed("[]any", [typed("time.Time", "2020-01-02T03:04:05.5+01:00"), typed("error", "e"), typed("[]byte", "x")])),
]


def test_data_cases_like_go(go) -> None:
    compare_many(go, DATA_CASES)


# --- random functions: properties ----------------------------------------------------------------------

_ALPHABETS = {
    "randAlphaNum": set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
    "randAlpha": set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
    "randNumeric": set("0123456789"),
    "randAscii": {chr(c) for c in range(32, 127)},
}


@pytest.mark.parametrize("name", sorted(_ALPHABETS))
@settings(max_examples=EXAMPLES)
@given(count=st.one_of(st.integers(-3, 70), st.just(MIN_INT)))
def test_random_strings(go, name: str, count: int) -> None:
    template = "{{ %s %d }}" % (name, count)
    go_out, go_err = go_render(go, template)
    ours_resp = ours(request(template))
    assert go_err is None and ours_resp["error"] is None
    for out in (go_out, ours_resp["output"]):
        assert len(out) == max(count, 0)
        assert set(out) <= _ALPHABETS[name]


@pytest.mark.parametrize("template", ['{{ randAlpha "x" }}', "{{ randNumeric }}", "{{ randAscii 1.5 }}", "{{ shuffle 1 }}", "{{ randAlphaNum nil }}"])
def test_random_funcs_errors_like_go(go, template: str) -> None:
    compare(go, template)


@settings(max_examples=EXAMPLES)
@given(text=any_text)
def test_shuffle_is_a_permutation(go, text: str) -> None:
    template = "{{ shuffle %s }}" % go_quote(text)
    go_out, go_err = go_render(go, template)
    resp = ours(request(template))
    assert go_err is None and resp["error"] is None
    # []rune(s): invalid bytes become U+FFFD.
    runes = sorted(chr(gounicode.rune_of(c)) for c in text)
    assert sorted(resp["output"]) == runes == sorted(go_out)


# --- unit tests of the helpers ----------------------------------------------------------------------


def test_cast_api() -> None:
    assert cast.to_int64("12.00") == 12 and cast.to_int64("0x1F") == 31 and cast.to_int64(" 1") == 0
    assert cast.to_int64(V.Typed(V.UINT64, 2**64 - 1)) == -1
    assert cast.to_int64(float("nan")) == MIN_INT and cast.to_int64(1e300) == MIN_INT
    assert cast.to_int(V.Ptr(V.ptr_to(V.INT8), 5)) == 5 and cast.to_int64(None) == 0 and cast.to_int64(True) == 1
    assert cast.to_float64("1e400") == 0.0 and cast.to_float64("0x1p3") == 8.0 and cast.to_float64(V.Typed(V.INT16, -2)) == -2.0
    assert cast.to_bool("T") and not cast.to_bool("yes") and cast.to_bool(1) and not cast.to_bool(None)
    assert cast.strval(b"ab") == "ab" and cast.strval(None) == "<nil>" and cast.strval(ValueError("x")) == "x"
    assert cast.strval([1, "a", None]) == "[1 a <nil>]"
    assert cast.to_string_slice([1, None, "x"]) == ["1", "x"] and cast.to_string_slice(b"ab") == ["97", "98"]
    assert cast.to_string_slice(None) == [] and cast.to_string_slice(V.Slice(V.slice_of(V.STRING), None)) is None
    assert math.isnan(cast.to_float64(V.Typed(V.FLOAT32, float("nan"))))


def _all_runes() -> list[str]:
    return [chr(r) for r in range(0x110000) if not 0xD800 <= r <= 0xDFFF]


def test_unicode_tables_like_go(go) -> None:
    """Every rune through the functions that use Go's unicode tables (simple case
    mappings, IsUpper/IsLower/IsTitle/IsLetter/IsPunct/IsNumber/IsSpace): gotmpl's
    tables (gotmpl.sprig.gounicode) must be Go 1.27's."""
    runes = _all_runes()
    template = "{{ upper .s }}|{{ lower .s }}|{{ swapcase .s }}|{{ title .t }}|{{ untitle .t }}|{{ snakecase .u }}|{{ camelcase .u }}"
    size = 4000
    cases = []
    for i in range(0, len(runes), size):
        chunk = runes[i : i + size]
        data = {"s": "".join(chunk), "t": " ".join(chunk), "u": "".join("A" + c + "b_" + c + "1" for c in chunk)}
        cases.append((template, data))
    for start in range(0, len(cases), 20):
        compare_many(go, cases[start : start + 20])

"""injector.goyaml against Go: ghodss/yaml Marshal, YAMLToJSON and the k8s document reader.

``marshal`` is judged by the Go oracle's ``toYaml`` (Istio's function: ghodss
yaml.Marshal over gopkg.in/yaml.v2 2.4.0) on hand-picked values - strings that
need quoting, multi-line strings, long lines, key ordering, numbers - and on
Hypothesis-generated JSON-like values. ``toYaml`` swallows errors (Go returns
""), where ``marshal`` raises YAMLError.

The YAML-reading side has no Go oracle (the function sets have no YAML parser):
its expectations come from yaml.v2 2.4.0's resolve.go/decode.go rules and
ghodss' convertToJSONableObject, case by case below, and from Istio's goldens
(test_gojson.py).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import hypothesis_examples
from injector import gojson, goyaml

# --- the oracle ------------------------------------------------------------------------------------


def typed(v: Any) -> Any:
    """A JSON-like value in the oracle's typed encoding (ints stay ints, not float64)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return {"t": "bool", "v": v}
    if isinstance(v, int):
        return {"t": "int64" if v < 2**63 else "uint64", "v": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            return {"t": "float64", "v": "NaN"}
        if math.isinf(v):
            return {"t": "float64", "v": "+Inf" if v > 0 else "-Inf"}
        return {"t": "float64", "v": repr(v)}
    if isinstance(v, str):
        return {"t": "string", "v": v}
    if isinstance(v, list):
        return {"t": "[]any", "v": [typed(x) for x in v]}
    return {"t": "map[string]any", "v": {k: typed(x) for k, x in v.items()}}


def go_to_yaml(oracle: Any, values: list[Any]) -> list[str]:
    """Go's toYaml output for each value ("" when Go's Marshal failed)."""
    requests = [{"template": "{{toYaml .}}", "funcs": ["istio@1.1"], "data": typed(v)} for v in values]
    out = []
    for r in oracle.run_many(requests):
        assert r["error"] is None, r["error"]
        out.append(r["output"])
    return out


def ours(v: Any) -> str:
    try:
        return goyaml.marshal(v)
    except goyaml.YAMLError:
        return ""


def consistent_key_order(v: Any) -> bool:
    """Whether yaml.v2's key order is a total order on every map of v. Keys
    such as "1a", "9", "10" form a cycle (1a < 9 < 10 < 1a); Go's output then
    depends on its random map iteration, so no single answer exists."""
    if isinstance(v, list):
        return all(consistent_key_order(x) for x in v)
    if not isinstance(v, dict):
        return True
    keys = list(v)
    less = goyaml._key_less
    for a in keys:
        for b in keys:
            for c in keys:
                if less(a, b) and less(b, c) and not less(a, c):
                    return False
    return all(consistent_key_order(x) for x in v.values())


def check_against_go(oracle: Any, values: list[Any]) -> None:
    want = go_to_yaml(oracle, values)
    mismatches = [(v, w, ours(v)) for v, w in zip(values, want) if ours(v) != w]
    assert not mismatches, "\n".join(f"{v!r}:\n  go:   {w!r}\n  ours: {g!r}" for v, w, g in mismatches[:10])


# Strings yaml.v2 must quote (or not): scalars that resolve to other types,
# indicators, spaces, line breaks, non-printable and non-BMP characters, ...
STRINGS = [
    "", " ", "a b", " a", "a ", "15000", "-1", "+1", "1.5", "1e3", "0x1F", "0777", "08", "0b101", "-0b101",
    "0o17", "1_000", "1__0", "_1", "1e400", "0.", "1.", ".5", "+.5", "._5", "-", "+",
    "true", "false", "True", "y", "Y", "n", "yes", "No", "on", "OFF", "null", "Null", "~",
    ".inf", "-.inf", ".nan", ".NaN", "<<", "=",
    "2018-01-01", "2018-1-1", "2018-13-01", "2018-02-29", "2020-02-29", "2018-01-01T00:00:00Z",
    "2018-01-01t10:00:00.5+02:00", "2018-01-01 10:00:00", "2018-01-01 24:00:00", "1:20", "12:30:45", "190:20:30.15",
    "a: b", "a:b", "a:", ":a", "a #b", "a#b", "#a", "- a", "-a", "--- a", "---", "...", "? a", "?a",
    "{a}", "[a]", "a,b", "*a", "&a", "!a", "|a", ">a", "'a", '"a', "%a", "@a", "`a", "it's", "'", '"', "\\",
    "a\nb", "a\n", "a\n\n", "\n", "\na", " a\nb", "a \nb", "a\n b", "\ta", "a\tb", "a\rb", "a\r\nb",
    "é", "日本語", "😀", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\xa0", "\u2028", "a\u2028b", "\ufeffa", "\ufffe",
    "a \x85 b", "a\x85\x85b", "\x85--- a", "\x85---",
    "x" * 100, " ".join(["word"] * 30), "a" * 90 + " b", "x " * 60, "a  b " * 20, "k: v " * 30,
    "é" * 50 + " " + "é" * 40, "'quoted' " * 15, '"dq" \\ ' * 15,
]  # fmt: skip


@pytest.mark.oracle
def test_strings_match_go(oracle: Any) -> None:
    values: list[Any] = []
    for s in STRINGS:
        values += [s, {"k": s}, {s: "v"}, [s], {"k": [s]}, [[s]], [{"a": s, "b": [s]}]]
    check_against_go(oracle, values)


@pytest.mark.oracle
def test_numbers_match_go(oracle: Any) -> None:
    floats = [0.0, -0.0, 1.0, 1.5, 1e6, 1e20, 1e21, -1e21, 1e-6, 1e-7, 1.5e-7, 123456789.0, 0.1, 1 / 3,
              2.0**53, 2.0**63, 2.0**64, 1e300, 5e-324, 15020.0, 12345678.0]  # fmt: skip
    ints = [0, -1, 15001, 2**31, 2**53 + 1, 2**63 - 1, -(2**63), 2**63, 2**64 - 1]
    values: list[Any] = []
    for n in floats + ints:
        values += [n, {"k": n}, [n]]
    check_against_go(oracle, values)


@pytest.mark.oracle
def test_key_order_matches_go(oracle: Any) -> None:
    keys = ["a10", "a9", "a09", "a009", "a1", "A", "B", "a", "_", "-", ".", "0", "00", "1", "10", "9",
            "a0", "a00", "a01", "b2c10", "b2c9", "é", "Z", "z", "x1y2", "x01y3", "x1y02", "٣", "²",
            "99999999999999999999", "99999999999999999998", "a 1", "a  1", "a-1", "a_1"]  # fmt: skip
    assert consistent_key_order(dict.fromkeys(keys))
    check_against_go(oracle, [{k: i for i, k in enumerate(keys)}, {k: i for i, k in enumerate(reversed(keys))}])


def test_cyclic_key_order_is_detected() -> None:
    assert not consistent_key_order({"1a": 1, "9": 2, "10": 3})


@pytest.mark.oracle
def test_structures_match_go(oracle: Any) -> None:
    values = [
        None, True, {}, [], [[]], [{}], {"a": {}}, {"a": []}, {"a": [[1, [2, []]], {"b": {"c": None}}]},
        [[["deep"]]], [{"a": 1, "b": [{"c": [1, 2]}]}], {"a": {"b": {"c": {"d": ["x " * 50]}}}},
        {"args": ["proxy", "sidecar", "--proxyAdminPort", "15000", ""], "status": {"replicas": 0}},
        {"annotation": '{"version":"x","initContainers":["istio-init"]}', "schedule": "*/1 * * * *"},
        {"x" * 128: 1}, {"x" * 129: 1}, {"é" * 64: 1}, {"é" * 65: 1}, {"a\nb": 1}, {"": {"": ""}},
        {"<" * 170: 1}, {"<" * 171: 1}, {"x" * 1022: 1}, {"x" * 1023: 1},
    ]  # fmt: skip
    check_against_go(oracle, values)


_ALPHABET = list("abcxyzAZ09_-. :#'\"\\/{}[],&*!|>%@`?~=+<\n\t\r é日😀\x85\u2028\ufeff\x00\x7f") + [
    "yes", "no", "true", "null", "0x1", "1e3", "2018-01-01", "---", "...", "  ", "\n\n", "x" * 30, "word ",
]  # fmt: skip
# No unassigned code points (Cn): Python 3.11 knows Unicode 14, Go 1.27 a later
# version, and yaml.v2's key order asks unicode.IsLetter about each rune.
_text = st.lists(st.sampled_from(_ALPHABET), max_size=25).map("".join) | st.text(
    max_size=15, alphabet=st.characters(blacklist_categories=("Cs", "Cn"))
)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text
)
json_values = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4), max_leaves=15
)


@pytest.mark.oracle
@settings(max_examples=hypothesis_examples(300))
@given(json_values)
def test_marshal_matches_go_on_generated_values(oracle: Any, value: Any) -> None:
    assume(consistent_key_order(value))
    check_against_go(oracle, [value])


@pytest.mark.oracle
@settings(max_examples=hypothesis_examples(100))
@given(st.lists(st.sampled_from(["ab", "c ", "  ", "x" * 30, "é", "a:b", "#", "'", "\n", "\t", "\\"]), max_size=60))
def test_folding_of_long_strings_matches_go(oracle: Any, parts: list[str]) -> None:
    s = "".join(parts)
    check_against_go(oracle, [s, {"k": s}, {"a": {"b": [s]}}])


# --- marshal without the oracle -------------------------------------------------------------------


def test_marshal_examples() -> None:
    assert goyaml.marshal({"b": [1, "15000", ""], "a": {}, "c": [], "d": None}) == (
        'a: {}\nb:\n- 1\n- "15000"\n- ""\nc: []\nd: null\n'
    )
    assert goyaml.marshal({"s": "a\nb"}) == "s: |-\n  a\n  b\n"
    assert goyaml.marshal(15020.0) == "15020\n"
    assert goyaml.marshal(1e6) == "1000000\n"
    assert goyaml.marshal(1e21) == "1e+21\n"
    assert goyaml.marshal(1.5e-7) == "1.5e-07\n"


def test_marshal_errors() -> None:
    with pytest.raises(goyaml.YAMLError):
        goyaml.marshal(math.nan)
    with pytest.raises(goyaml.YAMLError, match="control characters"):
        goyaml.marshal("\x7f")
    # A gotmpl string holding an invalid byte (a lone surrogate): JSON writes U+FFFD.
    assert goyaml.marshal("a\udcffb") == "a\ufffdb\n"


def test_marshal_encodes_gotmpl_values() -> None:
    port = gojson.decode({"containerPort": 80, "protocol": "TCP"}, "corev1.ContainerPort")
    assert goyaml.marshal(port) == "containerPort: 80\nprotocol: TCP\n"


# --- YAMLToJSON -------------------------------------------------------------------------------------

# yaml.v2 2.4.0's resolution of plain scalars (resolve.go), as seen through
# JSON: (YAML text, the value in the JSON-like result).
RESOLUTION = [
    ("a", "a"), ("yes", True), ("Y", True), ("on", True), ("No", False), ("off", False), ("n", False),
    ("true", True), ("TRUE", True), ("tRue", "tRue"), ("~", None), ("null", None), ("", None), ("NULL", None),
    ("15001", 15001), ("-3", -3), ("+3", 3), ("0777", 511), ("0x1F", 31), ("0o17", 15), ("0b101", 5),
    ("-0b101", -5), ("1_000", 1000), ("08", 8.0), ("1e3", 1000.0), ("1.5", 1.5), (".5", 0.5), ("-.5", -0.5),
    ("9223372036854775807", 2**63 - 1), ("9223372036854775808", 2**63), ("18446744073709551616", 2.0**64),
    ("1e400", "1e400"), ("2018-01-01", "2018-01-01"), ("2018-01-01T10:00:00Z", "2018-01-01T10:00:00Z"),
    ("1:20", "1:20"), ("<<", "<<"), ("=", "="), ("0.", 0.0), ("+", "+"), ("._5", "._5"),
]  # fmt: skip


@pytest.mark.parametrize("text,expected", RESOLUTION)
def test_plain_scalar_resolution(text: str, expected: Any) -> None:
    got = goyaml.yaml_to_json(f"k: {text}\n")["k"]
    assert got == expected and type(got) is type(expected)


def test_special_floats() -> None:
    assert goyaml.load("a: .inf\nb: -.Inf\nc: .NaN\n")["a"] == math.inf
    with pytest.raises(goyaml.YAMLError, match=r"json: unsupported value: \+Inf"):
        goyaml.yaml_to_json("a: .inf\n")
    # Into a Go string field ghodss converts first, so no JSON error.
    assert goyaml.yaml_to_json("args: [.inf]\n", "corev1.Container") == {"args": ["+Inf"]}


def test_quoted_and_tagged_scalars() -> None:
    doc = goyaml.yaml_to_json("a: '1'\nb: \"true\"\nc: !!str 5\nd: !!float 3\ne: !!int '7'\nf: !!binary aGk=\n")
    assert doc == {"a": "1", "b": "true", "c": "5", "d": 3.0, "e": 7, "f": "hi"}
    with pytest.raises(goyaml.YAMLError, match="cannot decode !!str `abc` as a !!int"):
        goyaml.yaml_to_json("a: !!int abc\n")


def test_keys_become_strings() -> None:
    doc = goyaml.yaml_to_json("1: a\n1.5: b\ntrue: c\n0x10: d\n")
    assert doc == {"1": "a", "1.5": "b", "true": "c", "16": "d"}
    with pytest.raises(goyaml.YAMLError, match="Unsupported map key"):
        goyaml.yaml_to_json("~: a\n")
    with pytest.raises(goyaml.YAMLError, match="invalid map key"):
        goyaml.yaml_to_json("? [a]\n: b\n")


def test_merge_keys_and_duplicates() -> None:
    text = "base: &b {x: 1, p: 2}\nm:\n  p: 0\n  <<: *b\n  z: 3\nl:\n  <<: [{x: 1}, {x: 2, w: 2}]\ndup: 1\ndup: 2\n"
    doc = goyaml.yaml_to_json(text)
    # A merge overrides keys set before it (yaml.v2 merges in place); earlier maps of a list win.
    assert doc["m"] == {"p": 2, "x": 1, "z": 3}
    assert doc["l"] == {"x": 1, "w": 2}
    assert doc["dup"] == 2
    with pytest.raises(goyaml.YAMLError, match="map merge requires"):
        goyaml.yaml_to_json("a:\n  <<: 5\n")


def test_only_first_document_and_empty() -> None:
    assert goyaml.yaml_to_json("a: 1\n---\nb: 2\n") == {"a": 1}
    assert goyaml.yaml_to_json("") is None
    assert goyaml.yaml_to_json("# just a comment\n") is None
    with pytest.raises(goyaml.YAMLError, match="line 2"):
        goyaml.yaml_to_json("a: b\n c: d: e\n")


def test_conversion_for_string_fields() -> None:
    """ghodss turns YAML numbers and booleans headed for Go string fields into
    strings: ints in decimal, floats with FormatFloat(f, 'g', -1, 32)."""
    text = (
        "name: 123\nargs: [-p, 15001, 1.5, 0.1, 3.14159265358979, 1e6, true, 0777, ~]\n"
        "image: yes\nports: [{containerPort: 80, name: 8080}]\n"
    )
    doc = goyaml.yaml_to_json(text, "corev1.Container")
    assert doc == {
        "name": "123",
        "args": ["-p", "15001", "1.5", "0.1", "3.1415927", "1e+06", "true", "511", None],
        "image": "true",
        "ports": [{"containerPort": 80, "name": "8080"}],
    }
    # Map values of map[string]string too; fields matched case-insensitively.
    meta = goyaml.yaml_to_json("Labels: {version: 1, on: off}\nNAME: 5\n", "metav1.ObjectMeta")
    assert meta == {"Labels": {"version": "1", "true": "false"}, "NAME": "5"}


def test_no_conversion_for_promoted_fields_and_unmarshalers() -> None:
    # kind is promoted from the embedded TypeMeta: ghodss looks at the TypeMeta
    # field itself (a struct), so 5 stays a number and json.Unmarshal fails.
    assert goyaml.yaml_to_json("kind: 5\n", "corev1.Pod") == {"kind": 5}
    with pytest.raises(gojson.JSONError, match=r"Go struct field Pod\.TypeMeta\.kind of type string"):
        goyaml.unmarshal("kind: 5\n", "corev1.Pod")
    # IntOrString has UnmarshalJSON: no conversion below it.
    doc = goyaml.yaml_to_json("httpGet: {port: 8080}\n", "corev1.Probe")
    assert doc == {"httpGet": {"port": 8080}}


# --- the document reader ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,docs",
    [
        ("a: 1\n---\nb: 2\n", ["a: 1\n", "b: 2\n"]),
        ("---\na: 1\n---\n---\nb: 2", ["a: 1\n", "b: 2\n"]),
        ("a: 1\r\n---  \r\nb: 2\r\n", ["a: 1\n", "b: 2\n"]),
        ("a: 1\n--- # not a separator\n", ["a: 1\n--- # not a separator\n"]),
        ("a: 1\n---x\n", ["a: 1\n---x\n"]),
        ("a: 1\n\n---\n# only a comment\n---\n\n", ["a: 1\n\n", "# only a comment\n", "\n"]),
        ("", []),
        ("a: 1\r", ["a: 1\r\n"]),
    ],
)
def test_split_documents(text: str, docs: list[str]) -> None:
    assert goyaml.split_documents(text) == docs


def test_aliases() -> None:
    assert goyaml.yaml_to_json("a: &x [1, {b: 2}]\nc: *x\n") == {"a": [1, {"b": 2}], "c": [1, {"b": 2}]}
    with pytest.raises(goyaml.YAMLError, match="contains itself"):
        goyaml.yaml_to_json("a: &x [1, *x]\n")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i, name in enumerate("bcdefgh"):
        prev = "abcdefgh"[i]
        bomb += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
    with pytest.raises(goyaml.YAMLError, match="excessive aliasing"):
        goyaml.yaml_to_json(bomb)


@pytest.mark.parametrize(
    "text,message",
    [
        ("a: b\n c: d: e\n", "yaml: line 2: mapping values are not allowed in this context"),
        ("a: *x\n", "yaml: unknown anchor 'x' referenced"),
        ("a: \x01\n", "yaml: control characters are not allowed"),
        ("a: b\nc\n", "yaml: line 3: could not find expected ':'"),
    ],
)
def test_parse_errors_use_yaml_v2_wording(text: str, message: str) -> None:
    """PyYAML's problems reworded as libyaml's (approximate: the two parsers
    can notice a problem at different places)."""
    with pytest.raises(goyaml.YAMLError) as info:
        goyaml.yaml_to_json(text)
    assert str(info.value) == "error converting YAML to JSON: " + message

"""The value model: Python values and classes seen with Go's types. Each check
renders a Python value and the equivalent typed value through the oracle and
compares; iterators (which the oracle cannot encode) are checked by their
Go 1.23 semantics."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any, Optional

import pytest

from goldens import same_response
from gotmpl import Template
from gotmpl import values as V

PROBE = (
    '{{printf "%T|%v|%+v" . . .}}|{{range $k, $v := .}}{{$k}}={{printf "%T:%v" $v $v}};{{end}}'
    '|{{index . "Labels" | printf "%T"}}|{{index .Labels "missing" | printf "%q"}}|{{.Replicas}}|{{.Owner}}'
)


@dataclasses.dataclass
class Meta:
    Name: str
    Labels: dict[str, str]
    Replicas: V.Int32 = 1
    Owner: Optional["Meta"] = None
    Ratio: V.Float32 = 0.5
    Tags: list[str] = dataclasses.field(default_factory=list)


META_TYPE = (
    "struct{Name string; Labels map[string]string; Replicas int32; Owner *main.Meta; Ratio float32; Tags []string}"
)


def _render(template: str, data: Any) -> str:
    return Template("t").parse(template).render(data)


def test_dataclass_fields_have_go_types(oracle) -> None:
    m = Meta("web", {"app": "x"}, 3, None, 0.1, ["a"])
    t = '{{printf "%T %T %T %T %T %T" .Name .Labels .Replicas .Owner .Ratio .Tags}} {{.Ratio}} {{index .Labels "nope" | printf "%q"}} {{.Owner}}'
    # The same struct written as a Go type (the pointer field as a plain *struct).
    go_type = "struct{Name string; Labels map[string]string; Replicas int32; Owner *struct{}; Ratio float32; Tags []string}"
    go = oracle.run({"template": t, "data": {"t": go_type, "v": {"Name": "web", "Labels": {"app": "x"}, "Replicas": 3, "Ratio": 0.1, "Tags": ["a"]}}})
    ours = _render(t, m).replace("*main.Meta", "*struct {}")
    assert ours == go["output"]


@pytest.mark.parametrize(
    "value,typed",
    [
        ({"b": 2, "a": 1.5, "c": [True, None, "x"]}, {"b": 2, "a": 1.5, "c": [True, None, "x"]}),
        ([1, "a", None, 2.5], {"t": "[]any", "v": [{"t": "int", "v": 1}, "a", None, 2.5]}),
        ({1: "x", -3: "y"}, {"t": "map[int]any", "v": [[1, "x"], [-3, "y"]]}),
        (b"hi", {"t": "[]byte", "v": "hi"}),
        ((1, 2), {"t": "[]any", "v": [{"t": "int", "v": 1}, {"t": "int", "v": 2}]}),
        (10**6, {"t": "int", "v": 1000000}),
        (1e6, {"t": "float64", "v": 1e6}),
        (1 + 2j, {"t": "complex128", "v": [1, 2]}),
    ],
    ids=["dict", "list", "int-keys", "bytes", "tuple", "int", "float", "complex"],
)
def test_python_values_print_as_their_go_types(oracle, value: Any, typed: Any) -> None:
    t = '{{printf "%T|%v|%#v" . . .}}|{{len .}}' if not isinstance(value, (int, float, complex)) else '{{printf "%T|%v|%#v" . . .}}'
    assert _render(t, value) == oracle.run({"template": t, "data": typed})["output"]


class Mode(enum.Enum):
    OFF = 0
    ON = 1

    def String(self) -> str:  # noqa: N802 - Go's Stringer
        return "mode:" + self.name


def test_enums_print_through_their_go_string_method() -> None:
    assert _render("{{.}} {{printf \"%d %v %s\" . . .}} {{if .}}on{{end}}", Mode.ON) == "mode:ON 1 mode:ON mode:ON on"


def test_typed_wrappers_and_nil_kinds(oracle) -> None:
    cases = [
        (V.Typed(V.INT8, -5), {"t": "int8", "v": -5}),
        (V.Slice(V.slice_of(V.INT), None), {"t": "[]int", "v": None}),
        (V.Map(V.map_of(V.STRING, V.INT), None), {"t": "map[string]int", "v": None}),
        (V.Ptr(V.ptr_to(V.INT), None), {"t": "*int", "v": None}),
        (V.Ptr(V.ptr_to(V.STRING), "x"), {"t": "*string", "v": "x"}),
    ]
    t = '{{printf "%T %v" . .}} {{if .}}y{{else}}n{{end}}'
    for ours, typed in cases:
        got = {"output": _render(t, ours), "error": None, "phase": None}
        assert same_response(got, oracle.run({"template": t, "data": typed}))


def test_python_iterators_range_as_go_iterators() -> None:
    consumed = []

    def gen() -> Any:
        for i in range(5):
            consumed.append(i)
            yield i

    out = _render("{{range .}}{{if eq . 2}}{{break}}{{end}}{{.}},{{end}}", gen())
    assert out == "0,1," and consumed == [0, 1, 2]  # lazy: break stops the iterator
    pairs = iter([("a", 1), ("b", 2)])
    assert _render("{{range $k, $v := .}}{{$k}}={{$v}};{{end}}", pairs) == "a=1;b=2;"
    assert _render("{{range .}}x{{else}}empty{{end}}", iter([])) == "empty"


def test_ints_beyond_64_bits_print_in_full() -> None:
    assert _render("{{.}}", 2**70) == str(2**70)


def test_funcs_with_annotations_get_go_parameter_types(oracle) -> None:
    def add(a: int, b: int) -> int:
        return a + b

    t = Template("t").funcs({"add": add})
    assert t.parse("{{add 1 2}}").render() == "3"
    with pytest.raises(Exception) as info:
        Template("t").funcs({"add": add}).parse("{{add 1.5 2}}").render()
    go = oracle.run({"template": "{{add 1.5 2}}", "funcs": ["test"]})
    assert str(info.value) == go["error"]


def test_from_typed_json_matches_oracle_decoding(oracle) -> None:
    import gofuncs  # noqa: F401 - oracle.T

    typed = {
        "t": "map[string]any",
        "v": {
            "d": {"t": "time.Duration", "v": "1h30m"},
            "tm": {"t": "time.Time", "v": "2024-01-02T03:04:05.123Z"},
            "t": {"t": "*oracle.T", "v": {"S": "x", "N": 1}},
            "a": {"t": "[2]uint16", "v": [1, 65535]},
            "s": {"t": "struct{A int; B *string; C []any}", "v": {"A": 1, "B": "b", "C": [1, {"t": "int", "v": 2}]}},
            "e": {"t": "error", "v": "boom"},
            "f": {"t": "float32", "v": "NaN"},
        },
    }
    t = '{{range $k, $v := .}}{{$k}}={{printf "%T" $v}}:{{$v}};{{end}}'
    got = Template("t").parse(t).render(V.from_typed_json(typed))
    want = oracle.run({"template": t, "data": typed})
    assert same_response({"output": got, "error": None, "phase": None}, want)


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00Z",
        "0000-03-04T05:06:07Z",
        "0000-12-31T23:59:59.123456789-12:00",
        "0099-12-31T23:59:59.5Z",
        "0400-02-29T00:00:00Z",
        "0999-01-01T00:00:00+00:00",
        "2024-01-02T03:04:05-07:30",
        "9999-12-31T23:59:59+01:00",
    ],
)
def test_time_years_print_as_go(oracle, text: str) -> None:
    """time.Time.String(): years padded to four digits (year 1 is ``0001``), year
    0 and the ends of the range included; +00:00 is the (UTC) local zone."""
    typed = {"t": "time.Time", "v": text}
    t = '{{.}}|{{printf "%v|%s" . .}}|{{printf "%v" (slice (tlist . .) 1)}}'
    got = Template("t").funcs({"tlist": lambda *xs: list(xs)}).parse(t).render(V.from_typed_json(typed))
    want = oracle.run({"template": t, "data": typed, "funcs": ["test"]})
    assert same_response({"output": got, "error": None, "phase": None}, want)


def test_zero_time_values_print_as_go(oracle) -> None:
    typed = {"t": "struct{T time.Time; P *time.Time; L []time.Time}", "v": {"L": ["0001-01-01T00:00:00Z"]}}
    t = '{{.}}|{{.T}}|{{.P}}|{{printf "%v %+v" . .}}'
    got = Template("t").parse(t).render(V.from_typed_json(typed))
    want = oracle.run({"template": t, "data": typed})
    assert same_response({"output": got, "error": None, "phase": None}, want)

"""``gotmpl check`` (gotmpl/check.py and the CLI command): every rule with failing
and passing cases, recovery after parse errors, suppression, output formats and
exit codes, and Istio's saved runtime templates.

Where a rule claims an error, the Go oracle confirms that Go fails too: parse
errors must carry Go's exact text (without the ``template: NAME:LINE:`` prefix,
which the diagnostic's place replaces) and line; run-time rules must fail in Go
for every data value tried, with the message we print as the tail of Go's.
"""

from __future__ import annotations

import json
import pathlib
import re
import sys

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import gen_templates
from conftest import hypothesis_examples
from gotmpl.check import RULES, check_files, check_text
from gotmpl.cli import main
from gotmpl.diagnostics import ERROR, WARNING
from upstream import RUNTIME, find_templates

# Data values a run-time error must not depend on.
DATA_VALUES = [None, 0, "s", True, {"x": 1}, [1, 2]]
PARSE_RULES = {"parse-error", "undefined-function", "undefined-variable", "duplicate-define"}


def errors(diags, rule=None):
    return [d for d in diags if d.severity == ERROR and (rule is None or d.rule == rule)]


def warnings(diags, rule=None):
    return [d for d in diags if d.severity == WARNING and (rule is None or d.rule == rule)]


def go_parse_error(oracle, text: str, **req) -> tuple[str, int] | None:
    """Go's parse error for ``text`` as (message without prefix, line), or None."""
    resp = oracle.run({"mode": "parse", "name": "t", "template": text, **req})
    if resp["error"] is None:
        return None
    m = re.match(r"template: t:(\d+): (.*)", resp["error"], re.S)
    assert m, resp["error"]
    return m.group(2), int(m.group(1))


def go_exec_errors(oracle, text: str, data_values=DATA_VALUES) -> list[str | None]:
    reqs = [{"name": "t", "template": text, "data": d} for d in data_values]
    return [r["error"] for r in oracle.run_many(reqs)]


def assert_always_fails_with(oracle, text: str, message: str) -> None:
    for data, error in zip(DATA_VALUES, go_exec_errors(oracle, text)):
        assert error is not None, (text, data)
        assert error.endswith(": " + message), (text, data, error)


# --- parse errors: Go's text, Go's line --------------------------------------------------------

SINGLE_PARSE_ERRORS = [
    "{{end}}",
    "a\n{{else}}",
    "{{if .}}",
    "{{if .}}x\n",
    "{{if .}}{{else}}{{else}}{{end}}",
    '{{define "a"}}x{{end}}{{define "a"}}y{{end}}',
    "{{.x",
    "{{(1}}",
    "{{1 2 | 3}}",
    "{{.x | 3}}",
    "{{$x :=}}",
    "x{{break}}",
    "{{range $a, $b, $c := .}}{{end}}",
    '{{"abc}}',
    "{{3-}}",
    "{{/* x }}",
    "{{/* x */ }}",
    "{{define 3}}{{end}}",
    "{{if}}{{end}}",
    "{{with}}{{else}}{{end}}",
    "{{$x}}",
    "{{with $x := 1}}{{end}}{{$x}}",
    "{{lenn .}}",
    '\n\n{{define "x"}}\n{{else}}{{end}}',
    '{{block "b" .}}{{else}}{{end}}',
    "{{)}}",
    '{{"a".x}}',
    "{{template}}",
    '{{block "b"}}{{end}}',
    "{{if .}}x{{end}}{{end}}",
    "é{{upper .}}",
]


@pytest.mark.parametrize("text", SINGLE_PARSE_ERRORS)
def test_parse_errors_carry_go_text_and_line(oracle, text: str) -> None:
    go = go_parse_error(oracle, text)
    assert go is not None, "Go accepts it"
    message, line = go
    parse_level = [d for d in check_text(text, "t") if d.rule in PARSE_RULES]
    assert len(parse_level) == 1, parse_level
    d = parse_level[0]
    assert d.severity == ERROR
    assert d.message == message or d.message.startswith(message + "; did you mean")
    assert d.line == line
    assert d.column >= 1


def test_rule_ids_of_parse_errors() -> None:
    assert errors(check_text("{{lenn 1}}"))[0].rule == "undefined-function"
    assert errors(check_text("{{$x}}"))[0].rule == "undefined-variable"
    assert errors(check_text('{{define "a"}}x{{end}}{{define "a"}}y{{end}}'))[0].rule == "duplicate-define"
    assert errors(check_text("{{end}}"))[0].rule == "parse-error"


def test_parse_error_points_at_the_token_or_the_action() -> None:
    assert [(d.line, d.column) for d in check_text("ab\n  {{foo 1}}")] == [(2, 5)]
    assert [(d.line, d.column) for d in check_text("x {{ $y }}")] == [(1, 6)]
    assert [(d.line, d.column) for d in check_text("x\n  {{end}}")] == [(2, 3)]
    # Columns count characters, not bytes.
    assert [(d.line, d.column) for d in check_text("é {{foo}}")] == [(1, 5)]


@settings(max_examples=hypothesis_examples(150))
@given(text=gen_templates.mutated(gen_templates.template_texts()))
def test_first_go_error_is_always_reported(oracle, text: str) -> None:
    """On any (mostly broken) template: no crash, every place inside the text,
    Go's first error among ours, and no parse-level error where Go has none."""
    diags = check_text(text, "t")
    lines = text.count("\n") + 1
    assert all(1 <= d.line <= lines and d.column >= 1 for d in diags)
    go = go_parse_error(oracle, text)
    if go is None:
        assert not [d for d in diags if d.rule in ("parse-error", "undefined-function")]
        assert not [d for d in diags if d.rule == "undefined-variable" and d.message.startswith("undefined variable \"")]
    else:
        assert any(d.message == go[0] or d.message.startswith(go[0] + "; did you mean") for d in diags), (go, diags)


@settings(max_examples=hypothesis_examples(100))
@given(data=st.data())
def test_first_go_error_is_reported_with_any_delims(oracle, data) -> None:
    left, right = data.draw(gen_templates.delim_pairs())
    text = data.draw(gen_templates.mutated(gen_templates.template_texts(left, right), left, right))
    diags = check_text(text, "t", delims=(left, right))
    go = go_parse_error(oracle, text, delims=[left, right])
    if go is None:
        assert not [d for d in diags if d.rule in ("parse-error", "undefined-function")]
    else:
        assert any(d.message == go[0] or d.message.startswith(go[0] + "; did you mean") for d in diags), (go, diags)


# --- recovery --------------------------------------------------------------------------------------

# One problem per line; each line alone is what Go reports for it.
RECOVERY_LINES = [
    "{{.x | 3}}",
    "{{if}}{{.}}{{end}}",
    "{{lenn .}}",
    "{{$y}}",
    "{{(1}}",
    "{{3 +}}",
    "{{end}}",
    '{{template "x" 1}}',
    "{{len 3}}",
    "{{if .}}",
]


def _go_message(oracle, line: str) -> str:
    go = go_parse_error(oracle, line)
    if go is not None:
        return go[0]
    error = go_exec_errors(oracle, line, [None])[0]
    assert error is not None, line
    return re.sub(r'^template: t:\d+:\d+: executing "t" at <.*?>: ', "", error)


def test_recovery_reports_every_problem_once_in_place(oracle) -> None:
    text = "\n".join(RECOVERY_LINES)
    diags = check_text(text, "t")
    assert len(diags) == len(RECOVERY_LINES), diags
    for number, line in enumerate(RECOVERY_LINES, 1):
        want = _go_message(oracle, line)
        got = [d for d in diags if d.line == number]
        assert len(got) == 1, (line, got)
        assert got[0].message == want or got[0].message.startswith(want + "; did you mean"), (line, got[0], want)


def test_recovery_keeps_declarations_and_blocks() -> None:
    # The broken pipeline is replaced, its variables and its {{end}} stay: no cascade.
    assert len(errors(check_text("{{$x := (}}\n{{$x}}"))) == 1
    assert len(errors(check_text("{{$x :=}}\n{{$x}}"))) == 1
    assert len(errors(check_text("{{range $i, $e := 1 2 | 3}}{{$i}}{{$e}}{{end}}"))) == 1
    assert len(errors(check_text("{{if .x | 3}}a{{else}}b{{end}}\n{{lenn}}"))) == 2
    # A block whose opening cannot be repaired loses its {{else}} and {{end}} too.
    diags = check_text("{{with}}a{{else}}b{{end}}\n{{lenn}}")
    assert [d.rule for d in errors(diags)] == ["parse-error", "undefined-function"]


def test_recovery_closes_unclosed_blocks_once() -> None:
    diags = check_text("{{if .}}\n{{range .}}\n{{with .}}\n{{lenn}}\n")
    assert [(d.line, d.message) for d in errors(diags)] == [
        (4, 'function "lenn" not defined; did you mean "len"?'),
        (5, "unexpected EOF"),
    ]


def test_recovery_of_broken_actions_and_comments() -> None:
    diags = check_text('{{"abc}}\n{{/* open }}\n{{define 3}}x{{end}}\n{{if .x\nfoo {{end}}\n{{lenn}}')
    assert [d.line for d in errors(diags)] == [1, 2, 3, 5, 5, 6]
    assert errors(diags)[3].message == 'function "foo" not defined'


def test_recovery_with_custom_delims() -> None:
    diags = check_text("[[ if ]]a[[ end ]]\n[[ lenn ]]\n{{ lenn }}", delims=("[[", "]]"))
    assert [(d.line, d.rule) for d in diags] == [(1, "parse-error"), (2, "undefined-function")]


def test_duplicate_block_named_like_the_file(oracle) -> None:
    text = '{{block "t" .}}x{{end}}\n{{len 3}}'
    assert go_parse_error(oracle, text)[0] == 'template: multiple definition of template "t"'
    assert [(d.line, d.column, d.rule) for d in check_text(text, "t")] == [
        (1, 1, "duplicate-define"),
        (2, 3, "wrong-args"),
    ]


def test_recovery_that_gets_stuck_says_so(monkeypatch) -> None:
    import gotmpl.check

    monkeypatch.setattr(gotmpl.check, "_repair", lambda *args: None)
    diags = check_text("{{end}}\n{{lenn}}")
    assert sorted((d.line, d.severity, d.message) for d in diags) == [
        (1, ERROR, "unexpected {{end}}"),
        (1, WARNING, "could not get past this parse error: the rest of the file is not checked"),
    ]


def test_recovery_is_bounded() -> None:
    text = "{{" * 300 + "{{if}}" * 200 + "{{end}}" * 300 + '{{define "a"}}' * 50 + "{{$x}}{{else}}" * 50
    diags = check_text(text, "t")
    assert diags and all(d.line == 1 for d in diags)


def test_recovery_stops_when_it_gets_slow() -> None:
    # Every round parses the whole file again; a file full of errors is cut short.
    text = "\n".join("{{$v%d := .}}{{if $v%d}}{{.}}{{end}}{{3 | 4}}" % (i, i) for i in range(400))
    diags = check_text(text, "t")
    assert 20 < len(diags) < 400
    last = diags[-1]
    assert (last.severity, last.rule) == (WARNING, "parse-error") and last.message.startswith("too many parse errors")
    assert [d.message for d in diags[:-1]] == ["non executable command in pipeline stage 2"] * (len(diags) - 1)


# --- undefined and unused functions, variables, templates ------------------------------------------


def test_undefined_function_and_function_sets(oracle) -> None:
    assert errors(check_text("{{upper .}}"), "undefined-function")
    assert go_parse_error(oracle, "{{upper .}}") is not None
    assert check_text("{{upper .}}", funcs=["sprig"]) == []
    assert go_parse_error(oracle, "{{upper .}}", funcs=["sprig"]) is None
    assert check_text("{{toYaml .}}", funcs=["builtin", "istio@1.2"]) == []
    # Every call is reported, not just the first.
    assert len(errors(check_text("{{foo}}{{foo 1}}{{print foo}}"))) == 3
    with pytest.raises(ValueError):
        check_text("x", funcs=["bogus"])


def test_did_you_mean() -> None:
    assert errors(check_text("{{prinft 1}}"))[0].message.endswith('; did you mean "printf"?')
    assert errors(check_text("{{tojson .}}", funcs=["sprig"]))[0].message.endswith('; did you mean "toJson"?')
    assert errors(check_text("{{zzzqq .}}"))[0].message == 'function "zzzqq" not defined'


def test_undefined_variable_at_run_time(oracle) -> None:
    # Declared in the body, used in {{else}}: Go's parser accepts it, the run never has it.
    text = "{{if .}}{{$x := 1}}{{$x}}{{else}}{{$x}}{{end}}"
    assert go_parse_error(oracle, text) is None
    [d] = errors(check_text(text))
    assert (d.rule, d.message, d.column) == ("undefined-variable", "undefined variable: $x", 36)
    assert go_exec_errors(oracle, text, [False])[0].endswith(": undefined variable: $x")
    # Assigning a variable never declared.
    assert_always_fails_with(oracle, "{{$x = 1}}", "undefined variable: $x")
    assert errors(check_text("{{$x = 1}}"))[0].message == "undefined variable: $x"


def test_variables_in_scope() -> None:
    ok = [
        "{{with $y := .}}{{else}}{{$y}}{{end}}",  # the pipeline's variables reach {{else}}
        "{{range $i, $e := .}}{{else}}{{$i}}{{$e}}{{end}}",
        "{{$x := 1}}{{if .}}{{$x = 2}}{{end}}{{$x}}",
        "{{$x := 1}}{{range .}}{{$x}}{{end}}",
        '{{define "d"}}{{$ := .}}{{$}}{{end}}{{template "d" .}}',
        "{{$x := 1}}{{(print $x)}}{{$x | print}}",
    ]
    for text in ok:
        assert check_text(text) == [], text


def test_unused_variables() -> None:
    [d] = check_text("{{$x := 1}}")
    assert (d.severity, d.rule, d.message, d.column) == (WARNING, "unused-variable", "$x declared and not used", 3)
    # Each range variable counts on its own.
    [d] = check_text("{{range $i, $e := .}}{{$e}}{{end}}")
    assert d.message == "$i declared and not used"
    assert check_text("{{range $i, $e := .}}{{$i}}{{$e}}{{end}}") == []
    # Assigning is not reading; an inner declaration shadows until {{end}}.
    assert [d.message for d in check_text("{{$x := 1}}{{$x = 2}}")] == ["$x declared and not used"]
    assert [d.column for d in check_text("{{$x := 1}}{{if .}}{{$x := 2}}{{end}}{{$x}}")] == [22]
    # $ and $_... never count.
    assert check_text("{{$ := 1}}{{$_ := 2}}{{$_i := 3}}") == []
    assert check_text("{{with $v := .}}{{$v}}{{end}}") == []


def test_undefined_template(oracle, tmp_path: pathlib.Path) -> None:
    [d] = check_text('{{template "hepler" .}}{{define "helper"}}x{{end}}{{template "helper"}}')
    assert (d.rule, d.message) == ("undefined-template", 'template "hepler" not defined; did you mean "helper"?')
    assert_always_fails_with(oracle, '{{template "x"}}', 'template "x" not defined')
    assert check_text('{{define "a"}}x{{end}}{{template "a"}}') == []
    # Files are one set: defines and file names are shared.
    (tmp_path / "main.tmpl").write_text('{{template "helper" .}}{{template "other.tmpl"}}')
    (tmp_path / "other.tmpl").write_text('{{define "helper"}}h{{end}}')
    assert check_files([str(tmp_path / "main.tmpl"), str(tmp_path / "other.tmpl")]) == []
    assert errors(check_files([str(tmp_path / "main.tmpl")]), "undefined-template")


def test_duplicate_and_unused_defines(oracle, tmp_path: pathlib.Path) -> None:
    # In one file Go refuses; an empty body may be redefined.
    text = '{{define "a"}}x{{end}}{{define "a"}}y{{end}}{{template "a"}}'
    assert go_parse_error(oracle, text) == ('template: multiple definition of template "a"', 1)
    [d] = check_text(text)
    assert (d.rule, d.column) == ("duplicate-define", 23)
    ok = '{{define "a"}}{{end}}{{define "a"}}y{{end}}{{template "a"}}'
    assert go_parse_error(oracle, ok) is None and check_text(ok) == []
    # Across files the later one wins silently: a warning on it.
    a, b = tmp_path / "a.tmpl", tmp_path / "b.tmpl"
    a.write_text('{{define "x"}}1{{end}}{{template "x"}}')
    b.write_text('\n{{define "x"}}2{{end}}')
    [d] = check_files([str(a), str(b)])
    assert (d.file, d.line, d.severity, d.rule) == (str(b), 2, WARNING, "duplicate-define")
    assert f"{a}:1" in d.message
    b.write_text('{{define "x"}}{{end}}')
    assert check_files([str(a), str(b)]) == []
    # Unused: defined, never called; blocks call themselves.
    diags = check_text('{{define "a"}}x{{end}}{{define "b"}}y{{end}}{{template "a"}}{{block "c" .}}z{{end}}')
    assert [(d.severity, d.rule, d.message) for d in diags] == [
        (WARNING, "unused-define", 'template "b" is defined but never called')
    ]
    # A define that only calls itself is still unused.
    assert warnings(check_text('{{define "r"}}{{template "r"}}{{end}}'), "unused-define")


# --- builtins: argument counts and literal kinds ------------------------------------------------------

WRONG_ARGS = [
    ("{{len 3}}", "error calling len: len of type int"),
    ("{{len true}}", "error calling len: len of type bool"),
    ("{{len nil}}", "error calling len: reflect: call of reflect.Value.Type on zero Value"),
    ("{{len 1.5}}", "error calling len: len of type float64"),
    ("{{len 1 2}}", "wrong number of args for len: want 1 got 2"),
    ("{{len}}", "wrong number of args for len: want 1 got 0"),
    ("{{3 | len}}", "error calling len: len of type int"),
    ('{{"a" | len 2}}', "wrong number of args for len: want 1 got 2"),
    ("{{index 3 1}}", "error calling index: can't index item of type int"),
    ("{{index nil 1}}", "error calling index: index of untyped nil"),
    ('{{index "abc" 5}}', "error calling index: index out of range: 5"),
    ('{{index "abc" 3}}', "error calling index: reflect: string index out of range"),
    ('{{index "abc" -1}}', "error calling index: index out of range: -1"),
    ('{{index "abc" "a"}}', "error calling index: cannot index slice/array with type string"),
    ('{{index "abc" 1.0}}', "error calling index: cannot index slice/array with type float64"),
    ('{{index "abc" nil}}', "error calling index: cannot index slice/array with nil"),
    ('{{index "abc" 1 0}}', "error calling index: can't index item of type uint8"),
    ("{{index}}", "wrong number of args for index: want at least 1 got 0"),
    ("{{slice 3}}", "error calling slice: can't slice item of type int"),
    ("{{slice nil}}", "error calling slice: slice of untyped nil"),
    ('{{slice "abc" 1 2 3}}', "error calling slice: cannot 3-index slice a string"),
    ('{{slice "abc" 1 2 3 4}}', "error calling slice: too many slice indexes: 4"),
    ('{{slice "abc" 5}}', "error calling slice: index out of range: 5"),
    ('{{slice "abc" 2 1}}', "error calling slice: invalid slice index: 2 > 1"),
    ('{{slice "abc" 1.5}}', "error calling slice: cannot index slice/array with type float64"),
    ("{{printf 3}}", "expected string; found 3"),
    ("{{printf true}}", "expected string; found true"),
    ("{{printf nil}}", "cannot assign nil to string"),
    ("{{printf}}", "wrong number of args for printf: want at least 1 got 0"),
    ("{{call 3}}", "error calling call: non-function 3 of type int"),
    ('{{call "x"}}', 'error calling call: non-function "x" of type string'),
    ("{{call nil}}", "error calling call: call of nil"),
    ("{{call}}", "wrong number of args for call: want at least 1 got 0"),
    ("{{not}}", "wrong number of args for not: want 1 got 0"),
    ("{{not 1 2}}", "wrong number of args for not: want 1 got 2"),
    ("{{and}}", "wrong number of args for and: want at least 1 got 0"),
    ("{{or}}", "wrong number of args for or: want at least 1 got 0"),
    ("{{eq}}", "wrong number of args for eq: want at least 1 got 0"),
    ("{{eq 1}}", "error calling eq: missing argument for comparison"),
    ("{{1 | eq}}", "error calling eq: missing argument for comparison"),
    ("{{ne 1}}", "wrong number of args for ne: want 2 got 1"),
    ("{{ne 1 2 3}}", "wrong number of args for ne: want 2 got 3"),
    ("{{1 | ne 1 2}}", "wrong number of args for ne: want 2 got 3"),
    ("{{lt 1}}", "wrong number of args for lt: want 2 got 1"),
    ("{{le 1 2 3}}", "wrong number of args for le: want 2 got 3"),
    ("{{gt}}", "wrong number of args for gt: want 2 got 0"),
    ("{{ge .}}", "wrong number of args for ge: want 2 got 1"),
    ("{{print len}}", "wrong number of args for len: want 1 got 0"),
    ("{{print and}}", "wrong number of args for and: want at least 1 got 0"),
    ("{{3 4}}", "can't give argument to non-function 3"),
    ('{{"a" .}}', 'can\'t give argument to non-function "a"'),
    ("{{true 1}}", "can't give argument to non-function true"),
    ("{{. 1}}", "can't give argument to non-function ."),
    ("{{$ 1}}", "can't give argument to non-function $"),
    ("{{(1) 2}}", "can't give argument to non-function 1"),
    ("{{print (len 3)}}", "error calling len: len of type int"),
]


@pytest.mark.parametrize("text,message", WRONG_ARGS, ids=[t for t, _ in WRONG_ARGS])
def test_wrong_args_fail_in_go_whatever_the_data(oracle, text: str, message: str) -> None:
    assert [(d.rule, d.message) for d in check_text(text)] == [("wrong-args", message)]
    assert_always_fails_with(oracle, text, message)


# (template, data Go runs it with successfully)
RIGHT_ARGS = [
    ('{{len "ab"}}', None),
    ("{{len .}}", [1]),
    ("{{. | len}}", "abc"),
    ("{{index 3}}", None),
    ('{{index "abc" 2}}', None),
    ("{{index . 0}}", [1]),
    ('{{index "abc" .}}', {"t": "int", "v": 1}),
    ('{{slice "abc" 1 2}}', None),
    ('{{slice "abc" 3}}', None),
    ('{{slice "abc" . 2}}', {"t": "int", "v": 1}),
    ('{{printf "%d" 1}}', None),
    ("{{printf .}}", "x"),
    ('{{"x" | printf}}', None),
    ('{{printf "%d" 1 | len}}', None),
    ("{{and 1}}", None),
    ("{{or 0 1 2}}", None),
    ("{{not 0}}", None),
    ("{{print}}", None),
    ("{{html 3}}", None),
    ("{{urlquery 3 true}}", None),
    ("{{js true}}", None),
    ("{{print print}}", None),
    ("{{eq 1 1}}", None),
    ("{{1 | eq 1}}", None),
    ("{{ne 1 nil}}", None),
    ("{{lt 1 2}}", None),
    ("{{.x 1}}", None),  # a method call, for all the checker knows; Go's data decides
]


@pytest.mark.parametrize("text,data", RIGHT_ARGS, ids=[t for t, _ in RIGHT_ARGS])
def test_right_args_are_clean(oracle, text: str, data) -> None:
    assert check_text(text) == []
    if text != "{{.x 1}}":
        assert oracle.run({"template": text, "data": data})["error"] is None


def test_builtins_replaced_by_a_function_set_are_not_checked() -> None:
    # sprig brings its own slice.
    assert errors(check_text("{{slice 3}}"), "wrong-args")
    assert check_text("{{slice 3}}", funcs=["sprig"]) == []


# --- comparisons ---------------------------------------------------------------------------------------

BAD_COMPARISONS = [
    ('{{eq 1 "a"}}', "error calling eq: incompatible types for comparison: int and string"),
    ("{{eq 1 2.0}}", "error calling eq: incompatible types for comparison: int and float64"),
    ('{{eq 1 2 "a"}}', "error calling eq: incompatible types for comparison: int and string"),
    ("{{eq true 1}}", "error calling eq: incompatible types for comparison: bool and int"),
    ("{{eq 1 1i}}", "error calling eq: incompatible types for comparison: int and complex128"),
    ("{{eq 1e3 1000}}", "error calling eq: incompatible types for comparison: float64 and int"),
    ('{{eq "a" "b" nil 1}}', "error calling eq: incompatible types for comparison: string and int"),
    ('{{"a" | eq 1}}', "error calling eq: incompatible types for comparison: int and string"),
    ('{{ne 1 "a"}}', "error calling ne: incompatible types for comparison: int and string"),
    ('{{lt 1 "a"}}', "error calling lt: incompatible types for comparison: int and string"),
    ("{{ge 1 2.5}}", "error calling ge: incompatible types for comparison: int and float64"),
    ("{{lt true false}}", "error calling lt: invalid type for comparison"),
    ("{{gt 1i 2i}}", "error calling gt: invalid type for comparison"),
    ("{{lt nil 1}}", "error calling lt: invalid type for comparison"),
    ("{{le . nil}}", "error calling le: invalid type for comparison"),
]


@pytest.mark.parametrize("text,message", BAD_COMPARISONS, ids=[t for t, _ in BAD_COMPARISONS])
def test_incompatible_comparisons_fail_in_go(oracle, text: str, message: str) -> None:
    assert [(d.rule, d.message) for d in check_text(text)] == [("incompatible-comparison", message)]
    assert_always_fails_with(oracle, text, message)


GOOD_COMPARISONS = [
    '{{eq 1 1 "a"}}',  # equal before the odd one out: Go returns true
    '{{eq "a" "a" 1}}',
    '{{eq .x 1 "a"}}',  # the data decides
    "{{eq . 1}}",
    "{{eq nil 1}}",
    "{{eq 1 'a'}}",  # a rune literal is an int
    "{{eq 1 0x10}}",
    '{{lt "a" "b"}}',
    "{{lt 1.5 2.5}}",
    '{{ne "a" "b"}}',
]


@pytest.mark.parametrize("text", GOOD_COMPARISONS)
def test_compatible_comparisons_are_clean(oracle, text: str) -> None:
    assert check_text(text) == []
    assert oracle.run({"template": text, "data": None})["error"] is None


# --- ranges over literals ---------------------------------------------------------------------------------

BAD_RANGES = [
    ('{{range "abc"}}{{end}}', "range can't iterate over abc"),
    ("{{range true}}{{end}}", "range can't iterate over true"),
    ("{{range 2.5}}{{end}}", "range can't iterate over 2.5"),
    ("{{range 2.0}}{{end}}", "range can't iterate over 2"),
    ("{{range 1i}}{{end}}", "range can't iterate over (0+1i)"),
    ("{{range nil}}{{end}}", "nil is not a command"),
    ('{{range $e := "abc"}}{{$e}}{{end}}', "range can't iterate over abc"),
    ("{{range $i, $e := 3}}{{$i}}{{$e}}{{end}}", "can't use 3 to iterate over more than one variable"),
]


@pytest.mark.parametrize("text,message", BAD_RANGES, ids=[t for t, _ in BAD_RANGES])
def test_range_over_literal_fails_in_go(oracle, text: str, message: str) -> None:
    assert [(d.rule, d.message) for d in check_text(text)] == [("range-literal", message)]
    assert_always_fails_with(oracle, text, message)


@pytest.mark.parametrize(
    "text", ["{{range 3}}{{.}}{{end}}", "{{range -1}}{{end}}", "{{range 'a'}}{{end}}", "{{range $i := 3}}{{$i}}{{end}}"]
)
def test_range_over_int_is_fine(oracle, text: str) -> None:
    assert check_text(text) == []
    assert oracle.run({"template": text})["error"] is None


# --- trim markers ------------------------------------------------------------------------------------------


def test_ambiguous_trim(oracle) -> None:
    [d] = check_text("a {{-3}} b")
    assert (d.severity, d.rule, d.column) == (WARNING, "ambiguous-trim", 5)
    assert '"{{- 3"' in d.message
    assert oracle.run({"template": "a {{-3}} b"})["output"] == "a -3 b"  # no trim: the number -3
    assert check_text("a {{- 3}} b") == []
    assert oracle.run({"template": "a {{- 3}} b"})["output"] == "a3 b"
    diags = check_text("{{3-}} b")
    assert sorted((d.severity, d.rule) for d in diags) == [(ERROR, "parse-error"), (WARNING, "ambiguous-trim")]
    assert '"3 -}}"' in warnings(diags)[0].message
    assert check_text("{{3 -}} b") == []
    assert [d.column for d in warnings(check_text("[[-1]] [[ 1-]]", delims=("[[", "]]")))] == [3, 12]
    assert check_text('{{/* - */}}{{"-"}}{{ "a-" }}') == []


# --- suppression -------------------------------------------------------------------------------------------


def test_inline_suppression() -> None:
    text = "\n".join(
        [
            "{{lenn 1}}{{/* gotmpl:ignore undefined-function */}}",  # own line
            "{{/* gotmpl:ignore unused-variable,wrong-args -- reason */}}",
            "{{$x := 1}}{{len 3}}",  # next line
            "{{lenn 2}}",  # not covered
            "{{/* gotmpl:ignore wrong-args */}}{{lenn 3}}",  # another rule
            "",
            "{{/* gotmpl:ignore */}}{{lenn 4}}",  # every rule
            "{{lenn 5}}{{$z := 1}}",
            "{{lenn 6}}",
        ]
    )
    assert [(d.line, d.rule) for d in check_text(text)] == [
        (4, "undefined-function"),
        (5, "undefined-function"),
        (9, "undefined-function"),
    ]
    assert check_text("[[/* gotmpl:ignore */]][[$x := 1]]", delims=("[[", "]]")) == []
    assert check_text("{{- /* gotmpl:ignore */ -}}\n{{end}}") == []
    assert len(check_text("{{/* gotmpl:ignorex */}}{{lenn}}")) == 1


# --- files, formats, exit codes -------------------------------------------------------------------------


def test_unreadable_files_are_diagnostics(tmp_path: pathlib.Path) -> None:
    good = tmp_path / "good.tmpl"
    good.write_text("{{.}}")
    diags = check_files([str(tmp_path / "missing.tmpl"), str(tmp_path), str(good)])
    assert [(d.file, d.severity, d.rule) for d in diags] == [
        (str(tmp_path), ERROR, "unreadable-file"),
        (str(tmp_path / "missing.tmpl"), ERROR, "unreadable-file"),
    ]
    assert "No such file" in diags[1].message


def test_diagnostics_sorted_by_file_line_column(tmp_path: pathlib.Path) -> None:
    (tmp_path / "b.tmpl").write_text("{{lenn}}\n{{$x := 1}} {{lenn}}")
    (tmp_path / "a.tmpl").write_text("x\n{{lenn}}")
    diags = check_files([str(tmp_path / "b.tmpl"), str(tmp_path / "a.tmpl")])
    assert [(pathlib.Path(d.file).name, d.line, d.column) for d in diags] == [
        ("a.tmpl", 2, 3),
        ("b.tmpl", 1, 3),
        ("b.tmpl", 2, 3),
        ("b.tmpl", 2, 15),
    ]


@pytest.fixture
def files(tmp_path: pathlib.Path) -> dict[str, str]:
    paths = {
        "clean": "{{if .}}{{.}}{{end}}",
        "warn": "{{$x := 1}}",
        "bad": "{{lenn .}}\n{{$y := 2}}",
        "sprig": "{{upper .}}",
        "brackets": "[[ lenn ]]",
    }
    out = {}
    for name, text in paths.items():
        path = tmp_path / f"{name}.tmpl"
        path.write_text(text)
        out[name] = str(path)
    return out


def run(*args: str):
    return CliRunner().invoke(main, ["check", *args])


def test_cli_exit_codes(files: dict[str, str], tmp_path: pathlib.Path) -> None:
    assert run(files["clean"]).exit_code == 0
    assert run(files["clean"]).output == ""
    assert run(files["warn"]).exit_code == 0
    assert run("--strict", files["warn"]).exit_code == 1
    assert run(files["bad"]).exit_code == 1
    assert run(files["sprig"]).exit_code == 1
    assert run("--funcs", "builtin,sprig", files["sprig"]).exit_code == 0
    assert run("--delims", "[[", "]]", files["brackets"]).exit_code == 1
    assert run(files["brackets"]).exit_code == 0
    missing = run(str(tmp_path / "nope.tmpl"))
    assert missing.exit_code == 1 and "unreadable-file" in missing.output and "Traceback" not in missing.output
    # Usage errors.
    assert run().exit_code == 2
    assert run("--funcs", "bogus", files["clean"]).exit_code == 2
    assert run("--format", "xml", files["clean"]).exit_code == 2
    assert run("--schema", "istio@1.1", "--schema-file", "x.json", files["clean"]).exit_code == 2


def test_cli_text_format(files: dict[str, str]) -> None:
    result = run(files["bad"])
    assert result.output.splitlines() == [
        f'{files["bad"]}:1:3: error: function "lenn" not defined; did you mean "len"? [undefined-function]',
        f'{files["bad"]}:2:3: warning: $y declared and not used [unused-variable]',
    ]


def test_cli_json_format(files: dict[str, str]) -> None:
    result = run("--format", "json", files["bad"])
    assert result.exit_code == 1
    items = json.loads(result.output)
    assert items[0] == {
        "file": files["bad"],
        "line": 1,
        "column": 3,
        "severity": "error",
        "message": 'function "lenn" not defined; did you mean "len"?',
        "rule": "undefined-function",
    }
    assert json.loads(run("--format", "json", files["clean"]).output) == []


def test_cli_sarif_format(files: dict[str, str]) -> None:
    sarif = json.loads(run("--format", "sarif", files["bad"]).output)
    assert sarif["version"] == "2.1.0"
    (run_,) = sarif["runs"]
    rules = {r["id"]: r["shortDescription"]["text"] for r in run_["tool"]["driver"]["rules"]}
    assert run_["tool"]["driver"]["name"] == "gotmpl"
    assert {k: rules[k] for k in RULES} == RULES
    first = run_["results"][0]
    assert first["ruleId"] == "undefined-function" and first["level"] == "error"
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 3}
    assert run_["results"][1]["level"] == "warning"


def test_cli_github_format(files: dict[str, str]) -> None:
    lines = run("--format", "github", files["bad"]).output.splitlines()
    assert lines[0].startswith("::error file=") and ",line=1,col=3,title=undefined-function::function" in lines[0]
    assert lines[1].startswith("::warning file=")


def test_cli_type_options_need_the_type_checker(files: dict[str, str], monkeypatch) -> None:
    import gotmpl

    monkeypatch.setitem(sys.modules, "gotmpl.typecheck", None)  # as if the module were absent
    monkeypatch.delattr(gotmpl, "typecheck", raising=False)
    result = run("--schema", "istio@1.1", files["clean"])
    assert result.exit_code == 2 and "type checking is not available" in result.output


def test_cli_hands_the_set_to_the_type_checker(files: dict[str, str], tmp_path: pathlib.Path, monkeypatch) -> None:
    """The wiring only, with a stand-in for gotmpl.typecheck (tested on its own)."""
    import types

    import gotmpl
    from gotmpl.diagnostics import Diagnostic

    calls = []
    fake = types.ModuleType("gotmpl.typecheck")
    fake.RULES = {"unknown-field": "a field the type does not have"}

    def load_schema(spec, schema_file):
        if spec == "bad":
            raise ValueError("unknown schema 'bad'")
        return ("root", spec, schema_file)

    def check_types(trees, root, filename, values_sample, main=None):
        calls.append((sorted(trees), root, filename, values_sample, main))
        return [Diagnostic(filename, 1, 1, ERROR, "no field X", "unknown-field")]

    fake.load_schema, fake.check_types = load_schema, check_types
    monkeypatch.setitem(sys.modules, "gotmpl.typecheck", fake)
    monkeypatch.setattr(gotmpl, "typecheck", fake, raising=False)
    values = tmp_path / "values.yaml"
    values.write_text("a: 1\n")
    result = run("--schema", "istio@1.1", "--data", str(values), "--format", "sarif", files["clean"])
    assert result.exit_code == 1
    assert calls == [(["clean.tmpl"], ("root", "istio@1.1", None), files["clean"], {"a": 1.0}, "clean.tmpl")]
    sarif = json.loads(result.output)
    assert "unknown-field" in {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert run("--schema", "bad", files["clean"]).exit_code == 2
    assert run("--data", str(tmp_path / "missing.yaml"), files["clean"]).exit_code == 2
    # Its diagnostics can be silenced like any other.
    (tmp_path / "quiet.tmpl").write_text("{{/* gotmpl:ignore unknown-field */}}{{.X}}")
    assert run("--schema-file", "types.json", str(tmp_path / "quiet.tmpl")).exit_code == 0


def test_every_rule_is_described() -> None:
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", rule) and text for rule, text in RULES.items())


# --- Istio's saved runtime templates -----------------------------------------------------------------------

# Known, and also failing in Go (see tests/test_parse_upstream.py): the 1.28/1.29
# templates call omitNil, which the Istio function tables only have from 1.30;
# the 1.1.17 parameterized template's raw text still holds its stage-1 {{ }}
# actions when parsed with the stage-2 [[ ]] delimiters.
KNOWN_BROKEN = ('function "omitNil" not defined', "1.1.17/testdata/parameterizedTemplate")
RUNTIME_TEMPLATES = [t for t in find_templates() if t.kind == RUNTIME]


def test_upstream_runtime_templates_check_clean() -> None:
    if not RUNTIME_TEMPLATES:
        pytest.skip("../shared/upstream/istio is absent")
    unexpected = []
    for tmpl in RUNTIME_TEMPLATES:
        for d in errors(check_text(tmpl.text, tmpl.label, delims=tmpl.delims, funcs=tmpl.funcs)):
            if not any(k in d.message or tmpl.label.startswith(k) for k in KNOWN_BROKEN):
                unexpected.append(d.text())
    assert unexpected == []

"""Checks of the executor test inputs: the Go twins and the generators.

This module owns the evidence that ``gofuncs`` and ``gen_exec`` are fit for
differential execution tests:

* the twins of ``oracle.T`` / ``oracle.Stringer`` decode from the typed
  encoding with Go's type names;
* a sample of :func:`gen_exec.exec_requests` is accepted by the oracle, mostly
  executes, often fails in many different ways, and reaches every builtin,
  action, printf verb and kind of value (printed as statistics).

Our executor is not involved: the oracle alone judges the generators.
"""

from __future__ import annotations

import collections
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

import gofuncs
from conftest import hypothesis_examples
from gen_exec import BUILTIN_FUNCS, TEST_FUNCS, data_kinds, exec_requests, typed_values
from gotmpl import values
from oracle import Oracle

SAMPLE_SIZE = hypothesis_examples(400)
MIN_SUCCESS = 0.55
MIN_EXEC_ERRORS = 0.15
MIN_EXEC_ERROR_KINDS = 12

# -- the Go twins -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "go_type"),
    [
        ({"t": "oracle.T", "v": {"S": "x", "N": 1}}, "main.T"),
        ({"t": "*oracle.T", "v": {"S": "x"}}, "*main.T"),
        ({"t": "[]oracle.T", "v": [{"S": "a"}, {}]}, "[]main.T"),
        ({"t": "map[string]oracle.Stringer", "v": {"k": {"S": "s"}}}, "map[string]main.Stringer"),
        ({"t": "oracle.Stringer", "v": {}}, "main.Stringer"),
    ],
)
def test_twins_decode_with_go_type_names(encoded: dict[str, Any], go_type: str) -> None:
    value = values.from_typed_json(encoded)
    assert str(values.type_of(value)) == go_type


def test_twins_behave_like_oracle_types() -> None:
    t = values.from_typed_json({"t": "oracle.T", "v": {"S": "x", "N": 2}})
    assert isinstance(t, gofuncs.T) and (t.S, t.N) == ("x", 2)
    assert (t.Str(), t.Add(3), t.Sum(1, 2)) == ("T:x", 5, 5)
    nxt = t.Next()
    assert str(values.type_of(nxt)) == "*main.T" and nxt.target == gofuncs.T("x+", 3)
    with pytest.raises(values.GoError, match="^T.Fail: x$"):
        t.Fail()
    # Nested twins keep their methods (they are the twin class, not a plain Struct).
    items = values.from_typed_json({"t": "[]oracle.T", "v": [{"S": "a"}]})
    assert isinstance(values.elements(items)[0], gofuncs.T)
    s = values.from_typed_json({"t": "map[string]oracle.Stringer", "v": {"k": {"S": "s"}}})
    assert values.map_items(s)[0][1].String() == "<s>"


def test_twin_methods_have_go_signatures() -> None:
    methods = values.class_type(gofuncs.T).methods
    sigs = {name: str(m.func_type) for name, m in methods.items()}
    assert sigs == {
        "Str": "func() string", "Add": "func(int) int", "Sum": "func(...int) int",
        "Fail": "func() (string, error)", "Next": "func() *main.T", "PStr": "func() string",
    }  # fmt: skip
    assert methods["PStr"].pointer_receiver and not methods["Str"].pointer_receiver


def test_twin_decoder_rejects_unknown_fields() -> None:
    with pytest.raises(ValueError, match=r"data\.x"):
        values.from_typed_json({"t": "struct{X []oracle.T}", "v": {"X": [{"Q": 1}]}}, path="data.x")


def test_test_funcs_signatures() -> None:
    sigs = {name: str(values.signature_type(fn)) for name, fn in gofuncs.TEST_FUNCS.items()}
    assert set(sigs) == set(TEST_FUNCS)
    assert sigs["add"] == "func(int, int) int"
    assert sigs["vjoin"] == "func(string, ...string) string"
    assert sigs["tlist"] == "func(...interface {}) []interface {}"
    assert sigs["errVal"] == "func(string) error"
    assert sigs["nilPtr"] == "func() *int"
    assert sigs["mkPT"] == "func(string, int) *main.T"
    funcs = gofuncs.TEST_FUNCS
    assert funcs["add"](2**63 - 1, 1) == -(2**63)  # Go's int wraps
    assert funcs["vjoin"](",", "a", "b") == "a,b"
    assert isinstance(funcs["errVal"]("m"), values.GoError)
    assert values.is_nil(funcs["nilPtr"]()) and funcs["zero"]() is None
    with pytest.raises(values.GoError, match="^msg$"):
        funcs["boom"]("msg")


# -- coverage statistics --------------------------------------------------------------------

_ACTION = re.compile(r"\{\{-?\s*(else if|else with|if|else|range|with|define|block|template|break|continue|end)\b")
_WORD = re.compile(r"(?<![\w.$])([A-Za-z_]\w*)(?![\w])")
_PRINTF_FORMAT = re.compile(r'printf\s+"((?:[^"\\]|\\.)*)"')
_VERB = re.compile(r"%[-+# 0]*(?:\*|\d+)?(?:\.(?:\*|\d+)?)?(?:\[\d+\])?([a-zA-Z%!])")
_STRING_LIT = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`')
_EXEC_PREFIX = re.compile(r'^template: .*?:\d+:\d+: executing ".*?" at <.*?>: ', re.S)


def _actions(request: dict[str, Any]) -> list[str]:
    texts = [request["template"], *request.get("associated", {}).values()]
    return ["".join(re.findall(r"\{\{.*?\}\}", t, re.S)) for t in texts]


def request_features(request: dict[str, Any]) -> dict[str, set[str]]:
    """What a request exercises: builtins and test functions, actions, printf
    verbs and kinds of value in its data."""
    code = "".join(_actions(request))
    words = set(_WORD.findall(_STRING_LIT.sub('""', code)))
    actions = {m.group(1) for m in _ACTION.finditer(code)}
    if ":=" in code:
        actions.add("declare")
    if re.search(r"\$\w*\s=[^=]", code):
        actions.add("assign")
    if "{{-" in code or "-}}" in code:
        actions.add("trim")
    verbs = {"%" + v for fmt in _PRINTF_FORMAT.findall(code) for v in _VERB.findall(fmt)}
    options = set(request.get("options", []))
    return {
        "funcs": words & set(BUILTIN_FUNCS + TEST_FUNCS),
        "actions": actions | {o.split("=")[1] for o in options} | ({"execute"} if "execute" in request else set()),
        "verbs": verbs,
        "kinds": data_kinds(request["data"]) if "data" in request else {"json:absent"},
    }


def exec_error_kind(message: str) -> str:
    """Go's exec error without its location prefix, with names and numbers folded."""
    text = _EXEC_PREFIX.sub("", message)
    text = text.replace("\n", " ")
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "Q", text)
    text = re.sub(r"\d+", "N", text)
    text = re.sub(r"(in type|of type|has type|should be|types for comparison:|type) \S.*", r"\1 X", text)
    text = re.sub(r"(evaluating|iterate over|non-comparable types?|non-function) .*", r"\1 X", text)
    text = re.sub(r"^error calling (?!index|slice|len|call|eq|ne|lt|le|gt|ge)\w+: .*", "error calling F: X", text)
    return text


def print_coverage(requests: list[dict[str, Any]], responses: list[dict[str, Any]]) -> None:
    n = len(requests)
    phases = collections.Counter(r["phase"] or "ok" for r in responses)
    print(f"\n[exec generators] {n} requests: " + ", ".join(f"{k} {v / n:.0%}" for k, v in phases.most_common()))
    tallies: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for request in requests:
        for group, names in request_features(request).items():
            tallies[group].update(names)
    for group, counter in tallies.items():
        shares = ", ".join(f"{name} {count / n:.0%}" for name, count in sorted(counter.items()))
        print(f"  {group} ({len(counter)}): {shares}")
    kinds = collections.Counter(exec_error_kind(r["error"]) for r in responses if r["phase"] == "exec")
    print(f"  exec error kinds ({len(kinds)}):")
    for kind, count in kinds.most_common():
        print(f"    {count:4d}  {kind}")


# -- the generator-quality test ---------------------------------------------------------------


def draw_requests(count: int) -> list[dict[str, Any]]:
    """``count`` requests from :func:`exec_requests`, drawn via ``@given``
    (generate phase only: the point is the distribution, not a failure)."""
    drawn: list[dict[str, Any]] = []

    @settings(max_examples=count, database=None, phases=[Phase.generate], deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(exec_requests())
    def collect(request: dict[str, Any]) -> None:
        drawn.append(request)

    collect()
    return drawn


def test_exec_requests_reach_success_and_many_errors(oracle: Oracle) -> None:
    requests = draw_requests(SAMPLE_SIZE)
    assert len(requests) >= SAMPLE_SIZE * 0.9, "Hypothesis produced too few examples"
    responses = oracle.run_many(requests)
    print_coverage(requests, responses)

    refused = [(q, r["error"]) for q, r in zip(requests, responses) if r["phase"] == "request"]
    assert not refused, f"generator made requests the oracle refuses: {refused[:3]}"
    oracle_made = [r["error"] for r in responses if (r["error"] or "").startswith("oracle:")]
    assert not oracle_made, f"timeouts or output limits: {oracle_made[:3]}"

    ok = sum(r["phase"] is None for r in responses)
    exec_errors = [r["error"] for r in responses if r["phase"] == "exec"]
    kinds = {exec_error_kind(e) for e in exec_errors}
    assert ok >= MIN_SUCCESS * len(requests)
    assert len(exec_errors) >= MIN_EXEC_ERRORS * len(requests)
    assert len(kinds) >= MIN_EXEC_ERROR_KINDS, f"too few exec error kinds: {sorted(kinds)}"


@settings(max_examples=hypothesis_examples(100), database=None)
@given(exec_requests())
def test_exec_requests_are_json_safe(request: dict[str, Any]) -> None:
    # The oracle speaks UTF-8 JSON: lone surrogates would arrive as U+FFFD.
    json.dumps(request, ensure_ascii=False).encode("utf-8")
    assert set(request) <= {"name", "template", "data", "funcs", "options", "associated", "execute"}


@settings(max_examples=hypothesis_examples(200), database=None)
@given(typed_values())
def test_typed_values_decode_in_our_model(encoded: Any) -> None:
    # Everything the generator makes is understood by gotmpl.values as well.
    values.from_typed_json(encoded)

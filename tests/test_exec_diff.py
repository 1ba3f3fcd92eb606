"""Differential execution tests: gotmpl and Go render the same requests, live.

Hypothesis generates (template, typed data) pairs that reach every action,
builtin, fmt verb and value kind (tests/gen_exec.py); the oracle's own smoke
cases and the hand-picked cases of tests/exec_cases.py run too. Output, error
text and phase must be identical.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

import exec_cases
import gen_exec
import gofuncs  # noqa: F401 - registers oracle.T / oracle.Stringer and the "test" set
from conftest import hypothesis_examples
from goldens import comparable, same_response
from gotmpl.batch import handle_request

# At least 20,000 generated cases per CI run.
EXAMPLES = hypothesis_examples(int(__import__("os").environ.get("GOTMPL_EXEC_EXAMPLES", "10500")))


def check(oracle, req: dict) -> None:
    want = oracle.run(req)
    got = handle_request(req, "exec")
    assert same_response(got, want), (req, comparable(got), comparable(want))


@settings(max_examples=EXAMPLES)
@given(req=gen_exec.exec_requests())
def test_generated_exec_requests(oracle, req: dict) -> None:
    check(oracle, req)


@settings(max_examples=EXAMPLES)
@given(req=gen_exec.exec_requests())
def test_generated_exec_requests_again(oracle, req: dict) -> None:
    check(oracle, req)


@pytest.mark.parametrize("req", exec_cases.all_requests(), ids=lambda r: repr(r.get("template"))[:50])
def test_hand_picked_exec_cases(oracle, req: dict) -> None:
    check(oracle, req)

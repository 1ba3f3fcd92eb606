"""Execution against Go's recorded answers (fixtures/exec_goldens.jsonl, written by
tests/record_goldens.py from the oracle): real behaviour checked without Go."""

from __future__ import annotations

import pytest

import gofuncs  # noqa: F401 - the oracle.T twins and the "test" function set
from goldens import load, same_response
from gotmpl.batch import handle_request

CASES = load("exec_goldens.jsonl")


@pytest.mark.parametrize("req,want", CASES, ids=[f"{i}:{repr(r.get('template'))[:50]}" for i, (r, _) in enumerate(CASES)])
def test_exec_matches_go(req: dict, want: dict) -> None:
    assert same_response(handle_request(req, "exec"), want)


def test_exec_goldens_cover_success_and_errors() -> None:
    phases = [want["phase"] for _, want in CASES]
    assert phases.count(None) > 500 and phases.count("exec") > 200

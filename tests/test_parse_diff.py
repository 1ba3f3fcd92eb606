"""Differential tests: our parser and Go's, on the same requests, live.

Hypothesis generates templates from the grammar and then mutates them (cut,
duplicate, swap delimiters, bad literals, stray characters): see
tests/gen_templates.py. Every response field must be equal: tree strings of every
template in the set, or Go's exact error text and phase.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gen_templates
import parse_cases
from conftest import hypothesis_examples
from goldens import comparable
from gotmpl.batch import handle_request

# At least 5,000 generated templates per CI run (four tests below).
EXAMPLES = hypothesis_examples(1400)


def _check(oracle, req: dict) -> None:
    want = oracle.run(req)
    got = handle_request(req, "parse")
    assert comparable(got) == comparable(want), req


@settings(max_examples=EXAMPLES)
@given(req=gen_templates.parse_requests())
def test_generated_requests(oracle, req: dict) -> None:
    _check(oracle, req)


@settings(max_examples=EXAMPLES)
@given(text=gen_templates.mutated(gen_templates.template_texts()))
def test_mutated_default_delims(oracle, text: str) -> None:
    _check(oracle, {"mode": "parse", "template": text})


@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_custom_delims(oracle, data) -> None:
    left, right = data.draw(gen_templates.delim_pairs())
    text = data.draw(gen_templates.mutated(gen_templates.template_texts(left, right), left, right))
    _check(oracle, {"mode": "parse", "template": text, "delims": [left, right]})


@settings(max_examples=EXAMPLES)
@given(text=gen_templates.mutated(gen_templates.template_texts(funcs=("echo", "vjoin"))))
def test_comment_and_funcless_modes(oracle, text: str) -> None:
    _check(oracle, {"mode": "parse", "template": text, "parse_mode": ["comments"], "funcs": ["test"]})
    _check(oracle, {"mode": "parse", "template": text, "parse_mode": ["skipfunccheck"]})


@pytest.mark.parametrize("req", parse_cases.all_requests(), ids=lambda r: repr(r.get("template"))[:50])
def test_hand_picked_cases_live(oracle, req: dict) -> None:
    _check(oracle, req)

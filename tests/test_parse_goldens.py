"""Our parser against Go's recorded answers: no Go needed.

fixtures/parse_goldens.jsonl holds hand-picked cases (tests/parse_cases.py, every
node kind and parse error) plus a fixed sample of generated ones, each with the
response of the Go oracle: tree strings of every template, or the error text.
"""

from __future__ import annotations

import pytest

from gotmpl.batch import handle_request
from goldens import comparable, load

CASES = load("parse_goldens.jsonl")


def _label(req: dict) -> str:
    return repr(req.get("template", ""))[:60]


@pytest.mark.parametrize("req,want", CASES, ids=[f"{i}:{_label(r)}" for i, (r, _) in enumerate(CASES)])
def test_parse_matches_go(req: dict, want: dict) -> None:
    assert comparable(handle_request(req, "parse")) == comparable(want)


def test_goldens_cover_valid_and_invalid() -> None:
    phases = [want["phase"] for _, want in CASES]
    assert phases.count(None) > 500 and phases.count("parse") > 300

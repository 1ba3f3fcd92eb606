"""Sanity checks for the template generators, judged by real Go alone.

This module owns the evidence that ``gen_templates`` is worth using: a sample
of :func:`gen_templates.parse_requests` must be well-formed for the oracle,
largely accepted by Go, and the rejected part must reach many different Go
parse errors. Our own parser is not involved.
"""

from __future__ import annotations

import collections
import json
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

from conftest import hypothesis_examples
from gen_templates import delim_pairs, parse_requests
from oracle import Oracle, error_kind

SAMPLE_SIZE = hypothesis_examples(300)
MIN_ACCEPTED = 0.40
MIN_REJECTED = 0.15
MIN_ERROR_KINDS = 8


def draw_requests(count: int) -> list[dict[str, Any]]:
    """``count`` requests from :func:`parse_requests`, drawn via ``@given``.

    Generate phase only: the point is the distribution, so there is nothing
    to replay or shrink, and nothing worth storing in the example database.
    """
    drawn: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,  # a statistics check: the same sample every run, never flaky
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(parse_requests())
    def collect(request: dict[str, Any]) -> None:
        drawn.append(request)

    collect()
    return drawn


def request_kind(request: dict[str, Any], error: str) -> str:
    names = [request.get("name", "t"), *request.get("associated", {})]
    return error_kind(error, names, request.get("delims"))


def print_stats(total: int, accepted: int, kinds: collections.Counter[str]) -> None:
    rejected = sum(kinds.values())
    print(f"\n[generators] {total} requests: {accepted / total:.0%} accepted by Go, "
          f"{rejected / total:.0%} rejected, {len(kinds)} distinct error kinds")
    for kind, count in kinds.most_common(25):
        print(f"  {count:5d}  {kind}")


def test_parse_requests_reach_valid_and_invalid(oracle: Oracle) -> None:
    requests = draw_requests(SAMPLE_SIZE)
    assert len(requests) >= SAMPLE_SIZE * 0.9, "Hypothesis produced too few examples"
    responses = oracle.run_many(requests)

    bad_requests = [(q, r["error"]) for q, r in zip(requests, responses) if r["phase"] == "request"]
    assert not bad_requests, f"generator made requests the oracle refuses: {bad_requests[:3]}"

    accepted = sum(r["phase"] is None for r in responses)
    kinds = collections.Counter(
        request_kind(q, r["error"]) for q, r in zip(requests, responses) if r["phase"] == "parse"
    )
    print_stats(len(requests), accepted, kinds)

    rejected = sum(kinds.values())
    assert accepted >= MIN_ACCEPTED * len(requests)
    assert rejected >= MIN_REJECTED * len(requests)
    assert len(kinds) >= MIN_ERROR_KINDS, f"too few error kinds: {sorted(kinds)}"


@settings(max_examples=hypothesis_examples(100), database=None)
@given(parse_requests())
def test_parse_requests_are_json_safe(request: dict[str, Any]) -> None:
    # The oracle speaks UTF-8 JSON: lone surrogates would arrive as U+FFFD.
    json.dumps(request, ensure_ascii=False).encode("utf-8")
    assert request["mode"] == "parse"
    assert not ("parse_mode" in request and "associated" in request)


@settings(max_examples=hypothesis_examples(50), database=None)
@given(delim_pairs())
def test_delim_pairs_are_pairs_of_strings(pair: tuple[str, str]) -> None:
    left, right = pair
    assert isinstance(left, str) and isinstance(right, str)

"""Record Go's answers as fixtures, so the suite checks real behaviour without Go.

    python tests/record_goldens.py        # needs the oracle (GOTMPL_ORACLE or ../shared)

Every expected value in fixtures/*.jsonl was produced by this script from the Go
oracle (../shared/oracle, Go 1.27 text/template); nothing in them is written by
hand. Re-run it after changing the case lists in tests/parse_cases.py or the
generators; review the diff of fixtures/ like any other change.
"""

from __future__ import annotations

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from hypothesis import HealthCheck, given, settings  # noqa: E402

import exec_cases  # noqa: E402
import gen_exec  # noqa: E402
import gen_templates  # noqa: E402
import gofuncs  # noqa: E402,F401 - the oracle.T twins decode the recorded data
import parse_cases  # noqa: E402
from oracle import Oracle, find_oracle  # noqa: E402

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
HEADER = {
    "source": "Go 1.27 text/template via ../shared/oracle; recorded by tests/record_goldens.py; do not edit by hand"
}
GENERATED_SAMPLE = 1500


def _generated_requests(n: int, strategy: object = None) -> list[dict]:
    """A fixed (derandomized) sample of the Hypothesis generators' requests."""
    strategy = strategy if strategy is not None else gen_templates.parse_requests()
    out: list[dict] = []

    @settings(
        max_examples=n,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(req: dict) -> None:
        out.append(req)

    collect()
    return out[:n]


def position_requests() -> list[dict]:
    reqs = []
    for case in parse_cases.POSITION_CASES:
        text, data = case[0], case[1]
        req = {"template": text, "data": data}
        if len(case) > 2:
            req["delims"] = case[2]
        reqs.append(req)
    return reqs


def number_requests() -> list[dict]:
    return [{"template": '{{printf "%T|%v" ' + n + " " + n + "}}"} for n in parse_cases.NUMBER_CASES]


def _write(name: str, requests: list[dict], responses: list[dict]) -> None:
    path = FIXTURES / name
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps(HEADER) + "\n")
        for req, resp in zip(requests, responses):
            f.write(json.dumps({"request": req, "response": resp}, ensure_ascii=False) + "\n")
    print(f"wrote {len(requests)} cases to {path}")


def main() -> int:
    binary = find_oracle()
    if binary is None:
        print("no Go oracle: set GOTMPL_ORACLE or provide ../shared/oracle", file=sys.stderr)
        return 1
    FIXTURES.mkdir(exist_ok=True)
    with Oracle(binary) as go:
        parse_reqs = parse_cases.all_requests() + _generated_requests(GENERATED_SAMPLE)
        _write("parse_goldens.jsonl", parse_reqs, go.run_many(parse_reqs))
        pos_reqs = position_requests()
        _write("position_goldens.jsonl", pos_reqs, go.run_many(pos_reqs))
        num_reqs = number_requests()
        _write("number_goldens.jsonl", num_reqs, go.run_many(num_reqs))
        exec_reqs = [dict(r) for r in exec_cases.all_requests() if r not in exec_cases.oracle_smoke_requests()]
        exec_reqs += _generated_requests(GENERATED_SAMPLE, gen_exec.exec_requests())
        _write("exec_goldens.jsonl", exec_reqs, go.run_many(exec_reqs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Record Go's fmt answers for gotmpl.gofmt, so tests/test_gofmt.py checks them without Go.

    python tests/record_gofmt_goldens.py      # needs the oracle (GOTMPL_ORACLE or ../shared)

Writes fixtures/gofmt_goldens.jsonl: a header line, then one
``{"request": ..., "response": ...}`` line per case, the request being a
``{{printf .F .A0 ...}}`` / ``{{print ...}}`` template over typed data
(tests/test_gofmt.py: build_request) and the response Go's. The cases are a
fixed quarter of the hand-picked value x verb grid, all hand-picked printf and
print cases, and a derandomized sample of the Hypothesis case generator.
Nothing in the file is written by hand; re-run after changing the case lists.
"""

from __future__ import annotations

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from hypothesis import HealthCheck, given, settings  # noqa: E402

import test_gofmt  # noqa: E402
from oracle import Oracle, find_oracle  # noqa: E402

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"
HEADER = {
    "source": "Go 1.27 fmt via text/template's printf/print/println, via ../shared/oracle; "
    "recorded by tests/record_gofmt_goldens.py; do not edit by hand"
}
GRID_STRIDE = 4
GENERATED_SAMPLE = 1800


def grid_requests() -> list[dict]:
    """Every GRID_STRIDE-th (value, verb) pair, shifted per value so that each
    verb still meets many kinds of value."""
    reqs = []
    for vi, value in enumerate(test_gofmt.SCALARS + test_gofmt.COMPOSITES):
        for k, verb in enumerate(test_gofmt.VERBS):
            if (vi + k) % GRID_STRIDE == 0:
                reqs.append(test_gofmt.build_request("printf", verb, [value]))
    return reqs


def extra_requests() -> list[dict]:
    reqs = [test_gofmt.build_request("printf", fmt, list(args)) for fmt, args in test_gofmt.PRINTF_EXTRAS]
    for args in test_gofmt.PRINT_CASES:
        reqs.append(test_gofmt.build_request("print", None, list(args)))
        reqs.append(test_gofmt.build_request("println", None, list(args)))
    return reqs


def generated_requests(n: int) -> list[dict]:
    """A fixed (derandomized) sample of the Hypothesis case generator."""
    out: list[dict] = []

    @settings(max_examples=n, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), deadline=None)  # fmt: skip
    @given(test_gofmt.printf_cases())
    def collect(case: tuple) -> None:
        out.append(test_gofmt.build_request(*case))

    collect()
    return out[:n]


def main() -> int:
    binary = find_oracle()
    if binary is None:
        print("no Go oracle: set GOTMPL_ORACLE or provide ../shared/oracle", file=sys.stderr)
        return 1
    requests = grid_requests() + extra_requests() + generated_requests(GENERATED_SAMPLE)
    with Oracle(binary) as go:
        responses = go.run_many(requests)
    bad = [r for r in responses if r.get("error")]
    if bad:
        print(f"oracle errors (fix the case generator): {bad[:3]}", file=sys.stderr)
        return 1
    path = FIXTURES / test_gofmt.GOLDENS
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps(HEADER) + "\n")
        for req, resp in zip(requests, responses):
            resp = {k: v for k, v in resp.items() if k != "id"}
            f.write(json.dumps({"request": req, "response": resp}, ensure_ascii=False) + "\n")
    print(f"wrote {len(requests)} cases to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

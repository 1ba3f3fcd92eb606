"""Reading the recorded Go answers in fixtures/ (see tests/record_goldens.py)."""

from __future__ import annotations

import json
import pathlib

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures"


def load(name: str) -> list[tuple[dict, dict]]:
    """(request, Go's response) pairs of a fixture file, header line skipped."""
    pairs = []
    with (FIXTURES / name).open(encoding="utf-8") as f:
        header = json.loads(f.readline())
        assert "oracle" in header["source"], "fixtures must say they came from the Go oracle"
        for line in f:
            case = json.loads(line)
            pairs.append((case["request"], case["response"]))
    return pairs


def comparable(resp: dict) -> dict:
    """A response with what may differ by design removed: request-phase errors
    (protocol problems) are worded by each side; only the phase must agree."""
    out = dict(resp)
    out.pop("id", None)
    if out.get("phase") == "request":
        out["error"] = "<request error>"
    return out

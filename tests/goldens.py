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


# gotmpl prints this fixed address where Go prints a real pointer (see gotmpl.gofmt).
_FAKE_ADDRESSES = ("0xc000010000", "c000010000", "C000010000", "824633786368", "14000000200000")


def same_response(ours: dict, go: dict) -> bool:
    """Responses equal, allowing Go's real pointer addresses where we print the
    fixed one (the only output of Go's that cannot be reproduced)."""
    a, b = comparable(ours), comparable(go)
    if a == b:
        return True
    if set(a) != set(b) or a.get("phase") != b.get("phase"):
        return False
    return all(_same_text(a[k], b[k]) for k in a)


def _same_text(ours: object, go: object) -> bool:
    if ours == go:
        return True
    if not isinstance(ours, str) or not isinstance(go, str) or not any(f in ours for f in _FAKE_ADDRESSES):
        return False
    import re

    pattern = re.escape(ours)
    for fake in _FAKE_ADDRESSES:
        pattern = pattern.replace(re.escape(fake), "(?:0x)?[0-9a-fA-F]+")
    return re.fullmatch(pattern, go, re.S) is not None

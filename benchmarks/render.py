"""Render speed: the Istio 0.5 release injection template with SidecarTemplateData.

    python benchmarks/render.py [--rounds N]

The template is ``data.config`` -> ``template:`` of Istio 0.5's release ConfigMap
(read from ../shared/upstream/istio, with {PILOT_HUB}/{PILOT_TAG} substituted as
Istio's install script does), the data the oracle's example request for it
(../shared/oracle/examples). Prints our median render time next to Go's for
the same template and data, measured in the same run through the oracle's
"bench" field, and the ratio (below 1.0: faster than Go).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from gotmpl import Template  # noqa: E402
from gotmpl.values import from_typed_json  # noqa: E402
from injector.protos import register_oracle_types  # noqa: E402

SHARED = ROOT.parent / "shared"
EXAMPLE = SHARED / "oracle" / "examples" / "istio-0.5.0-release-hello.request.json"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--n", type=int, default=2000, help="renders per round")
    args = ap.parse_args()
    if not EXAMPLE.is_file():
        print(f"skipped: {EXAMPLE} is absent (the Go oracle's Istio example lives in ../shared)")
        return 0
    register_oracle_types()
    req = json.loads(EXAMPLE.read_text())
    data = from_typed_json(req["data"])
    t = Template(req["name"]).parse(req["template"])
    expected = t.render(data)
    rounds = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for _ in range(args.n):
            t.render(data)
        rounds.append((time.perf_counter() - start) / args.n)
    ours = statistics.median(rounds)
    print(f"Istio 0.5 release template ({len(req['template'])} bytes, {len(expected)} bytes out)")
    print(f"  gotmpl render  {ours * 1e6:8.2f} µs")
    go = _go_exec_time(req)
    if go is not None:
        print(f"  Go render      {go * 1e6:8.2f} µs")
        print(f"  ratio          {ours / go:8.2f}  (gotmpl / Go; goal < 1.0, floor 3.0)")
    return 0


def _go_exec_time(req: dict) -> float | None:
    try:
        from oracle import find_oracle
    except ImportError:
        return None
    binary = find_oracle()
    if binary is None:
        return None
    resp = json.loads(
        subprocess.run([binary, "--one"], input=json.dumps({**req, "bench": 20000}), capture_output=True, text=True, check=True).stdout
    )
    if resp.get("error"):
        print("oracle:", resp["error"], file=sys.stderr)
        return None
    return resp["bench"]["exec_ns"] / 1e9


if __name__ == "__main__":
    sys.exit(main())

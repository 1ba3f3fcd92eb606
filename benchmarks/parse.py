"""Parse speed: the largest saved Istio template and the 0.5 release template.

    python benchmarks/parse.py [--rounds N]

Prints our median parse time per template and, when the Go oracle is available
(GOTMPL_ORACLE or ../shared/oracle), Go's time for the same parse measured in
the same run through the oracle's "bench" field, with the ratio. The templates
are read from ../shared/upstream/istio (Istio's files, not copied here).
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

import yaml  # noqa: E402

from gotmpl import Template  # noqa: E402
from gotmpl.funcs import func_set_names  # noqa: E402

ISTIO = ROOT.parent / "shared" / "upstream" / "istio"
LARGEST = ISTIO / "master/manifests/charts/istio-control/istio-discovery/files/injection-template.yaml"
RELEASE_05 = ISTIO / "0.5.0/install/kubernetes/templates/istio-sidecar-injector-configmap-release.yaml.tmpl"


def _release_05_template() -> str:
    doc = yaml.safe_load(RELEASE_05.read_text())
    return yaml.safe_load(doc["data"]["config"])["template"]


def _ours(text: str, funcs: str, rounds: int) -> float:
    names = func_set_names(funcs) if funcs else frozenset()
    Template("warm").known_funcs(names).parse(text)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        Template("t").known_funcs(names).parse(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _go(text: str, funcs: str, n: int) -> float | None:
    """Go's median parse time (s): the template rides as an associated template of an
    empty main one, so the oracle's bench times New+Funcs+Parse of it."""
    try:
        from oracle import find_oracle
    except ImportError:
        return None
    binary = find_oracle()
    if binary is None:
        return None
    req = {"template": "", "associated": {"big": text}, "bench": n}
    if funcs:
        req["funcs"] = [funcs]
    out = subprocess.run([binary, "--one"], input=json.dumps(req), capture_output=True, text=True, check=True).stdout
    resp = json.loads(out)
    if resp.get("error"):
        print("oracle:", resp["error"], file=sys.stderr)
        return None
    empty = json.loads(
        subprocess.run(
            [binary, "--one"], input=json.dumps({**req, "associated": {}}), capture_output=True, text=True, check=True
        ).stdout
    )
    return (resp["bench"]["parse_ns"] - empty["bench"]["parse_ns"]) / 1e9


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=50)
    args = ap.parse_args()
    if not ISTIO.is_dir():
        print(f"skipped: {ISTIO} is absent (the upstream Istio templates live in ../shared)")
        return 0
    cases = [
        ("master injection-template.yaml", LARGEST.read_text(), "istio"),
        ("0.5.0 release template", _release_05_template(), ""),
    ]
    for label, text, funcs in cases:
        ours = _ours(text, funcs, args.rounds)
        go = _go(text, funcs, 200)
        line = f"{label:32} {len(text):6d} bytes  gotmpl {ours * 1e3:7.2f} ms"
        if go:
            line += f"   Go {go * 1e3:6.3f} ms   ratio {ours / go:6.1f}x"
        print(line)
    print("target: <= 20 ms for the largest template")
    return 0


if __name__ == "__main__":
    sys.exit(main())

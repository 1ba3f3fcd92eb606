"""kube-inject throughput: 1,000 deployments in one multi-document manifest.

    python benchmarks/kube_inject.py [--deployments N] [--rounds R] [--istio-version X.Y]

The manifest is generated here (N copies of a two-container Deployment with
ports, labels and annotations, names numbered) and injected with the embedded
configuration, as ``injector kube-inject -f FILE`` does (read, split, decode,
render, decode the sidecar, apply, re-serialise). Prints the median wall time
of a run, documents per second, the per-document split between the template
render and the rest, and the render time next to Go's for the same template
and data (the oracle's "bench" field, in the same run). Target: N=1000 < 2 s.
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

from injector.cli import build_injector  # noqa: E402
from injector.kubeinject import kube_inject, pod_target  # noqa: E402

DEPLOYMENT = """apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: app-{i}
  labels:
    app: app-{i}
spec:
  replicas: 2
  template:
    metadata:
      labels:
        app: app-{i}
        version: v1
      annotations:
        prometheus.io/scrape: "true"
    spec:
      serviceAccountName: app-{i}
      containers:
      - name: app
        image: example.com/app:{i}
        ports:
        - name: http
          containerPort: 8080
        - name: grpc
          containerPort: 9090
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
      - name: cache
        image: example.com/cache:1
        ports:
        - containerPort: 6379
"""


def manifest(n: int) -> str:
    return "---\n".join(DEPLOYMENT.format(i=i) for i in range(n))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deployments", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--istio-version", default="1.7")
    args = ap.parse_args()
    injector = build_injector(args.istio_version)
    text = manifest(args.deployments)
    out = kube_inject(injector, text)  # warm-up, and a check that it works
    assert out.count("name: istio-proxy") == args.deployments
    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        kube_inject(injector, text)
        times.append(time.perf_counter() - start)
    total = statistics.median(times)
    render = _render_time(injector, DEPLOYMENT.format(i=1))
    per_doc = total / args.deployments
    print(f"kube-inject, Istio {args.istio_version} embedded config: {args.deployments} deployments, {len(text)} bytes in, {len(out)} bytes out")
    print(f"  total          {total:8.3f} s   (target < 2 s for 1000)")
    print(f"  documents/s    {args.deployments / total:8.0f}")
    print(f"  per document   {per_doc * 1e3:8.3f} ms  (template render {render * 1e3:.3f} ms, the rest decode/apply/encode)")
    go = _go_render_time(injector, DEPLOYMENT.format(i=1))
    if go is not None:
        print(f"  Go render      {go * 1e3:8.3f} ms  (same template and data; ratio {render / go:.2f})")
    return 0


def _target(injector, doc: str):
    return pod_target(injector.release, doc)


def _render_time(injector, doc: str, n: int = 2000) -> float:
    target = _target(injector, doc)
    injector.render(target)
    start = time.perf_counter()
    for _ in range(n):
        injector.render(target)
    return (time.perf_counter() - start) / n


def _go_render_time(injector, doc: str) -> float | None:
    try:
        import oracle_data
        from oracle import find_oracle
    except ImportError:
        return None
    binary = find_oracle()
    if binary is None:
        return None
    from injector import meshconfig

    mesh = meshconfig.apply_mesh_yaml(
        (ROOT / "injector" / "data" / "mesh-config.yaml").read_text(), injector.release.name
    )
    data = injector.template_data(_target(injector, doc))
    req = {
        "name": "inject",
        "funcs": [f"istio@{injector.release.name}"],
        "template": injector.config.template,
        "data": oracle_data.template_data(data, mesh.mesh_json, mesh.proxy_json),
        "bench": 5000,
    }
    if injector.release.delims != ("{{", "}}"):
        req["delims"] = list(injector.release.delims)
    resp = json.loads(subprocess.run([binary, "--one"], input=json.dumps(req), capture_output=True, text=True, check=True).stdout)
    if resp.get("error"):
        print("oracle:", resp["error"], file=sys.stderr)
        return None
    if resp["output"] != injector.render(_target(injector, doc)):
        print("oracle: output differs from ours", file=sys.stderr)
    return resp["bench"]["exec_ns"] / 1e9


if __name__ == "__main__":
    raise SystemExit(main())

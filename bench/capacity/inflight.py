#!/usr/bin/env python3
"""inflight.py TRACES.jsonl...: a step's in-flight count every 2 s, from its traces.

The in-flight count at time t (from the step's first scheduled send) is the
number of requests scheduled by t and not yet ended by t, the quantity the
saturation check averages over blocks (src/capacity/saturation.h). Prints one
line a file: its request count, E2E p50 (s) and `t:count` pairs. Used for
docs/CAPACITY.md#two-schedule-seeds:
  tar -xJf docs/results/2026-12-01-vllm-h200/sitting-2026-12-03/capacity-h200-c1c8.tar.xz \\
      -C /tmp/s3 --wildcards '*/C1/step-0[46]*'
  python3 bench/capacity/inflight.py /tmp/s3/*/C1/step-0[46]*/trial-1/traces.jsonl
"""
import json
import sys


def inflight(path, every_s=2.0):
    with open(path) as f:
        rs = [json.loads(line) for line in f if line.strip()]
    t0 = min(r["t_scheduled_ns"] for r in rs)
    sched = sorted((r["t_scheduled_ns"] - t0) / 1e9 for r in rs)
    ends = [(r["t_end_ns"] - t0) / 1e9 for r in rs if r.get("t_end_ns")]
    e2e = sorted((r["t_end_ns"] - r["t_scheduled_ns"]) / 1e9 for r in rs if r.get("t_end_ns"))
    points, t = [], 0.0
    while t <= sched[-1] + 1e-9:
        points.append((t, sum(s <= t for s in sched) - sum(e <= t for e in ends)))
        t += every_s
    return len(rs), e2e[len(e2e) // 2] if e2e else float("nan"), points


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for p in sys.argv[1:]:
        n, p50, pts = inflight(p)
        print(p, n, "requests; E2E p50 %.1f s;" % p50, " ".join(f"{t:.0f}:{c}" for t, c in pts))

#!/usr/bin/env python3
"""Checks that two runs folders' `l4lab report` summaries agree in structure:
the same keys everywhere (values aside), the same configurations and trials,
and the same counts (requests, ok, failed, per run and per configuration).
Timings differ between any two runs and are not compared.
usage: compare_reports.py RUNS_A RUNS_B"""
import json
import sys

COUNTS = {"config", "configuration", "trial", "trials", "requests", "ok", "failed", "n_runs",
          "runs", "status", "outcome"}


def walk(v, path, shape, counts):
    if isinstance(v, dict):
        shape.add(path + "{}")
        for k, x in v.items():
            p = f"{path}.{k}"
            shape.add(p)
            if k in COUNTS and not isinstance(x, (dict, list)):
                counts.append((p, x))
            walk(x, p, shape, counts)
    elif isinstance(v, list):
        shape.add(f"{path}[{len(v)}]")
        for i, x in enumerate(v):
            walk(x, f"{path}[{i}]", shape, counts)


def load(d):
    with open(f"{d}/summary.json") as f:
        j = json.load(f)
    shape, counts = set(), []
    walk(j, "", shape, counts)
    return shape, counts


def main():
    a, b = sys.argv[1], sys.argv[2]
    sa, ca = load(a)
    sb, cb = load(b)
    bad = 0
    for p in sorted(sa ^ sb):
        # Paths that name the runs folder itself are the one expected difference.
        print(f"structure differs: {p} only in {a if p in sa else b}")
        bad += 1
    da, db = dict(ca), dict(cb)
    for p in sorted(set(da) | set(db)):
        if da.get(p) != db.get(p):
            print(f"count differs at {p}: {a}={da.get(p)!r} {b}={db.get(p)!r}")
            bad += 1
    n_req = sum(1 for p, _ in ca if p.endswith(".requests"))
    print(f"compare_reports: {len(sa)} keys, {len(ca)} counts compared ({n_req} request counts); "
          f"{bad} difference(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Known-answer check of `l4lab bench` traces against serve-sim's exact mode.

Usage: trace_stats.py RUN_DIR --ttft-ms 50 --itl-ms 10

Reads RUN_DIR/traces.jsonl (measured, ok requests) and prints the error of
the measured TTFT (first content chunk - t_sent) and of every inter-chunk gap
against the configured truth: mean, p50, p99, max of |error| in ms. Exits 1
when p99 |error| >= --tolerance-ms (default 1.0) for either.
"""
import argparse
import json
import math
import sys


def pct(v, p):
    if not v:
        return float("nan")
    v = sorted(v)
    pos = p / 100 * (len(v) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run_dir")
    ap.add_argument("--ttft-ms", type=float, required=True)
    ap.add_argument("--itl-ms", type=float, required=True)
    ap.add_argument("--tolerance-ms", type=float, default=1.0)
    a = ap.parse_args()
    ttft_err, itl_err, n, bad = [], [], 0, 0
    with open(f"{a.run_dir}/traces.jsonl") as f:
        for line in f:
            t = json.loads(line)
            if t["phase"] != "measured":
                continue
            if not t["ok"]:
                bad += 1
                continue
            n += 1
            ttft_err.append((t["t_first_token_ns"] - t["t_sent_ns"]) / 1e6 - a.ttft_ms)
            ch = t["chunks"]
            for i in range(1, len(ch)):
                # A chunk carrying k tokens spans k inter-token gaps.
                itl_err.append((ch[i][0] - ch[i - 1][0]) / 1e6 - a.itl_ms * ch[i][1])
    out = {"requests_ok": n, "requests_failed": bad}
    ok = True
    for name, err in (("ttft", ttft_err), ("itl", itl_err)):
        ab = [abs(x) for x in err]
        out[name] = {
            "count": len(err),
            "mean_error_ms": sum(err) / len(err) if err else None,
            "p50_abs_error_ms": pct(ab, 50),
            "p99_abs_error_ms": pct(ab, 99),
            "max_abs_error_ms": max(ab) if ab else None,
        }
        ok = ok and bool(ab) and pct(ab, 99) < a.tolerance_ms
    out["pass"] = ok
    print(json.dumps(out, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

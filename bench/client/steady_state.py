#!/usr/bin/env python3
"""steady_state.py RUN_DIR SAMPLES [--from 0.1 --to 0.9]: the client's
throughput while the load is steady. The window is the span between the
FROM and TO quantiles of all content-chunk arrival times in RUN_DIR's
traces.jsonl (default: the middle 80% of chunks), which leaves out the ramp
(connections opening) and the tail (the last wave draining). Over that window:
chunks that arrived / window length, the client's CPU time from the
rusage.py samples (linear between 100 ms samples), CPU per chunk, and how many
requests were in flight (min / mean over 1,000 points). Prints one JSON line."""
import argparse
import bisect
import json

ap = argparse.ArgumentParser()
ap.add_argument("run_dir")
ap.add_argument("samples")
ap.add_argument("--from", dest="q0", type=float, default=0.1)
ap.add_argument("--to", dest="q1", type=float, default=0.9)
a = ap.parse_args()

arrivals, spans = [], []
for line in open(f"{a.run_dir}/traces.jsonl"):
    r = json.loads(line)
    arrivals.extend(c[0] for c in r.get("chunks") or [])
    if r.get("t_sent_ns") is not None and r.get("t_end_ns") is not None:
        spans.append((r["t_sent_ns"], r["t_end_ns"]))
arrivals.sort()
t0 = arrivals[int(a.q0 * (len(arrivals) - 1))]
t1 = arrivals[int(a.q1 * (len(arrivals) - 1))]
n = bisect.bisect_right(arrivals, t1) - bisect.bisect_left(arrivals, t0)

tck, samples = 100, []
for line in open(a.samples):
    if line.startswith("# clk_tck"):
        tck = int(line.split()[2])
    elif line.strip():
        t, u, s = map(int, line.split())
        samples.append((t, u, s))


def cpu_at(t):  # (user_s, sys_s) at mono time t, linear between samples
    i = bisect.bisect_left([x[0] for x in samples], t)
    i = min(max(i, 1), len(samples) - 1)
    (ta, ua, sa), (tb, ub, sb) = samples[i - 1], samples[i]
    f = (t - ta) / (tb - ta) if tb != ta else 0.0
    return (ua + f * (ub - ua)) / tck, (sa + f * (sb - sa)) / tck


u0, s0 = cpu_at(t0)
u1, s1 = cpu_at(t1)
wall = (t1 - t0) / 1e9
cpu = (u1 - u0) + (s1 - s0)
starts = sorted(s for s, _ in spans)
ends = sorted(e for _, e in spans)
inflight = []
for k in range(1000):
    t = t0 + (t1 - t0) * k / 999
    inflight.append(bisect.bisect_right(starts, t) - bisect.bisect_right(ends, t))
print(json.dumps({
    "window_s": round(wall, 3), "window_quantiles": [a.q0, a.q1], "chunks": n,
    "chunks_per_s": round(n / wall), "cpu_s": round(cpu, 3),
    "cpu_share_of_one_core": round(cpu / wall, 3),
    "cpu_us_per_chunk": round(1e6 * cpu / n, 3) if n else None,
    "user_s": round(u1 - u0, 3), "sys_s": round(s1 - s0, 3),
    "in_flight_min": min(inflight), "in_flight_mean": round(sum(inflight) / len(inflight), 1),
}))

#!/usr/bin/env python3
"""Open-loop scheduling lag (actual send - scheduled send) per request, from
each client's own per-request output, for bench/client/peers_openloop.sh.

Usage:
  openloop_lag.py l4lab    RUN_DIR
  openloop_lag.py aiperf   ARTIFACT_DIR --rate R --seed S [--pattern poisson|constant]
  openloop_lag.py guidellm BENCHMARKS_JSON
Prints one JSON object: n (requests with both times), ok, lag_ms {p50, p90,
p99, max, min} for the headline definition, the parts where the client has
them, and the achieved send rate. Stdlib only.

What "lag" is for each client (see docs/perf/client.md, "Open loop side by
side with peers", for the source references):
- l4lab: traces.jsonl t_sent_ns - t_scheduled_ns (monotonic ns). t_scheduled
  is the seeded schedule's time; t_sent is taken when the request is handed
  to curl (src/client/http_loop.cpp).
- AIPerf 0.13.0 records no scheduled time. Its request-rate loop keeps an
  absolute target (perf_start + cumulative intervals) and stamps the credit
  with issued_at_ns when it issues it; the worker stamps request_start_ns when
  the aiohttp request record is created. The schedule is rebuilt here exactly:
  intervals come from random.Random(seed') where seed' = first 8 bytes (big
  endian) of sha256(f"{seed}:timing.request.poisson_interval") (AIPerf's
  rng.derive), expovariate(rate); constant = 1/rate. The anchor is the
  profiling phase's start (profile_export_aiperf.json start_time, microsecond
  ISO from lifecycle.started_at_ns). Credit k (by issue order) gets target
  k+1. Headline lag = request_start_ns - target; parts: issuer lag
  (credit_issued_ns - target), credit to start (request_start_ns -
  credit_issued_ns). AIPerf re-anchors its schedule when it falls > 10 ms
  behind (MAX_CATCHUP_SECONDS); this rebuild keeps the original schedule, so
  such lateness is counted, as l4lab counts it.
- GuideLLM 0.8.1: info.timings.targeted_start (the strategy's arrival time)
  and request_start (time.time() at httpx's first request-header write);
  headline lag = request_start - targeted_start, which is GuideLLM's own
  request_dispatch_delay; part: resolve_start - targeted_start (after the
  scheduler's sleep, before the backend builds the HTTP request).
"""
import argparse
import datetime
import hashlib
import json
import math
import random
import sys


def pct(v, p):
    if not v:
        return None
    pos = p / 100 * (len(v) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def dist(v):
    v = sorted(v)
    if not v:
        return {"n": 0}
    r = {"n": len(v)}
    for p in (50, 90, 99):
        r[f"p{p}"] = round(pct(v, p), 4)
    r["max"] = round(v[-1], 4)
    r["min"] = round(v[0], 4)
    return r


def rate_of(sends_s):
    sends_s = sorted(sends_s)
    if len(sends_s) < 2 or sends_s[-1] == sends_s[0]:
        return None
    return round((len(sends_s) - 1) / (sends_s[-1] - sends_s[0]), 1)


def burst(targets_s, window_s=0.01):
    """Most scheduled sends in any 10 ms window: how bursty the schedule the
    client generated was (a Poisson schedule at rate r has about r/100 on
    average)."""
    t = sorted(targets_s)
    best, lo = 0, 0
    for hi in range(len(t)):
        while t[hi] - t[lo] >= window_s:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def l4lab(run_dir):
    lag, sends, sched, ok, total = [], [], [], 0, 0
    with open(f"{run_dir}/traces.jsonl") as f:
        for line in f:
            t = json.loads(line)
            total += 1
            ok += bool(t.get("ok"))
            if t.get("t_sent_ns") is not None and t.get("t_scheduled_ns") is not None:
                lag.append((t["t_sent_ns"] - t["t_scheduled_ns"]) / 1e6)
                sends.append(t["t_sent_ns"] / 1e9)
                sched.append(t["t_scheduled_ns"] / 1e9)
    return {"records": total, "ok": ok, "lag_ms": dist(lag), "send_rate": rate_of(sends),
            "sched_max_in_10ms": burst(sched)}


def aiperf_intervals(seed, rate, pattern, n):
    if pattern == "constant":
        return [1.0 / rate] * n
    h = hashlib.sha256(f"{seed}:timing.request.poisson_interval".encode()).digest()
    rng = random.Random(int.from_bytes(h[:8], byteorder="big"))
    return [rng.expovariate(rate) for _ in range(n)]


def aiperf(art, rate, seed, pattern):
    summary = json.load(open(f"{art}/profile_export_aiperf.json"))
    t0_ns = round(datetime.datetime.fromisoformat(summary["start_time"]).timestamp() * 1e6) * 1000
    recs, total, ok = [], 0, 0
    with open(f"{art}/profile_export.jsonl") as f:
        for line in f:
            r = json.loads(line)
            total += 1
            ok += not r.get("error")
            m = r["metadata"]
            if m.get("benchmark_phase") != "profiling" or m.get("credit_issued_ns") is None:
                continue
            recs.append(m)
    recs.sort(key=lambda m: m["credit_issued_ns"])
    iv = aiperf_intervals(seed, rate, pattern, len(recs))
    acc, lag, issuer, c2s, sends, sched = 0.0, [], [], [], [], []
    for m, d in zip(recs, iv):
        acc += d
        target = t0_ns + acc * 1e9
        lag.append((m["request_start_ns"] - target) / 1e6)
        issuer.append((m["credit_issued_ns"] - target) / 1e6)
        c2s.append((m["request_start_ns"] - m["credit_issued_ns"]) / 1e6)
        sends.append(m["request_start_ns"] / 1e9)
        sched.append(target / 1e9)
    return {"records": total, "ok": ok, "lag_ms": dist(lag), "issuer_lag_ms": dist(issuer),
            "credit_to_start_ms": dist(c2s), "send_rate": rate_of(sends),
            "sched_max_in_10ms": burst(sched),
            "anchor": summary["start_time"]}


def guidellm(path):
    b = json.load(open(path))["benchmarks"][0]
    lag, resolve, sends, sched, total, ok = [], [], [], [], 0, 0
    for status, rs in b["requests"].items():
        if not isinstance(rs, list):
            continue
        for r in rs:
            total += 1
            ok += status == "successful"
            t = r["info"]["timings"]
            if t.get("targeted_start") is None:
                continue
            sched.append(t["targeted_start"])
            if t.get("request_start") is not None:
                lag.append((t["request_start"] - t["targeted_start"]) * 1e3)
                sends.append(t["request_start"])
            if t.get("resolve_start") is not None:
                resolve.append((t["resolve_start"] - t["targeted_start"]) * 1e3)
    return {"records": total, "ok": ok, "lag_ms": dist(lag), "resolve_lag_ms": dist(resolve),
            "send_rate": rate_of(sends), "sched_max_in_10ms": burst(sched),
            "strategy": b["config"]["strategy"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("client", choices=["l4lab", "aiperf", "guidellm"])
    ap.add_argument("path")
    ap.add_argument("--rate", type=float)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--pattern", default="poisson")
    a = ap.parse_args()
    if a.client == "l4lab":
        r = l4lab(a.path)
    elif a.client == "aiperf":
        r = aiperf(a.path, a.rate, a.seed, a.pattern)
    else:
        r = guidellm(a.path)
    json.dump(r, sys.stdout)
    print()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Soak benchmark (issue 16, docs/RELIABILITY.md "Soak"): `l4lab bench`
against `l4lab serve-sim` at a constant open-loop rate for SOAK_SECONDS
(default 1800), sampling both processes' memory and open files every
--sample-s seconds, then judging per window whether the lab stays flat.

  bench/soak/soak.py                               # 30 min at 300 req/s
  SOAK_SECONDS=180 bench/soak/soak.py --rate 50    # a short check

`l4lab bench` sends each workload line once (there is no loop or duration
option), so the workload is made long enough: rate x seconds synthetic
requests (bench/client/make_workload.py), sent in file order at
`--arrival constant`. serve-sim runs in exact mode (fixed TTFT and ITL), so
the server's pace does not change over the run.

Writes into --out (default build/soak/<UTC time>):
  samples.csv    every sample: time, both processes' VmRSS/VmHWM (kB), open
                 fds, threads, CPU seconds, and /proc/loadavg
  windows.csv    per window (--window-s, by scheduled send time): requests,
                 ok, failures by class, send lag p50/p99/max, RSS and fds
  summary.json   the figures, the criteria and the verdict
  run/           the bench run folder (traces.jsonl, bench.json, ...)

Timing quality is the lab's own two figures, not a new one: the open-loop
send lag t_sent_ns - t_scheduled_ns per request (docs/perf/client.md "Open
loop: scheduling lag", bench/client/openloop_lag.py), here per window; and
the whole run's canary lateness verdict from bench.json
(docs/METRICS.md#timing-quality), which bench computes over the run only.

Verdict (exit 1 if any fails; criteria fixed before the 30-minute run):
  - bench exits 0, serve-sim is alive until stopped, every scheduled request
    has a trace, 0 failed requests;
  - RSS flat: for each process, the median RSS of the last window is at most
    max(5 %, 4 MB) above the median of the first window after --warmup-s;
    for bench, plus what it keeps by design between those two windows' middles:
    `l4lab bench` holds every value of its exact percentiles (BenchStats: a
    send lag per request; TTFT, TTFT from scheduled, E2E, E2E from scheduled,
    TPOT per ok request; an ITL per chunk gap; the timing-quality canary's
    500 samples per second), 8 bytes each, counted here from the traces, times
    2: when a vector outgrows its buffer the smaller buffers it leaves stay
    resident in malloc's heap (1/2 + 1/4 + ... of the vector; measured in the
    short runs: bench grew 45 KiB/s at 300 req/s where its values are 23 KiB/s);
  - fds flat: for each process, the smallest open-fd count of the last window
    is at most 4 above the largest of the first window after warm-up (open
    connections follow the requests in flight, which a stall of the client
    raises for a while; a leak never comes
    back down); the peak in flight, from the traces, is printed beside it;
  - timing stable: every window's send-lag p99 is at most
    max(2 x the median of the windows' p99, median + 1 ms), and below
    --lag-p99-limit-ms (10 ms: a client falling behind its schedule grows
    its lag without bound).
Stdlib only.
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench", "sim"))
from sim_process import start_sim, stop_group  # noqa: E402 (bench/sim/sim_process.py)


def pct(v, p):
    """numpy 'linear' percentile of a sorted list (as metrics/percentile.h)."""
    if not v:
        return None
    pos = p / 100 * (len(v) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def proc_status(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM", "Threads"):
                    out[k] = int(v.split()[0])
        out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        out["cpu_s"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, ProcessLookupError):
        return None
    return out


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def median_or_none(v):
    return statistics.median(v) if v else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 1800)))
    ap.add_argument("--rate", type=float, default=float(os.environ.get("SOAK_RATE", 300)))
    ap.add_argument("--max-new-tokens", type=int, default=16)
    ap.add_argument("--ttft-ms", type=float, default=20)
    ap.add_argument("--itl-ms", type=float, default=5)
    ap.add_argument("--window-s", type=float, default=300)
    ap.add_argument("--sample-s", type=float, default=10)
    ap.add_argument("--warmup-s", type=float, default=60,
                    help="samples before this are not a baseline (start-up, pools filling)")
    ap.add_argument("--lag-p99-limit-ms", type=float, default=10)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    l4lab = os.path.abspath(os.environ.get("L4LAB_BIN", os.path.join(ROOT, "build/src/cli/l4lab")))
    out = args.out or os.path.join(ROOT, "build", "soak", time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    os.makedirs(out, exist_ok=True)
    run_dir = os.path.join(out, "run")
    count = int(round(args.rate * args.seconds))
    workload = os.path.join(out, "prompts.jsonl")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "client", "make_workload.py"), workload,
                    "--count", str(count), "--max-new-tokens", str(args.max_new_tokens)], check=True)

    sim, port = start_sim(ttft_ms=args.ttft_ms, itl_ms=args.itl_ms, l4lab=l4lab,
                          log_path=os.path.join(out, "serve-sim.log"), start_limit_s=120)
    sim_argv = sim.args
    bench_argv = [l4lab, "bench", "--endpoint", f"http://127.0.0.1:{port}", "--workload", workload,
                  "--out", run_dir, "--rate", str(args.rate), "--arrival", "constant", "--no-shuffle",
                  "--quiet"]
    t0 = time.time()
    bench = subprocess.Popen(bench_argv, stdout=open(os.path.join(out, "bench.log"), "w"),
                             stderr=subprocess.STDOUT, start_new_session=True)
    procs = {"bench": bench.pid, "sim": sim.pid}
    cols = ["t_s", "load1", "load5", "load15"]
    for name in procs:
        cols += [f"{name}_{k}" for k in ("rss_kb", "hwm_kb", "fds", "threads", "cpu_s")]
    samples = []
    sim_died = False
    with open(os.path.join(out, "samples.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        next_t = t0
        try:
            while bench.poll() is None:
                row = {"t_s": round(time.time() - t0, 1)}
                row["load1"], row["load5"], row["load15"] = loadavg()
                for name, pid in procs.items():
                    st = proc_status(pid)
                    if st is None:
                        continue
                    row.update({f"{name}_rss_kb": st.get("VmRSS"), f"{name}_hwm_kb": st.get("VmHWM"),
                                f"{name}_fds": st["fds"], f"{name}_threads": st.get("Threads"),
                                f"{name}_cpu_s": round(st["cpu_s"], 2)})
                if sim.poll() is not None:
                    sim_died = True
                if bench.poll() is None:  # a row taken after bench ended would be partial
                    samples.append(row)
                    w.writerow([row.get(c, "") for c in cols])
                    f.flush()
                next_t += args.sample_s
                while bench.poll() is None and time.time() < next_t:
                    time.sleep(min(0.5, max(0.0, next_t - time.time())))
        except KeyboardInterrupt:
            stop_group(bench)
    bench_rc = bench.wait()
    wall_s = time.time() - t0
    sim_died = sim_died or sim.poll() is not None
    sim_rc = stop_group(sim)

    # Traces, windowed by scheduled send time from the first scheduled send.
    # Two passes over traces.jsonl (hundreds of MB): the first scheduled time,
    # then the windows.
    traces_path = os.path.join(run_dir, "traces.jsonl")

    def traces():
        with open(traces_path) as f:
            for line in f:
                yield json.loads(line)
    t_first, n_traces = None, 0
    for t in traces():
        n_traces += 1
        t_first = t["t_scheduled_ns"] if t_first is None else min(t_first, t["t_scheduled_ns"])
    nwin = max(1, int(-(-args.seconds // args.window_s)))
    win = [{"requests": 0, "ok": 0, "failures": {}, "lag_ms": []} for _ in range(nwin)]
    # Values bench's exact percentiles hold (bench_stats.cpp, bench_runner.cpp's
    # canary), per window: 8 bytes each.
    held = [0] * nwin
    events = []  # (t, +1 sent / -1 ended): the peak of requests in flight
    for t in traces():
        if t.get("t_sent_ns") is not None and t.get("t_end_ns") is not None:
            events.append((t["t_sent_ns"], 1))
            events.append((t["t_end_ns"], -1))
        i = min(nwin - 1, int((t["t_scheduled_ns"] - t_first) / 1e9 // args.window_s))
        n = 1 if t.get("t_sent_ns") is not None else 0  # send lag
        if t.get("ok") and t.get("phase") == "measured":
            n += 5 + max(0, len(t.get("chunks") or []) - 1)
        held[i] += n
        wd = win[i]
        wd["requests"] += 1
        if t.get("ok"):
            wd["ok"] += 1
        else:
            k = f'{t.get("failure_class")}/{t.get("failure_detail")}'
            wd["failures"][k] = wd["failures"].get(k, 0) + 1
        if t.get("t_sent_ns") is not None:
            wd["lag_ms"].append((t["t_sent_ns"] - t["t_scheduled_ns"]) / 1e6)

    def sample_window(i):
        lo, hi = i * args.window_s, (i + 1) * args.window_s
        return [s for s in samples if lo <= s["t_s"] < hi and s["t_s"] >= args.warmup_s]

    events.sort()
    peak_in_flight = in_flight = 0
    for _, d in events:
        in_flight += d
        peak_in_flight = max(peak_in_flight, in_flight)
    del events
    for i in range(nwin):
        held[i] += int(500 * min(args.window_s, max(0.0, args.seconds - i * args.window_s)))

    def held_bytes_at_middle(i):
        return 8 * (sum(held[:i]) + held[i] / 2)

    windows = []
    for i, wd in enumerate(win):
        lag = sorted(wd["lag_ms"])
        sw = sample_window(i)
        row = {"window": i, "from_s": i * args.window_s, "to_s": min(args.seconds, (i + 1) * args.window_s),
               "requests": wd["requests"], "ok": wd["ok"], "failed": wd["requests"] - wd["ok"],
               "failures": wd["failures"],
               "lag_p50_ms": pct(lag, 50), "lag_p99_ms": pct(lag, 99), "lag_max_ms": lag[-1] if lag else None,
               "samples": len(sw),
               "load1_mean": round(statistics.mean(s["load1"] for s in sw), 2) if sw else None}
        for name in procs:
            rss = [s[f"{name}_rss_kb"] for s in sw if s.get(f"{name}_rss_kb") is not None]
            fds = [s[f"{name}_fds"] for s in sw if s.get(f"{name}_fds") is not None]
            row[f"{name}_rss_median_kb"] = median_or_none(rss)
            row[f"{name}_rss_max_kb"] = max(rss) if rss else None
            row[f"{name}_fds_min"] = min(fds) if fds else None
            row[f"{name}_fds_max"] = max(fds) if fds else None
        windows.append(row)
    with open(os.path.join(out, "windows.csv"), "w", newline="") as f:
        keys = [k for k in windows[0] if k != "failures"] + ["failures"]
        w = csv.writer(f)
        w.writerow(keys)
        for r in windows:
            w.writerow([json.dumps(r[k], sort_keys=True) if k == "failures" else
                        (round(r[k], 4) if isinstance(r[k], float) else r[k]) for k in keys])

    # The verdict.
    checks = []

    def check(name, ok, detail):
        checks.append({"check": name, "ok": bool(ok), "detail": detail})

    total_failed = sum(r["failed"] for r in windows)
    check("bench exit 0", bench_rc == 0, f"exit {bench_rc}")
    check("serve-sim alive until stopped", not sim_died, f"stopped with {sim_rc}")
    check("every scheduled request traced", n_traces == count, f"{n_traces} of {count}")
    check("0 failures", total_failed == 0,
          json.dumps({k: v for r in windows for k, v in r["failures"].items()}) if total_failed else "0")
    measured = [r for r in windows if r["samples"] > 0]
    first, last = (measured[0], measured[-1]) if measured else (None, None)
    for name in procs:
        if not first or first is last:
            check(f"{name} RSS flat", False, "fewer than two windows with samples after warm-up")
            continue
        a, b = first[f"{name}_rss_median_kb"], last[f"{name}_rss_median_kb"]
        allowed = max(0.05 * a, 4096)
        by_design = ""
        if name == "bench":
            # x 2: each vector's outgrown buffers stay resident in malloc's heap
            # (together about as large as the vector), see the docstring.
            kept_kb = 2 * (held_bytes_at_middle(last["window"]) - held_bytes_at_middle(first["window"])) / 1024
            allowed += kept_kb
            by_design = f" (of which {kept_kb / 1024:.1f} MiB the exact-percentile values kept by design)"
        check(f"{name} RSS flat", b - a <= allowed,
              f"median {a / 1024:.1f} MiB (window {first['window']}) -> {b / 1024:.1f} MiB (window "
              f"{last['window']}): {(b - a) / 1024:+.1f} MiB, allowed +{allowed / 1024:.1f} MiB{by_design}")
        fa, fb = first[f"{name}_fds_max"], last[f"{name}_fds_min"]
        peak = max((r[f"{name}_fds_max"] for r in measured), default=None)
        check(f"{name} fds flat", fb - fa <= 4, f"max {fa} (window {first['window']}) -> min {fb} "
              f"(window {last['window']}), allowed +4; peak {peak} fds with at most {peak_in_flight} "
              f"requests in flight")
    p99s = [r["lag_p99_ms"] for r in windows if r["lag_p99_ms"] is not None]
    if p99s:
        med = statistics.median(p99s)
        bound = min(max(2 * med, med + 1.0), args.lag_p99_limit_ms)
        worst = max(p99s)
        check("timing stable", worst <= bound,
              f"send-lag p99 per window {[round(x, 3) for x in p99s]} ms; worst {worst:.3f} <= "
              f"min(max(2 x median {med:.3f}, median + 1), {args.lag_p99_limit_ms}) = {bound:.3f}")
    else:
        check("timing stable", False, "no send lag measured")

    tq = None
    try:
        with open(os.path.join(run_dir, "bench.json")) as f:
            tq = json.load(f).get("timing_quality")
    except (OSError, ValueError):
        pass
    loads = [s["load1"] for s in samples]
    summary = {
        "seconds": args.seconds, "wall_s": round(wall_s, 1), "rate": args.rate, "requests": count,
        "max_new_tokens": args.max_new_tokens, "ttft_ms": args.ttft_ms, "itl_ms": args.itl_ms,
        "window_s": args.window_s, "sample_s": args.sample_s, "warmup_s": args.warmup_s,
        "serve_sim_argv": sim_argv, "bench_argv": bench_argv, "nproc": os.cpu_count(),
        "load1": {"min": min(loads), "median": statistics.median(loads), "max": max(loads)} if loads else None,
        "first_sample": samples[0] if samples else None, "last_sample": samples[-1] if samples else None,
        "peak_in_flight": peak_in_flight, "windows": windows, "bench_values_held_per_window": held, "timing_quality_whole_run": tq, "checks": checks,
        "verdict": "PASS" if all(c["ok"] for c in checks) else "FAIL",
    }
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)

    print(f"soak: {count} requests at {args.rate:g} req/s constant, {wall_s:.0f} s wall, out {out}")
    if summary["load1"]:
        print(f"load1 min/median/max {summary['load1']['min']}/{summary['load1']['median']}/"
              f"{summary['load1']['max']} on {os.cpu_count()} cores")
    print("window  requests  ok  failed  lag p50/p99/max ms  bench RSS MiB / fds  serve-sim RSS MiB / fds  load1")
    for r in windows:
        def mb(v):
            return f"{v / 1024:.1f}" if v is not None else "-"
        lag = "/".join(f"{r[k]:.3f}" if r[k] is not None else "-" for k in ("lag_p50_ms", "lag_p99_ms", "lag_max_ms"))
        print(f"{r['window']:>6}  {r['requests']:>8}  {r['ok']:>6}  {r['failed']:>6}  {lag:>20}  "
              f"{mb(r['bench_rss_median_kb']):>6} / {r['bench_fds_min']}-{r['bench_fds_max']}  "
              f"{mb(r['sim_rss_median_kb']):>6} / {r['sim_fds_min']}-{r['sim_fds_max']}  {r['load1_mean']}")
    if tq:
        c = tq.get("canary_lateness_ms", {})
        print(f"whole-run canary lateness (bench.json): p50 {c.get('p50')} p99 {c.get('p99')} max "
              f"{c.get('max')} ms, verdict {tq.get('verdict')}")
    for c in checks:
        print(f"{'ok  ' if c['ok'] else 'FAIL'} {c['check']}: {c['detail']}")
    print("verdict:", summary["verdict"])
    return 0 if summary["verdict"] == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())

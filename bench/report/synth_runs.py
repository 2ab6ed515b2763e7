#!/usr/bin/env python3
"""Synthetic RUNS_DIR generator for l4lab report benchmarks and tests.

Writes RUNS_DIR/<config>/trial-<k>/{run_manifest.json, bench.json,
traces.jsonl, gpu_samples.jsonl, engine_metrics.jsonl} in the layout of
docs/FORMATS.md. Every number is synthetic (manifests say simulated: true
and the generator is named in them); nothing here is a measurement.

A closed loop of `concurrency` slots: each request is sent when a slot
frees, its TTFT is lognormal around the config's base, each content chunk
carries one token, gaps are lognormal around the config's ITL.
"""
import argparse
import hashlib
import json
import os

import numpy as np

TASKS = ["summarisation", "qa", "dialogue"]
BUCKETS = ["S", "M", "L"]
TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0,
                2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0]
E2E_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0,
               60.0, 120.0, 240.0, 480.0]


def config_params(k):
    # C1 is the baseline; others shift TTFT / ITL by a fixed, known factor.
    ttft_mult = [1.0, 0.8, 1.3, 1.0, 0.95, 1.6, 1.05, 0.85][k % 8]
    itl_mult = [1.0, 1.0, 1.25, 1.0, 0.9, 1.3, 0.7, 0.6][k % 8]
    return ttft_mult, itl_mult


def write_run(d, cfg, k, trial, n, seed, args, workload_sha):
    rng = np.random.default_rng(seed)
    ttft_mult, itl_mult = config_params(k)
    os.makedirs(d, exist_ok=True)
    conc = args.concurrency
    t0 = 10_000_000_000 * (trial + 1)
    slots = [t0] * conc
    ttft_ms = rng.lognormal(np.log(180 * ttft_mult), 0.5, n)
    tokens = rng.integers(min(args.min_tokens, args.max_tokens), args.max_tokens + 1, n)
    prompt = rng.integers(100, 8000, n)
    fail = rng.random(n) < args.failure_rate
    lines = []
    ends = []
    for i in range(n):
        s = int(np.argmin(slots))
        t_sched = slots[s]
        t_sent = t_sched + int(rng.integers(20_000, 200_000))
        task = TASKS[i % 3]
        bucket = BUCKETS[(i // 3) % 3]
        rid = f"{task}-{bucket}-{i:04d}"
        rec = {"request_id": rid, "task": task, "bucket": bucket, "phase": "measured",
               "attempt": 0, "t_scheduled_ns": t_sched, "t_sent_ns": t_sent,
               "prompt_tokens_pre_send": int(prompt[i]), "max_tokens": int(tokens[i])}
        if fail[i]:
            t_end = t_sent + int(rng.integers(1_000_000, 50_000_000))
            rec.update({"t_first_byte_ns": t_end, "t_first_token_ns": None,
                        "t_last_token_ns": None, "t_end_ns": t_end, "chunks": [],
                        "usage_prompt_tokens": None, "usage_completion_tokens": None,
                        "prompt_count_mismatch": None, "http_status": 400,
                        "finish_reason": None, "ok": False, "failure_class": "http_4xx",
                        "failure_detail": "context_overflow",
                        "error": "maximum context length is 8192 tokens"})
        else:
            first = t_sent + int(ttft_ms[i] * 1e6)
            gaps = rng.lognormal(np.log(35 * itl_mult), 0.25, int(tokens[i]) - 1) * 1e6
            times = np.concatenate([[first], first + np.cumsum(gaps).astype(np.int64)])
            times = times.astype(np.int64)
            t_end = int(times[-1]) + 300_000
            mismatch = bool(rng.random() < args.mismatch_rate)
            rec.update({"t_first_byte_ns": first - 1_000_000, "t_first_token_ns": int(first),
                        "t_last_token_ns": int(times[-1]), "t_end_ns": t_end,
                        "chunks": [[int(t), 1] for t in times],
                        "usage_prompt_tokens": int(prompt[i]) + (1 if mismatch else 0),
                        "usage_completion_tokens": int(tokens[i]),
                        "prompt_count_mismatch": mismatch, "http_status": 200,
                        "finish_reason": "length", "ok": True, "failure_class": None,
                        "failure_detail": None, "error": None})
        slots[s] = t_end
        ends.append(t_end)
        lines.append(json.dumps(rec, separators=(",", ":")))
    with open(os.path.join(d, "traces.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    t_last = max(ends)
    # GPU: one sample a second across the run (and 2 s either side).
    with open(os.path.join(d, "gpu_samples.jsonl"), "w") as f:
        for t in range(t0 - 2_000_000_000, t_last + 2_000_000_000, 1_000_000_000):
            f.write(json.dumps({"t_ns": t, "gpu": 0, "name": "NVIDIA L4 (synthetic)",
                                "mem_used_mib": 20000 + k * 100 + int(rng.integers(0, 300)),
                                "mem_total_mib": 23034, "util_pct": 90,
                                "power_w": 60 + float(rng.random()) * 10, "sm_clock_mhz": 2040,
                                "temp_c": 60, "source": "nvml"}) + "\n")
    # Engine metrics every 2 s: cumulative histograms built from the traces.
    ok_recs = [json.loads(x) for x in lines]
    ok_recs = [r for r in ok_recs if r["ok"]]
    with open(os.path.join(d, "engine_metrics.jsonl"), "w") as f:
        pre = 0
        for t in range(t0 - 1_000_000_000, t_last + 3_000_000_000, 2_000_000_000):
            done = [r for r in ok_recs if r["t_end_ns"] <= t]
            samples = [{"name": "vllm:kv_cache_usage_perc", "labels": {"model_name": "m"},
                        "value": float(min(1.0, 0.2 + 0.6 * rng.random()))},
                       {"name": "vllm:num_preemptions_total", "labels": {"model_name": "m"},
                        "value": float(pre)}]
            pre += int(rng.random() < 0.1)
            for name, key, bounds in (
                    ("vllm:time_to_first_token_seconds", "ttft", TTFT_BUCKETS),
                    ("vllm:e2e_request_latency_seconds", "e2e", E2E_BUCKETS)):
                vals = [((r["t_first_token_ns"] if key == "ttft" else r["t_end_ns"])
                         - r["t_sent_ns"]) / 1e9 * 0.98 for r in done]
                for b in bounds:
                    samples.append({"name": name + "_bucket", "labels": {"le": str(b)},
                                    "value": float(sum(v <= b for v in vals))})
                samples.append({"name": name + "_bucket", "labels": {"le": "+Inf"},
                                "value": float(len(vals))})
                samples.append({"name": name + "_count", "labels": {}, "value": float(len(vals))})
                samples.append({"name": name + "_sum", "labels": {}, "value": float(sum(vals))})
            phase = "before" if t < t0 else ("after" if t > t_last else "during")
            f.write(json.dumps({"t_ns": t, "phase": phase, "samples": samples}) + "\n")
    manifest = {"schema": "l4lab.run_manifest/1", "lab": {"version": "0.1.0", "git_sha": "synthetic"},
                "config": {"name": cfg, "intent": f"synthetic {cfg}", "factor": f"factor-{cfg}",
                           "engine": "vllm", "file": "", "sha256": ""},
                "trial": trial, "simulated": True,
                "engine": {"name": "synthetic", "version": args.engine_version},
                "model": "mistralai/Mistral-7B-Instruct-v0.3",
                "workload": {"path": "", "sha256": workload_sha, "count": n},
                "seeds": {"workload": 1, "schedule": seed},
                "generator": "bench/report/synth_runs.py",
                "outcome": {"status": "ok", "reason": None, "evidence": None, "exit_code": 0},
                "applied": {"value": "true", "evidence": "synthetic"}}
    with open(os.path.join(d, "run_manifest.json"), "w") as f:
        json.dump(manifest, f)
    with open(os.path.join(d, "bench.json"), "w") as f:
        json.dump({"schedule": {"kind": "closed", "concurrency": conc, "seed": seed},
                   "model": "mistralai/Mistral-7B-Instruct-v0.3"}, f)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("out")
    p.add_argument("--configs", type=int, default=8)
    p.add_argument("--trials", type=int, default=3)
    p.add_argument("--requests", type=int, default=1800)
    p.add_argument("--min-tokens", type=int, default=16)
    p.add_argument("--max-tokens", type=int, default=256)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--failure-rate", type=float, default=0.01)
    p.add_argument("--mismatch-rate", type=float, default=0.005)
    p.add_argument("--engine-version", default="0.0-synthetic")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    wl = hashlib.sha256(b"synthetic workload").hexdigest()
    for k in range(args.configs):
        cfg = f"C{k + 1}"
        for t in range(1, args.trials + 1):
            write_run(os.path.join(args.out, cfg, f"trial-{t}"), cfg, k, t, args.requests,
                      args.seed * 1000 + k * 10 + t, args, wl)


if __name__ == "__main__":
    main()

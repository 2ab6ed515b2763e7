#!/usr/bin/env python3
"""Published L4 measurements vs the lab's PREDICTED figures (run.sh writes
the predictions under OUT). Prints a markdown report.

  python3 bench/twin/l4_published/compare.py OUT

Every published figure is recomputed from the copies in published/ with the
source's own formulas; every predicted figure from the predicted
traces.jsonl with the same formulas, so both sides are one definition.
"""
import csv
import glob
import json
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def pct(data, p):  # ree2raz/inference-bench scripts/reaggregate.py
    s = sorted(data)
    idx = (p / 100) * (len(s) - 1)
    lo = int(idx)
    hi = min(lo + 1, len(s) - 1)
    frac = idx - lo
    return s[lo] * (1 - frac) + s[hi] * frac


def aggregate(reqs, c):
    """reqs: [(wall_s, ttft_s, output_tokens)]; the source's definitions."""
    wall = [r[0] for r in reqs]
    ttft = [r[1] for r in reqs]
    tpot = [(w - t) / (n - 1) for w, t, n in reqs if n > 1]
    tokens = sum(r[2] for r in reqs)
    return {
        "tput": tokens / (sum(wall) / c),
        "ttft_p50": 1e3 * pct(ttft, 50), "ttft_p95": 1e3 * pct(ttft, 95),
        "tpot_p50": 1e3 * pct(tpot, 50), "tpot_p95": 1e3 * pct(tpot, 95),
        "e2e_p50": pct(wall, 50), "e2e_p95": pct(wall, 95),
    }


def published_ree2raz(regime, c):
    runs = []
    for f in sorted(glob.glob(os.path.join(HERE, "published", "ree2raz-inference-bench",
                                           f"vllm_{regime}_c{c}_r*.jsonl"))):
        rows = [json.loads(l) for l in open(f)]
        ok = [r for r in rows if r.get("success") and r.get("ttft") is not None]
        runs.append(aggregate([(r["wall_time"], r["ttft"], r["output_tokens"]) for r in ok], c))
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}, len(runs)


def predicted(folder, c):
    traces = glob.glob(os.path.join(folder, "*", "trial-1", "traces.jsonl"))
    assert len(traces) == 1, folder
    reqs = []
    for l in open(traces[0]):
        t = json.loads(l)
        if t.get("phase") != "measured":
            continue
        n = sum(k for _, k in t["chunks"])
        reqs.append(((t["t_end_ns"] - t["t_sent_ns"]) / 1e9,
                     (t["t_first_token_ns"] - t["t_sent_ns"]) / 1e9, n))
    pj = json.load(open(os.path.join(folder, "predicted.json")))[0]
    out = aggregate(reqs, c)
    out["preemptions"] = pj["preemptions"]
    out["kv"] = pj["kv_usage_mean"]
    out["makespan_tput"] = pj["output_tok_s"]
    return out


def fmt(x, nd):
    return f"{x:,.{nd}f}"


def main(out):
    metrics = [("tput", "output tok/s (source's definition)", 1),
               ("ttft_p50", "TTFT p50 ms", 1), ("ttft_p95", "TTFT p95 ms", 1),
               ("tpot_p50", "TPOT p50 ms", 2), ("tpot_p95", "TPOT p95 ms", 2),
               ("e2e_p50", "E2E p50 s", 3), ("e2e_p95", "E2E p95 s", 3)]
    print("## A. ree2raz/inference-bench: vLLM v0.8.5, Qwen2.5-7B-Instruct BF16, one L4\n")
    print("PREDICTED = l4lab predict with bench/twin/l4_published/h200-qwen2.5-7b.yaml "
          "(params 7.61e9) carried to configs/sim-profiles/l4-mistral7b.yaml's hardware; "
          "PREDICTED' = the same with h200-qwen2.5-7b-streamed.yaml (params 7.198e9). "
          "Ratio = PREDICTED / published.\n")
    print("| regime | c | metric | published (median of runs) | PREDICTED | ratio | PREDICTED' | ratio' |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    notes = []
    for regime, cs in (("short", (1, 4, 16, 32, 64)), ("long", (1, 16, 64))):
        for c in cs:
            pub, nruns = published_ree2raz(regime, c)
            p1 = predicted(os.path.join(out, "qwen", f"{regime}-c{c}"), c)
            p2 = predicted(os.path.join(out, "qwen-streamed", f"{regime}-c{c}"), c)
            for k, label, nd in metrics:
                print(f"| {regime} ({nruns} run{'s' if nruns > 1 else ''}) | {c} | {label} | "
                      f"{fmt(pub[k], nd)} | {fmt(p1[k], nd)} | {p1[k] / pub[k]:.2f} | "
                      f"{fmt(p2[k], nd)} | {p2[k] / pub[k]:.2f} |")
            notes.append(f"{regime} c={c}: PREDICTED preemptions {p1['preemptions']:.0f}, "
                         f"KV usage mean {p1['kv']:.3f}, makespan throughput "
                         f"{p1['makespan_tput']:.1f} tok/s")
    print("\nThe long regime again, with vLLM's prefix cache emulated (PREDICTED-pc: "
          "h200-qwen2.5-7b.yaml, prompts whose document was sent before shortened to their "
          "uncached tail; it drops the cached tokens from the KV reads too, so it errs low):\n")
    print("| regime | c | metric | published | PREDICTED-pc | ratio |")
    print("|---|---:|---|---:|---:|---:|")
    for c in (1, 16, 64):
        pub, nruns = published_ree2raz("long", c)
        p3 = predicted(os.path.join(out, "qwen-prefixcached", f"long-c{c}"), c)
        for k, label, nd in metrics:
            print(f"| long | {c} | {label} | {fmt(pub[k], nd)} | {fmt(p3[k], nd)} | "
                  f"{p3[k] / pub[k]:.2f} |")
        notes.append(f"long c={c} prefix-cache emulated: PREDICTED preemptions "
                     f"{p3['preemptions']:.0f}, KV usage mean {p3['kv']:.3f}")
    print()
    for n in notes:
        print("- " + n)

    print("\n## B. bereketlemma/llm-inference-bench: vLLM 0.16.0 offline, Mistral-7B-v0.1 FP16, one L4\n")
    print("PREDICTED = l4lab predict with configs/sim-profiles/h200-mistral7b-c1c8-calibrated.yaml "
          "carried to the L4; one batch of b identical 27-token prompts, output n tokens each; "
          "tok/s = b*n / batch E2E (the batch's last request).\n")
    print("| batch | tokens | published tok/s | published p50 ms | PREDICTED tok/s | ratio | PREDICTED batch ms |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    rows = list(csv.DictReader(open(os.path.join(HERE, "published",
                                                 "bereketlemma-llm-inference-bench",
                                                 "fp16_results.csv"))))
    for r in rows:
        b, n = int(r["batch_size"]), int(r["output_tokens"])
        folder = os.path.join(out, "mistral", f"b{b}-{n}")
        traces = glob.glob(os.path.join(folder, "*", "trial-1", "traces.jsonl"))
        ts = [json.loads(l) for l in open(traces[0])]
        span = (max(t["t_end_ns"] for t in ts) - min(t["t_sent_ns"] for t in ts)) / 1e9
        toks = sum(k for t in ts for _, k in t["chunks"])
        tps = toks / span
        pub = float(r["tokens_per_second"])
        print(f"| {b} | {n} | {pub} | {r['p50_latency_ms']} | {tps:.1f} | {tps / pub:.2f} | "
              f"{span * 1e3:,.0f} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/l4pub")

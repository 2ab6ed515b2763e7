"""Independent re-computation of l4lab's analysis in Python/numpy, used by
test_analysis_*.py as the oracle. Written from docs/METRICS.md, not from the
C++ code: percentiles come from numpy, the bootstrap generator is
re-implemented from its published definition (xoshiro256** + splitmix64)."""
import json
import os

import numpy as np

M64 = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def fnv1a64(s):
    h = 0xCBF29CE484222325
    for c in s.encode():
        h ^= c
        h = (h * 0x100000001B3) & M64
    return h


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class Rng:
    def __init__(self, seed):
        self.s = []
        st = seed & M64
        for _ in range(4):
            st, z = splitmix64(st)
            self.s.append(z)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, n):
        # Lemire's multiply-shift with rejection (common/random.cpp).
        m = self.next() * n
        if (m & M64) < n:
            threshold = (1 << 64) % n
            while (m & M64) < threshold:
                m = self.next() * n
        return m >> 64


class Req:
    def __init__(self, d):
        self.measured = d.get("phase", "measured") == "measured"
        self.ok = bool(d["ok"])
        self.tokens = d.get("usage_completion_tokens") or 0
        up = d.get("usage_prompt_tokens")
        self.prompt = up if up is not None else (d.get("prompt_tokens_pre_send") or 0)
        ts, tf, te = d.get("t_sent_ns"), d.get("t_first_token_ns"), d.get("t_end_ns")
        self.t_sent, self.t_end = ts, te
        nan = float("nan")
        self.ttft = (tf - ts) / 1e6 if ts is not None and tf is not None else nan
        self.e2e = (te - ts) / 1e6 if ts is not None and te is not None else nan
        self.tpot = ((self.e2e - self.ttft) / (self.tokens - 1)
                     if self.tokens > 1 and not np.isnan(self.e2e) and not np.isnan(self.ttft)
                     else nan)
        ch = [c[0] for c in d.get("chunks") or []]
        self.itl = [(ch[i] - ch[i - 1]) / 1e6 for i in range(1, len(ch))]


def load_run(path):
    reqs = []
    with open(os.path.join(path, "traces.jsonl")) as f:
        for line in f:
            if line.strip():
                reqs.append(Req(json.loads(line)))
    return reqs


def window_s(reqs):
    sent = [r.t_sent for r in reqs if r.measured and r.t_sent is not None and r.t_end is not None]
    end = [r.t_end for r in reqs if r.measured and r.t_sent is not None and r.t_end is not None]
    return (max(end) - min(sent)) / 1e9


def meets(r, slo):
    if not r.ok:
        return False
    if slo.get("ttft") is not None and not r.ttft <= slo["ttft"]:
        return False
    if slo.get("tpot") is not None:
        tp = 0.0 if np.isnan(r.tpot) else r.tpot
        if not tp <= slo["tpot"]:
            return False
    if slo.get("e2e") is not None and not r.e2e <= slo["e2e"]:
        return False
    return True


def group(reqs, win, slo):
    m = [r for r in reqs if r.measured]
    ok = [r for r in m if r.ok]
    out_tok = sum(r.tokens for r in ok)
    prompt_tok = sum(r.prompt for r in ok)
    good = sum(1 for r in m if meets(r, slo))
    vals = {
        "ttft": [r.ttft for r in ok if not np.isnan(r.ttft)],
        "tpot": [r.tpot for r in ok if not np.isnan(r.tpot)],
        "e2e": [r.e2e for r in ok if not np.isnan(r.e2e)],
        "itl": [g for r in ok for g in r.itl],
    }
    return {
        "requests": len(m), "ok": len(ok), "output_tokens": out_tok,
        "request_throughput_rps": len(ok) / win,
        "output_throughput_tps": out_tok / win,
        "total_token_throughput_tps": (prompt_tok + out_tok) / win,
        "goodput_rps": good / win, "good": good, "values": vals,
    }


def bootstrap(trials, name, seed, resamples, slo, confidence):
    """trials: list of (measured requests, window_s). Returns {stat: (lo, hi), ...} and the
    per-resample values, following docs/METRICS.md#intervals."""
    rng = Rng(seed ^ fnv1a64(name))
    T = len(trials)
    res = {k: [] for k in ("ttft_p95", "e2e_p99", "tpot_p50", "output_throughput",
                           "goodput", "success_rate")}
    for _ in range(resamples):
        chosen = [rng.below(T) if T > 1 else 0 for _ in range(T)]
        ttft, e2e, tpot = [], [], []
        n = ok = good = 0
        out = 0
        dur = 0.0
        for t in chosen:
            reqs, win = trials[t]
            dur += win
            nt = len(reqs)
            for _ in range(nt):
                r = reqs[rng.below(nt)]
                n += 1
                if r.ok:
                    ok += 1
                    out += r.tokens
                    if not np.isnan(r.ttft):
                        ttft.append(r.ttft)
                    if not np.isnan(r.e2e):
                        e2e.append(r.e2e)
                    if not np.isnan(r.tpot):
                        tpot.append(r.tpot)
                good += meets(r, slo)
        res["ttft_p95"].append(np.percentile(ttft, 95))
        res["e2e_p99"].append(np.percentile(e2e, 99))
        res["tpot_p50"].append(np.percentile(tpot, 50))
        res["output_throughput"].append(out / dur)
        res["goodput"].append(good / dur)
        res["success_rate"].append(ok / n)
    tail = (1.0 - confidence) / 2.0 * 100.0
    ci = {k: (np.percentile(v, tail), np.percentile(v, 100.0 - tail)) for k, v in res.items()}
    return ci, res, tail

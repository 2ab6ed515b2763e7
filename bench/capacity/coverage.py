#!/usr/bin/env python3
"""coverage.py OUT: the tables of bench/capacity/coverage.sh (PREDICTED, model time).

Reads OUT/search-seed-*/capacity_screen.json and OUT/fixed-<cfg>-<rate>-<seed>/
capacity_screen.json. Prints, per configuration: each fixed rate's pooled
fraction of requests beyond each SLO's limit over the long steps and how many of
them the saturation check flagged; the reference capacity r* (where the pooled
fraction of the first SLO to break crosses its allowed 5%, by linear
interpolation); then the searches' intervals, how many hold r*, how many pairs of
seeds have disjoint intervals, and each searched rate's step outcomes.
"""
import collections
import glob
import json
import os
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def step_outcome(st):
    if st["saturated"]:
        return "saturated"
    return ("pass" if st["pass"] else "fail") + "/" + st["evidence"]


def reference_capacity(pooled, allowed=0.05):
    """Linear interpolation of the first crossing of `allowed` by the worst SLO."""
    rates = sorted(pooled)
    worst = [max(k / n for k, n in pooled[r].values()) for r in rates]
    for i in range(1, len(rates)):
        if worst[i - 1] <= allowed < worst[i]:
            f = (allowed - worst[i - 1]) / (worst[i] - worst[i - 1])
            return rates[i - 1] + f * (rates[i] - rates[i - 1])
    return None


def alt_steps(searches, cfg):
    for p in searches:
        for c in load(p)["configs"]:
            if c["name"] == cfg:
                yield c["steps_detail"]


def alt_interval(steps):
    """The interval if a saturation flag were no evidence: upper = the lowest rate
    with an SLO failed with evidence; lower = the highest rate below it whose step
    was not flagged and passed every SLO with evidence. (lower, upper), None = open."""
    fails = [st["rate_rps"] for st in steps if any(s["evidence"] == "fail" for s in st["slos"])]
    upper = min(fails) if fails else None
    passes = [st["rate_rps"] for st in steps
              if not st["saturated"] and all(s["evidence"] == "pass" for s in st["slos"])
              and (upper is None or st["rate_rps"] < upper)]
    return (max(passes) if passes else None), upper


def main(out):
    configs = sorted({os.path.basename(p).split("-")[1] for p in glob.glob(out + "/fixed-*")})
    searches = sorted(glob.glob(out + "/search-seed-*/capacity_screen.json"))
    if not configs or not searches:
        sys.exit(f"coverage.py: no fixed-* or search-seed-* folders under {out}")
    print(f"PREDICTED (model time, the twin; not a GPU measurement). {out}")
    for cfg in configs:
        pooled = collections.defaultdict(dict)
        flags = collections.defaultdict(lambda: [0, 0, 0])  # runs, saturated, pass
        for p in glob.glob(f"{out}/fixed-{cfg}-*/capacity_screen.json"):
            st = load(p)["configs"][0]["steps_detail"][0]
            r = st["rate_rps"]
            flags[r][0] += 1
            flags[r][1] += int(st["saturated"])
            flags[r][2] += int(st["pass"])
            for s in st["slos"]:
                k, n = pooled[r].get(s["slo"], (0, 0))
                pooled[r][s["slo"]] = (k + s["beyond"]["k"], n + s["beyond"]["n"])
        print(f"\n## {cfg}: long steps (300 s after a 10 s warm-up), pooled over seeds\n")
        print("| rate req/s | steps | flagged saturated | passed | requests | beyond, per SLO |")
        print("|---:|---:|---:|---:|---:|---|")
        for r in sorted(pooled):
            n = max(n for _, n in pooled[r].values())
            cells = ", ".join(f"{slo} {100 * k / n:.2f}%" for slo, (k, n) in sorted(pooled[r].items()))
            f = flags[r]
            print(f"| {r:.3f} | {f[0]} | {f[1]} | {f[2]} | {n} | {cells} |")
        rstar = reference_capacity(pooled)
        print(f"\nreference capacity r* (5% crossing): "
              + (f"{rstar:.3f} req/s" if rstar else "not bracketed by these rates"))
        intervals, outcomes = [], collections.defaultdict(collections.Counter)
        for p in searches:
            seed = p.split("search-seed-")[1].split("/")[0]
            for c in load(p)["configs"]:
                if c["name"] != cfg:
                    continue
                cap = c["capacity"] or {}
                intervals.append((int(seed), cap.get("capacity_rps"), cap.get("lower_rps"),
                                  cap.get("upper_rps"), cap.get("upper_from_saturation", False)))
                for st in c["steps_detail"]:
                    outcomes[round(st["rate_rps"], 3)][step_outcome(st)] += 1
        intervals.sort()
        step_s = load(searches[0])["options"].get("step_s", "?")
        closed = [(lo, hi) for _, _, lo, hi, _ in intervals if lo is not None and hi is not None]
        held = sum(1 for lo, hi in closed if rstar is not None and lo <= rstar <= hi)
        pairs = [(a, b) for i, a in enumerate(closed) for b in closed[i + 1:]]
        disjoint = sum(1 for a, b in pairs if a[1] < b[0] or b[1] < a[0])
        touching = sum(1 for a, b in pairs if a[1] == b[0] or b[1] == a[0])
        sat = sum(1 for *_, s in intervals if s)
        print(f"\n## {cfg}: {len(intervals)} searches ({step_s} s steps), one per schedule seed\n")
        print(f"- intervals closed on both ends: {len(closed)}; holding r*: {held}")
        print(f"- upper end from a saturated step: {sat} of {len(intervals)}")
        print(f"- pairs of seeds with disjoint intervals: {disjoint} of {len(pairs)}"
              f" (and {touching} more touching at one end)")
        alt = [alt_interval(c) for c in alt_steps(searches, cfg)]
        alt_held = sum(1 for lo, hi in alt
                       if rstar is not None and lo is not None and lo <= rstar and
                       (hi is None or rstar <= hi))
        print(f"- had saturation been no evidence (upper end only from a measured SLO breach "
              f"with evidence; a saturated step never a lower end): holding r*: {alt_held} of "
              f"{len(alt)}, upper end open in {sum(1 for _, hi in alt if hi is None)}")
        caps = collections.Counter(round(c, 3) for _, c, *_ in intervals if c is not None)
        print("- capacities: " + ", ".join(f"{c:.3f} x{n}" for c, n in sorted(caps.items())))
        print("\n| rate req/s | step outcomes over the seeds that ran it |\n|---:|---|")
        for r in sorted(outcomes):
            print(f"| {r:.3f} | " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes[r].items())) + " |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/capcov")

#!/usr/bin/env python3
"""Pairs l4lab NVML samples (gpu_samples.jsonl, monotonic ns + the run's clock
anchor) with nvidia-smi CSV lines (wall-clock timestamps) by nearest time and
reports, per field, the share of pairs within tolerance and the median and p95
absolute difference. Exit 1 if a field misses its pass share."""
import argparse, csv, datetime, json, statistics, sys

# field: (nvml key, smi column, absolute tolerance, relative tolerance, pass share)
# Utilisation and power are averages over driver windows that the two readers
# do not share, so they get wider tolerances; memory, clock and temperature
# read the same counters.
FIELDS = {
    "mem_used_mib": ("mem_used_mib", 3, 64.0, 0.01, 0.95),
    "mem_total_mib": ("mem_total_mib", 4, 1.0, 0.0, 0.99),
    "util_pct": ("util_pct", 5, 10.0, 0.0, 0.90),
    "power_w": ("power_w", 6, 10.0, 0.10, 0.90),
    "sm_clock_mhz": ("sm_clock_mhz", 7, 30.0, 0.05, 0.95),
    "temp_c": ("temp_c", 8, 1.0, 0.0, 0.95),
}
MAX_GAP_S = 0.1


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nvml_jsonl")
    ap.add_argument("smi_csv")
    ap.add_argument("summary_json")
    ap.add_argument("--json")
    a = ap.parse_args()
    summary = json.load(open(a.summary_json))
    anchor = summary["clock_anchor"]
    nvml = []
    for line in open(a.nvml_jsonl):
        s = json.loads(line)
        if s["gpu"] != 0:
            continue
        wall = (anchor["wall_ns"] + (s["t_ns"] - anchor["mono_ns"])) / 1e9
        nvml.append((wall, s))
    smi = []
    for row in csv.reader(open(a.smi_csv)):
        row = [c.strip() for c in row]
        if len(row) < 9 or row[1] != "0":
            continue
        ts = datetime.datetime.strptime(row[0], "%Y/%m/%d %H:%M:%S.%f").timestamp()
        smi.append((ts, row))
    if not nvml or not smi:
        print(f"no samples: nvml={len(nvml)} smi={len(smi)}", file=sys.stderr)
        return 2
    pairs = []
    j = 0
    for ts, row in smi:
        while j + 1 < len(nvml) and abs(nvml[j + 1][0] - ts) <= abs(nvml[j][0] - ts):
            j += 1
        if abs(nvml[j][0] - ts) <= MAX_GAP_S:
            pairs.append((abs(nvml[j][0] - ts), nvml[j][1], row))
    out = {"nvml_samples": len(nvml), "smi_samples": len(smi), "pairs": len(pairs),
           "nvml_rate_hz": summary.get("ticks_per_s"), "gpu": summary.get("gpu"),
           "sampler_cpu_pct_of_one_core": summary.get("process_cpu_pct_of_one_core"),
           "fields": {}}
    ok_all = True
    print(f"| field | pairs | within tolerance | median abs diff | p95 abs diff | tolerance | pass |")
    print(f"|---|---|---|---|---|---|---|")
    for name, (key, col, tol_abs, tol_rel, share) in FIELDS.items():
        diffs, within = [], 0
        for _, s, row in pairs:
            x, y = s.get(key), num(row[col])
            if x is None or y is None:
                continue
            d = abs(x - y)
            diffs.append(d)
            within += d <= max(tol_abs, tol_rel * abs(y))
        if not diffs:
            out["fields"][name] = {"pairs": 0}
            print(f"| {name} | 0 | - | - | - | - | n/a |")
            continue
        frac = within / len(diffs)
        p95 = sorted(diffs)[min(len(diffs) - 1, int(0.95 * len(diffs)))]
        passed = frac >= share
        ok_all &= passed
        tol = f"max({tol_abs:g}, {tol_rel:.0%} of smi) in >= {share:.0%}"
        out["fields"][name] = {"pairs": len(diffs), "within": frac, "median_abs": statistics.median(diffs),
                               "p95_abs": p95, "tolerance": tol, "pass": passed}
        print(f"| {name} | {len(diffs)} | {frac:.1%} | {statistics.median(diffs):.2f} | {p95:.2f} | {tol} | {'yes' if passed else 'NO'} |")
    out["pass"] = ok_all
    if a.json:
        json.dump(out, open(a.json, "w"), indent=2)
    print(f"\nNVML samples {len(nvml)}, nvidia-smi samples {len(smi)}, pairs within {MAX_GAP_S*1000:.0f} ms: {len(pairs)}; "
          f"sampler CPU {summary.get('process_cpu_pct_of_one_core', 0):.3f}% of one core")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())

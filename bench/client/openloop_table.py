#!/usr/bin/env python3
"""Markdown table of bench/client/peers_openloop.sh's results.jsonl: lag
p50/p99/max and request counts per (client, rate), the load average before
each run, and for each client (and each alternative lag definition) the
highest rate of the ladder with lag p99 < THRESHOLD ms, with the ratios
l4lab / peer. Stdlib only.

Usage: openloop_table.py results.jsonl [--threshold-ms 1.0]
"""
import argparse
import json

ap = argparse.ArgumentParser()
ap.add_argument("results")
ap.add_argument("--threshold-ms", type=float, default=1.0)
a = ap.parse_args()
rows = [json.loads(line) for line in open(a.results) if line.strip()]
clients = []
for r in rows:
    if r["client"] not in clients:
        clients.append(r["client"])
rates = sorted({r["rate"] for r in rows})


def f(x, nd=3):
    return "-" if x is None else f"{x:,.{nd}f}"


print("| rate (req/s) | client | requests sent/scheduled (ok) | achieved send rate | lag p50 (ms) | **lag p99 (ms)** | lag max (ms) | part | most sends scheduled in 10 ms | load avg before | cpu0/cpu1 busy before | wall (s) | CPU user+sys (s) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for rate in rates:
    for r in rows:
        if r["rate"] != rate:
            continue
        if "lag_ms" not in r:
            print(f"| {rate:,} | {r['client']} | failed: {r.get('error')} | | | | | | | {r['loadavg_before']} | {r.get('cpu0_cpu1_busy_before', '-')} | {r['wall_s']} | |")
            continue
        lag = r["lag_ms"]
        part = ""
        if "issuer_lag_ms" in r:
            part = f"issuer p99 {f(r['issuer_lag_ms'].get('p99'))}, credit-to-start p99 {f(r['credit_to_start_ms'].get('p99'))}"
        if "resolve_lag_ms" in r:
            part = f"resolve_start p99 {f(r['resolve_lag_ms'].get('p99'))}"
        cpu = r.get("cpu", {})
        cpu_s = float(cpu["cpu_user_s"]) + float(cpu["cpu_sys_s"]) if cpu else None
        print(f"| {rate:,} | {r['client']} | {lag['n']:,}/{r['scheduled']:,} ({r['ok']:,}) | {f(r.get('send_rate'), 1)} | "
              f"{f(lag.get('p50'))} | **{f(lag.get('p99'))}** | {f(lag.get('max'))} | {part} | {r.get('sched_max_in_10ms', '-')} | "
              f"{r['loadavg_before']} | {r.get('cpu0_cpu1_busy_before', '-')} | {r['wall_s']} | {f(cpu_s, 2)} |")


def highest(client, key):
    """Highest ladder rate with p99 < threshold (every scheduled request
    carrying both times), and the highest rate up to which every rate of the
    ladder passed (None when the lowest missed)."""
    passed = {}
    for rate in rates:
        r = next((x for x in rows if x["client"] == client and x["rate"] == rate), None)
        d = r.get(key) if r else None
        passed[rate] = (bool(d) and d.get("n") == r["scheduled"] and d.get("p99") is not None
                        and d["p99"] < a.threshold_ms)
    best = max((x for x in rates if passed[x]), default=None)
    contiguous = None
    for x in rates:
        if not passed[x]:
            break
        contiguous = x
    return best, contiguous


def ratio(l4, h):
    if l4 is None:
        return "-"
    if h:
        return f"{l4 / h:.0f}x"
    return f"> {l4 / rates[0]:.0f}x"


def show(h):
    return f"{h:,} req/s" if h else f"none (lowest tried: {rates[0]:,})"


print()
print(f"Highest rate of the ladder ({', '.join(f'{x:,}' for x in rates)} req/s) with lag p99 < {a.threshold_ms} ms "
      "(any rate; and the highest up to which every rate passed):")
print()
defs = [("l4lab", "lag_ms", "t_sent - t_scheduled"),
        ("aiperf", "lag_ms", "request_start_ns - rebuilt target"),
        ("aiperf", "issuer_lag_ms", "credit_issued_ns - rebuilt target (issuer only)"),
        ("guidellm", "lag_ms", "request_start - targeted_start (its request_dispatch_delay)"),
        ("guidellm", "resolve_lag_ms", "resolve_start - targeted_start")]
l4, l4c = highest("l4lab", "lag_ms")
print("| client | lag definition | highest rate | **l4lab / client** | highest, all lower passed | l4lab / client |")
print("|---|---|---|---|---|---|")
for c, key, desc in defs:
    if c not in clients:
        continue
    h, hc = highest(c, key)
    r1 = "1" if c == "l4lab" else ratio(l4, h)
    r2 = "1" if c == "l4lab" else ratio(l4c, hc)
    print(f"| {c} | {desc} | {show(h)} | {r1} | {show(hc)} | {r2} |")

print()
print("Lag p99 at the same rate, peer / l4lab (headline definitions):")
print()
peers = [c for c in clients if c != "l4lab"]
print("| rate (req/s) | l4lab p99 (ms) | " + " | ".join(f"{c} p99 (ms) | {c} / l4lab" for c in peers) + " |")
print("|---|---|" + "---|---|" * len(peers))
for rate in rates:
    get = {c: next((x for x in rows if x["client"] == c and x["rate"] == rate), {}) for c in clients}
    l4p = get.get("l4lab", {}).get("lag_ms", {}).get("p99")
    cells = []
    for c in peers:
        pp = get[c].get("lag_ms", {}).get("p99")
        cells.append(f"{f(pp)} | " + (f"{pp / l4p:,.1f}x" if pp is not None and l4p else "-"))
    print(f"| {rate:,} | {f(l4p)} | " + " | ".join(cells) + " |")

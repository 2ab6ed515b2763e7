"""Reference oracles for the capacity tests, written from docs/CAPACITY.md and
queueing theory, independent of the C++ (src/capacity/mmc_theory.*,
capacity_comparison.*): one copy, imported by capacity_integration_test.py,
capacity_plan_test.py and twin/capacity_screen_test.py."""
import math


def erlang_c(c, a):
    """Probability that an arrival waits in M/M/c with offered load a = lambda/mu."""
    top = a ** c / math.factorial(c) * c / (c - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)


def mmc_rate(c, mu, wait_s, frac):
    """The arrival rate at which P(wait > wait_s) = frac in M/M/c, by bisection."""
    lo, hi = 1e-6, c * mu * (1 - 1e-9)
    for _ in range(200):
        mid = (lo + hi) / 2
        p = erlang_c(c, mid / mu) * math.exp(-(c * mu - mid) * wait_s)
        lo, hi = (mid, hi) if p < frac else (lo, mid)
    return lo


def expected_verdict(c, b):
    """The rule of docs/CAPACITY.md#a-plan, written again from the doc."""
    if not c["capacity"] or not b["capacity"]:
        return "no verdict"
    cl, cu = c["capacity"]["lower_rps"], c["capacity"]["upper_rps"]
    bl, bu = b["capacity"]["lower_rps"], b["capacity"]["upper_rps"]
    if cl is not None and bu is not None and cl > bu:
        return "higher"
    if cu is not None and bl is not None and cu < bl:
        return "lower"
    if None not in (cl, cu, bl, bu):
        return "no clear difference"
    return "no verdict"

#!/usr/bin/env python3
"""`l4lab capacity` end to end against `l4lab serve-sim` in queue mode
(configs/sim-profiles/queue-8x400.yaml: an M/M/8 server whose capacity under
ttft_p95_ms=520 is the Erlang C closed form, 15.710 req/s; docs/CAPACITY.md).

CI keeps it short (steps of 30 s, at most 8): it checks the executor (run folders,
capacity.json, the report and `l4lab verify` over the steps, error
messages), the saturation bound, and that the capacity found is near the
truth. The statistical claims (within 5%, interval coverage in 9 of 10
seeds) are tested in model time by capacity_known_answer_test and over
HTTP by `--repeats 10` (docs/PERFORMANCE.md#capacity).

Usage: L4LAB_BIN=build/src/cli/l4lab capacity_integration_test.py [--repeats N --step-s S]
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
L4LAB = os.environ.get("L4LAB_BIN", os.path.join(ROOT, "build", "src", "cli", "l4lab"))
PROFILE = os.path.join(ROOT, "configs", "sim-profiles", "queue-8x400.yaml")
SLO = "ttft_p95_ms=520"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capacity_oracles import mmc_rate  # noqa: E402




def truth(c=8, mu=2.5, x=0.5, frac=0.05):
    """The rate at which P(wait > x) = frac in M/M/c (independent of the C++)."""
    return mmc_rate(c, mu, x, frac)


def make_workload(path, count):
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "client", "make_workload.py"), path,
                    "--count", str(count), "--max-new-tokens", "4", "--words", "8"], check=True)


class SimServer:
    def __init__(self, seed=1):
        self.proc = subprocess.Popen([L4LAB, "serve-sim", "--config", PROFILE, "--port", "0",
                                      "--seed", str(seed)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.url = None
        seen = []
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if "ready on " in line:
                self.url = line.strip().split("ready on ")[1]
                break
        if not self.url:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("serve-sim did not start:\n" + "".join(seen))

    def __enter__(self):
        return self

    def __exit__(self, *a):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def capacity(url, workload, out, *extra):
    argv = [L4LAB, "capacity", "--url", url, "--workload", workload, "--slo", SLO, "--out", out,
            "--ignore-eos", "--pause-s", "1", *extra]
    t0 = time.monotonic()
    p = subprocess.run(argv, capture_output=True, text=True)
    return p, time.monotonic() - t0


class CapacityEndToEnd(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="l4lab-capacity-")
        self.workload = os.path.join(self.tmp, "prompts.jsonl")
        make_workload(self.workload, 3000)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_search_finds_the_known_capacity_and_verify_recomputes_every_step(self):
        out = os.path.join(self.tmp, "cap")
        with SimServer() as s:
            p, wall = capacity(s.url, self.workload, out, "--start-rate", "4", "--step-s", "30",
                               "--warmup-s", "10", "--resolution", "0.05", "--max-steps", "8",
                               "--seed", "1")
        self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
        self.assertIn("capacity:", p.stdout)
        cap = json.load(open(os.path.join(out, "capacity.json")))
        self.assertEqual(cap["schema"], "l4lab.capacity/1")
        self.assertEqual(cap["slos"], [SLO])
        found = cap["capacity"]["capacity_rps"]
        t = truth()
        print(f"capacity {found:.3f} req/s, truth {t:.3f} ({100 * (found / t - 1):+.1f}%), "
              f"interval {cap['capacity']['interval']}, {len(cap['steps'])} steps, {wall:.0f} s",
              file=sys.stderr)
        # Short CI steps: within 15%. Each step starts from an empty queue,
        # which biases short steps towards passing (20 s steps with a 5 s
        # warm-up found +11.1% in one run); the 5% claim is tested with 300 s
        # steps in model time and 60 s steps over HTTP (docs/CAPACITY.md).
        self.assertLess(abs(found / t - 1), 0.15)
        for st in cap["steps"]:
            run = os.path.join(out, st["dir"])
            for f in ("traces.jsonl", "schedule.jsonl", "bench.json"):
                self.assertTrue(os.path.exists(os.path.join(run, f)), f"{run}/{f}")
            self.assertNotEqual(st["reason"], "")
        report = open(os.path.join(out, "report.md")).read()
        self.assertIn("## Capacity under SLOs", report)
        self.assertIn("### Steps", report)
        with open(os.path.join(out, "capacity.html")) as fh:
            page = fh.read()  # the curves of capacity_plan.html, over this search's steps
        self.assertIn(f"<b>{found:.3f} req/s</b>", page)
        self.assertGreaterEqual(page.count("<svg "), 3)
        v = subprocess.run([L4LAB, "verify", out], capture_output=True, text=True)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        self.assertIn("verify: OK", v.stdout)

    def test_well_past_capacity_ends_early_saturated(self):
        # 2x the capacity (31.4 req/s against a 20 req/s throughput limit):
        # saturated within warm-up 5 s + 8 blocks of 1 s (+ the 0.5 s watch
        # period and the bench's stop).
        out = os.path.join(self.tmp, "sat")
        rate = 2 * truth()
        with SimServer() as s:
            p, wall = capacity(s.url, self.workload, out, "--start-rate", f"{rate:.3f}",
                               "--max-steps", "1", "--step-s", "60", "--warmup-s", "5")
        self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
        st = json.load(open(os.path.join(out, "capacity.json")))["steps"][0]
        print(f"saturated={st['saturated']} after {st['wall_s']:.1f} s: {st['saturation_why']}",
              file=sys.stderr)
        self.assertTrue(st["saturated"])
        self.assertTrue(st["ended_early"])
        self.assertFalse(st["pass"])
        self.assertLess(st["wall_s"], 5 + 8 + 5)

    def test_errors_name_the_flag_or_file(self):
        p, _ = capacity("http://127.0.0.1:9", self.workload, os.path.join(self.tmp, "e1"),
                        "--slo", "ttft_p95=3")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--slo 'ttft_p95=3'", p.stderr)
        p, _ = capacity("http://127.0.0.1:9", os.path.join(self.tmp, "missing.jsonl"),
                        os.path.join(self.tmp, "e2"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("missing.jsonl", p.stderr)


def repeats(n, step_s):
    """The full known-answer run over HTTP: n seeded searches."""
    t = truth()
    tmp = tempfile.mkdtemp(prefix="l4lab-capacity-rep-")
    wl = os.path.join(tmp, "prompts.jsonl")
    make_workload(wl, int(40 * (step_s + 10)))
    covered = within = 0
    for seed in range(1, n + 1):
        out = os.path.join(tmp, f"seed-{seed}")
        with SimServer(seed) as s:
            p, wall = capacity(s.url, wl, out, "--start-rate", "4", "--step-s", str(step_s),
                               "--warmup-s", "10", "--seed", str(seed))
        cap = json.load(open(os.path.join(out, "capacity.json")))
        c = cap["capacity"]
        lo, hi = c["interval"]["lower_rps"], c["interval"]["upper_rps"]
        ok = lo is not None and hi is not None and lo <= t <= hi
        covered += ok
        within += c["capacity_rps"] is not None and abs(c["capacity_rps"] / t - 1) <= 0.05
        print(f"seed {seed}: exit {p.returncode} capacity {c['capacity_rps']} "
              f"({100 * (c['capacity_rps'] / t - 1):+.1f}%) interval [{lo}, {hi}] "
              f"{'covers' if ok else 'MISSES'} truth {t:.3f}; {len(cap['steps'])} steps, {wall:.0f} s",
              flush=True)
    print(f"within 5%: {within}/{n}; interval covers the truth: {covered}/{n}", flush=True)
    return 0 if within == n and covered >= math.ceil(0.9 * n) else 1


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=0)
    ap.add_argument("--step-s", type=int, default=60)
    a, rest = ap.parse_known_args()
    if a.repeats:
        sys.exit(repeats(a.repeats, a.step_s))
    unittest.main(argv=[sys.argv[0], *rest])

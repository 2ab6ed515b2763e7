#!/usr/bin/env python3
"""`l4lab capacity --plan` end to end on serve-sim (docs/CAPACITY.md#a-plan).

A plan of three configurations: Q1, an M/M/8 queue (serve-sim's queue mode,
configs/sim-profiles/queue-8x400.yaml) with a 1.6-s mean hold (the
baseline), Q2 the same queue with a 0.8-s hold (twice the service rate), and
QX, which passes serve-sim a flag it does not accept. Long holds keep the
rates low (1.5-12 req/s), so a busy 2-core CI host can still offer them.
Under a 2-s wait limit the capacities are ~3.9 and ~8.6 req/s (Erlang C);
the search's three steps (1.5, 3, 6 req/s) give Q1 3 and Q2 6 (each step
starts from an empty queue, which only helps the higher rates pass): a
ratio of 2, never under 1.3. Checks: each configuration's
engine is started and stopped by the lab (none left running), QX comes out
`unsupported` with the probe's evidence and no engine start, Q2's capacity
is above Q1's, every verdict in capacity_plan.json follows the rule
(recomputed here from the intervals, independently of the C++), engine.json
records the argv and the engine version but no environment values, `verify`
recomputes a configuration's steps, and SIGINT mid-search ends the command
with 130, the search marked interrupted and the engine group stopped.

Short steps: this checks the executor, not the statistics (those are
capacity_known_answer_test and capacity_integration).

Usage: L4LAB_BIN=build/src/cli/l4lab capacity_plan_test.py
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench", "sim"))
from sim_process import cmdlines  # noqa: E402  (the one /proc reader)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capacity_oracles import expected_verdict  # noqa: E402
L4LAB = os.environ.get("L4LAB_BIN", os.path.join(ROOT, "build", "src", "cli", "l4lab"))
QUEUE = os.path.join(ROOT, "configs", "sim-profiles", "queue-8x400.yaml")
SLO = "ttft_p95_ms=2020"  # a 2-s wait for a slot (first token 20 ms after admission)
SECRET = "l4lab-test-secret-value-0123"


def config(name, profile, extra_args=()):
    args = [["--config", profile], ["--port", "{port}"], *extra_args]
    return {
        "schema": "l4lab.config/1",
        "name": name,
        "intent": f"{name}: a queue with a known capacity",
        "factor": "service time" if name != "Q1" else "none: this is the baseline",
        "baseline": "Q1",
        "simulated": True,
        "engine": {
            "kind": "serve-sim",
            "model": "serve-sim/queue",
            "command": ["{l4lab}", "serve-sim"],
            "args": args,
            "env": {"L4LAB_TEST_TOKEN": SECRET},
            "port": 0,
            "health_timeout_s": 30,
            "stop_grace_s": 5,
        },
        "probe": {"argv": ["{l4lab}", "serve-sim", "--help"]},
    }


def read_json(path):
    with open(path) as fh:
        return json.load(fh)


def still_running(marker):
    """Processes whose command line names `marker` (this test's folder)."""
    found = []
    for pid, argv in cmdlines():
        cmd = b" ".join(argv).decode(errors="replace")
        if marker in cmd and "capacity_plan_test" not in cmd:
            found.append(f"{pid}: {cmd}")
    return found




class CapacityPlan(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="l4lab-capacity-plan-")
        t = cls.tmp
        with open(QUEUE) as fh:
            text = fh.read()
        assert "service_mean_ms: 400" in text and "name: queue-8x400" in text
        prof = {}
        for hold in (1600, 800):
            prof[hold] = os.path.join(t, f"queue-8x{hold}.yaml")
            with open(prof[hold], "w") as fh:
                fh.write(text.replace("service_mean_ms: 400", f"service_mean_ms: {hold}")
                         .replace("name: queue-8x400", f"name: queue-8x{hold}"))
        cfgs = {
            "Q1": config("Q1", prof[1600]),
            "Q2": config("Q2", prof[800]),
            "QX": config("QX", prof[1600], [["--tokenizer-pool-size", "4"]]),
        }
        paths = []
        for name, c in cfgs.items():
            p = os.path.join(t, f"{name}.json")  # JSON is YAML
            with open(p, "w") as fh:
                fh.write(json.dumps(c))
            paths.append(p)
        cls.workload = os.path.join(t, "prompts.jsonl")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "client", "make_workload.py"),
                        cls.workload, "--count", "3000", "--max-new-tokens", "4", "--words", "8"],
                       check=True, capture_output=True)
        cls.plan = os.path.join(t, "plan.json")
        with open(cls.plan, "w") as fh:
            fh.write(json.dumps({
                "schema": "l4lab.plan/1", "name": "capacity-plan-test", "configs": paths,
                "trials": 1, "workload": {"path": cls.workload, "build": False},
                "warmup_requests": 1, "telemetry": {"gpu_hz": 1, "metrics_hz": 1}}))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def argv(self, out, *extra):
        return [L4LAB, "capacity", "--plan", self.plan, "--slo", SLO, "--out", out,
                "--ignore-eos", "--pause-s", "0.5", "--warmup-s", "2", "--step-s", "6",
                "--start-rate", "1.5", "--max-steps", "3", "--resolution", "0.1", *extra]

    def test_plan_searches_each_configuration_and_judges_against_the_baseline(self):
        out = os.path.join(self.tmp, "cap")
        p = subprocess.run(self.argv(out), capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:] + p.stdout[-2000:])
        self.assertEqual(still_running(self.tmp), [])
        plan = read_json(os.path.join(out, "capacity_plan.json"))
        self.assertEqual(plan["schema"], "l4lab.capacity_plan/1")
        by = {c["name"]: c for c in plan["configs"]}
        self.assertEqual(sorted(by), ["Q1", "Q2", "QX"])
        qx = by["QX"]
        self.assertEqual(qx["status"], "unsupported")
        self.assertIn("--tokenizer-pool-size", qx["reason"])
        self.assertIsNone(qx["capacity"])
        self.assertFalse(os.path.exists(os.path.join(out, "QX", "engine.log")))  # never started
        self.assertEqual(by["Q1"]["verdict"], "baseline")
        for n in ("Q1", "Q2"):
            self.assertEqual(by[n]["status"], "searched", by[n])
            self.assertGreater(by[n]["capacity"]["capacity_rps"], 0, by[n])
            self.assertGreaterEqual(by[n]["steps"], 2, by[n])
        # Twice the service rate: a clearly higher capacity (point estimates).
        self.assertGreater(by["Q2"]["capacity"]["capacity_rps"],
                           1.3 * by["Q1"]["capacity"]["capacity_rps"], plan)
        for n in ("Q2", "QX"):
            self.assertEqual(by[n]["verdict"], expected_verdict(by[n], by["Q1"]), by[n])
        with open(os.path.join(out, "capacity_plan.md")) as fh:
            md = fh.read()
        print(md, file=sys.stderr)
        # The curves and the Pareto view: one row per step of Q1 and Q2.
        self.assertIn("## Throughput against latency", md)
        self.assertIn("**Pareto front**", md)
        steps = by["Q1"]["steps"] + by["Q2"]["steps"]
        self.assertEqual(sum(1 for l in md.splitlines() if l.startswith(("| Q1 | ", "| Q2 | "))
                             and "/trial-1)" in l), steps, md)
        with open(os.path.join(out, "capacity_plan.html")) as fh:
            html = fh.read()
        self.assertEqual(html.count("<svg"), 3)
        self.assertIn("(Pareto)", html)
        self.assertIn("| [Q2](Q2/capacity.md) | searched |", md)
        eng = read_json(os.path.join(out, "Q1", "engine.json"))
        self.assertIn("serve-sim", eng["engine_argv"])
        self.assertTrue(eng["engine_version"].startswith("l4lab "), eng["engine_version"])
        self.assertEqual(eng["engine_env_keys"], ["L4LAB_TEST_TOKEN"])
        self.assertIn(eng["status"], ("searched",))
        for root, _, files in os.walk(out):
            for f in files:
                if f.endswith((".json", ".md", ".log", ".jsonl", ".csv")):
                    with open(os.path.join(root, f), errors="replace") as fh:
                        self.assertNotIn(SECRET, fh.read(), os.path.join(root, f))
        v = subprocess.run([L4LAB, "verify", os.path.join(out, "Q1")], capture_output=True,
                           text=True)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        self.assertIn("verify: OK", v.stdout)

    def test_sigint_stops_the_search_and_the_engine(self):
        out = os.path.join(self.tmp, "int")
        p = subprocess.Popen(self.argv(out, "--only", "Q1"), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + 60
        step_dir = os.path.join(out, "Q1", "step-01-rate-1.500", "trial-1", "traces.jsonl")
        while time.time() < deadline and not os.path.exists(step_dir):
            time.sleep(0.2)
        self.assertTrue(os.path.exists(step_dir), "the first step never started")
        time.sleep(1)
        p.send_signal(signal.SIGINT)
        try:
            log, _ = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            self.fail("l4lab capacity did not end within 60 s of SIGINT")
        self.assertEqual(p.returncode, 130, log[-3000:])
        self.assertEqual(still_running(self.tmp), [])
        plan = read_json(os.path.join(out, "capacity_plan.json"))
        self.assertEqual([c["status"] for c in plan["configs"]], ["interrupted"])
        cap = read_json(os.path.join(out, "Q1", "capacity.json"))
        self.assertIn("interrupted", cap["search_stop"])

    def test_only_names_an_unknown_configuration(self):
        p = subprocess.run(self.argv(os.path.join(self.tmp, "bad"), "--only", "Q9"),
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--only Q9: not a configuration of", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)

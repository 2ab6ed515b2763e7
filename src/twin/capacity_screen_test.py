#!/usr/bin/env python3
"""`l4lab predict PLAN --profile P --capacity` end to end through the binary
(docs/CAPACITY.md#screening-with-the-twin).

1. Known answer: serve-sim's queue mode (configs/sim-profiles/queue-8x400.yaml)
   as the profile; under ttft_p95_ms=520 the M/M/8 capacity is the Erlang C
   rate (computed again here, independently of the C++): the screen's
   PREDICTED capacity must lie within 10% of it.
2. Knobs and verdicts: the calibrated H200 profile with C1 (max-num-seqs 64,
   the fitted configuration) and C2 (max-num-seqs 4, baseline C1): C2 must
   rank below C1, its verdict must follow the rule of `capacity --plan`
   (recomputed here from the intervals), every figure is labelled PREDICTED
   with C1's held-out error beside it, and the recommended command is
   `l4lab capacity --plan PLAN --only ...`.
3. Bad input names the flag or the configuration (exit 2).

Usage: L4LAB_BIN=build/src/cli/l4lab capacity_screen_test.py
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
L4LAB = os.environ.get("L4LAB_BIN", os.path.join(ROOT, "build", "src", "cli", "l4lab"))
QUEUE = os.path.join(ROOT, "configs", "sim-profiles", "queue-8x400.yaml")
H200 = os.path.join(ROOT, "configs", "sim-profiles", "h200-mistral7b-ladder-calibrated.yaml")
sys.path.insert(0, os.path.join(ROOT, "src", "capacity"))
from capacity_oracles import expected_verdict, mmc_rate  # noqa: E402








def read(path):
    with open(path) as fh:
        return fh.read()


def vllm_config(path, name, seqs):
    with open(os.path.join(ROOT, "configs", "vllm", "C1.yaml")) as fh:
        text = fh.read()
    assert '[--max-num-seqs, "64"]' in text and "name: C1" in text
    text = text.replace('[--max-num-seqs, "64"]', f'[--max-num-seqs, "{seqs}"]')
    text = text.replace("name: C1", f"name: {name}")
    with open(path, "w") as fh:
        fh.write(text)


class CapacityScreen(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="l4lab-capacity-screen-")
        t = cls.tmp
        cls.workload = os.path.join(t, "prompts.jsonl")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "client", "make_workload.py"),
                        cls.workload, "--count", "400", "--max-new-tokens", "64",
                        "--words", "20", "--prompt-tokens", "300"],
                       check=True, capture_output=True)
        for name, seqs in (("C1", 64), ("C2", 4)):
            vllm_config(os.path.join(t, f"{name}.yaml"), name, seqs)
        cls.plan = os.path.join(t, "plan.json")
        with open(cls.plan, "w") as fh:
            fh.write(json.dumps({
                "schema": "l4lab.plan/1", "name": "capacity-screen-test",
                "configs": [os.path.join(t, "C1.yaml"), os.path.join(t, "C2.yaml")],
                "trials": 1, "workload": {"path": cls.workload, "build": False},
                "warmup_requests": 1, "telemetry": {"gpu_hz": 1, "metrics_hz": 1}}))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def screen(self, out, profile, *extra):
        argv = [L4LAB, "predict", self.plan, "--profile", profile, "--capacity",
                "--out", os.path.join(self.tmp, out), *extra]
        return subprocess.run(argv, capture_output=True, text=True, timeout=120)

    def test_queue_known_answer(self):
        truth = mmc_rate(8, 2.5, 0.5, 0.05)
        self.assertAlmostEqual(truth, 15.710, places=2)
        r = self.screen("queue", QUEUE, "--slo", "ttft_p95_ms=520", "--only", "C1",
                        "--step-s", "300", "--seed", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(read(os.path.join(self.tmp, "queue", "capacity_screen.json")))
        self.assertEqual([c["name"] for c in j["configs"]], ["C1"])
        cap = j["configs"][0]["capacity"]
        self.assertLess(abs(cap["capacity_rps"] / truth - 1), 0.10, cap)
        self.assertIn("error unknown", read(os.path.join(self.tmp, "queue", "capacity_screen.md")))

    def test_knobs_rank_and_verdicts(self):
        r = self.screen("h200", H200, "--slo", "ttft_p95_ms=2000", "--slo", "tpot_p95_ms=100",
                        "--start-rate", "4", "--step-s", "40", "--top", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        d = os.path.join(self.tmp, "h200")
        j = json.loads(read(os.path.join(d, "capacity_screen.json")))
        self.assertEqual(j["schema"], "l4lab.capacity_screen/1")
        self.assertTrue(j["predicted"])
        by = {c["name"]: c for c in j["configs"]}
        self.assertEqual(by["C1"]["rank"], 1)
        self.assertEqual(by["C2"]["rank"], 2)
        self.assertGreater(by["C1"]["capacity"]["capacity_rps"],
                           by["C2"]["capacity"]["capacity_rps"])
        self.assertEqual(by["C2"]["verdict"], expected_verdict(by["C2"], by["C1"]))
        self.assertEqual(by["C1"]["verdict"], "baseline")
        self.assertTrue(all(c["predicted"] for c in j["configs"]))
        self.assertIsNotNone(by["C1"]["validation_relative_error"]["ttft_p95_ms"])
        self.assertEqual(j["confirm"]["configs"], ["C1"])
        self.assertTrue(j["confirm"]["command"].startswith(
            f"l4lab capacity --plan {self.plan} --only C1 --slo ttft_p95_ms=2000"))
        md = read(os.path.join(d, "capacity_screen.md"))
        self.assertTrue(md.startswith("# PREDICTED capacity screen"))
        self.assertIn("| 1 | C1 | {:.3f} |".format(by["C1"]["capacity"]["capacity_rps"]), md)
        self.assertIn("ttft_p95_ms ±", md)
        self.assertIn(j["confirm"]["command"], md)
        self.assertIn("predict --capacity: screened 2 configuration(s)", r.stdout)

    def test_bad_input_names_the_flag(self):
        r = self.screen("bad1", H200, "--slo", "ttft_p95=3")
        self.assertEqual(r.returncode, 2)
        self.assertIn("ttft_p95=3", r.stderr)
        r = self.screen("bad2", H200, "--slo", "ttft_p95_ms=2000", "--only", "C9")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--only C9: not a configuration of " + self.plan, r.stderr)
        r = self.screen("bad3", H200)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--slo", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "bad1", "capacity_screen.json")))


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""`l4lab bench` end to end against `l4lab serve-sim` (exact mode):
every failure class produced on purpose, a server killed mid-run, SIGKILL
and SIGINT of the bench, resume, the failure budget, bad input, a file limit
below the concurrency, a disk that fills while traces are written.

Run by CTest with L4LAB_BIN set to the l4lab binary.
"""
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
L4LAB = os.environ.get("L4LAB_BIN", os.path.join(ROOT, "build", "src", "cli", "l4lab"))
PROFILE = os.path.join(ROOT, "configs", "sim-profiles", "exact-50-10.yaml")
sys.path.insert(0, os.path.join(ROOT, "bench", "client"))


def make_workload(path, count, max_new_tokens):
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "client", "make_workload.py"), path,
                    "--count", str(count), "--max-new-tokens", str(max_new_tokens)], check=True)


class SimServer:
    def __init__(self, extra=()):
        self.proc = subprocess.Popen([L4LAB, "serve-sim", "--config", PROFILE, "--port", "0", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.url = None
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if "ready on " in line:
                self.url = line.strip().split("ready on ")[1]
                break
        if not self.url:
            self.proc.kill()
            raise RuntimeError("serve-sim did not start")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.kill()


def load_json(path):
    with open(path) as f:
        return json.load(f)


def read_traces(run):
    out = []
    with open(os.path.join(run, "traces.jsonl")) as f:
        for line in f:
            out.append(json.loads(line))  # every line must parse
    return out


def bench_argv(url, workload, run, *extra):
    return [L4LAB, "bench", "--endpoint", url, "--workload", workload, "--out", run, "--quiet",
            "--ignore-eos", *extra]


class BenchIntegration(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="l4lab_bench_it_")
        self.workload = os.path.join(self.tmp, "prompts.jsonl")
        make_workload(self.workload, 24, 12)

    def run_dir(self, name):
        return os.path.join(self.tmp, name)

    def test_success_and_files(self):
        with SimServer() as s:
            run = self.run_dir("ok")
            r = subprocess.run(bench_argv(s.url, self.workload, run, "--concurrency", "6",
                                          "--warmup-requests", "2", "--cooldown-requests", "2"))
            self.assertEqual(r.returncode, 0)
        tr = read_traces(run)
        self.assertEqual(len(tr), 24)
        self.assertTrue(all(t["ok"] for t in tr), [t["error"] for t in tr if not t["ok"]])
        self.assertEqual(sum(t["phase"] == "warmup" for t in tr), 2)
        self.assertTrue(all(sum(c[1] for c in t["chunks"]) == t["usage_completion_tokens"] for t in tr))
        b = load_json(os.path.join(run, "bench.json"))
        self.assertEqual(b["outcome"]["status"], "completed")
        self.assertEqual(b["summary"]["requests"]["measured_ok"], 20)
        self.assertIn("clock_anchor", b)
        with open(os.path.join(run, "schedule.jsonl")) as f:
            sched = [json.loads(l) for l in f]
        self.assertEqual(len(sched), 24)

    def test_every_fault_is_classified(self):
        cases = {
            "status:429": ("http_4xx", "rate_limited"),
            "status:500": ("http_5xx", "500"),
            "status:503": ("http_5xx", "503"),
            "stall_first_token:3000": ("timeout", "first_token"),
            "stall_between_chunks:3000": ("timeout", "idle"),
            "malformed_sse": ("protocol", "bad_sse"),
            "malformed_json": ("protocol", "bad_json"),
            "missing_usage": ("protocol", "missing_usage"),
            "zero_completion": ("empty_completion", "zero_completion_tokens"),
        }
        got = {}
        with SimServer() as s:
            for fault, want in cases.items():
                run = self.run_dir("fault-" + fault.replace(":", "_"))
                r = subprocess.run(bench_argv(s.url, self.workload, run, "--concurrency", "4",
                                              "--limit", "4", "--header", "x-l4lab-fault: " + fault,
                                              "--timeout-first-token-s", "0.5",
                                              "--timeout-idle-s", "0.5"))
                # Every request fails: no success, so exit 1 (bench_outcome.h).
                self.assertEqual(r.returncode, 1, fault)
                tr = read_traces(run)
                self.assertEqual(len(tr), 4, fault)
                got[fault] = {(t["failure_class"], t["failure_detail"]) for t in tr}
            for fault in ("close_mid_stream", "reset_mid_stream"):
                run = self.run_dir("fault-" + fault)
                subprocess.run(bench_argv(s.url, self.workload, run, "--limit", "2", "--header",
                                          "x-l4lab-fault: " + fault))
                got[fault] = {(t["failure_class"], t["failure_detail"]) for t in read_traces(run)}
        for fault, want in cases.items():
            self.assertEqual(got[fault], {want}, fault)
        # serve-sim's close_mid_stream: FIN without the terminating chunk.
        self.assertEqual(got["close_mid_stream"], {("connection", "closed_mid_stream")})
        # serve-sim's reset_mid_stream: an RST alone (SO_LINGER 0, no FIN first).
        self.assertEqual(got["reset_mid_stream"], {("connection", "reset")})

    def test_context_overflow_and_refused(self):
        run = self.run_dir("overflow")
        with SimServer(["--max-model-len", "40"]) as s:
            r = subprocess.run(bench_argv(s.url, self.workload, run, "--limit", "3"))
        self.assertEqual(r.returncode, 1)  # no success: exit 1 (bench_outcome.h)
        self.assertEqual({(t["failure_class"], t["failure_detail"]) for t in read_traces(run)},
                         {("http_4xx", "context_overflow")})
        run = self.run_dir("refused")
        with SimServer() as s:
            url = s.url
        r = subprocess.run(bench_argv(url, self.workload, run, "--model", "m", "--limit", "3"))
        self.assertEqual(r.returncode, 1)
        self.assertEqual({(t["failure_class"], t["failure_detail"]) for t in read_traces(run)},
                         {("connection", "refused")})

    def test_server_killed_mid_run(self):
        big = os.path.join(self.tmp, "big.jsonl")
        make_workload(big, 40, 100)  # 50 ms + 100 x 10 ms per request
        run = self.run_dir("killed-server")
        s = SimServer()
        p = subprocess.Popen(bench_argv(s.url, big, run, "--concurrency", "8"))
        time.sleep(1.5)
        s.kill()
        self.assertEqual(p.wait(timeout=60), 0)
        tr = read_traces(run)
        self.assertEqual(len(tr), 40)
        classes = {(t["failure_class"], t["failure_detail"]) for t in tr if not t["ok"]}
        self.assertIn(("connection", "refused"), classes)
        self.assertTrue(classes & {("connection", "reset"), ("connection", "closed_mid_stream")}, classes)

    def test_server_killed_mid_run_spends_the_budget_and_exits_nonzero(self):
        # The engine dies (SIGKILL) mid-run: the failures are named, every
        # trace written stays whole, and with a failure budget the bench stops
        # and exits 1 instead of sending the rest into a dead port.
        big = os.path.join(self.tmp, "big.jsonl")
        make_workload(big, 40, 100)
        run = self.run_dir("killed-server-budget")
        s = SimServer()
        p = subprocess.Popen(bench_argv(s.url, big, run, "--concurrency", "8", "--max-failures", "3"))
        time.sleep(1.5)
        s.kill()
        self.assertEqual(p.wait(timeout=60), 1)
        b = load_json(os.path.join(run, "bench.json"))
        self.assertEqual(b["outcome"]["status"], "failure_budget")
        tr = read_traces(run)
        self.assertEqual(len(tr), b["outcome"]["sent"])
        self.assertLess(len(tr), 40)
        failed = [t for t in tr if not t["ok"]]
        self.assertGreater(len(failed), 3)
        # Named: the dead engine's (connection: refused/reset/closed_mid_stream)
        # and, once the budget is spent, the requests it cancelled.
        self.assertTrue(all(t["failure_class"] in ("connection", "cancelled") and t["failure_detail"]
                            for t in failed), {(t["failure_class"], t["failure_detail"]) for t in failed})
        self.assertGreater(sum(t["failure_class"] == "connection" for t in failed), 3)

    def test_file_limit_below_the_concurrency_fails_before_the_run(self):
        run = self.run_dir("nofile")

        def low_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (200, 200))

        r = subprocess.run(bench_argv("http://127.0.0.1:9", self.workload, run, "--concurrency", "1000"),
                           preexec_fn=low_limit, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--concurrency 1000 needs about 1064 open files", r.stderr)
        self.assertIn("ulimit -n", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(run, "traces.jsonl")))

    def test_full_disk_keeps_every_finished_trace_whole(self):
        if os.geteuid() != 0 or not shutil.which("mount"):
            self.skipTest("needs root to mount a small tmpfs")
        mnt = os.path.join(self.tmp, "small-fs")
        os.makedirs(mnt)
        m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt],
                           capture_output=True, text=True)
        if m.returncode != 0:
            self.skipTest("cannot mount a tmpfs here: " + m.stderr.strip())
        try:
            big = os.path.join(self.tmp, "full.jsonl")
            make_workload(big, 200, 40)
            run = os.path.join(mnt, "run")
            with SimServer() as s:
                r = subprocess.run(bench_argv(s.url, big, run, "--concurrency", "4"),
                                   capture_output=True, text=True, timeout=120)
            self.assertNotEqual(r.returncode, 0, r.stderr)
            traces = os.path.join(run, "traces.jsonl")
            self.assertIn(traces + ": write failed: No space left on device", r.stderr)
            found = re.search(r"the (\d+) traces written before it are intact", r.stderr)
            self.assertIsNotNone(found, r.stderr)
            tr = read_traces(run)  # raises on a torn line
            self.assertGreater(len(tr), 0)
            self.assertLess(len(tr), 200)
            self.assertEqual(len(tr), int(found.group(1)))
            self.assertTrue(all(t["ok"] for t in tr))
            print(f"full disk: {len(tr)} intact traces, message: "
                  f"{[l for l in r.stderr.splitlines() if 'write failed' in l][0]}", file=sys.stderr)
        finally:
            subprocess.run(["umount", mnt])

    def test_sigkill_leaves_parseable_traces_then_resume(self):
        big = os.path.join(self.tmp, "big.jsonl")
        make_workload(big, 60, 20)
        run = self.run_dir("sigkill")
        with SimServer() as s:
            p = subprocess.Popen(bench_argv(s.url, big, run, "--concurrency", "4"))
            time.sleep(1.2)
            p.send_signal(signal.SIGKILL)
            p.wait()
            tr = read_traces(run)  # raises if any line is torn or garbled
            self.assertGreater(len(tr), 0)
            self.assertLess(len(tr), 60)
            self.assertTrue(all(t["ok"] for t in tr))
            r = subprocess.run(bench_argv(s.url, big, run, "--concurrency", "4", "--resume"))
            self.assertEqual(r.returncode, 0)
        tr2 = read_traces(run)
        self.assertEqual(sorted(t["request_id"] for t in tr2), sorted(set(t["request_id"] for t in tr2)))
        self.assertEqual(len(tr2), 60)

    def test_sigint_cancels_in_flight(self):
        big = os.path.join(self.tmp, "big.jsonl")
        make_workload(big, 30, 200)
        run = self.run_dir("sigint")
        with SimServer() as s:
            p = subprocess.Popen(bench_argv(s.url, big, run, "--concurrency", "5"))
            time.sleep(1.0)
            p.send_signal(signal.SIGINT)
            self.assertEqual(p.wait(timeout=30), 1)
        tr = read_traces(run)
        cancelled = [t for t in tr if t["failure_class"] == "cancelled"]
        self.assertTrue(1 <= len(cancelled) <= 5, len(cancelled))  # the first wave, in flight
        self.assertTrue(all(t["failure_detail"] == "interrupted" for t in cancelled))
        b = load_json(os.path.join(run, "bench.json"))
        self.assertEqual(b["outcome"]["status"], "interrupted")

    def test_nothing_listening_fails_with_one_line(self):
        # A port where nothing listens: every request is connection/refused;
        # bench exits 1 and, --quiet as it is, prints one outcome line.
        import socket
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        run = self.run_dir("refused")
        r = subprocess.run(bench_argv(f"http://127.0.0.1:{port}", self.workload, run, "--model",
                                      "foo", "--concurrency", "2", "--limit", "4"),
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("0 of 4 measured requests ok", lines[0])
        self.assertIn("connection/refused 4", lines[0])
        self.assertIn("exit 1 (no measured request succeeded)", lines[0])
        b = load_json(os.path.join(run, "bench.json"))
        self.assertEqual(b["outcome"]["exit_code"], 1)
        self.assertEqual(b["outcome"]["exit_reason"], "no measured request succeeded")

    def test_failure_budget(self):
        run = self.run_dir("budget")
        with SimServer() as s:
            r = subprocess.run(bench_argv(s.url, self.workload, run, "--concurrency", "2",
                                          "--header", "x-l4lab-fault: status:500",
                                          "--max-failures", "3"))
        self.assertEqual(r.returncode, 1)
        b = load_json(os.path.join(run, "bench.json"))
        self.assertEqual(b["outcome"]["status"], "failure_budget")
        self.assertEqual(len(read_traces(run)), b["outcome"]["sent"])

    def test_bad_input(self):
        bad = os.path.join(self.tmp, "bad.jsonl")
        with open(bad, "w") as f:
            f.write('{"id": "x"}\n')
        r = subprocess.run([L4LAB, "bench", "--endpoint", "http://127.0.0.1:9", "--workload", bad,
                            "--out", self.run_dir("bad"), "--quiet"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("bad.jsonl:1", r.stderr)
        # A ramp-up belongs to the closed loop: with an open-loop rate it is refused.
        r = subprocess.run(bench_argv("http://127.0.0.1:9", self.workload, self.run_dir("ramp"),
                                      "--rate", "10", "--ramp-up-s", "1"),
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--ramp-up-s is for the closed loop", r.stderr)

    def test_ramp_up_is_recorded(self):
        with SimServer() as s:
            run = self.run_dir("ramp-ok")
            r = subprocess.run(bench_argv(s.url, self.workload, run, "--concurrency", "4",
                                          "--ramp-up-s", "0.2"))
            self.assertEqual(r.returncode, 0)
        tr = read_traces(run)
        self.assertEqual(len(tr), 24)
        self.assertTrue(all(t["ok"] for t in tr), [t["error"] for t in tr if not t["ok"]])
        self.assertEqual(load_json(os.path.join(run, "bench.json"))["options"]["ramp_up_s"], 0.2)


if __name__ == "__main__":
    unittest.main(verbosity=2)

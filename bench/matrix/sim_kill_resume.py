#!/usr/bin/env python3
"""`l4lab matrix run` on serve-sim, SIGKILLed at random points then resumed
(issue 16). Each attempt starts `matrix run` on the same runs folder and
kills it (SIGKILL, the tool only, as a crash or the OOM killer would) after
a seeded random delay, so kills land in engine start, warm-up, bench or the
run's report; after every kill no serve-sim of this plan may be left. A last
resume runs to the end; then every run must be finished exactly once
(matrix_state.jsonl), each manifest `ok`, and `l4lab report` + `l4lab verify`
must say OK. Prints the figures; exit 1 on any miss.

  L4LAB_BIN=build/src/cli/l4lab bench/matrix/sim_kill_resume.py [--kills 20] [--seed 16]
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sim"))
from sim_process import cmdlines  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
L4LAB = os.environ.get("L4LAB_BIN", os.path.join(ROOT, "build", "src", "cli", "l4lab"))


def engines_of(marker):
    """serve-sim processes started for this plan (their argv holds the marker)."""
    return [pid for pid, argv in cmdlines() if b"serve-sim" in argv and marker.encode() in argv]


def finished_lines(runs):
    try:
        with open(os.path.join(runs, "matrix_state.jsonl")) as f:
            return [json.loads(line) for line in f if line.endswith("\n")]
    except FileNotFoundError:
        return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--max-delay-ms", type=int, default=900)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    tmp = tempfile.mkdtemp(prefix="l4lab_kill_resume_")
    workload = os.path.join(tmp, "prompts.jsonl")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "client", "make_workload.py"), workload,
                    "--count", "12", "--max-new-tokens", "16"], check=True)
    # A time scale no other serve-sim uses marks this plan's engines.
    marker = f"20.{os.getpid()}"
    trials = max(3, a.kills)
    plan = os.path.join(tmp, "plan.yaml")
    with open(plan, "w") as f:
        f.write(f"""schema: l4lab.plan/1
name: kill-resume-sim
configs:
  - {ROOT}/configs/serve-sim/C1.yaml
  - {ROOT}/configs/serve-sim/C3.yaml
trials: {trials}
order: sequential
vars:
  time_scale: "{marker}"
workload:
  path: {workload}
  per_cell: 1
warmup_requests: 1
bench:
  args: [[--concurrency, "4"], [--seed, "1"]]
telemetry: {{gpu_hz: 10, metrics_hz: 1}}
""")
    runs = os.path.join(tmp, "runs")
    total = 2 * trials
    problems = []
    mid, orphans_max = 0, 0
    t0 = time.time()
    for i in range(a.kills):
        with open(os.path.join(tmp, f"attempt-{i + 1}.log"), "w") as log:
            p = subprocess.Popen([L4LAB, "matrix", "run", plan, "--out", runs], stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        delay = rng.randint(20, a.max_delay_ms) / 1000
        time.sleep(delay)
        alive = p.poll() is None
        if alive:
            p.send_signal(signal.SIGKILL)
        p.wait()
        deadline = time.time() + 10
        while engines_of(marker) and time.time() < deadline:
            time.sleep(0.05)
        left = engines_of(marker)
        orphans_max = max(orphans_max, len(left))
        if left:
            problems.append(f"kill {i + 1}: serve-sim left running: {left}")
            for pid in left:
                os.kill(pid, signal.SIGKILL)
        done = len({(r["config"], r["trial"]) for r in finished_lines(runs) if r["status"] != "interrupted"})
        if alive and done < total:
            mid += 1
        print(f"kill {i + 1}: after {delay * 1000:.0f} ms, {'killed' if alive else 'had exited'}, "
              f"{done} of {total} runs finished", file=sys.stderr)
    r = subprocess.run([L4LAB, "matrix", "run", plan, "--out", runs], capture_output=True, text=True)
    if r.returncode != 0:
        problems.append(f"last resume exit {r.returncode}: {r.stderr[-500:]}")
    counts = {}
    for line in finished_lines(runs):
        if line["status"] != "interrupted":
            key = f"{line['config']}/trial-{line['trial']}"
            counts[key] = counts.get(key, 0) + 1
    if len(counts) != total or any(n != 1 for n in counts.values()):
        problems.append(f"runs finished: {len(counts)} of {total}, repeated: "
                        f"{[k for k, n in counts.items() if n != 1]}")
    not_ok = []
    for key in counts:
        with open(os.path.join(runs, key, "run_manifest.json")) as f:
            if json.load(f)["outcome"]["status"] != "ok":
                not_ok.append(key)
    if not_ok:
        problems.append(f"runs not ok: {not_ok}")
    interrupted = sum(1 for c in ("C1", "C3") for d in os.listdir(os.path.join(runs, c)) if ".interrupted" in d)
    rep = subprocess.run([L4LAB, "report", runs], capture_output=True, text=True)
    ver = subprocess.run([L4LAB, "verify", runs], capture_output=True, text=True)
    verify_line = (ver.stdout + ver.stderr).strip().splitlines()[-1:] or [""]
    if rep.returncode != 0 or ver.returncode != 0 or "verify: OK" not in ver.stdout:
        problems.append(f"report exit {rep.returncode}, verify exit {ver.returncode}: {verify_line[0]}")
    left = engines_of(marker)
    if left:
        problems.append(f"serve-sim left after the last resume: {left}")
    print(json.dumps({"kills": a.kills, "kills_mid_matrix": mid, "runs": total,
                      "runs_finished_once": sum(1 for n in counts.values() if n == 1),
                      "interrupted_folders_kept": interrupted, "orphan_engines_max": orphans_max,
                      "orphan_engines_end": len(left), "verify": verify_line[0],
                      "seconds": round(time.time() - t0, 1), "folder": tmp}, indent=1))
    if not a.keep and not problems:
        subprocess.run(["rm", "-rf", tmp])
    if problems:
        print("sim_kill_resume: FAIL: " + "; ".join(problems), file=sys.stderr)
        return 1
    print("sim_kill_resume: OK", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Scale benchmark for `l4lab report`: 8 configurations x 3 trials x 1800
requests of synthetic traces (bench/report/synth_runs.py), timed end to end
(load, analysis with 1000-resample bootstrap, all outputs). Target: < 2 s on
the 2-core development machine. Results go to docs/perf/report.md by hand,
with the machine load printed here (the machine is shared)."""
import argparse
import os
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import synth_runs  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default=str(HERE.parents[1] / "build-report/src/cli/l4lab"))
    p.add_argument("--dir", default="/tmp/l4lab_bench_report")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--regen", action="store_true")
    a = p.parse_args()
    d = pathlib.Path(a.dir)
    if a.regen or not (d / "C8/trial-3/traces.jsonl").exists():
        shutil.rmtree(d, ignore_errors=True)
        t = time.time()
        synth_runs.main([str(d), "--configs", "8", "--trials", "3", "--requests", "1800"])
        print(f"generated in {time.time() - t:.1f} s")
    size = sum(f.stat().st_size for f in d.rglob("traces.jsonl"))
    print(f"traces: {size / 1e6:.1f} MB in 24 files; chunks per request 16-256")
    times = []
    for i in range(a.repeat):
        load = os.getloadavg()[0]
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run([a.bin, "report", str(d), "--quiet"], capture_output=True, text=True)
        dt = time.perf_counter() - t
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        if r.returncode != 0:
            sys.exit(r.stderr)
        times.append(dt)
        print(f"run {i + 1}: wall {dt:.3f} s, cpu (user+sys, both threads) {cpu:.3f} s "
              f"(1-min load average before: {load:.2f})")
    print(f"min {min(times):.3f} s, median {statistics.median(times):.3f} s, "
          f"max {max(times):.3f} s over {len(times)} runs; cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()

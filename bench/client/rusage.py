#!/usr/bin/env python3
"""rusage.py OUTFILE CMD...: runs CMD (argv, no shell) and writes its CPU
time and peak RSS (children's rusage) to OUTFILE; exits with CMD's status.
While CMD runs, its /proc/PID/stat CPU ticks are sampled every 100 ms with
CLOCK_MONOTONIC (the clock of the traces) into OUTFILE.samples, one
"mono_ns user_ticks sys_ticks" line each, for steady_state.py. (CMD may be
`taskset ... prog`: taskset execs, so the PID is the program's.)"""
import os
import resource
import subprocess
import sys
import time

out = sys.argv[1]
p = subprocess.Popen(sys.argv[2:])
with open(out + ".samples", "w") as s:
    s.write(f"# clk_tck {os.sysconf('SC_CLK_TCK')}\n")
    while p.poll() is None:
        try:
            with open(f"/proc/{p.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            s.write(f"{time.monotonic_ns()} {fields[11]} {fields[12]}\n")
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
        time.sleep(0.1)
rc = p.wait()
r = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as f:
    f.write(f"cpu_user_s={r.ru_utime:.3f} cpu_sys_s={r.ru_stime:.3f} max_rss_kb={r.ru_maxrss}\n")
sys.exit(rc)

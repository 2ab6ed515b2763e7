#!/usr/bin/env python3
"""rusage.py OUTFILE CMD...: runs CMD (argv, no shell) and writes its CPU
time and peak RSS (children's rusage) to OUTFILE; exits with CMD's status."""
import resource
import subprocess
import sys

out = sys.argv[1]
rc = subprocess.run(sys.argv[2:]).returncode
r = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as f:
    f.write(f"cpu_user_s={r.ru_utime:.3f} cpu_sys_s={r.ru_stime:.3f} max_rss_kb={r.ru_maxrss}\n")
sys.exit(rc)

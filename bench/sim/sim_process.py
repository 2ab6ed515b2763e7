"""serve-sim as a child process for the bench scripts (bench/sim/hostile_clients.py,
bench/sim/chunked_body.py, bench/soak/soak.py, bench/matrix/sim_kill_resume.py,
src/capacity/capacity_plan_test.py): start it on a free port in its
own process group, read its memory and open files from /proc, stop the group.
Stdlib only."""
import os
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
L4LAB = os.path.abspath(os.environ.get("L4LAB_BIN", os.path.join(ROOT, "build", "src", "cli", "l4lab")))


def status_kb(pid, field="VmRSS"):
    """A /proc/PID/status memory field in kB (VmRSS, VmHWM); -1 if absent."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def cmdlines():
    """(pid, argv as a list of bytes) of every process this user can read."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                yield int(pid), f.read().split(b"\0")
        except OSError:
            continue


def start_sim(extra_args=(), ttft_ms=2, itl_ms=1, log_path=None, l4lab=L4LAB, start_limit_s=60):
    """`l4lab serve-sim --port 0 --exact-ttft-ms TTFT --exact-itl-ms ITL EXTRA...`
    in its own process group; returns (Popen, port) once it says ready (its
    argv is Popen.args). Its output goes on being read, into log_path or
    dropped, so it never blocks on a full pipe."""
    argv = [l4lab, "serve-sim", "--port", "0", "--exact-ttft-ms", str(ttft_ms), "--exact-itl-ms", str(itl_ms),
            *map(str, extra_args)]
    log = open(log_path, "w") if log_path else None
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    deadline = time.time() + start_limit_s
    port = None
    while time.time() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        if log:
            log.write(line)
        if "ready on " in line:
            port = int(line.strip().rsplit(":", 1)[1].strip("/"))
            break
    if port is None:
        stop_group(p, grace_s=0)
        if log:
            log.close()
        sys.exit(f"serve-sim did not start within {start_limit_s} s: {' '.join(argv)}"
                 + (f" (see {log_path})" if log_path else ""))

    def drain():
        for line in p.stdout:
            if log:
                log.write(line)
        if log:
            log.close()
    threading.Thread(target=drain, daemon=True).start()
    return p, port


def stop_group(p, grace_s=10):
    """SIGTERM the process group p leads (SIGKILL at once when grace_s is 0),
    SIGKILL it after grace_s; returns p's exit status."""
    try:
        os.killpg(p.pid, signal.SIGTERM if grace_s > 0 else signal.SIGKILL)
    except ProcessLookupError:
        return p.wait()
    try:
        return p.wait(grace_s if grace_s > 0 else None)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        return p.wait()

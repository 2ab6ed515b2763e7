"""serve-sim as a child process for the bench/sim scripts (hostile_clients.py,
chunked_body.py): start it on a free port in its own process group, read its
memory and open files from /proc, stop the group. Stdlib only."""
import os
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
L4LAB = os.environ.get("L4LAB_BIN", os.path.join(ROOT, "build", "src", "cli", "l4lab"))


def status_kb(pid, field="VmRSS"):
    """A /proc/PID/status memory field in kB (VmRSS, VmHWM); -1 if absent."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def start_sim(extra_args, start_limit_s=60):
    """`l4lab serve-sim --port 0 --exact-ttft-ms 2 --exact-itl-ms 1 EXTRA...`
    in its own process group; returns (Popen, port) once it says ready.
    Its output is drained (and dropped) so it never blocks on a full pipe."""
    argv = [L4LAB, "serve-sim", "--port", "0", "--exact-ttft-ms", "2", "--exact-itl-ms", "1",
            *map(str, extra_args)]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    deadline = time.time() + start_limit_s
    port = None
    while time.time() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        if "ready on " in line:
            port = int(line.strip().rsplit(":", 1)[1].strip("/"))
            break
    if port is None:
        stop_group(p, grace_s=0)
        sys.exit(f"serve-sim did not start within {start_limit_s} s: {' '.join(argv)}")
    threading.Thread(target=lambda: [None for _ in p.stdout], daemon=True).start()
    return p, port


def stop_group(p, grace_s=10):
    """SIGTERM the process group p leads (SIGKILL at once when grace_s is 0),
    SIGKILL it after grace_s, and reap p."""
    try:
        os.killpg(p.pid, signal.SIGTERM if grace_s > 0 else signal.SIGKILL)
        p.wait(grace_s if grace_s > 0 else None)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    except ProcessLookupError:
        p.wait()

#!/usr/bin/env python3
"""serve-sim under hostile clients (issue 16): SLOWLORIS connections that drip
header bytes forever (reconnecting when cut) and OVERSIZED requests whose
bodies exceed --max-body-bytes, all at once, while one well-behaved client
sends chat requests one after another. Passes when every good request gets
200, every oversized one is refused (413 or a close, never a 200), and
serve-sim's peak RSS stays under --rss-limit-mb. Prints the figures as JSON.

  L4LAB_BIN=build/src/cli/l4lab bench/sim/hostile_clients.py [--slowloris 1000]
      [--oversized 100] [--seconds 15] [--header-timeout 5]

Needs about slowloris + oversized + 100 open files in this process (raised to
the hard limit at start; refused with a message if that is not enough).
"""
import argparse
import http.client
import json
import resource
import socket
import sys
import threading
import time

from sim_process import open_fds, start_sim, status_kb, stop_group

def slowloris(port, stop, stats, lock):
    """Holds one connection dripping header bytes; reconnects when cut."""
    while not stop.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n")
            with lock:
                stats["slowloris_connects"] += 1
            while not stop.is_set():
                s.sendall(b"x-a: b\r\n")
                s.settimeout(1.0)
                try:
                    if s.recv(1024) == b"":
                        with lock:
                            stats["slowloris_cut"] += 1
                        break
                    with lock:
                        stats["slowloris_answered"] += 1  # must stay 0
                except socket.timeout:
                    pass
            s.close()
        except OSError:
            with lock:
                stats["slowloris_errors"] += 1
            time.sleep(0.2)


def oversized(port, size, stats, lock):
    """One request whose Content-Length exceeds the limit; sends body bytes
    until the server answers or closes."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                  f"content-length: {size}\r\n\r\n".encode())
        chunk = b"a" * 65536
        sent = 0
        s.setblocking(False)
        reply = b""
        t0 = time.time()
        while time.time() - t0 < 10:
            try:
                reply += s.recv(4096)
                if reply == b"" or b"\r\n" in reply:
                    break
            except BlockingIOError:
                pass
            except OSError:
                break
            if sent < size:
                try:
                    sent += s.send(chunk)
                except BlockingIOError:
                    time.sleep(0.01)
                except OSError:
                    break
        s.close()
        status = reply.split(b" ")[1].decode() if reply.startswith(b"HTTP/1.1 ") else "closed"
    except OSError as e:
        status = "error:" + type(e).__name__
    with lock:
        stats["oversized_answers"][status] = stats["oversized_answers"].get(status, 0) + 1


def good_client(port, stop, stats, lock):
    body = json.dumps({"messages": [{"role": "user", "content": "Hello, how are you?"}],
                       "max_tokens": 8})
    conn = None
    while not stop.is_set():
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            t = time.time()
            conn.request("POST", "/v1/chat/completions", body, {"content-type": "application/json"})
            r = conn.getresponse()
            r.read()
            with lock:
                stats["good_sent"] += 1
                stats["good_max_s"] = max(stats["good_max_s"], time.time() - t)
                if r.status == 200:
                    stats["good_ok"] += 1
                else:
                    stats["good_bad"].append(r.status)
        except (OSError, http.client.HTTPException) as e:
            with lock:
                stats["good_sent"] += 1
                stats["good_bad"].append(type(e).__name__)
            conn = None
        time.sleep(0.02)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--slowloris", type=int, default=1000)
    ap.add_argument("--oversized", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--header-timeout", type=float, default=5)
    ap.add_argument("--max-body-bytes", type=int, default=1 << 20)
    ap.add_argument("--oversized-bytes", type=int, default=64 << 20)
    ap.add_argument("--rss-limit-mb", type=float, default=200)
    args = ap.parse_args()

    need = args.slowloris + args.oversized + 100
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(need, soft)), hard))
        except (ValueError, OSError):
            pass
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        sys.exit(f"hostile_clients: needs {need} open files, ulimit -n is {soft} (hard {hard})")

    p, port = start_sim(["--header-timeout", args.header_timeout, "--max-body-bytes", args.max_body_bytes])
    try:
        lock = threading.Lock()
        stop = threading.Event()
        stats = {"slowloris_connects": 0, "slowloris_cut": 0, "slowloris_answered": 0,
                 "slowloris_errors": 0, "oversized_answers": {}, "good_sent": 0, "good_ok": 0,
                 "good_bad": [], "good_max_s": 0.0}
        time.sleep(0.3)
        rss0, fds0 = status_kb(p.pid), open_fds(p.pid)
        threading.stack_size(256 * 1024)
        threads = [threading.Thread(target=slowloris, args=(port, stop, stats, lock), daemon=True)
                   for _ in range(args.slowloris)]
        for t in threads:
            t.start()
        good = threading.Thread(target=good_client, args=(port, stop, stats, lock), daemon=True)
        good.start()
        big = [threading.Thread(target=oversized, args=(port, args.oversized_bytes, stats, lock),
                                daemon=True) for _ in range(args.oversized)]
        for t in big:
            t.start()
        peak_fds = 0
        t0 = time.time()
        while time.time() - t0 < args.seconds:
            peak_fds = max(peak_fds, open_fds(p.pid))
            time.sleep(0.25)
        rss_peak = status_kb(p.pid, "VmHWM")
        stop.set()
        for t in big:
            t.join(timeout=15)
        good.join(timeout=15)
        for t in threads:
            t.join(timeout=5)
        time.sleep(args.header_timeout + 1)
        out = {
            "slowloris": args.slowloris, "oversized": args.oversized, "seconds": args.seconds,
            "header_timeout_s": args.header_timeout, "max_body_bytes": args.max_body_bytes,
            "oversized_content_length": args.oversized_bytes,
            **stats,
            "serve_sim_rss_kb_start": rss0, "serve_sim_rss_kb_peak": rss_peak,
            "serve_sim_rss_kb_end": status_kb(p.pid), "serve_sim_fds_start": fds0,
            "serve_sim_fds_peak": peak_fds, "serve_sim_fds_end": open_fds(p.pid),
            "serve_sim_alive": p.poll() is None,
        }
        print(json.dumps(out, indent=1))
        problems = []
        if not out["serve_sim_alive"]:
            problems.append("serve-sim died")
        if stats["good_ok"] == 0 or stats["good_bad"]:
            problems.append(f"good client: {stats['good_ok']} ok, failures {stats['good_bad'][:10]}")
        if stats["slowloris_answered"]:
            problems.append("a slowloris connection got an answer")
        if stats["oversized_answers"].get("200"):
            problems.append("an oversized body was accepted")
        if sum(stats["oversized_answers"].values()) != args.oversized:
            problems.append(f"oversized requests unaccounted: {stats['oversized_answers']}")
        if rss_peak > args.rss_limit_mb * 1024:
            problems.append(f"serve-sim peak RSS {rss_peak} kB over {args.rss_limit_mb} MB")
        if args.seconds > args.header_timeout * 1.5 and stats["slowloris_cut"] == 0:
            problems.append("no slowloris connection was cut at the header deadline")
        if problems:
            print("hostile_clients: FAIL: " + "; ".join(problems), file=sys.stderr)
            return 1
        print("hostile_clients: OK", file=sys.stderr)
        return 0
    finally:
        stop_group(p)


if __name__ == "__main__":
    sys.exit(main())

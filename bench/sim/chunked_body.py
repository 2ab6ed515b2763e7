#!/usr/bin/env python3
"""serve-sim against chunked request bodies larger than --max-body-bytes
(issue 16, docs/RELIABILITY.md): CONNECTIONS clients at once each send a
POST /v1/chat/completions with `Transfer-Encoding: chunked` and a body of
--body-mb MiB in 64 KiB chunks, until serve-sim answers. A chunked body has
no length up front, so evhttp can only refuse it as the announced chunk
sizes pass the limit; this checks that it does (each client's answer is a
413 with serve-sim's JSON error body after about --max-body-bytes, not after
the whole body) and that serve-sim's memory stays bounded by connections x
max-body-bytes, not connections x body size. A well-behaved client's
requests are served meanwhile. Prints the figures as JSON; exit 1 if a
check fails. Stdlib only.

  L4LAB_BIN=build/src/cli/l4lab bench/sim/chunked_body.py --connections 50 --body-mb 64
"""
import argparse
import json
import socket
import sys
import threading
import time

from sim_process import start_sim, status_kb, stop_group

CHUNK = 64 * 1024


def read_answer(s, limit_s=10):
    """Everything the server sends until it closes (or limit_s)."""
    got = b""
    s.settimeout(limit_s)
    t0 = time.time()
    try:
        while time.time() - t0 < limit_s:
            b = s.recv(65536)
            if not b:
                break
            got += b
    except (socket.timeout, ConnectionResetError):
        pass
    return got


def chunked_client(port, body_bytes, results, lock):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n")
    piece = b"%x\r\n" % CHUNK + b"a" * CHUNK + b"\r\n"
    sent = 0
    s.setblocking(False)
    answer = b""
    while sent < body_bytes:
        try:
            answer += s.recv(65536)
            break  # answered (or closed: b"") before the body was sent
        except BlockingIOError:
            pass
        except ConnectionResetError:
            break
        try:
            n = s.send(piece)
            sent += n
            if n < len(piece):  # the rest of this piece, blocking for a while
                s.settimeout(5)
                try:
                    s.sendall(piece[n:])
                    sent += len(piece) - n
                except (socket.timeout, BrokenPipeError, ConnectionResetError):
                    break
                finally:
                    s.setblocking(False)
        except BlockingIOError:
            time.sleep(0.001)
        except (BrokenPipeError, ConnectionResetError):
            break
    s.setblocking(True)
    answer += read_answer(s)
    s.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split()[1]) if head.startswith(b"HTTP/1.1 ") else None
    try:
        err = json.loads(body)["error"]
        json_ok = isinstance(err.get("message"), str) and err.get("code") == status
    except (ValueError, KeyError, TypeError, AttributeError):
        json_ok = False
    with lock:
        results.append({"status": status, "json_error_body": json_ok, "body_bytes_sent": sent})


def good_client(port, stop, stats, lock):
    body = json.dumps({"messages": [{"role": "user", "content": "hi"}], "max_tokens": 8}).encode()
    req = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
    while not stop.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(req)
            got = read_answer(s)
            s.close()
            ok = got.startswith(b"HTTP/1.1 200")
        except OSError:
            ok = False
        with lock:
            stats["good_sent"] += 1
            stats["good_ok"] += ok
        time.sleep(0.02)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--body-mb", type=float, default=64, help="chunked body each client would send")
    ap.add_argument("--max-body-bytes", type=int, default=1 << 20)
    ap.add_argument("--slack-mb", type=float, default=64,
                    help="RSS allowed above start + connections x max-body-bytes")
    args = ap.parse_args()
    p, port = start_sim(["--max-body-bytes", args.max_body_bytes])
    pid = p.pid
    try:
        rss_start = status_kb(pid, "VmRSS")
        results, lock = [], threading.Lock()
        stats = {"good_sent": 0, "good_ok": 0}
        stop = threading.Event()
        rss_peak_seen = [rss_start]

        def sample():
            while not stop.is_set():
                rss_peak_seen[0] = max(rss_peak_seen[0], status_kb(pid, "VmRSS"))
                time.sleep(0.05)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        good = threading.Thread(target=good_client, args=(port, stop, stats, lock), daemon=True)
        good.start()
        t0 = time.time()
        body_bytes = int(args.body_mb * (1 << 20))
        threads = [threading.Thread(target=chunked_client, args=(port, body_bytes, results, lock))
                   for _ in range(args.connections)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        seconds = time.time() - t0
        time.sleep(0.5)
        stop.set()
        good.join(15)
        alive = p.poll() is None
        hwm = status_kb(pid, "VmHWM") if alive else -1
        rss_end = status_kb(pid, "VmRSS") if alive else -1
    finally:
        stop_group(p)
    statuses = {}
    for r in results:
        statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
    sent = sorted(r["body_bytes_sent"] for r in results)
    bound_kb = rss_start + args.connections * args.max_body_bytes / 1024 + args.slack_mb * 1024
    out = {
        "connections": args.connections, "body_mb_each": args.body_mb, "max_body_bytes": args.max_body_bytes,
        "seconds": round(seconds, 2), "answers": statuses,
        "json_error_bodies": sum(r["json_error_body"] for r in results),
        "body_mb_sent_before_answer": {"min": round(sent[0] / 2**20, 2), "max": round(sent[-1] / 2**20, 2)}
        if sent else None,
        "serve_sim_rss_kb": {"start": rss_start, "peak_sampled": rss_peak_seen[0], "peak_hwm": hwm, "end": rss_end},
        "rss_bound_kb": int(bound_kb),
        "good_client": stats,
    }
    problems = []
    if not alive:
        problems.append("serve-sim died")
    if statuses.get("413", 0) != args.connections:
        problems.append(f"not every chunked body got a 413: {statuses}")
    if out["json_error_bodies"] != args.connections:
        problems.append(f"{args.connections - out['json_error_bodies']} answers without the JSON error body")
    if sent and sent[-1] >= body_bytes:
        problems.append("a chunked body was read to its end before the answer")
    if hwm > bound_kb:
        problems.append(f"serve-sim peak RSS {hwm} kB over start + connections x max-body-bytes + slack "
                        f"({int(bound_kb)} kB)")
    if stats["good_sent"] == 0 or stats["good_ok"] != stats["good_sent"]:
        problems.append(f"well-behaved client: {stats['good_ok']} of {stats['good_sent']} ok")
    out["problems"] = problems
    print(json.dumps(out, indent=1))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""`workload build/check --count-with URL`: counts come from an engine's /tokenize.

A small local /tokenize (chat form, answering with mistral-common's ids, as
vLLM does for this model) stands in for the engine; it adds one token per
request when asked, so the test can tell that the engine's count was used.
"""
import http.server
import json
import subprocess
import threading

import pytest

from conftest import oracle_ids


class _Handler(http.server.BaseHTTPRequestHandler):
    tok = None
    extra = 0
    calls = 0

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.path == "/tokenize"
        assert body["add_generation_prompt"] is True and body["add_special_tokens"] is False
        ids = oracle_ids(_Handler.tok, body["messages"])
        if isinstance(ids, tuple):
            self.send_response(400)
            self.end_headers()
            self.wfile.write(json.dumps({"error": {"message": ids[1]}}).encode())
            return
        ids = ids + [1] * _Handler.extra
        type(self).calls += 1
        out = json.dumps({"count": len(ids), "max_model_len": 8192, "tokens": ids}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


@pytest.fixture()
def engine(oracle):
    _Handler.tok = oracle
    _Handler.extra = 0
    _Handler.calls = 0
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_build_and_check_count_with_the_engine(l4lab, tmp_path, engine):
    out = tmp_path / "prompts.jsonl"
    r = subprocess.run([str(l4lab), "workload", "build", "--out", str(out), "--per-cell", "2", "--count-with", engine],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert _Handler.calls > 0
    manifest = json.loads(out.with_name("prompts.manifest.json").read_text())
    assert manifest["counted_with"] == "engine /tokenize at " + engine
    ok = subprocess.run([str(l4lab), "workload", "check", str(out), "--count-with", engine], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    # An engine that counts one more token than the file says: check must notice.
    _Handler.extra = 1
    bad = subprocess.run([str(l4lab), "workload", "check", str(out), "--count-with", engine], capture_output=True,
                         text=True)
    assert bad.returncode == 1
    assert f"{out}:1 (summarisation-S-0000): invariant exact_count" in bad.stderr, bad.stderr


def test_build_records_the_engines_count(l4lab, tmp_path, engine):
    """An engine that counts one more token per request than the local
    tokenizer: the built file holds the engine's counts, so checking it
    against the same engine passes and checking it locally fails on every
    request's exact count."""
    _Handler.extra = 1
    out = tmp_path / "prompts.jsonl"
    r = subprocess.run([str(l4lab), "workload", "build", "--out", str(out), "--per-cell", "1", "--count-with", engine],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    same = subprocess.run([str(l4lab), "workload", "check", str(out), "--count-with", engine], capture_output=True,
                          text=True)
    assert same.returncode == 0, same.stderr
    local = subprocess.run([str(l4lab), "workload", "check", str(out)], capture_output=True, text=True)
    assert local.returncode == 1, local.stderr
    n = sum(1 for line in out.read_text().splitlines() if line.strip())
    assert local.stderr.count("exact_count") == n, local.stderr
    assert f"{n} problem(s) in {n} requests" in local.stderr, local.stderr


def test_unreachable_engine_is_a_clear_error(l4lab, tmp_path):
    r = subprocess.run([str(l4lab), "workload", "build", "--out", str(tmp_path / "p.jsonl"), "--per-cell", "1",
                        "--count-with", "http://127.0.0.1:9"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "POST http://127.0.0.1:9/tokenize" in r.stderr, r.stderr

"""The whole default workload against mistral-common: ids, counts, determinism."""
import hashlib
import json
import subprocess

import pytest

from conftest import lab_tokenize, oracle_ids


@pytest.fixture(scope="module")
def default_build(l4lab, tmp_path_factory):
    out = tmp_path_factory.mktemp("wl") / "prompts.jsonl"
    subprocess.run([str(l4lab), "workload", "build", "--out", str(out)], check=True, capture_output=True)
    return out


def _requests(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_default_workload_ids_match_mistral_common(l4lab, oracle, default_build):
    reqs = _requests(default_build)
    assert len(reqs) == 1800
    lab = lab_tokenize(l4lab, [r["messages"] for r in reqs])
    mismatches = []
    for r, got in zip(reqs, lab):
        want = oracle_ids(oracle, r["messages"])
        assert not isinstance(want, tuple), f"{r['id']}: mistral-common refused it: {want}"
        if got.get("ids") != want or r["request_prompt_tokens"] != len(want):
            mismatches.append((r["id"], len(want), r["request_prompt_tokens"], len(got.get("ids", []))))
    assert not mismatches, f"{len(mismatches)} of {len(reqs)} differ, first: {mismatches[0]}"


def test_default_workload_invariants(default_build):
    limits = {"S": (1, 512), "M": (513, 2048), "L": (2049, 8192)}
    manifest = json.loads(default_build.with_name("prompts.manifest.json").read_text())
    assert manifest["prompts_sha256"] == hashlib.sha256(default_build.read_bytes()).hexdigest()
    assert manifest["count"] == 1800
    for r in _requests(default_build):
        lo, hi = limits[r["bucket"]]
        assert lo <= r["request_prompt_tokens"] <= hi, r["id"]
        assert r["request_prompt_tokens"] + r["max_new_tokens"] <= manifest["max_context"], r["id"]
        assert abs(r["request_prompt_tokens"] - r["target_prompt_tokens"]) <= 8, r["id"]
        assert r["messages"][-1]["role"] == "user", r["id"]


def test_same_seed_same_sha_other_seed_differs(l4lab, tmp_path, default_build):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    subprocess.run([str(l4lab), "workload", "build", "--out", str(a)], check=True, capture_output=True)
    subprocess.run([str(l4lab), "workload", "build", "--out", str(b), "--seed", "2"], check=True, capture_output=True)
    sha = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert sha(a) == sha(default_build)
    # The manifest names no output path: same inputs and seed, same bytes.
    assert a.with_name("a.manifest.json").read_bytes() == default_build.with_name("prompts.manifest.json").read_bytes()
    assert sha(b) != sha(a)


def test_check_accepts_build_and_names_corrupted_line(l4lab, tmp_path, default_build):
    ok = subprocess.run([str(l4lab), "workload", "check", str(default_build)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "OK: 1800 requests" in ok.stdout
    lines = default_build.read_text(encoding="utf-8").splitlines()
    r = json.loads(lines[41])
    r["messages"][-1]["content"] += " extra words"
    lines[41] = json.dumps(r, ensure_ascii=False)
    bad = tmp_path / "prompts.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = subprocess.run([str(l4lab), "workload", "check", str(bad)], capture_output=True, text=True)
    assert res.returncode == 1
    assert f"{bad}:42 ({r['id']}): invariant exact_count" in res.stderr, res.stderr

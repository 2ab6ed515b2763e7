"""Cross-checks `l4lab report` against numpy: the C++ side writes summary.json
for a synthetic RUNS_DIR generated here; an independent Python computation
(bench/report/analysis_oracle.py) must agree exactly for percentiles,
throughputs, goodput and the seeded bootstrap intervals (means: 1e-12
relative, since numpy sums pairwise). Then `l4lab verify` must accept the
untouched folder and reject a tampered one; bad input must be reported
clearly while the rest is still analysed."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "report"))
import analysis_oracle as oracle  # noqa: E402
import synth_runs  # noqa: E402

SLO = {"ttft": 250.0, "tpot": 40.0, "e2e": 3000.0}
RESAMPLES = 120
SEED = 11


@pytest.fixture(scope="module")
def runs(tmp_path_factory, l4lab):
    d = tmp_path_factory.mktemp("runs")
    synth_runs.main([str(d), "--configs", "3", "--trials", "2", "--requests", "90",
                     "--min-tokens", "1", "--max-tokens", "24", "--failure-rate", "0.05",
                     "--mismatch-rate", "0.05", "--concurrency", "4"])
    r = subprocess.run([str(l4lab), "report", str(d), "--slo-ttft-ms", "250", "--slo-tpot-ms",
                        "40", "--slo-e2e-ms", "3000", "--resamples", str(RESAMPLES), "--seed",
                        str(SEED)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return d, json.loads((d / "summary.json").read_text())


def by_dir(summary, rel):
    return next(r for r in summary["runs"] if r["dir"] == rel)


def by_cfg(summary, name):
    return next(c for c in summary["configs"] if c["name"] == name)


def test_run_percentiles_throughput_goodput_exact(runs):
    d, s = runs
    slo = SLO
    for cfg in ("C1", "C2", "C3"):
        for t in (1, 2):
            rel = f"{cfg}/trial-{t}"
            reqs = oracle.load_run(d / rel)
            win = oracle.window_s(reqs)
            g = oracle.group(reqs, win, slo)
            m = by_dir(s, rel)["metrics"]
            assert m["window_s"] == win
            for k in ("requests", "ok", "output_tokens", "good"):
                assert m[k] == g[k], (rel, k)
            for k in ("request_throughput_rps", "output_throughput_tps",
                      "total_token_throughput_tps", "goodput_rps"):
                assert m[k] == g[k], (rel, k, m[k], g[k])
            for metric, key in (("ttft", "ttft_ms"), ("tpot", "tpot_ms"), ("e2e", "e2e_ms"),
                                ("itl", "itl_ms")):
                v = g["values"][metric]
                assert m[key]["n"] == len(v)
                for q in (50, 95, 99):
                    assert m[key][f"p{q}"] == np.percentile(v, q), (rel, metric, q)
                assert m[key]["mean"] == pytest.approx(np.mean(v), rel=1e-12)


def test_pooled_and_bootstrap_intervals_exact(runs):
    d, s = runs
    conf = s["options"]["confidence"]
    assert s["options"]["resamples"] == RESAMPLES and s["options"]["seed"] == SEED
    boots = {}
    for cfg in ("C1", "C2", "C3"):
        trials = []
        pooled, win = [], 0.0
        for t in (1, 2):
            reqs = oracle.load_run(d / f"{cfg}/trial-{t}")
            w = oracle.window_s(reqs)
            trials.append(([r for r in reqs if r.measured], w))
            pooled += reqs
            win += w
        c = by_cfg(s, cfg)
        g = oracle.group(pooled, win, SLO)
        assert c["pooled"]["output_throughput_tps"] == g["output_throughput_tps"]
        assert c["pooled"]["ttft_ms"]["p95"] == np.percentile(g["values"]["ttft"], 95)
        ci, values, _ = oracle.bootstrap(trials, cfg, SEED, RESAMPLES, SLO, conf)
        boots[cfg] = values
        st = c["stats"]
        assert tuple(st["ttft_p95_ms"]["ci"]) == ci["ttft_p95"]
        assert tuple(st["e2e_p99_ms"]["ci"]) == ci["e2e_p99"]
        assert tuple(st["tpot_p50_ms"]["ci"]) == ci["tpot_p50"]
        assert tuple(st["output_throughput_tps"]["ci"]) == ci["output_throughput"]
        assert tuple(st["goodput_rps"]["ci"]) == ci["goodput"]
        assert tuple(st["success_rate"]["ci"]) == ci["success_rate"]
        lo, hi = st["ttft_p95_ms"]["ci"]
        assert lo <= hi  # sanity, not exactness (a percentile interval need not hold the point)
    # Deltas: interval over paired ratios of the two bootstraps
    # (docs/METRICS.md#deltas): absolute = base * (ratio - 1).
    tail = (1.0 - conf) / 2.0 * 100.0
    for cfg in ("C2", "C3"):
        c = by_cfg(s, cfg)
        d95 = next(x for x in c["deltas"] if x["stat"] == "ttft_p95_ms")
        ratio = np.array(boots[cfg]["ttft_p95"]) / np.array(boots["C1"]["ttft_p95"])
        rlo, rhi = np.percentile(ratio, tail), np.percentile(ratio, 100 - tail)
        base = d95["baseline"]
        assert tuple(d95["ci"]) == (base * (rlo - 1.0), base * (rhi - 1.0))
        assert tuple(d95["relative_ci_pct"]) == ((rlo - 1.0) * 100.0, (rhi - 1.0) * 100.0)
        assert d95["relative_ci_pct"][0] >= -100.0
        lo, hi = d95["ci"]
        expect = "within noise" if lo <= 0 <= hi else ("worse" if lo > 0 else "better")
        assert d95["verdict"] == expect


def test_vllm_results_layout(runs):
    d, _ = runs
    j = json.loads((d / "C1/trial-1/results_vllm.json").read_text())
    reqs = [r for r in oracle.load_run(d / "C1/trial-1") if r.measured]
    ok = [r for r in reqs if r.ok]
    assert j["completed"] == len(ok) and j["failed"] == len(reqs) - len(ok)
    assert len(j["ttfts"]) == len(j["itls"]) == len(j["errors"]) == len(reqs)
    ttft_s = [r.ttft / 1000 for r in ok]
    assert j["median_ttft_ms"] == pytest.approx(np.median(ttft_s) * 1000, rel=1e-12)
    assert j["p99_ttft_ms"] == pytest.approx(np.percentile(ttft_s, 99) * 1000, rel=1e-12)
    assert j["std_ttft_ms"] == pytest.approx(np.std(ttft_s) * 1000, rel=1e-9)


def test_verify_accepts_then_rejects_tampering(runs, l4lab, tmp_path):
    d, _ = runs
    r = subprocess.run([str(l4lab), "verify", str(d)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "verify: OK" in r.stdout
    t = tmp_path / "tampered"
    shutil.copytree(d, t)
    s = json.loads((t / "summary.json").read_text())
    s["configs"][1]["stats"]["ttft_p95_ms"]["value"] += 1.0
    (t / "summary.json").write_text(json.dumps(s))
    r = subprocess.run([str(l4lab), "verify", str(t)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "summary.json/configs/1/stats/ttft_p95_ms/value" in r.stdout
    # Raw evidence edited after the report: verify must notice too.
    shutil.rmtree(t)
    shutil.copytree(d, t)
    lines = (t / "C2/trial-1/traces.jsonl").read_text().splitlines()
    (t / "C2/trial-1/traces.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    r = subprocess.run([str(l4lab), "verify", str(t)], capture_output=True, text=True)
    assert r.returncode == 1 and "DISAGREE" in r.stdout


def test_bad_input_is_reported_and_the_rest_analysed(l4lab, tmp_path):
    d = tmp_path / "bad"
    synth_runs.main([str(d), "--configs", "3", "--trials", "1", "--requests", "60",
                     "--min-tokens", "2", "--max-tokens", "8"])
    # C2: a truncated line in the middle and a torn last line.
    p = d / "C2/trial-1/traces.jsonl"
    lines = p.read_text().splitlines()
    lines[5] = lines[5][: len(lines[5]) // 2]
    p.write_text("\n".join(lines) + "\n" + lines[7][:40])
    # C3: no traces at all; its manifest says it crashed.
    (d / "C3/trial-1/traces.jsonl").unlink()
    m = json.loads((d / "C3/trial-1/run_manifest.json").read_text())
    m["outcome"] = {"status": "crashed", "reason": "engine exited with signal 9"}
    (d / "C3/trial-1/run_manifest.json").write_text(json.dumps(m))
    # C4: a different workload than the baseline.
    shutil.copytree(d / "C1", d / "C4")
    m = json.loads((d / "C4/trial-1/run_manifest.json").read_text())
    m["config"]["name"] = "C4"
    m["workload"]["sha256"] = "f" * 64
    (d / "C4/trial-1/run_manifest.json").write_text(json.dumps(m))
    r = subprocess.run([str(l4lab), "report", str(d), "--resamples", "50"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "C2/trial-1/traces.jsonl:6:" in r.stderr
    assert "torn last line" in r.stderr
    assert "C3/trial-1/traces.jsonl: missing" in r.stderr
    assert "workload differs from the baseline" in r.stderr
    s = json.loads((d / "summary.json").read_text())
    c2 = next(c for c in s["configs"] if c["name"] == "C2")
    assert c2["pooled"]["requests"] == 59 and c2["has_data"]
    c3 = next(c for c in s["configs"] if c["name"] == "C3")
    assert not c3["has_data"] and "crashed (engine exited with signal 9)" in c3["not_run"][0]
    c4 = next(c for c in s["configs"] if c["name"] == "C4")
    assert c4["deltas"] and all(x["verdict"] == "not comparable" for x in c4["deltas"])
    md = (d / "report.md").read_text()
    assert "crashed (engine exited with signal 9)" in md
    assert "C2/trial-1/traces.jsonl:6:" in md
    r = subprocess.run([str(l4lab), "verify", str(d)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    assert "workload differs" in r.stdout


def test_empty_runs_dir_is_a_clear_error(l4lab, tmp_path):
    r = subprocess.run([str(l4lab), "report", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 2
    assert "no run folders" in r.stderr


def test_verify_checks_manifest_hashes(l4lab, tmp_path):
    import hashlib
    d = tmp_path / "hashes"
    synth_runs.main([str(d), "--configs", "2", "--trials", "1", "--requests", "20",
                     "--max-tokens", "6"])
    wl = tmp_path / "prompts.jsonl"
    wl.write_text('{"id":"qa-S-0000"}\n')
    for cfg in ("C1", "C2"):
        p = d / cfg / "trial-1" / "run_manifest.json"
        m = json.loads(p.read_text())
        m["workload"]["path"] = str(wl)
        m["workload"]["sha256"] = hashlib.sha256(wl.read_bytes()).hexdigest()
        p.write_text(json.dumps(m))
    r = subprocess.run([str(l4lab), "report", str(d), "--resamples", "20"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(l4lab), "verify", str(d)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    assert "2 manifest hash(es) match" in r.stdout
    wl.write_text('{"id":"qa-S-0001"}\n')  # the workload changed after the runs
    r = subprocess.run([str(l4lab), "verify", str(d)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "C1/trial-1: workload" in r.stdout and "but the manifest says" in r.stdout

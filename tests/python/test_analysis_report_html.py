"""report.html opens in headless Chromium (Debian's `chromium`) without
console errors, and its charts render: the DOM Chromium builds holds every
inline SVG chart, and a screenshot is taken (kept at
$L4LAB_SCREENSHOT, default build-report/report_html.png, for a person to
look at)."""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "report"))
import synth_runs  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--enable-logging=stderr", "--v=0"]


def chromium():
    for name in ("chromium", "chromium-browser"):
        p = shutil.which(name)
        if p:
            return p
    pytest.fail("Debian package `chromium` is not installed (apt-get install chromium)")


def run_chromium(args, timeout=120):
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout)


def console_errors(log):
    # Chromium logs page console messages as "...:INFO:CONSOLE(line)] "message", source: ..."
    # (any level); uncaught errors and failed loads are what must not appear.
    bad = []
    for line in log.splitlines():
        if "CONSOLE" in line or "Uncaught" in line or "net::ERR_" in line:
            bad.append(line)
    return bad


@pytest.fixture(scope="module")
def report(tmp_path_factory, l4lab):
    d = tmp_path_factory.mktemp("html")
    synth_runs.main([str(d), "--configs", "4", "--trials", "2", "--requests", "150",
                     "--max-tokens", "40", "--failure-rate", "0.04"])
    r = subprocess.run([str(l4lab), "report", str(d), "--slo-ttft-ms", "300", "--resamples",
                        "100"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return d / "report.html"


def test_html_is_self_contained(report):
    html = report.read_text()
    assert "<script" not in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert html.count("<svg") >= 10
    assert "SIMULATED" in html  # the synthetic runs say simulated: true


def test_chromium_renders_without_console_errors(report):
    dom = run_chromium(["--dump-dom", report.as_uri()])
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") >= 10
    assert console_errors(dom.stderr) == [], console_errors(dom.stderr)
    shot = pathlib.Path(os.environ.get("L4LAB_SCREENSHOT",
                                       ROOT / "build-report" / "report_html.png"))
    shot.parent.mkdir(parents=True, exist_ok=True)
    if shot.exists():
        shot.unlink()
    r = run_chromium([f"--screenshot={shot}", "--window-size=1200,3000", report.as_uri()])
    assert r.returncode == 0, r.stderr[-2000:]
    assert console_errors(r.stderr) == [], console_errors(r.stderr)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20000

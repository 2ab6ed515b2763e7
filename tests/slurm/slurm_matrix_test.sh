#!/usr/bin/env bash
# The Slurm executor against a real Slurm (tests/slurm/local_cluster.sh):
#   1. a plan of 4 configurations x 2 trials on serve-sim through
#      `l4lab matrix run --executor slurm` completes, and `l4lab report` on it
#      equals the local executor's on the same plan in structure (same
#      configurations, trials and request counts);
#   2. a task cancelled with scancel mid-run is recorded `cancelled` and is
#      the only run submitted again on resume;
#   3. the submitter killed with SIGKILL and started again follows the jobs
#      already queued and submits nothing twice, and cancels a held job of
#      the folder that no record names (a kill between sbatch and the record);
#   4. a node set DOWN mid-run: its tasks are recorded node_fail, the report
#      still lists the runs, and the resume submits those runs alone;
#   5. `l4lab matrix cancel` cancels the running tasks (recorded cancelled).
#   timeout mode (a test of its own: Slurm enforces --time only every ~30 s,
#   so it takes 1.5-2 min): a task over its --time is recorded `timeout`.
# usage: slurm_matrix_test.sh L4LAB_BIN [WORK_DIR [main|timeout]]
# Exit 77 (CTest SKIP_RETURN_CODE) only when the Slurm or munge binaries are absent.
set -euo pipefail
L4LAB=$(readlink -f "$1")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
for b in munged slurmctld slurmd sbatch squeue scancel; do
  if ! command -v "$b" >/dev/null 2>&1; then
    echo "SKIP: $b not installed (scripts/setup.sh installs slurm-wlm and munge)"
    exit 77
  fi
done
WORK=${2:-$(mktemp -d /tmp/l4lab-slurm-test.XXXXXX)}
MODE=${3:-main}
mkdir -p "$WORK"
"$SRC/tests/slurm/local_cluster.sh" stop "$WORK/cluster" >/dev/null 2>&1 || true
rm -rf "$WORK"/runs-* "$WORK"/cluster "$WORK"/*.log
WORK=$(cd "$WORK" && pwd)
CLUSTER=$WORK/cluster
cleanup() { "$SRC/tests/slurm/local_cluster.sh" stop "$CLUSTER" >/dev/null 2>&1 || true; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
t_start=$(date +%s)
step() { echo "== $(($(date +%s) - t_start)) s: $*"; }

step "starting a 2-node Slurm in $CLUSTER"
"$SRC/tests/slurm/local_cluster.sh" start "$CLUSTER" --nodes 2
export SLURM_CONF=$CLUSTER/etc/slurm.conf

cd "$WORK"
mkdir -p configs
cp -r "$SRC/configs/serve-sim" "$SRC/configs/sim-profiles" configs/
# 4 configurations x 2 trials, 1 request per task x bucket cell (9 per run),
# serve-sim 20x faster than modelled real time: seconds per run.
write_plan() {  # name trials time_scale per_cell configs...
  local name=$1 trials=$2 ts=$3 pc=$4
  shift 4
  {
    echo "schema: l4lab.plan/1"
    echo "name: $name"
    echo "configs:"
    for c in "$@"; do echo "  - configs/serve-sim/$c.yaml"; done
    echo "trials: $trials"
    echo "order: interleaved"
    echo "vars: {time_scale: \"$ts\"}"
    echo "workload: {path: $WORK/workload/prompts.jsonl, build: true, per_cell: $pc}"
    echo "warmup_requests: 1"
    echo "bench: {args: [[--concurrency, \"8\"], [--seed, \"1\"]]}"
    echo "telemetry: {gpu_hz: 2, metrics_hz: 1}"
    echo "slurm: {gres: \"gpu:1\", cpus_per_task: 1}"
  } >"$name.yaml"
}
if [ "$MODE" = timeout ]; then
  step "fault: a task over its --time"
  # serve-sim 4x slower than modelled real time: the run needs minutes, its
  # limit is one (Slurm's smallest unit).
  write_plan slow 1 0.25 2 C1
  "$L4LAB" matrix run slow.yaml --executor slurm --poll 1 --out runs-slow --time 1 >slow.log 2>&1 || true
  grep slurm slow.log | tail -5
  python3 - "$WORK/runs-slow" <<'PY' || fail "the task over its --time is not recorded timeout"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/matrix_state.jsonl")]
assert [l["status"] for l in lines] == ["timeout"], lines
PY
  step "all passed"
  exit 0
fi

write_plan study 2 20 1 C1 C2 C3 C5

step "local executor"
"$L4LAB" matrix run study.yaml --out runs-local >local.log 2>&1 || { tail -30 local.log; fail "local matrix run"; }
step "slurm executor"
"$L4LAB" matrix run study.yaml --executor slurm --poll 0.5 --out runs-slurm >slurm.log 2>&1 ||
  { tail -40 slurm.log; tail -20 runs-slurm/slurm/*.log; fail "slurm matrix run"; }
grep -q "submitting 8 run(s)" slurm.log || fail "expected one submission of 8 runs: $(grep submitting slurm.log)"
"$L4LAB" report runs-local --quiet >/dev/null 2>&1 || fail "report runs-local"
"$L4LAB" report runs-slurm --quiet >/dev/null 2>&1 || fail "report runs-slurm"
python3 "$SRC/tests/slurm/compare_reports.py" runs-local runs-slurm || fail "reports differ"

step "fault: scancel of a running task, then resume"
write_plan cancel 1 1 1 C1 C2
"$L4LAB" matrix run cancel.yaml --executor slurm --poll 0.5 --out runs-cancel >cancel1.log 2>&1 &
sub=$!
victim=""
for _ in $(seq 300); do
  victim=$(squeue --noheader --array --states=RUNNING --format='%i %j' 2>/dev/null | awk '$2 ~ /^l4lab-cancel-/ {print $1}' | head -1)
  [ -n "$victim" ] && break
  sleep 0.2
done
[ -n "$victim" ] || fail "no task of the cancel plan started running"
sleep 2  # mid-run: the engine is up
scancel "$victim"
wait $sub || true
python3 - "$WORK/runs-cancel" "$victim" <<'PY' || fail "cancelled task not recorded as cancelled"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/matrix_state.jsonl")]
c = [l for l in lines if l.get("slurm_task") == sys.argv[2]]
assert c and c[-1]["status"] == "cancelled", lines
PY
"$L4LAB" matrix run cancel.yaml --executor slurm --poll 0.5 --out runs-cancel >cancel2.log 2>&1 ||
  { tail -20 cancel2.log; fail "resume after scancel"; }
grep -q "submitting 1 run(s)" cancel2.log || fail "resume should submit exactly the cancelled run: $(grep -E 'submitting|finished' cancel2.log)"
python3 - "$WORK/runs-cancel" <<'PY' || fail "after resume every run should be ok"
import json, sys
last = {}
for l in open(sys.argv[1] + "/matrix_state.jsonl"):
    j = json.loads(l); last[(j["config"], j["trial"])] = j["status"]
assert sorted(last.values()) == ["ok", "ok"], last
PY

step "fault: SIGKILL of the submitter, then restart"
write_plan kill 1 2 1 C1 C2
"$L4LAB" matrix run kill.yaml --executor slurm --poll 0.5 --out runs-kill >kill1.log 2>&1 &
sub=$!
for _ in $(seq 300); do [ -s runs-kill/slurm_jobs.jsonl ] && break; sleep 0.1; done
[ -s runs-kill/slurm_jobs.jsonl ] || fail "no job recorded"
kill -9 $sub
wait $sub 2>/dev/null || true
# A submitter killed between sbatch answering and the record leaves a held
# job with the folder's name that slurm_jobs.jsonl lacks: made by hand here.
name=l4lab-kill-$(printf %s "$WORK/runs-kill" | sha256sum | cut -c1-8)
orphan=$(sbatch --parsable --hold --job-name="$name" --output=/dev/null runs-kill/slurm/task.sh true)
"$L4LAB" matrix run kill.yaml --executor slurm --poll 0.5 --out runs-kill >kill2.log 2>&1 ||
  { tail -20 kill2.log; fail "restart after SIGKILL"; }
grep -q "submitting" kill2.log && fail "the restart submitted again: $(grep submitting kill2.log)"
grep -q "job $orphan .* is not recorded" kill2.log || fail "the orphan held job $orphan was not found"
[ "$(grep -c "is not recorded" kill2.log)" = 1 ] || fail "only job $orphan is an orphan: $(grep "is not recorded" kill2.log)"
squeue --noheader --states=all --jobs="$orphan" --format=%T | grep -q CANCELLED ||
  fail "the orphan held job $orphan was not cancelled"
[ "$(wc -l <runs-kill/slurm_jobs.jsonl)" = 1 ] || fail "slurm_jobs.jsonl has more than one job"
grep -q "already queued or running" kill2.log ||
  grep -q "2 finished before" kill2.log || fail "the restart neither followed nor found the runs"
python3 - "$WORK/runs-kill" <<'PY' || fail "after restart every run should be ok, once"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/matrix_state.jsonl")]
assert sorted(l["status"] for l in lines) == ["ok", "ok"], lines
PY

step "fault: a node set DOWN mid-run, then resume"
write_plan down 1 1 1 C1 C2
# --no-requeue: Slurm ends the task NODE_FAIL instead of requeueing it (the
# cluster's default policy would run it again by itself, also not lost).
"$L4LAB" matrix run down.yaml --executor slurm --poll 0.5 --out runs-down --sbatch-arg=--no-requeue \
  >down1.log 2>&1 &
sub=$!
for _ in $(seq 300); do
  [ "$(squeue --noheader --array --states=RUNNING --format='%i %j' | awk '$2 ~ /^l4lab-down-/' | wc -l)" = 2 ] && break
  sleep 0.2
done
sleep 2
down_task=$(squeue --noheader --array --states=RUNNING --nodelist=n1 --format='%i %j' | awk '$2 ~ /^l4lab-down-/ {print $1}' | head -1)
[ -n "$down_task" ] || fail "no task of the down plan runs on n1"
scontrol update nodename=n1 state=down reason=l4lab-test
wait $sub || true
scontrol update nodename=n1 state=resume 2>/dev/null || true  # ReturnToService=2 may have returned it already
python3 - "$WORK/runs-down" "$down_task" <<'PY' || fail "the task on the DOWN node is not recorded node_fail"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/matrix_state.jsonl")]
c = [l for l in lines if l.get("slurm_task") == sys.argv[2]]
assert c and c[-1]["status"] == "node_fail", lines
PY
"$L4LAB" report runs-down --quiet >/dev/null 2>&1 || fail "report runs-down"
python3 - "$WORK/runs-down" <<'PY' || fail "the report lost a run of the DOWN node"
import json, sys
s = json.load(open(sys.argv[1] + "/summary.json"))
def runs(v):
    if isinstance(v, dict):
        if "dir" in v and "status" in v and "trial" in v:
            yield v["dir"], v["status"]
        for x in v.values():
            yield from runs(x)
    elif isinstance(v, list):
        for x in v:
            yield from runs(x)
got = dict(runs(s))
assert "C1/trial-1" in got and "C2/trial-1" in got, got
PY
for _ in $(seq 100); do sinfo -h -n n1 -o %t | grep -q idle && break; sleep 0.2; done
"$L4LAB" matrix run down.yaml --executor slurm --poll 0.5 --out runs-down >down2.log 2>&1 ||
  { tail -20 down2.log; fail "resume after node DOWN"; }
# Both tasks may have been packed on n1: every node_fail run, and only those, again.
n_fail=$(grep -c '"node_fail"' runs-down/matrix_state.jsonl)
grep -q "submitting $n_fail run(s)" down2.log ||
  fail "resume should submit exactly the $n_fail lost run(s): $(grep submitting down2.log)"
python3 - "$WORK/runs-down" <<'PY' || fail "after resume every run should be ok"
import json, sys
last = {}
for l in open(sys.argv[1] + "/matrix_state.jsonl"):
    j = json.loads(l); last[(j["config"], j["trial"])] = j["status"]
assert sorted(last.values()) == ["ok", "ok"], last
PY

step "l4lab matrix cancel"
write_plan mc 1 1 1 C1 C2
"$L4LAB" matrix run mc.yaml --executor slurm --poll 0.5 --out runs-mc >mc.log 2>&1 &
sub=$!
for _ in $(seq 300); do
  [ "$(squeue --noheader --array --states=RUNNING --format='%i %j' | awk '$2 ~ /^l4lab-mc-/' | wc -l)" = 2 ] && break
  sleep 0.2
done
"$L4LAB" matrix cancel runs-mc || fail "matrix cancel"
wait $sub || true
python3 - "$WORK/runs-mc" <<'PY' || fail "matrix cancel: both runs should be recorded cancelled"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/matrix_state.jsonl")]
assert sorted(l["status"] for l in lines) == ["cancelled", "cancelled"], lines
PY

step "all passed"

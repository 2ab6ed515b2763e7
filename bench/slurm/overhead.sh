#!/usr/bin/env bash
# The Slurm executor's overhead on a real local Slurm (tests/slurm/local_cluster.sh):
# 8 serve-sim runs (4 configurations x 2 trials) through
# `l4lab matrix run --executor slurm`, on 1 and on 2 slurmd nodes. Prints, per
# node count: the wall time of the whole `matrix run`, and for each run the
# time from submission (sbatch answered: slurm_jobs.jsonl written) to the
# run's first request sent (traces.jsonl t_sent_ns, mapped to UTC through
# bench.json's clock_anchor), and the part of it before the task started
# (run_manifest.json started_at): Slurm's share; the rest is the lab's own
# engine start, health, probe and warm-up. Results go to docs/PERFORMANCE.md.
# usage: bench/slurm/overhead.sh L4LAB_BIN [WORK_DIR]
set -euo pipefail
L4LAB=$(readlink -f "$1")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${2:-$(mktemp -d /tmp/l4lab-slurm-bench.XXXXXX)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
cd "$WORK"
mkdir -p configs
cp -r "$SRC/configs/serve-sim" "$SRC/configs/sim-profiles" configs/
cat >bench.yaml <<PLAN
schema: l4lab.plan/1
name: bench
configs: [configs/serve-sim/C1.yaml, configs/serve-sim/C2.yaml, configs/serve-sim/C3.yaml, configs/serve-sim/C5.yaml]
trials: 2
order: interleaved
vars: {time_scale: "20"}
workload: {path: $WORK/workload/prompts.jsonl, build: true, per_cell: 1}
warmup_requests: 1
bench: {args: [[--concurrency, "8"], [--seed, "1"]]}
telemetry: {gpu_hz: 2, metrics_hz: 1}
slurm: {gres: "gpu:1", cpus_per_task: 1}
PLAN
"$L4LAB" workload build --out "$WORK/workload/prompts.jsonl" >/dev/null 2>&1
for nodes in 1 2; do
  cl=$WORK/cluster-$nodes
  "$SRC/tests/slurm/local_cluster.sh" stop "$cl" >/dev/null 2>&1 || true
  rm -rf "$cl" "runs-$nodes"
  "$SRC/tests/slurm/local_cluster.sh" start "$cl" --nodes "$nodes" >/dev/null
  export SLURM_CONF=$cl/etc/slurm.conf
  t0=$(date +%s.%N)
  "$L4LAB" matrix run bench.yaml --executor slurm --poll 0.2 --out "runs-$nodes" >"run-$nodes.log" 2>&1
  t1=$(date +%s.%N)
  "$SRC/tests/slurm/local_cluster.sh" stop "$cl" >/dev/null
  python3 - "runs-$nodes" "$nodes" "$t0" "$t1" <<'PY'
import datetime, glob, json, os, statistics, sys
runs, nodes, t0, t1 = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
submitted = os.path.getmtime(f"{runs}/slurm_jobs.jsonl")
delays, starts, where = [], [], {}
for b in sorted(glob.glob(f"{runs}/*/trial-*/bench.json")):
    d = os.path.dirname(b)
    a = json.load(open(b))["clock_anchor"]
    sent = [json.loads(l)["t_sent_ns"] for l in open(f"{d}/traces.jsonl") if l.strip()]
    first = (a["wall_ns"] + (min(sent) - a["mono_ns"])) / 1e9
    delays.append(first - submitted)
    m = json.load(open(f"{d}/run_manifest.json"))
    st = datetime.datetime.fromisoformat(m["started_at"].replace("Z", "+00:00")).timestamp()
    starts.append(st - submitted)
    node = m.get("lab_run", {}).get("scheduler", {}).get("node", "?")
    where[node] = where.get(node, 0) + 1
print(f"{nodes} node(s): {len(delays)} runs, matrix run wall {t1 - t0:.1f} s "
      f"(submission {submitted - t0:.2f} s after start); submission -> first request: "
      f"min {min(delays):.1f} s, median {statistics.median(delays):.1f} s, max {max(delays):.1f} s; "
      f"of which submission -> task start (Slurm): median {statistics.median(starts):.1f} s, "
      f"max {max(starts):.1f} s; runs per node {where}")
PY
done

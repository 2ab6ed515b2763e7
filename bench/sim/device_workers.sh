#!/usr/bin/env bash
# serve-sim --workers 1..4 on the lent device host (bundle in build-client/device, see
# bench/client/device_run.sh): speed10 (5,000 streams, 500k chunks/s asked) per worker count,
# accuracy (256 streams) with 1 and 3 workers. Results: $OUT/results.tgz. docs/perf/sim.md.
export LD_LIBRARY_PATH=$PWD/build-client/device/lib; D=build-client/device
echo "siblings cpu0: $(cat /sys/devices/system/cpu/cpu0/topology/thread_siblings_list) cpu1: $(cat /sys/devices/system/cpu/cpu1/topology/thread_siblings_list)"
S="L4LAB=$D/bin/l4lab-sim BENCH=$D/bin/sim_stream_bench TOK=$D/mistral_instruct_tokenizer_240323.model.v3 CLIENT_CPUS=6-13 CLIENT_THREADS=8 BUSY_POLL=0"
for W in 1 2 3 4; do env $S WORKERS=$W SERVER_CPU=0-$((W-1)) OUT=$OUT/w$W CASES="speed10" bench/sim/run_sim_bench.sh 2>&1 | tail -1 | sed "s/^/workers=$W /"; done
env $S WORKERS=3 SERVER_CPU=0-2 OUT=$OUT/w3acc CASES="accuracy" bench/sim/run_sim_bench.sh 2>&1 | tail -1 | sed "s/^/workers=3 /"
env $S WORKERS=1 SERVER_CPU=0 OUT=$OUT/w1acc CASES="accuracy" bench/sim/run_sim_bench.sh 2>&1 | tail -1 | sed "s/^/workers=1 /"
cd $OUT && rm -f */*.csv && tar czf results.tgz w* && rm -rf w1 w2 w3 w4 w3acc w1acc

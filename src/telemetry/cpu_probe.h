// A single-thread CPU speed probe for run_manifest.json. Hosts that report
// the same CPU model name ("Intel(R) Xeon(R) Processor") can differ in speed,
// and vLLM's per-request front-end work (tokenizing, scheduling, detokenizing
// in Python) is single-thread bound, so the twin's fitted per-request costs
// move with the host (docs/TWIN.md). The probe times a fixed integer workload
// (a hash-table-free mix of multiplies, shifts, data-dependent branches and
// small-table lookups, in the spirit of an interpreter's inner loop) on the
// calling thread, several times, and keeps the best and the median, with the
// 1-minute load average read just before, so a busy host is visible.
// The figure is comparable only between builds of the same lab version
// (same compiler, same flags): it is a relative speed, not a benchmark score.
#pragma once

#include <cstdint>
#include <vector>

namespace l4lab::telemetry {

// The probe's fixed work: `ops` rounds, returning a checksum that depends on
// every round (so the compiler cannot drop them). Pure and deterministic.
uint64_t cpu_probe_work(uint64_t ops);

struct CpuProbe {
  uint64_t ops_per_rep = 0;
  int reps = 0;
  double best_ns_per_op = 0;
  double median_ns_per_op = 0;
  double loadavg_1m = -1;  // /proc/loadavg before the probe; -1 unread
  uint64_t checksum = 0;   // cpu_probe_work(ops_per_rep): equal on every host
};

// Best and median of per-repetition times (ns) divided by ops; pure.
CpuProbe summarize_cpu_probe(const std::vector<double>& rep_ns, uint64_t ops_per_rep);

// Runs the probe now on this thread: `reps` repetitions of `ops_per_rep`
// rounds (default about 20-40 ms each on a current server core).
CpuProbe run_cpu_probe(uint64_t ops_per_rep = 4'000'000, int reps = 7);

}  // namespace l4lab::telemetry

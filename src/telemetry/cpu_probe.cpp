#include "telemetry/cpu_probe.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <sstream>

#include "common/files.h"

namespace l4lab::telemetry {

uint64_t cpu_probe_work(uint64_t ops) {
  std::array<uint32_t, 256> table{};
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (size_t i = 0; i < table.size(); ++i) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    table[i] = static_cast<uint32_t>(x >> 17);
  }
  uint64_t acc = 0;
  for (uint64_t i = 0; i < ops; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const uint32_t t = table[x & 255];
    if ((t ^ static_cast<uint32_t>(acc)) & 1)  // data-dependent, unpredictable
      acc += t * 3 + (x >> 40);
    else
      acc ^= (acc << 5) + t;
    table[(acc >> 3) & 255] ^= static_cast<uint32_t>(x);
  }
  return acc ^ x;
}

CpuProbe summarize_cpu_probe(const std::vector<double>& rep_ns, uint64_t ops_per_rep) {
  CpuProbe p;
  p.ops_per_rep = ops_per_rep;
  p.reps = static_cast<int>(rep_ns.size());
  if (rep_ns.empty() || ops_per_rep == 0) return p;
  std::vector<double> s = rep_ns;
  std::sort(s.begin(), s.end());
  const double n = static_cast<double>(ops_per_rep);
  p.best_ns_per_op = s.front() / n;
  const size_t m = s.size() / 2;
  p.median_ns_per_op = (s.size() % 2 ? s[m] : (s[m - 1] + s[m]) / 2) / n;
  return p;
}

CpuProbe run_cpu_probe(uint64_t ops_per_rep, int reps) {
  double load = -1;
  if (auto t = read_file("/proc/loadavg"); t.ok()) {
    std::istringstream in(*t);
    if (!(in >> load)) load = -1;
  }
  std::vector<double> ns;
  uint64_t sum = 0;
  for (int r = 0; r < reps; ++r) {
    // The work is pure and its argument the same each time: without the two
    // barriers the compiler computes it once, outside the timed region (the
    // first version did, and timed ~30 ns per repetition). The first makes
    // the argument unknown until after `a`; the second needs the result
    // before `b`.
    uint64_t ops = ops_per_rep;
    const auto a = std::chrono::steady_clock::now();
    asm volatile("" : "+r"(ops)::"memory");
    sum = cpu_probe_work(ops);
    asm volatile("" ::"r"(sum) : "memory");
    const auto b = std::chrono::steady_clock::now();
    ns.push_back(std::chrono::duration<double, std::nano>(b - a).count());
  }
  CpuProbe p = summarize_cpu_probe(ns, ops_per_rep);
  p.loadavg_1m = load;
  p.checksum = sum;
  return p;
}

}  // namespace l4lab::telemetry

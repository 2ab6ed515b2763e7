// Standalone libc++ check of the schedule golden values (no gtest: it is built
// against libstdc++). Prints the two sha256 values schedule_golden_test pins.
#include <cstdio>
#include <string>
#include <vector>

#include "common/files.h"
#include "schedule/schedule.h"
#include "schedule/schedule_file.h"

using namespace l4lab;

static std::string sha(const schedule::ScheduleOptions& o, size_t n, const char* path) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < n; ++i) ids.push_back("r" + std::to_string(i));
  auto s = schedule::generate_schedule(ids, o);
  if (!s.ok()) return "error";
  if (!schedule::write_schedule_jsonl(path, *s).ok()) return "error";
  auto h = sha256_file(path);
  return h.ok() ? *h : "error";
}

int main() {
  schedule::ScheduleOptions p;
  p.kind = schedule::ArrivalKind::poisson;
  p.rate = 50;
  p.seed = 1;
  std::printf("poisson %s\n", sha(p, 1800, "p.jsonl").c_str());
  schedule::ScheduleOptions g;
  g.kind = schedule::ArrivalKind::gamma;
  g.rate = 50;
  g.burstiness = 0.5;
  g.seed = 1;
  std::printf("gamma %s\n", sha(g, 1800, "g.jsonl").c_str());
}

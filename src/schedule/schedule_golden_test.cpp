// The schedule's bytes for a seed are pinned: a change to the random stream,
// a distribution or schedule.jsonl's layout shows here as a deliberate
// change (docs/RANDOM.md). The same value must come out with libstdc++ and
// libc++.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/files.h"
#include "schedule/schedule.h"
#include "schedule/schedule_file.h"

namespace l4lab::schedule {
namespace {

std::string schedule_sha256(const ScheduleOptions& o, size_t n) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < n; ++i) ids.push_back("r" + std::to_string(i));
  auto s = generate_schedule(ids, o);
  EXPECT_TRUE(s.ok());
  if (!s.ok()) return "";
  const auto dir = std::filesystem::path(L4LAB_BINARY_DIR) / "test-tmp" / "schedule_golden";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "schedule.jsonl").string();
  EXPECT_TRUE(write_schedule_jsonl(path, *s).ok());
  auto h = sha256_file(path);
  return h.ok() ? *h : "";
}

TEST(ScheduleGolden, PoissonSeed1Rate50Of1800) {
  ScheduleOptions o;
  o.kind = ArrivalKind::poisson;
  o.rate = 50;
  o.seed = 1;
  // An independent Python implementation of docs/RANDOM.md (xoshiro256**,
  // Lemire below, inverse-CDF exponential, Fisher-Yates) gives the same sha256.
  EXPECT_EQ(schedule_sha256(o, 1800),
            "aa687eca8b4f8c7eecd0c8c23ee96ad64863836f03874981d2b8e6c9ae24103a");
}

TEST(ScheduleGolden, GammaSeed1Rate50Burstiness05Of1800) {
  ScheduleOptions o;
  o.kind = ArrivalKind::gamma;
  o.rate = 50;
  o.burstiness = 0.5;
  o.seed = 1;
  EXPECT_EQ(schedule_sha256(o, 1800),
            "f40f7cf5c503b0d566547d86db6d3719adae80447010bb2cb2ed5b192b49da4c");
}

}  // namespace
}  // namespace l4lab::schedule

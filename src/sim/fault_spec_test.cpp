#include "sim/fault_spec.h"

#include <gtest/gtest.h>

namespace l4lab::sim {
namespace {

TEST(SimFaultSpec, ParsesEveryDocumentedName) {
  for (const char* name : {"status:429", "status:500", "status:503", "reset_mid_stream",
                           "close_mid_stream", "stall_first_token:250", "stall_between_chunks:100",
                           "malformed_sse", "malformed_json", "missing_usage", "zero_completion"}) {
    auto f = parse_fault(name);
    ASSERT_TRUE(f.ok()) << name << ": " << f.error().message();
    EXPECT_EQ(fault_name(*f), name);
  }
}

TEST(SimFaultSpec, RejectsUnknownOrMalformed) {
  EXPECT_FALSE(parse_fault("explode").ok());
  EXPECT_FALSE(parse_fault("status").ok());
  EXPECT_FALSE(parse_fault("status:200").ok());
  EXPECT_FALSE(parse_fault("stall_first_token:abc").ok());
  EXPECT_FALSE(parse_fault("missing_usage:3").ok());
}

TEST(SimFaultSpec, ListFromHeader) {
  auto s = parse_fault_list("missing_usage, stall_first_token:20");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->missing_usage);
  EXPECT_EQ(s->stall_first_token_ms, 20);
  EXPECT_FALSE(s->reset_mid_stream);
}

TEST(SimFaultSpec, DrawIsSeededAndNearItsRate) {
  std::vector<FaultRule> rules = {{{FaultKind::kStatus, 503}, 0.1}};
  int hits = 0;
  for (uint64_t i = 0; i < 10000; ++i) {
    const bool a = draw_faults(rules, 42, i).status == 503;
    EXPECT_EQ(a, draw_faults(rules, 42, i).status == 503);
    hits += a;
  }
  EXPECT_GT(hits, 850);
  EXPECT_LT(hits, 1150);
  // Seeded, not only pure: another seed draws another pattern.
  int differ = 0;
  for (uint64_t i = 0; i < 10000; ++i)
    differ +=
        (draw_faults(rules, 42, i).status == 503) != (draw_faults(rules, 43, i).status == 503);
  EXPECT_GT(differ, 1000) << "the seed must change which requests draw a fault";
}

}  // namespace
}  // namespace l4lab::sim

#include "twin/step_timeline.h"

#include <gtest/gtest.h>

namespace l4lab::twin {
namespace {

constexpr int64_t kMs = 1'000'000;

// A request whose tokens arrive one per step at steps [first, first+n).
MeasuredRequest decoding(int prompt, int first_step, int n, int64_t step_ns,
                         int64_t jitter_ns = 0) {
  MeasuredRequest r;
  r.prompt_tokens = prompt;
  r.t_sent_ns = r.t_first_byte_ns = first_step * step_ns - 3 * step_ns;
  for (int k = 0; k < n; ++k) r.chunks.emplace_back((first_step + k) * step_ns + jitter_ns, 1);
  r.t_first_token_ns = r.chunks.front().first;
  r.t_end_ns = r.chunks.back().first;
  r.completion_tokens = n;
  return r;
}

TEST(TwinStepTimeline, ClustersOneStepPerTokenAcrossRequests) {
  // Two requests decoding in lockstep every 6 ms, received 0.2 ms apart.
  std::vector<MeasuredRequest> rs = {decoding(100, 10, 20, 6 * kMs),
                                     decoding(300, 10, 20, 6 * kMs, kMs / 5)};
  auto iv = reconstruct_steps(rs, {kMs, 2048});
  ASSERT_EQ(iv.size(), 19u);  // 20 clusters
  for (const auto& s : iv) {
    EXPECT_NEAR(s.dt_ms, 6.0, 1e-9);
    EXPECT_EQ(s.steps, 1);
    EXPECT_EQ(s.decode_seqs, 2);
  }
  // Context held in the first interval: prompts + the first token each.
  EXPECT_EQ(iv[0].kv_tokens, 100 + 1 + 300 + 1);
  EXPECT_EQ(iv[5].kv_tokens, 100 + 6 + 300 + 6);
}

TEST(TwinStepTimeline, CoalescedTokensCountAsSeveralSteps) {
  std::vector<MeasuredRequest> rs = {decoding(100, 0, 5, 6 * kMs)};
  rs[0].chunks[3].second = 3;  // the API server sent three tokens at once
  auto iv = reconstruct_steps(rs, {kMs, 2048});
  ASSERT_EQ(iv.size(), 4u);
  EXPECT_EQ(iv[2].steps, 3);
  EXPECT_EQ(iv[1].steps, 1);
}

TEST(TwinStepTimeline, PromptsArePackedIntoTheBudgetInArrivalOrder) {
  // One request decoding keeps the clock ticking; two prompts arrive.
  std::vector<MeasuredRequest> rs = {decoding(10, 0, 30, 5 * kMs)};
  MeasuredRequest a = decoding(1500, 20, 3, 5 * kMs), b = decoding(1000, 25, 3, 5 * kMs);
  a.t_first_byte_ns = 2 * 5 * kMs + 1;  // arrives during interval 2
  b.t_first_byte_ns = 2 * 5 * kMs + 2;
  rs.push_back(a);
  rs.push_back(b);
  auto iv = reconstruct_steps(rs, {kMs, 1024});
  // Budget 1024 - 1 decode per step: a takes 1023 then 477 (+546 of b), b finishes next.
  EXPECT_EQ(iv[2].prefill_tokens, 0);
  EXPECT_EQ(iv[3].prefill_tokens, 1023);
  EXPECT_EQ(iv[4].prefill_tokens, 1023);
  EXPECT_EQ(iv[5].prefill_tokens, 1500 + 1000 - 2046);
  EXPECT_DOUBLE_EQ(iv[3].attn_positions, 1023.0 * 1023.0 / 2);
  EXPECT_EQ(iv[6].prefill_tokens, 0);
}

TEST(TwinStepTimeline, NoChunksNoIntervals) { EXPECT_TRUE(reconstruct_steps({}, {}).empty()); }

}  // namespace
}  // namespace l4lab::twin

#include "client/bench_outcome.h"

#include <gtest/gtest.h>

namespace l4lab::client {
namespace {

traces::TraceRecord refused(int i) {
  traces::TraceRecord r;
  r.request_id = "r" + std::to_string(i);
  r.phase = traces::Phase::measured;
  r.t_scheduled_ns = r.t_sent_ns = 1000 * i;
  r.t_end_ns = 1000 * i + 10;
  r.ok = false;
  r.failure_class = traces::FailureClass::connection;
  r.failure_detail = "refused";
  return r;
}

traces::TraceRecord ok(int i) {
  traces::TraceRecord r;
  r.request_id = "ok" + std::to_string(i);
  r.phase = traces::Phase::measured;
  r.t_scheduled_ns = r.t_sent_ns = 1000 * i;
  r.t_first_token_ns = 1000 * i + 5;
  r.t_last_token_ns = r.t_end_ns = 1000 * i + 9;
  r.chunks = {{1000 * i + 5, 1}, {1000 * i + 9, 1}};
  r.usage_completion_tokens = 2;
  r.usage_prompt_tokens = 3;
  r.ok = true;
  return r;
}

TEST(BenchOutcome, NothingListeningIsAFailureWithOneLine) {
  BenchStats st;
  for (int i = 0; i < 4; ++i) st.add(refused(i));
  RunResult rr;
  rr.sent = 4;
  const BenchOutcome o = judge_outcome(rr, st);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.reason, "no measured request succeeded");
  EXPECT_EQ(o.line,
            "l4lab bench: completed: 0 of 4 measured requests ok (0.0%); failures: "
            "connection/refused 4; 4 sent, 0 not sent; exit 1 (no measured request succeeded)");
  EXPECT_EQ(o.line.find('\n'), std::string::npos);
}

TEST(BenchOutcome, SomeSuccessesCompleteWithZero) {
  BenchStats st;
  st.add(ok(0));
  st.add(ok(1));
  st.add(refused(2));
  RunResult rr;
  rr.sent = 3;
  const BenchOutcome o = judge_outcome(rr, st);
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_TRUE(o.reason.empty());
  EXPECT_NE(o.line.find("2 of 3 measured requests ok (66.7%)"), std::string::npos) << o.line;
  EXPECT_NE(o.line.find("exit 0"), std::string::npos) << o.line;
}

TEST(BenchOutcome, BudgetAndEmptyRunsFail) {
  BenchStats st;
  st.add(ok(0));
  RunResult rr;
  rr.status = RunStatus::failure_budget;
  EXPECT_EQ(judge_outcome(rr, st).exit_code, 1);
  EXPECT_EQ(judge_outcome(rr, st).reason, "failure budget exceeded");
  BenchStats none;
  EXPECT_EQ(judge_outcome(RunResult{}, none).reason, "no measured request was sent");
  EXPECT_EQ(judge_outcome(RunResult{}, none).exit_code, 1);
}

}  // namespace
}  // namespace l4lab::client

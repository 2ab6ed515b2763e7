#include "capacity/capacity_step.h"

#include <gtest/gtest.h>

namespace l4lab::capacity {
namespace {

CapacityOptions options() {
  CapacityOptions o;
  o.url = "http://127.0.0.1:8000";
  o.workload = "w.jsonl";
  o.out_dir = "cap";
  o.step_s = 60;
  o.warmup_s = 10;
  o.seed = 3;
  o.l4lab_exe = "/bin/l4lab";
  return o;
}

TEST(CapacityStep, PlansTheFolderAndTheBenchArgv) {
  auto p = plan_step(options(), 2, 1.5, 1000);
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(p->requests, 105u);  // ceil(1.5 * 70)
  EXPECT_EQ(p->seed, 3002u);     // the one the bench argv carries and the screen uses
  EXPECT_EQ(p->name, "step-02-rate-1.500");
  EXPECT_EQ(p->rel, "step-02-rate-1.500/trial-1");
  EXPECT_EQ(p->dir, "cap/step-02-rate-1.500/trial-1");
  EXPECT_EQ(p->log, "cap/step-02-rate-1.500/bench.log");
  EXPECT_EQ(p->bench_argv,
            (std::vector<std::string>{
                "/bin/l4lab", "bench",   "--endpoint",      "http://127.0.0.1:8000",
                "--workload", "w.jsonl", "--out",           "cap/step-02-rate-1.500/trial-1",
                "--rate",     "1.5",     "--arrival",       "poisson",
                "--seed",     "3002",    "--limit",         "105",
                "--warmup-s", "10",      "--endpoint-type", "chat",
                "--quiet"}));
  auto o = options();
  o.model = "m";
  o.ignore_eos = true;
  p = plan_step(o, 1, 1, 1000);
  ASSERT_TRUE(p.ok());
  const std::vector<std::string> tail(p->bench_argv.end() - 3, p->bench_argv.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"--model", "m", "--ignore-eos"}));
}

TEST(CapacityStep, AWorkloadTooSmallStopsTheSearch) {
  auto p = plan_step(options(), 4, 10, 500);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message(),
            "w.jsonl has 500 requests; step 4 at 10.000 req/s for 70 s (10 s warm-up + 60 s) "
            "needs 700: build a larger workload (l4lab workload build) or shorten --step-s");
}

TEST(CapacityStep, AStepEndedOnSaturationKeepsWhatTheWatchSaw) {
  auto p = plan_step(options(), 1, 2, 1000);
  ASSERT_TRUE(p.ok());
  StepEnd end;
  end.ended_early = true;
  end.online = {true, 3, "in flight grew"};
  end.bench_exit = -15;
  end.bench_status = "interrupted";
  const auto rec = judge_step_record(options(), SloSet{}, *p, end, {});
  EXPECT_EQ(rec.index, 1);
  EXPECT_EQ(rec.dir, "step-01-rate-2.000/trial-1");
  EXPECT_TRUE(rec.saturation.saturated);
  EXPECT_EQ(rec.saturation.why, "in flight grew");
  EXPECT_FALSE(rec.verdict.pass);
  EXPECT_TRUE(rec.counted);  // saturation says something about the server
  EXPECT_EQ(rec.bench_exit, -15);
  EXPECT_EQ(rec.bench_status, "interrupted");
}

TEST(CapacityStep, AnOverrunIsUndecided) {
  auto p = plan_step(options(), 1, 2, 1000);
  ASSERT_TRUE(p.ok());
  StepEnd end;
  end.overran = true;
  const auto rec = judge_step_record(options(), SloSet{}, *p, end, {});
  EXPECT_FALSE(rec.saturation.saturated);
  EXPECT_FALSE(rec.verdict.pass);
  EXPECT_EQ(rec.verdict.evidence, Evidence::undecided);
  EXPECT_EQ(rec.verdict.reason, "the step overran its time limit and was stopped");
}

}  // namespace
}  // namespace l4lab::capacity

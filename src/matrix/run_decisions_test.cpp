#include "matrix/run_decisions.h"

#include <gtest/gtest.h>

namespace l4lab::matrix {
namespace {

engine::ExitStatus exited(int code) { return {true, code, 0}; }
engine::ExitStatus killed(int signal) { return {false, 0, signal}; }

RunEnd bench_exited(int code) {
  RunEnd end;
  end.bench_exit = exited(code);
  end.bench_log_tail = "last bench line";
  return end;
}

TEST(RunDecisions, ProbeDecidesBeforeTheEngineStarts) {
  engine::ProbeResult probe{true, {}, "all flags listed", "vllm serve --help"};
  EXPECT_FALSE(probe_verdict(probe, 0).has_value());
  EXPECT_EQ(probe_verdict(probe, 2)->status, "interrupted");
  EXPECT_EQ(probe_verdict(probe, 2)->reason, "l4lab received signal 2");
  probe.missing = {"--kv-cache-dtype"};
  EXPECT_EQ(probe_verdict(probe, 0)->status, "unsupported");
  EXPECT_EQ(probe_verdict(probe, 0)->evidence, "vllm serve --help");
  probe.ran = false;
  EXPECT_EQ(probe_verdict(probe, 0)->status, "start_failed");
}

TEST(RunDecisions, BenchArgvPutsTheLabsFlagsBetweenCommandAndArgs) {
  Plan plan;
  plan.bench_args = {"--seed", "{seed}", "--concurrency", "8"};
  plan.vars = {{"seed", "7"}};
  engine::EngineConfig cfg;
  const engine::ArgvContext actx{"/bin/l4lab", "runs/C1/trial-1", 8000, plan.vars};
  const auto argv = bench_argv(plan, cfg, actx, "http://127.0.0.1:8000", "w.jsonl", "runs/C1");
  EXPECT_EQ(argv, (std::vector<std::string>{
                      "/bin/l4lab", "bench", "--endpoint", "http://127.0.0.1:8000", "--workload",
                      "w.jsonl", "--out", "runs/C1", "--seed", "7", "--concurrency", "8"}));
  EXPECT_EQ(schedule_seed(argv), 7);
  EXPECT_EQ(schedule_seed({"bench", "--seed=12"}), 12);
  EXPECT_FALSE(schedule_seed({"bench", "--seed", "x"}).has_value());
  EXPECT_FALSE(schedule_seed({"bench"}).has_value());
}

TEST(RunDecisions, BenchExitZeroIsOk) {
  const auto o = run_end_verdict(bench_exited(0));
  EXPECT_EQ(o.status, "ok");
  EXPECT_EQ(o.exit_code, 0);
}

TEST(RunDecisions, BenchExitOneIsTheBudgetUnlessBenchJsonSaysOtherwise) {
  auto end = bench_exited(1);
  auto o = run_end_verdict(end);
  EXPECT_EQ(o.status, "failure_budget");
  EXPECT_EQ(o.reason, "the bench exited 1: its failure budget was spent");
  EXPECT_EQ(o.evidence, "bench.log tail:\nlast bench line");
  EXPECT_EQ(o.exit_code, 1);
  end.bench_json = R"({"outcome": {"exit_reason": "no measured request succeeded"}})";
  o = run_end_verdict(end);
  EXPECT_EQ(o.status, "bench_failed");
  EXPECT_EQ(o.reason, "the bench exited 1: no measured request succeeded");
  end.bench_json = R"({"outcome": {"exit_reason": "failure budget of 3 spent"}})";
  EXPECT_EQ(run_end_verdict(end).status, "failure_budget");
  end.bench_json = "not json";
  EXPECT_EQ(run_end_verdict(end).reason, "the bench exited 1: its failure budget was spent");
}

TEST(RunDecisions, OtherBenchEndsAreBenchFailures) {
  auto o = run_end_verdict(bench_exited(2));
  EXPECT_EQ(o.status, "bench_failed");
  EXPECT_EQ(o.reason, "the bench failed (" + exited(2).describe() + ")");
  EXPECT_EQ(o.exit_code, 2);
  RunEnd end = bench_exited(0);
  end.bench_exit = killed(9);
  EXPECT_FALSE(run_end_verdict(end).exit_code.has_value());
  end.bench_timed_out = true;
  o = run_end_verdict(end);
  EXPECT_EQ(o.status, "bench_failed");
  EXPECT_EQ(o.reason, "the bench did not finish within bench.timeout_s");
}

TEST(RunDecisions, AnEngineDeathComesFirst) {
  RunEnd end = bench_exited(0);
  end.bench_timed_out = true;
  end.engine_death = exited(3);
  end.engine_log_tail = "Traceback";
  const auto o = run_end_verdict(end);
  EXPECT_EQ(o.status, "crashed");
  EXPECT_EQ(o.reason, "the engine died during the run (" + exited(3).describe() + ")");
  EXPECT_NE(o.evidence.find("engine.log tail:\nTraceback"), std::string::npos);
  EXPECT_EQ(o.exit_code, 3);
}

}  // namespace
}  // namespace l4lab::matrix

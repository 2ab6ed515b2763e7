#include "matrix/plan.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace l4lab::matrix {
namespace {

TEST(Plan, ParsesTheSlurmSection) {
  auto p = parse_plan(R"(
name: t
configs: [a.yaml]
workload: {path: w.jsonl}
slurm:
  partition: l4
  gres: "gpu:1"
  time: "01:30:00"
  account: lab
  mem: 32G
  cpus_per_task: 8
  sbatch_args: [--qos=normal, [--constraint, l4]]
  runs_dir: /shared/runs/study
)",
                      "t.yaml");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(p->slurm.partition, "l4");
  EXPECT_EQ(p->slurm.gres, "gpu:1");
  EXPECT_EQ(p->slurm.time, "01:30:00");
  EXPECT_EQ(p->slurm.cpus_per_task, 8);
  EXPECT_EQ(p->slurm.sbatch_args, (std::vector<std::string>{"--qos=normal", "--constraint", "l4"}));
  EXPECT_EQ(p->slurm.runs_dir, "/shared/runs/study");
}

TEST(Plan, ParsesEveryField) {
  auto p = parse_plan(R"(
name: t
configs: [a.yaml, b.yaml]
trials: 3
order: {kind: shuffled, seed: 9}
reset_prefix_cache: true
vars: {time_scale: "4"}
workload: {path: w/prompts.jsonl, build: true, per_cell: 2}
warmup_requests: 0
bench:
  command: [x]
  args: [[--concurrency, "8"], --flag]
  timeout_s: 100
telemetry: {gpu_hz: 20, metrics_hz: 2, gpu_source: none}
)",
                      "t.yaml");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(p->configs.size(), 2u);
  EXPECT_EQ(p->trials, 3);
  EXPECT_EQ(p->order, "shuffled");
  EXPECT_EQ(p->order_seed, 9u);
  EXPECT_TRUE(p->reset_prefix_cache);
  EXPECT_EQ(p->vars.at("time_scale"), "4");
  EXPECT_EQ(p->workload.per_cell, 2);
  EXPECT_EQ(p->warmup_requests, 0);
  EXPECT_EQ(p->bench_command, std::vector<std::string>{"x"});
  EXPECT_EQ(p->bench_args, (std::vector<std::string>{"--concurrency", "8", "--flag"}));
  EXPECT_EQ(p->gpu_hz, 20);
  EXPECT_EQ(p->gpu_source, "none");
}

TEST(Plan, PriceBelongsToAMachineAndNamesItsSource) {
  auto p = parse_plan(R"(
name: t
configs: [a.yaml]
workload: {path: w.jsonl}
price: {usd_per_hour: 0.71, gpu_name: NVIDIA L4, machine_type: g2-standard-4, source: "quote"}
)",
                      "t.yaml");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_TRUE(p->price.set);
  EXPECT_DOUBLE_EQ(p->price.usd_per_hour, 0.71);
  EXPECT_EQ(p->price.gpu_name, "NVIDIA L4");
  EXPECT_EQ(p->price.gpu_count, 1);
  EXPECT_EQ(p->price.machine_type, "g2-standard-4");
  EXPECT_EQ(p->price.source, "quote");
  auto none = parse_plan("name: t\nconfigs: [a.yaml]\nworkload: {path: w}\n", "t.yaml");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->price.set);
  auto bad = parse_plan(
      "name: t\nconfigs: [a.yaml]\nworkload: {path: w}\nprice: {usd_per_hour: 1}\n", "b.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("gpu_name"), std::string::npos) << bad.error().message();
  EXPECT_NE(bad.error().message().find("source"), std::string::npos) << bad.error().message();
}

TEST(Plan, ErrorsNameTheField) {
  auto p = parse_plan("name: t\nconfigs: []\norder: random\ntrials: 0\n", "bad.yaml");
  ASSERT_FALSE(p.ok());
  const auto& m = p.error().message();
  EXPECT_NE(m.find("'configs'"), std::string::npos) << m;
  EXPECT_NE(m.find("order must be"), std::string::npos) << m;
  EXPECT_NE(m.find("'trials'"), std::string::npos) << m;
  EXPECT_NE(m.find("'workload'"), std::string::npos) << m;
}

TEST(Plan, ShippedPlansParse) {
  int seen = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(L4LAB_SOURCE_DIR) + "/plans")) {
    auto p = load_plan(e.path().string());
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message());
    ++seen;
  }
  // The default plan and the study's plans at least: an empty folder proves nothing.
  EXPECT_GE(seen, 3);
}

// Found by fuzz/plan_fuzz: `bench:` holding a scalar made yaml-cpp throw
// out of parse_plan ("operator[] call on a scalar"); a huge or fractional
// count was cast from double to int (undefined). Both are now errors that
// name the file and line. Input kept in fuzz/regressions/plan_fuzz.
TEST(Plan, ScalarWhereAMappingBelongsIsAnError) {
  for (const char* section : {"bench", "telemetry", "price", "order"}) {
    const std::string yaml =
        std::string("name: p\nconfigs: [a.yaml]\nworkload: {path: w}\n") + section + ": [x, y]\n";
    auto p = parse_plan(yaml, "p.yaml");
    ASSERT_FALSE(p.ok()) << section;
    EXPECT_NE(p.error().message().find("p.yaml:4: expected a mapping"), std::string::npos)
        << p.error().message();
  }
  auto scalar =
      parse_plan("name: p\nconfigs: [a.yaml]\nworkload: {path: w}\nbench: -5\n", "p.yaml");
  ASSERT_FALSE(scalar.ok());
  EXPECT_NE(scalar.error().message().find("p.yaml:4: expected a mapping holding"),
            std::string::npos)
      << scalar.error().message();
}

TEST(Plan, CountsMustBeWholeNumbersInRange) {
  for (const char* v : {"1e300", "-1e300", "2.5", ".nan", "0"}) {
    auto p = parse_plan(
        std::string("name: p\nconfigs: [a.yaml]\nworkload: {path: w}\ntrials: ") + v + "\n",
        "p.yaml");
    ASSERT_FALSE(p.ok()) << v;
    EXPECT_NE(p.error().message().find("p.yaml:4: field 'trials' must be a whole number"),
              std::string::npos)
        << p.error().message();
  }
  auto w =
      parse_plan("name: p\nconfigs: [a.yaml]\nworkload: {path: w, per_cell: 1e300}\n", "p.yaml");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message().find("per_cell"), std::string::npos);
  auto ok = parse_plan("name: p\nconfigs: [a.yaml]\nworkload: {path: w}\ntrials: 3\n", "p.yaml");
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  EXPECT_EQ(ok->trials, 3);
}

}  // namespace
}  // namespace l4lab::matrix

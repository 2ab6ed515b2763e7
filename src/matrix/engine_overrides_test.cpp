#include "matrix/engine_overrides.h"

#include <gtest/gtest.h>

#include "matrix/plan.h"

namespace l4lab::matrix {
namespace {

const char* kConfig = R"(
name: C5
intent: fp8 kv
factor: --kv-cache-dtype fp8
engine:
  kind: vllm
  model: mistralai/Mistral-7B-Instruct-v0.3
  command: [vllm, serve, "{model}"]
  args: [[--kv-cache-dtype, fp8], [--port, "{port}"]]
  env: {VLLM_SERVER_DEV_MODE: "1"}
)";

const char* kPlan = R"(
name: h200
configs: [C5.yaml]
workload: {path: w.jsonl}
engine_overrides:
  command: [python3, -m, vllm.entrypoints.cli.main, serve, /tmp/m7b]
  probe: [python3, -m, vllm.entrypoints.cli.main, serve, --help=all]
  extra_args: [[--load-format, dummy], [--served-model-name, "{model}"]]
  env: {PYTHONPATH: /tmp/site, VLLM_SERVER_DEV_MODE: "0"}
  health_timeout_s: 900
  note: this host
)";

TEST(EngineOverrides, AdaptsTheStudysConfigWithoutCopyingIt) {
  auto c = engine::parse_engine_config(kConfig, "C5.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message();
  auto p = parse_plan(kPlan, "h200.yaml");
  ASSERT_TRUE(p.ok()) << p.error().message();
  const auto a = apply_overrides(*c, p->overrides);
  engine::ArgvContext ctx{"/l4lab", "", 8000, {}};
  EXPECT_EQ(engine::engine_argv(a, ctx),
            (std::vector<std::string>{"python3", "-m", "vllm.entrypoints.cli.main", "serve",
                                      "/tmp/m7b", "--kv-cache-dtype", "fp8", "--port", "8000",
                                      "--load-format", "dummy", "--served-model-name",
                                      "mistralai/Mistral-7B-Instruct-v0.3"}));
  EXPECT_EQ(engine::probe_argv(a, ctx).back(), "--help=all");
  EXPECT_EQ(a.engine.env.at("PYTHONPATH"), "/tmp/site");
  EXPECT_EQ(a.engine.env.at("VLLM_SERVER_DEV_MODE"), "0");  // the plan wins
  EXPECT_EQ(a.engine.health_timeout_s, 900);
  EXPECT_EQ(a.sha256, c->sha256);  // still the study's file
  // --load-format dummy labels the run even though dummy_weights was not set.
  EXPECT_FALSE(engine::uses_dummy_weights(*c));
  EXPECT_TRUE(engine::uses_dummy_weights(a));
  // A Python-module command records vLLM's version, not the interpreter's.
  const auto v = engine::version_argv(a, ctx);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], "python3");
  EXPECT_EQ(v[1], "-c");
  EXPECT_NE(v[2].find("vllm.__version__"), std::string::npos);
  const auto j = overrides_json(a, p->overrides);
  EXPECT_EQ(j["note"], "this host");
  EXPECT_EQ(j["env_names"].size(), 2u);
  EXPECT_FALSE(j.dump().find("/tmp/site") != std::string::npos);  // env values stay out
}

TEST(EngineOverrides, LeavesOtherKindsAndPlansWithoutOverridesAlone) {
  auto c = engine::parse_engine_config(kConfig, "C5.yaml");
  ASSERT_TRUE(c.ok());
  EngineOverrides none;
  EXPECT_EQ(apply_overrides(*c, none).engine.command, c->engine.command);
  EXPECT_TRUE(overrides_json(*c, none).is_null());
  EngineOverrides sim;
  sim.set = true;
  sim.kind = "serve-sim";
  sim.command = {"x"};
  EXPECT_EQ(apply_overrides(*c, sim).engine.command, c->engine.command);
  // Default version argv of a plain `vllm` command.
  EXPECT_EQ(c->engine.version, (std::vector<std::string>{"vllm", "--version"}));
}

TEST(EngineOverrides, UnknownFieldIsAnErrorNamingIt) {
  auto p = parse_plan(R"(
name: h
configs: [a.yaml]
workload: {path: w}
engine_overrides:
  comand: [x]
)",
                      "h.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message().find("comand"), std::string::npos);
  EXPECT_NE(p.error().message().find("h.yaml"), std::string::npos);
}

}  // namespace
}  // namespace l4lab::matrix

#include "engine/engine_config.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace l4lab::engine {
namespace {

const char* kConfig = R"(
name: C5
intent: FP8 KV cache
factor: --kv-cache-dtype fp8
baseline: C1
vars: {scale: "1"}
engine:
  kind: vllm
  model: org/model
  command: [vllm, serve, "{model}"]
  args:
    - [--port, "{port}"]
    - [--kv-cache-dtype, fp8]
    - --enforce-eager
    - --time-scale={scale}
  env: {HF_TOKEN: abc}
  port: 0
requires_flags: [--extra]
applied_check:
  evidence_line: "non-default args: "
  expect: "'kv_cache_dtype': 'fp8'"
)";

TEST(EngineConfig, ParsesAndComposesArgv) {
  auto c = parse_engine_config(kConfig, "configs/x/C5.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->name, "C5");
  EXPECT_EQ(c->engine.port, 0);
  EXPECT_EQ(c->engine.env.at("HF_TOKEN"), "abc");
  ArgvContext ctx;
  ctx.port = 1234;
  auto argv = engine_argv(*c, ctx);
  std::vector<std::string> want = {
      "vllm", "serve",           "org/model",     "--port", "1234", "--kv-cache-dtype",
      "fp8",  "--enforce-eager", "--time-scale=1"};
  EXPECT_EQ(argv, want);
  ctx.vars["scale"] = "8";
  EXPECT_EQ(engine_argv(*c, ctx).back(), "--time-scale=8");
  std::vector<std::string> flags = {"--port", "--kv-cache-dtype", "--enforce-eager", "--time-scale",
                                    "--extra"};
  EXPECT_EQ(flags_to_probe(*c), flags);
  EXPECT_EQ(probe_argv(*c, ctx), (std::vector<std::string>{"vllm", "serve", "--help=all"}));
  ASSERT_EQ(c->applied_check.expect.size(), 1u);
}

TEST(EngineConfig, ErrorsNameFileLineAndField) {
  auto c = parse_engine_config("name: C1\nintent: x\nengine:\n  kind: docker\n  command: []\n",
                               "bad.yaml");
  ASSERT_FALSE(c.ok());
  const auto& m = c.error().message();
  EXPECT_NE(m.find("bad.yaml:"), std::string::npos) << m;
  EXPECT_NE(m.find("'factor'"), std::string::npos) << m;
  EXPECT_NE(m.find("engine.kind"), std::string::npos) << m;
  EXPECT_NE(m.find("engine.command"), std::string::npos) << m;
  auto bad_port = parse_engine_config(
      "name: C1\nintent: x\nfactor: y\nengine:\n  kind: vllm\n  command: [a]\n  port: eighty\n",
      "p.yaml");
  ASSERT_FALSE(bad_port.ok());
  EXPECT_NE(bad_port.error().message().find("p.yaml:7"), std::string::npos)
      << bad_port.error().message();
}

TEST(EngineConfig, ShippedConfigsParse) {
  namespace fs = std::filesystem;
  int n = 0;
  for (const char* dir : {"configs/vllm", "configs/serve-sim"}) {
    for (const auto& e : fs::directory_iterator(fs::path(L4LAB_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".yaml") continue;
      auto c = load_engine_config(e.path().string());
      EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message());
      if (c.ok()) {
        EXPECT_EQ(c->name, e.path().stem().string());
        EXPECT_FALSE(c->applied_check.evidence_line.empty()) << e.path();
      }
      ++n;
    }
  }
  EXPECT_GE(n, 16);
}

}  // namespace
}  // namespace l4lab::engine

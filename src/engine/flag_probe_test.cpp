#include "engine/flag_probe.h"

#include <gtest/gtest.h>

namespace l4lab::engine {
namespace {

const char* kHelp =
    "usage: vllm serve [-h] [--port PORT]\n"
    "  --enable-chunked-prefill, --no-enable-chunked-prefill\n"
    "  --port-range RANGE\n"
    "  --kv-cache-dtype {auto,fp8}\n"
    "  [--enforce-eager]\n";

TEST(FlagProbe, MatchesWholeFlagsOnly) {
  EXPECT_TRUE(help_lists_flag(kHelp, "--port"));
  EXPECT_TRUE(help_lists_flag(kHelp, "--no-enable-chunked-prefill"));
  EXPECT_TRUE(help_lists_flag(kHelp, "--enable-chunked-prefill"));
  EXPECT_TRUE(help_lists_flag(kHelp, "--enforce-eager"));
  EXPECT_TRUE(help_lists_flag(kHelp, "--kv-cache-dtype"));
  EXPECT_FALSE(help_lists_flag(kHelp, "--kv-cache"));
  EXPECT_FALSE(help_lists_flag(kHelp, "--tokenizer-pool-size"));
  EXPECT_FALSE(help_lists_flag("--port-range X", "--port"));
}

TEST(FlagProbe, JudgesMissingFlagsWithEvidence) {
  auto r = judge_probe({"--port", "--tokenizer-pool-size"}, kHelp, "`vllm serve --help=all`",
                       "removed in v0.10.0");
  EXPECT_TRUE(r.ran);
  ASSERT_EQ(r.missing, std::vector<std::string>{"--tokenizer-pool-size"});
  EXPECT_NE(r.reason.find("--tokenizer-pool-size"), std::string::npos);
  EXPECT_NE(r.reason.find("removed in v0.10.0"), std::string::npos);
  EXPECT_NE(r.evidence.find("vllm serve --help=all"), std::string::npos);
  auto ok = judge_probe({"--port"}, kHelp, "`x`", "");
  EXPECT_TRUE(ok.missing.empty());
  EXPECT_TRUE(ok.reason.empty());
}

TEST(FlagProbe, AFailedProbeListingNoFlagIsNotInstalledNotUnsupported) {
  // python3 present, vLLM absent: exit 1 and one line.
  const std::string out =
      "/usr/bin/python3: Error while finding module specification for "
      "'vllm.entrypoints.cli.main' (ModuleNotFoundError: No module named "
      "'vllm')\n";
  auto f = judge_failed_probe({"--port", "--kv-cache-dtype"}, out, "`python3 -m vllm`", false);
  EXPECT_FALSE(f.ran);
  EXPECT_NE(f.reason.find("is the engine installed"), std::string::npos);
  EXPECT_NE(f.reason.find("No module named 'vllm'"), std::string::npos);
  // Same text with exit 0, or a failing help that lists some flags: judged by its text.
  EXPECT_TRUE(judge_failed_probe({"--port"}, out, "`x`", true).reason.empty());
  EXPECT_TRUE(judge_failed_probe({"--port", "--nope"}, kHelp, "`x`", false).reason.empty());
}

}  // namespace
}  // namespace l4lab::engine

#include <filesystem>

#include "common/files.h"

namespace l4lab::engine {
namespace {

// The shipped vLLM configurations against the flag lines of a real
// `vllm serve --help=all` (testdata/vllm_serve_help_flags.txt, vLLM 0.32.0
// CPU build): the seed's C4 and C6 flags are gone, everything else is there.
TEST(FlagProbe, ShippedVllmConfigsAgainstARealVllmHelp) {
  const std::string dir = L4LAB_SOURCE_DIR;
  auto help = read_file(dir + "/src/engine/testdata/vllm_serve_help_flags.txt");
  ASSERT_TRUE(help.ok());
  for (const auto& e : std::filesystem::directory_iterator(dir + "/configs/vllm")) {
    auto c = load_engine_config(e.path().string());
    ASSERT_TRUE(c.ok()) << c.error().message();
    auto r = judge_probe(flags_to_probe(*c), *help, "help", c->unsupported_note);
    if (c->name == "C4") {
      EXPECT_EQ(r.missing, std::vector<std::string>{"--tokenizer-pool-size"});
    } else if (c->name == "C6") {
      EXPECT_EQ(r.missing, std::vector<std::string>{"--swap-space"});
    } else {
      EXPECT_TRUE(r.missing.empty()) << c->name << ": " << r.reason;
    }
  }
}

}  // namespace
}  // namespace l4lab::engine

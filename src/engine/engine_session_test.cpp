#include "engine/engine_session.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "engine/engine_log.h"

namespace l4lab::engine {
namespace {

struct Started {
  EngineSession s;
  ReadyOutcome r;
  int port = 0;
};

std::string log_file(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("l4lab-es-" + std::to_string(getpid()));
  std::filesystem::create_directories(d);
  auto p = d / name;
  std::filesystem::remove(p);
  return p.string();
}

void start(Started& st, std::vector<std::string> extra, double timeout_s, const std::string& name) {
  auto port = pick_free_port("127.0.0.1");
  ASSERT_TRUE(port.ok());
  st.port = *port;
  std::vector<std::string> argv = {L4LAB_FAKE_ENGINE, "--port", std::to_string(*port)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  ASSERT_TRUE(st.s.start(argv, {}, "127.0.0.1", *port, log_file(name)).ok());
  st.r = st.s.wait_ready(timeout_s);
}

TEST(EngineSession, HealthyThenStoppedAndPortFree) {
  Started st;
  start(st, {"--model", "m1"}, 30, "ok.log");
  ASSERT_EQ(st.r.status, "ready") << st.r.reason << st.r.evidence;
  EXPECT_EQ(st.r.served_model, "m1");
  EXPECT_TRUE(st.s.warm_up("m1", 1).ok());
  EXPECT_TRUE(st.s.alive());
  st.s.stop(5);
  EXPECT_FALSE(group_alive(st.s.pgid()));
  EXPECT_TRUE(wait_port_free("127.0.0.1", st.port, 10));
}

TEST(EngineSession, ExitDuringStartupQuotesTheLog) {
  Started st;
  start(st, {"--exit-during-startup"}, 30, "exit.log");
  EXPECT_EQ(st.r.status, "start_failed");
  EXPECT_NE(st.r.reason.find("exit code 3"), std::string::npos) << st.r.reason;
  EXPECT_NE(st.r.evidence.find("exiting during start-up"), std::string::npos) << st.r.evidence;
}

TEST(EngineSession, OomDuringStartup) {
  Started st;
  start(st, {"--oom-during-startup"}, 30, "oom.log");
  EXPECT_EQ(st.r.status, "oom");
  EXPECT_NE(st.r.evidence.find("CUDA out of memory"), std::string::npos);
}

TEST(EngineSession, RejectedFlagFailsStartup) {
  Started st;
  start(st, {"--no-such-flag"}, 30, "reject.log");
  EXPECT_EQ(st.r.status, "start_failed");
  EXPECT_NE(st.r.evidence.find("unrecognized arguments: --no-such-flag"), std::string::npos);
}

TEST(EngineSession, NeverHealthyTimesOut) {
  Started st;
  start(st, {"--never-healthy"}, 1.0, "never.log");
  EXPECT_EQ(st.r.status, "start_timeout");
  EXPECT_NE(st.r.reason.find("HTTP 503"), std::string::npos) << st.r.reason;
  st.s.stop(5);
  EXPECT_FALSE(group_alive(st.s.pgid()));
}

TEST(EngineSession, DiesMidRunIsSeen) {
  Started st;
  start(st, {"--die-after-requests", "1"}, 30, "die.log");
  ASSERT_EQ(st.r.status, "ready");
  EXPECT_FALSE(st.s.warm_up("fake-model", 1).ok());
  auto exit = st.s.stop(5);
  auto v = classify_death(exit, st.s.log_text(), "crashed");
  EXPECT_EQ(v.status, "crashed") << v.evidence;
  EXPECT_NE(v.evidence.find("signal 6"), std::string::npos) << v.evidence;
}

}  // namespace
}  // namespace l4lab::engine

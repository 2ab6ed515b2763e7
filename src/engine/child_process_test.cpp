#include "engine/child_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include "common/files.h"

namespace l4lab::engine {
namespace {

std::string tmp_path(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("l4lab-cp-" + std::to_string(getpid()));
  std::filesystem::create_directories(d);
  return (d / name).string();
}

TEST(ChildProcess, CapturesOutputAndExitCode) {
  auto r = run_capture({"sh", "-c", "echo out; echo err >&2; exit 3"}, 10);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status.describe(), "exit code 3");
  EXPECT_NE(r->output.find("out"), std::string::npos);
  EXPECT_NE(r->output.find("err"), std::string::npos);
}

TEST(ChildProcess, MissingExecutableIsAnError) {
  auto r = ChildProcess::spawn({.argv = {"l4lab-no-such-engine"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("l4lab-no-such-engine"), std::string::npos);
}

TEST(ChildProcess, EnvIsAdded) {
  auto r = run_capture({"sh", "-c", "echo $L4LAB_T"}, 10, {{"L4LAB_T", "xyz"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output, "xyz\n");
}

TEST(ChildProcess, StopGroupKillsTheWholeTreeEvenIfTermIsIgnored) {
  // The leader ignores SIGTERM and has a grandchild that does too.
  const std::string log = tmp_path("tree.log");
  auto c = ChildProcess::spawn(
      {.argv = {"sh", "-c", "trap '' TERM; sh -c 'trap \"\" TERM; sleep 60' & echo $!; wait"},
       .log_path = log});
  ASSERT_TRUE(c.ok()) << c.error().message();
  pid_t pgid = c->pgid();
  EXPECT_EQ(pgid, c->pid());
  // Wait for the grandchild to exist (it printed its pid).
  for (int i = 0; i < 500; ++i) {
    auto t = read_file(log);
    if (t.ok() && !t->empty()) break;
    usleep(10000);
  }
  EXPECT_TRUE(group_alive(pgid));
  auto st = c->stop_group(0.2);
  EXPECT_FALSE(st.exited);
  EXPECT_EQ(st.signal, SIGKILL);
  EXPECT_FALSE(group_alive(pgid));
}

TEST(ChildProcess, PollSeesExit) {
  auto c = ChildProcess::spawn({.argv = {"true"}});
  ASSERT_TRUE(c.ok());
  auto st = c->wait_for(-1);
  ASSERT_TRUE(st.has_value());
  EXPECT_TRUE(st->success());
}

}  // namespace
}  // namespace l4lab::engine

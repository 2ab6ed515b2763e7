// The matrix against a stand-in engine (src/engine/testdata/fake_engine.cpp)
// and a stand-in bench (testdata/fake_bench.cpp): each failure mode gets its
// outcome and evidence and the matrix goes on; a killed matrix resumes
// without redoing finished runs and leaves no engine behind.
#include "matrix/matrix_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/files.h"
#include "common/random.h"
#include "engine/child_process.h"

namespace l4lab::matrix {
namespace {

namespace fs = std::filesystem;

std::string testdata() { return std::string(L4LAB_SOURCE_DIR) + "/src/engine/testdata"; }

fs::path fresh_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("l4lab-mx-" + std::to_string(getpid())) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string write_plan(const fs::path& dir, const std::vector<std::string>& configs, int trials,
                       const std::string& model, const std::string& bench_args) {
  std::string cfgs;
  for (const auto& c : configs)
    cfgs += (cfgs.empty() ? "" : ", ") + testdata() + "/configs/" + c + ".yaml";
  std::string text =
      "name: standin\nconfigs: [" + cfgs + "]\ntrials: " + std::to_string(trials) +
      "\norder: sequential\nvars: {fake_engine: \"" L4LAB_FAKE_ENGINE "\", model_name: \"" + model +
      "\"}\nworkload: {path: " + testdata() +
      "/prompts.jsonl, per_cell: 1}\nwarmup_requests: 1\nbench:\n  command: [\"" L4LAB_FAKE_BENCH
      "\"]\n  args: [" +
      bench_args +
      "]\ntelemetry: {gpu_hz: 10, metrics_hz: 5}\nprice: {usd_per_hour: 0.5, gpu_name: NVIDIA "
      "L4, source: test}\n";
  const std::string path = (dir / "plan.in.yaml").string();
  EXPECT_TRUE(write_file(path, text).ok());
  return path;
}

nlohmann::json manifest(const fs::path& runs, const std::string& rel) {
  auto t = read_file((runs / rel / "run_manifest.json").string());
  if (!t.ok()) return nullptr;
  return nlohmann::json::parse(*t);
}

// Processes whose command line names this test's model (unique per test).
int processes_with(const std::string& needle) {
  int n = 0;
  for (const auto& p : fs::directory_iterator("/proc")) {
    const std::string pid = p.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    auto cmd = read_file(p.path().string() + "/cmdline");
    if (!cmd.ok()) continue;
    std::replace(cmd->begin(), cmd->end(), '\0', ' ');
    if (cmd->find(needle) != std::string::npos && cmd->find("fake_engine") != std::string::npos)
      ++n;
  }
  return n;
}

// Waits (bounded, by condition not by time) until pred() holds.
template <typename P>
bool eventually(P pred, int max_ms = 30000) {
  for (int i = 0; i < max_ms / 20; ++i) {
    if (pred()) return true;
    usleep(20000);
  }
  return pred();
}

TEST(MatrixRunner, EachStandInFailureGetsItsOutcomeAndTheMatrixGoesOn) {
  auto dir = fresh_dir("outcomes");
  const std::string model = "outcomes-" + std::to_string(getpid());
  auto plan = load_plan(write_plan(dir, {"S0", "Sa", "Sb", "Sc", "Sd", "Se", "Sf"}, 1, model, ""));
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  MatrixOptions o;
  o.runs_dir = (dir / "runs").string();
  o.l4lab_exe = L4LAB_MATRIX_TOOL;
  auto sum = run_matrix(*plan, o);
  ASSERT_TRUE(sum.ok()) << sum.error().message();
  EXPECT_EQ(sum->runs, 7);
  EXPECT_EQ(sum->ok, 2);
  EXPECT_EQ(sum->failed, 4);  // all but the 2 ok and Sa's honest "unsupported": exit 1
  const fs::path runs = o.runs_dir;

  auto s0 = manifest(runs, "S0/trial-1");
  EXPECT_EQ(s0["outcome"]["status"], "ok");
  EXPECT_EQ(s0["applied"]["value"], "true");
  EXPECT_NE(s0["applied"]["evidence"].get<std::string>().find("'max_num_seqs': 8"),
            std::string::npos);
  EXPECT_EQ(s0["workload"]["count"], 9);
  EXPECT_EQ(s0["tokenizer"]["id"], "stand-in");
  EXPECT_TRUE(fs::exists(runs / "S0/trial-1/traces.jsonl"));
  EXPECT_TRUE(fs::exists(runs / "S0/trial-1/engine.log"));
  EXPECT_TRUE(fs::exists(runs / "S0/trial-1/gpu_samples.jsonl"));
  auto metrics = read_file((runs / "S0/trial-1/engine_metrics.jsonl").string());
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->find("\"phase\":\"before\""), std::string::npos);
  EXPECT_NE(metrics->find("\"phase\":\"after\""), std::string::npos);
  // The "before" scrape follows the lab's warm-up request (the stand-in adds 10
  // prompt tokens per chat request), so after - before counts exactly the
  // bench's requests, as the engine's histogram deltas must.
  auto prompt_tokens = [&](const std::string& phase) {
    std::istringstream in(*metrics);
    std::string line;
    double v = -1;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line);
      if (j["phase"] != phase) continue;
      for (const auto& smp : j["samples"])
        if (smp["name"] == "vllm:prompt_tokens_total") v = smp["value"].get<double>();
    }
    return v;
  };
  auto traces = read_file((runs / "S0/trial-1/traces.jsonl").string());
  ASSERT_TRUE(traces.ok());
  const auto n_traces = std::count(traces->begin(), traces->end(), '\n');
  EXPECT_EQ(n_traces, 9);
  EXPECT_EQ(prompt_tokens("before"), 10.0) << "the warm-up request must precede the scrape";
  EXPECT_EQ(prompt_tokens("after") - prompt_tokens("before"), 10.0 * double(n_traces));
  EXPECT_EQ(s0["lab_run"]["metrics_before"], "after_warmup");
  EXPECT_EQ(s0["price"]["gpu_name"], "NVIDIA L4");  // the plan's price, for the report
  EXPECT_EQ(s0["price"]["usd_per_hour"], 0.5);

  auto sa = manifest(runs, "Sa/trial-1");  // (a) rejects a flag: the probe says so, not run
  EXPECT_EQ(sa["outcome"]["status"], "unsupported");
  EXPECT_NE(sa["outcome"]["reason"].get<std::string>().find("--tokenizer-pool-size"),
            std::string::npos);
  EXPECT_NE(sa["outcome"]["evidence"].get<std::string>().find("--help"), std::string::npos);
  EXPECT_FALSE(fs::exists(runs / "Sa/trial-1/engine.log"));

  auto sb = manifest(runs, "Sb/trial-1");  // (b) exits during start-up
  EXPECT_EQ(sb["outcome"]["status"], "start_failed");
  EXPECT_EQ(sb["outcome"]["exit_code"], 3);
  EXPECT_NE(sb["outcome"]["evidence"].get<std::string>().find("exiting during start-up"),
            std::string::npos);

  auto sc = manifest(runs, "Sc/trial-1");  // (c) never healthy
  EXPECT_EQ(sc["outcome"]["status"], "start_timeout");
  EXPECT_NE(sc["outcome"]["reason"].get<std::string>().find("HTTP 503"), std::string::npos);

  auto sd = manifest(runs, "Sd/trial-1");  // (d) dies mid-run
  EXPECT_EQ(sd["outcome"]["status"], "crashed");
  EXPECT_NE(sd["outcome"]["evidence"].get<std::string>().find("dying on chat request 3"),
            std::string::npos);
  EXPECT_NE(sd["outcome"]["reason"].get<std::string>().find("signal 6"), std::string::npos);

  auto se = manifest(runs, "Se/trial-1");  // (e) accepts a flag and ignores it
  EXPECT_EQ(se["outcome"]["status"], "ok");
  EXPECT_EQ(se["applied"]["value"], "false");
  EXPECT_NE(se["applied"]["evidence"].get<std::string>().find("non-default args"),
            std::string::npos);

  auto sf = manifest(runs, "Sf/trial-1");
  EXPECT_EQ(sf["outcome"]["status"], "oom");
  EXPECT_NE(sf["outcome"]["evidence"].get<std::string>().find("CUDA out of memory"),
            std::string::npos);

  auto state = read_file((runs / "matrix_state.jsonl").string());
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(std::count(state->begin(), state->end(), '\n'), 7);
  EXPECT_EQ(processes_with(model), 0);
}

struct Killed {
  fs::path runs;
  std::string model;
  std::string first_started_at;
};

// Starts the tool on a 2 x 2 plan whose 2nd run holds in its bench, kills
// the tool with `sig` while that run's engine is up.
Killed start_and_kill(const std::string& name, int sig) {
  Killed k;
  auto dir = fresh_dir(name);
  k.model = name + "-" + std::to_string(getpid());
  const std::string hold = (dir / "hold").string();
  EXPECT_TRUE(write_file(hold, "").ok());
  const std::string plan =
      write_plan(dir, {"S0", "Se"}, 2, k.model,
                 "--hold-while-exists, \"" + hold + "\", --hold-on-out-suffix, S0/trial-2");
  k.runs = dir / "runs";
  auto tool = engine::ChildProcess::spawn(
      {.argv = {L4LAB_MATRIX_TOOL, "matrix", "run", plan, "--out", k.runs.string()},
       .log_path = (dir / "first.log").string()});
  EXPECT_TRUE(tool.ok());
  EXPECT_TRUE(eventually([&] {
    auto s = read_file((k.runs / "matrix_state.jsonl").string());
    return s.ok() && !s->empty() && fs::exists(k.runs / "S0/trial-2/engine.pgid") &&
           fs::exists(k.runs / "S0/trial-2/engine_metrics.jsonl");
  }));
  EXPECT_EQ(processes_with(k.model), 1);
  k.first_started_at = manifest(k.runs, "S0/trial-1")["started_at"];
  kill(tool->pid(), sig);  // the tool only: its engine lives in another group
  auto st = tool->wait_for(30);
  EXPECT_TRUE(st.has_value());
  // Without l4lab, nothing of the run may survive (PR_SET_PDEATHSIG or the
  // signal handler's group kill).
  EXPECT_TRUE(eventually([&] { return processes_with(k.model) == 0; }, 10000));
  fs::remove(hold);
  return k;
}

void resume_and_check(const Killed& k) {
  auto tool = engine::ChildProcess::spawn(
      {.argv = {L4LAB_MATRIX_TOOL, "matrix", "run", (k.runs / "plan.yaml").string(), "--out",
                k.runs.string()},
       .log_path = (k.runs.parent_path() / "second.log").string()});
  ASSERT_TRUE(tool.ok());
  auto st = tool->wait_for(120);
  ASSERT_TRUE(st.has_value());
  EXPECT_TRUE(st->success()) << st->describe();
  auto log = read_file((k.runs.parent_path() / "second.log").string());
  EXPECT_NE(log->find("S0/trial-1: finished before, skipped"), std::string::npos) << *log;
  EXPECT_EQ(manifest(k.runs, "S0/trial-1")["started_at"], k.first_started_at);
  for (const char* rel : {"S0/trial-1", "S0/trial-2", "Se/trial-1", "Se/trial-2"})
    EXPECT_EQ(manifest(k.runs, rel)["outcome"]["status"], "ok") << rel;
  EXPECT_EQ(manifest(k.runs, "S0/trial-2.interrupted-1")["outcome"]["status"], "interrupted");
  auto state = read_file((k.runs / "matrix_state.jsonl").string());
  EXPECT_EQ(std::count(state->begin(), state->end(), '\n'), 4);
  EXPECT_EQ(processes_with(k.model), 0);
}

TEST(MatrixRunner, SigkillThenResumeRedoesOnlyTheInterruptedRun) {
  auto k = start_and_kill("sigkill", SIGKILL);
  resume_and_check(k);
}

// SIGKILL at random points (engine start, warm-up, bench, report: wherever
// the drawn delay falls), L4LAB_MATRIX_KILLS times (5 unless set; the
// figure in docs/RELIABILITY.md uses 20), each followed by a resume, then a
// last resume to the end: every run is finished exactly once, none is left
// running, and no engine outlives its killed matrix.
TEST(MatrixRunner, RandomSigkillsThenResumeFinishEveryRunOnce) {
  const char* env = std::getenv("L4LAB_MATRIX_KILLS");
  const int kills = env ? std::atoi(env) : 5;
  auto dir = fresh_dir("random-kills");
  const std::string model = "random-kills-" + std::to_string(getpid());
  // 2 x `kills` runs of about 0.3 s each; a kill comes within 0.7 s of each
  // start, so kills land inside runs (start, warm-up, bench or report) and
  // the matrix is still unfinished at the last one.
  const int trials = std::max(4, kills), total = 2 * trials;
  const std::string plan = write_plan(dir, {"S0", "Se"}, trials, model, "");
  const fs::path runs = dir / "runs";
  Rng rng(16);
  int hit = 0, mid_matrix = 0;
  for (int i = 0; i < kills; ++i) {
    auto tool = engine::ChildProcess::spawn(
        {.argv = {L4LAB_MATRIX_TOOL, "matrix", "run", plan, "--out", runs.string()},
         .log_path = (dir / ("kill-" + std::to_string(i) + ".log")).string()});
    ASSERT_TRUE(tool.ok());
    const int delay_ms = int(rng.range(20, 700));
    usleep(useconds_t(delay_ms) * 1000);
    if (kill(tool->pid(), SIGKILL) == 0) ++hit;
    ASSERT_TRUE(tool->wait_for(30).has_value());
    EXPECT_TRUE(eventually([&] { return processes_with(model) == 0; }, 10000))
        << "an engine outlived matrix run killed after " << delay_ms << " ms";
    auto so_far = read_file((runs / "matrix_state.jsonl").string());
    const auto done = so_far.ok() ? std::count(so_far->begin(), so_far->end(), '\n') : 0;
    if (done < total) ++mid_matrix;
    std::cerr << "kill " << i + 1 << " after " << delay_ms << " ms: " << done << " of " << total
              << " runs finished so far\n";
  }
  auto last = engine::ChildProcess::spawn(
      {.argv = {L4LAB_MATRIX_TOOL, "matrix", "run", plan, "--out", runs.string()},
       .log_path = (dir / "last.log").string()});
  ASSERT_TRUE(last.ok());
  auto st = last->wait_for(300);
  ASSERT_TRUE(st.has_value());
  EXPECT_TRUE(st->success()) << st->describe();
  std::cerr << "random-kills: " << hit << " of " << kills << " SIGKILLs hit a running matrix, "
            << mid_matrix << " left runs unfinished\n";
  EXPECT_GT(mid_matrix, 0) << "no kill landed before the matrix was done: the test proves nothing";
  std::vector<std::string> all;
  for (const char* c : {"S0", "Se"})
    for (int t = 1; t <= trials; ++t) all.push_back(std::string(c) + "/trial-" + std::to_string(t));
  for (const auto& rel : all) EXPECT_EQ(manifest(runs, rel)["outcome"]["status"], "ok") << rel;
  // matrix_state.jsonl: each run finished exactly once (SIGKILL leaves no
  // "interrupted" line; a torn last line would fail the parse).
  auto state = read_file((runs / "matrix_state.jsonl").string());
  ASSERT_TRUE(state.ok());
  std::map<std::string, int> finished;
  std::istringstream lines(*state);
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["status"] != "interrupted")
      ++finished[j["config"].get<std::string>() + "/trial-" +
                 std::to_string(j["trial"].get<int>())];
  }
  EXPECT_EQ(finished.size(), size_t(total)) << *state;
  for (const auto& [rel, n] : finished) EXPECT_EQ(n, 1) << rel << ":\n" << *state;
  EXPECT_EQ(processes_with(model), 0);
}

TEST(MatrixRunner, SigtermMarksTheRunInterruptedThenResumes) {
  auto k = start_and_kill("sigterm", SIGTERM);
  auto m = manifest(k.runs, "S0/trial-2");
  EXPECT_EQ(m["outcome"]["status"], "interrupted");
  EXPECT_NE(m["outcome"]["reason"].get<std::string>().find("signal 15"), std::string::npos);
  resume_and_check(k);
}

}  // namespace
}  // namespace l4lab::matrix

namespace l4lab::matrix {
namespace {

TEST(MatrixRunner, ARunsFolderKeepsOnePlanAndOneWorkload) {
  auto dir = fresh_dir("guard");
  auto plan = load_plan(write_plan(dir, {"S0"}, 1, "guard-" + std::to_string(getpid()), ""));
  ASSERT_TRUE(plan.ok());
  MatrixOptions o;
  o.runs_dir = (dir / "runs").string();
  o.l4lab_exe = L4LAB_MATRIX_TOOL;
  auto first = run_matrix(*plan, o);
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_EQ(first->ok, 1);
  auto again = run_matrix(*plan, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->skipped, 1);
  EXPECT_EQ(again->runs, 0);
  o.per_cell_override = 2;  // another workload (like --full)
  auto other = run_matrix(*plan, o);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message().find("another workload"), std::string::npos);
  o.per_cell_override = -1;
  plan->text += "# changed\n";
  auto changed = run_matrix(*plan, o);
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.error().message().find("another plan"), std::string::npos);
}

// A plan adapts the configs to a host (engine_overrides) and is run in
// pieces (--only, --max-runs): each piece runs what it was asked, the manifest
// records the adaptation and the dummy-weights label, and the next piece
// resumes where the last stopped.
TEST(MatrixRunner, OverridesAndPiecesAreRecordedAndResume) {
  auto dir = fresh_dir("pieces");
  const std::string path =
      write_plan(dir, {"S0", "Sa"}, 2, "pieces-" + std::to_string(getpid()), "");
  auto text = read_file(path);
  ASSERT_TRUE(text.ok());
  ASSERT_TRUE(write_file(path, *text +
                                   "engine_overrides:\n  kind: generic\n  env: {L4LAB_TEST_HOST: "
                                   "\"h200\"}\n  dummy_weights: true\n  note: this host\n")
                  .ok());
  auto plan = load_plan(path);
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  MatrixOptions o;
  o.runs_dir = (dir / "runs").string();
  o.l4lab_exe = L4LAB_MATRIX_TOOL;
  o.only = {"S0"};
  o.max_runs = 1;
  auto first = run_matrix(*plan, o);
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_EQ(first->runs, 1);
  EXPECT_EQ(first->ok, 1);
  EXPECT_EQ(first->left, 1);          // S0 trial-2 waits
  EXPECT_EQ(first->not_selected, 2);  // Sa's two trials
  const fs::path runs = o.runs_dir;
  auto m = manifest(runs, "S0/trial-1");
  EXPECT_EQ(m["dummy_weights"], true);
  EXPECT_EQ(m["engine"]["overrides"]["note"], "this host");
  EXPECT_EQ(m["engine"]["env"]["L4LAB_TEST_HOST"], "h200");
  EXPECT_FALSE(fs::exists(runs / "S0/trial-2"));
  EXPECT_FALSE(fs::exists(runs / "Sa/trial-1"));
  auto second = run_matrix(*plan, o);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->skipped, 1);
  EXPECT_EQ(second->runs, 1);
  EXPECT_EQ(second->left, 0);
  EXPECT_EQ(manifest(runs, "S0/trial-2")["outcome"]["status"], "ok");
  o.only = {"S9"};
  auto unknown = run_matrix(*plan, o);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("S9"), std::string::npos);
}

}  // namespace
}  // namespace l4lab::matrix

#include "matrix/slurm_plan.h"

#include <gtest/gtest.h>

namespace l4lab::matrix {
namespace {

TEST(SlurmPlan, ParsesRunIds) {
  auto r = parse_run_id("C1-fp8/trial-2");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->config, "C1-fp8");
  EXPECT_EQ(r->trial, 2);
  EXPECT_EQ(r->rel(), "C1-fp8/trial-2");
  EXPECT_FALSE(parse_run_id("C1").ok());
  EXPECT_FALSE(parse_run_id("C1/trial-x").ok());
  EXPECT_FALSE(parse_run_id("C1/trial-0").ok());
}

TEST(SlurmPlan, JobsFileRoundTripsAndDropsATornLine) {
  const std::string text = jobs_file_line("12", {{"C1", 1}, {"C2", 1}}) + "\n" +
                           jobs_file_line("15", {{"C2", 1}}) + "\n{\"job_id\": \"1";
  auto t = parse_jobs_file(text, "slurm_jobs.jsonl");
  ASSERT_TRUE(t.ok()) << t.error().message();
  ASSERT_EQ(t->size(), 3u);
  EXPECT_EQ((*t)[1].task_id(), "12_1");
  EXPECT_EQ((*t)[1].run.config, "C2");
  EXPECT_EQ((*t)[2].task_id(), "15_0");
  auto bad = parse_jobs_file("{\"job_id\": 3}\n", "j.jsonl");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("j.jsonl:1"), std::string::npos);
}

TEST(SlurmPlan, ParsesSacctAndSqueueLines) {
  const std::string sacct =
      "12_0|COMPLETED|n1\n12_0.batch|COMPLETED|n1\n12_1|CANCELLED by 0|n2\n"
      "12_2|TIMEOUT|n1\n12_[3-4,6%2]|PENDING|None assigned\n13|NODE_FAIL|n2\n";
  auto s = parse_slurm_states(sacct);
  ASSERT_TRUE(s.ok()) << s.error().message();
  ASSERT_EQ(s->size(), 7u);
  EXPECT_EQ((*s)[1].state, "CANCELLED");
  EXPECT_EQ((*s)[1].node, "n2");
  EXPECT_EQ((*s)[3].task_id, "12_3");
  EXPECT_EQ((*s)[4].task_id, "12_4");
  EXPECT_EQ((*s)[5].task_id, "12_6");
  EXPECT_EQ((*s)[5].node, "");
  EXPECT_EQ((*s)[6].state, "NODE_FAIL");
  auto bad = parse_slurm_states("12_0 COMPLETED\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("line 1"), std::string::npos);
}

TEST(SlurmPlan, MapsStatesToOutcomes) {
  EXPECT_TRUE(slurm_verdict("COMPLETED").terminal);
  EXPECT_EQ(slurm_verdict("COMPLETED").status, "");
  EXPECT_EQ(slurm_verdict("CANCELLED").status, "cancelled");
  EXPECT_EQ(slurm_verdict("TIMEOUT").status, "timeout");
  EXPECT_EQ(slurm_verdict("NODE_FAIL").status, "node_fail");
  EXPECT_EQ(slurm_verdict("OUT_OF_MEMORY").status, "oom");
  EXPECT_EQ(slurm_verdict("PREEMPTED").status, "preempted");
  EXPECT_EQ(slurm_verdict("FAILED").status, "slurm_failed");
  for (const char* s : {"PENDING", "RUNNING", "COMPLETING", "REQUEUED", "SUSPENDED"})
    EXPECT_FALSE(slurm_verdict(s).terminal) << s;
  EXPECT_TRUE(redo_status("cancelled"));
  EXPECT_TRUE(redo_status("timeout"));
  EXPECT_TRUE(redo_status("node_fail"));
  EXPECT_FALSE(redo_status("ok"));
  EXPECT_FALSE(redo_status("oom"));  // as locally: an OOM would happen again
  EXPECT_FALSE(redo_status("crashed"));
}

TEST(SlurmPlan, SubmitsOnlyRunsNeitherFinishedNorLive) {
  const std::vector<RunId> order = {{"C1", 1}, {"C2", 1}, {"C1", 2}, {"C2", 2}};
  auto r = runs_to_submit(order, {{"C1", 1}}, {{"C2", 2}});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].rel(), "C2/trial-1");
  EXPECT_EQ(r[1].rel(), "C1/trial-2");
}

TEST(SlurmPlan, SubmissionHonoursOnlyAndMaxRuns) {
  const std::vector<RunId> order = {{"C1", 1}, {"C2", 1}, {"C1", 2}, {"C2", 2}, {"C1", 3}};
  auto all = plan_submission(order, {{"C1", 1}}, {}, {}, 0);
  EXPECT_EQ(all.todo.size(), 4u);
  EXPECT_EQ(all.not_selected, 0);
  EXPECT_EQ(all.left, 0);
  auto only = plan_submission(order, {{"C1", 1}}, {{"C2", 2}}, {"C1"}, 1);
  ASSERT_EQ(only.todo.size(), 1u);
  EXPECT_EQ(only.todo[0].rel(), "C1/trial-2");
  EXPECT_EQ(only.not_selected, 1);  // C2/trial-1 (C2/trial-2 is live, not counted)
  EXPECT_EQ(only.left, 1);          // C1/trial-3, past --max-runs 1
}

TEST(SlurmPlan, FollowsATaskByItsStateAndTheRunsOwnLine) {
  const SlurmTaskState running{"12_0", "RUNNING", "n1"};
  const SlurmTaskState timeout{"12_0", "TIMEOUT", "n1"};
  const SlurmTaskState completed{"12_0", "COMPLETED", "n1"};
  EXPECT_EQ(follow_task(running, "").action, TaskFollow::kLive);
  EXPECT_EQ(follow_task(running, "ok").action, TaskFollow::kLive);
  // Ended without its own line: Slurm's word, with the reason.
  auto f = follow_task(timeout, "");
  EXPECT_EQ(f.action, TaskFollow::kRecord);
  EXPECT_EQ(f.status, "timeout");
  EXPECT_EQ(f.reason, "the task ran past its --time limit");
  EXPECT_EQ(follow_task(completed, "").status, "slurm_failed");
  EXPECT_EQ(follow_task(completed, "").reason, "it recorded no outcome");
  // Its own line wins, unless it is one a later run does again.
  EXPECT_EQ(follow_task(timeout, "ok").action, TaskFollow::kNothing);
  EXPECT_EQ(follow_task(timeout, "interrupted").action, TaskFollow::kRecord);
  // Purged with no accounting: slurm_failed, silently.
  f = follow_task(std::nullopt, "");
  EXPECT_EQ(f.action, TaskFollow::kRecord);
  EXPECT_EQ(f.status, "slurm_failed");
  EXPECT_EQ(follow_task(std::nullopt, "crashed").action, TaskFollow::kNothing);
  EXPECT_EQ(follow_task(std::nullopt, "cancelled").action, TaskFollow::kRecord);
}

TEST(SlurmPlan, SbatchArgvIsDataNotAShellString) {
  SlurmSpec plan;
  plan.partition = "l4";
  plan.gres = "gpu:1";
  plan.time = "01:00:00";
  plan.sbatch_args = {"--qos=normal"};
  SlurmSpec flags;
  flags.time = "00:30:00";
  flags.account = "lab; rm -rf /";
  flags.sbatch_args = {"--exclusive"};
  const auto res = merge_slurm(plan, flags);
  const auto a = sbatch_argv(res, "l4lab-x", 8, "/runs/slurm/%A_%a.log", "/runs/slurm/task.sh",
                             {"/bin/l4lab", "matrix", "run-one"});
  const std::vector<std::string> want = {"sbatch",
                                         "--parsable",
                                         "--hold",
                                         "--job-name=l4lab-x",
                                         "--array=0-7",
                                         "--ntasks=1",
                                         "--output=/runs/slurm/%A_%a.log",
                                         "--partition=l4",
                                         "--gres=gpu:1",
                                         "--time=00:30:00",
                                         "--account=lab; rm -rf /",
                                         "--qos=normal",
                                         "--exclusive",
                                         "/runs/slurm/task.sh",
                                         "/bin/l4lab",
                                         "matrix",
                                         "run-one"};
  EXPECT_EQ(a, want);
}

TEST(SlurmPlan, FindsJobsOfTheFolderItDoesNotRecord) {
  EXPECT_EQ(slurm_job_name("study", "/runs/a"), slurm_job_name("study", "/runs/a"));
  EXPECT_NE(slurm_job_name("study", "/runs/a"), slurm_job_name("study", "/runs/b"));
  // 12: a held array (both tasks); 15_0 runs as job 16; 20: a job of no array.
  auto o = orphan_jobs(
      "12|12|PENDING|JobHeldUser\n12|13|PENDING|JobHeldUser\n15|16|RUNNING|None\n"
      "N/A|20|PENDING|JobHeldUser\n",
      {"15"});
  ASSERT_TRUE(o.ok()) << o.error().message();
  EXPECT_EQ(*o, (std::vector<std::string>{"12", "20"}));
  EXPECT_FALSE(orphan_jobs("x|y\n", {}).ok());
}

TEST(SlurmPlan, ReadsTheJobIdSbatchPrints) {
  EXPECT_EQ(*parse_sbatch_output("12\n"), "12");
  EXPECT_EQ(*parse_sbatch_output("sbatch: warning: x\n34;cluster\n"), "34");
  auto bad = parse_sbatch_output("sbatch: error: invalid partition\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("invalid partition"), std::string::npos);
}

}  // namespace
}  // namespace l4lab::matrix

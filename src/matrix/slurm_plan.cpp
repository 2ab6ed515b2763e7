#include "matrix/slurm_plan.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/files.h"
#include "common/text.h"

namespace l4lab::matrix {

namespace {

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// One non-blank line of Slurm's '|'-separated output (sacct/squeue --parsable
// style), numbered from 1 as the text counts its lines.
struct PipeRow {
  int line_no = 0;
  std::string line;
  std::vector<std::string> cols;
};

std::vector<PipeRow> pipe_rows(const std::string& text) {
  std::vector<PipeRow> rows;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    auto cols = split(line, '|');
    rows.push_back({line_no, line, std::move(cols)});
  }
  return rows;
}

}  // namespace

Result<RunId> parse_run_id(const std::string& text) {
  const auto slash = text.rfind("/trial-");
  if (slash == std::string::npos || slash == 0 || !all_digits(text.substr(slash + 7)))
    return Error("run '" + text + "': expected CONFIG/trial-N");
  RunId id{text.substr(0, slash), std::stoi(text.substr(slash + 7))};
  if (id.trial < 1) return Error("run '" + text + "': trials count from 1");
  return id;
}

Result<std::vector<SubmittedTask>> parse_jobs_file(const std::string& text,
                                                   const std::string& file) {
  std::vector<SubmittedTask> out;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;  // torn last line
    ++line_no;
    const std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (trim(line).empty()) continue;
    const std::string where = file + ":" + std::to_string(line_no);
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("job_id") || !j["job_id"].is_string() ||
        !j.contains("runs") || !j["runs"].is_array())
      return Error(where + ": expected {\"job_id\": \"...\", \"runs\": [...]}");
    int index = 0;
    for (const auto& r : j["runs"]) {
      if (!r.is_string()) return Error(where + ": runs must be strings");
      auto id = parse_run_id(r.get<std::string>());
      if (!id.ok()) return id.error().context(where);
      out.push_back({j["job_id"].get<std::string>(), index++, *id});
    }
  }
  return out;
}

std::string jobs_file_line(const std::string& job_id, const std::vector<RunId>& runs) {
  nlohmann::json j = {{"job_id", job_id}, {"runs", nlohmann::json::array()}};
  for (const auto& r : runs) j["runs"].push_back(r.rel());
  return j.dump();
}

Result<std::vector<SlurmTaskState>> parse_slurm_states(const std::string& text) {
  std::vector<SlurmTaskState> out;
  for (const auto& [line_no, line, cols] : pipe_rows(text)) {
    if (cols.size() < 3)
      return Error("Slurm state line " + std::to_string(line_no) + " '" + line +
                   "': expected JobID|State|NodeList");
    const std::string id = trim(cols[0]);
    if (id.find('.') != std::string::npos) continue;  // a job step
    std::string state = trim(cols[1]);
    if (auto sp = state.find(' '); sp != std::string::npos) state = state.substr(0, sp);
    if (state.empty())
      return Error("Slurm state line " + std::to_string(line_no) + " '" + line + "': no state");
    std::string node = trim(cols[2]);
    if (node == "None assigned" || node == "(null)") node.clear();
    const auto us = id.find('_');
    if (us == std::string::npos) {
      out.push_back({id, state, node});
      continue;
    }
    const std::string job = id.substr(0, us), rest = id.substr(us + 1);
    if (all_digits(rest)) {
      out.push_back({id, state, node});
      continue;
    }
    // A pending range: 12_[0-3,5,7-9%2].
    if (rest.size() < 2 || rest.front() != '[' || rest.back() != ']')
      return Error("Slurm state line " + std::to_string(line_no) + ": job id '" + id +
                   "' is neither N, N_M nor N_[ranges]");
    std::string body = rest.substr(1, rest.size() - 2);
    if (auto pct = body.find('%'); pct != std::string::npos) body = body.substr(0, pct);
    for (const auto& part : split(body, ',')) {
      const auto dash = part.find('-');
      const std::string a = part.substr(0, dash);
      const std::string b = dash == std::string::npos ? a : part.substr(dash + 1);
      if (!all_digits(a) || !all_digits(b))
        return Error("Slurm state line " + std::to_string(line_no) + ": bad array range '" + part +
                     "' in " + id);
      for (int i = std::stoi(a); i <= std::stoi(b); ++i)
        out.push_back({job + "_" + std::to_string(i), state, node});
    }
  }
  return out;
}

SlurmVerdict slurm_verdict(const std::string& state) {
  if (state == "COMPLETED") return {true, "", ""};
  if (state == "CANCELLED") return {true, "cancelled", "Slurm cancelled the task (scancel)"};
  if (state == "TIMEOUT") return {true, "timeout", "the task ran past its --time limit"};
  if (state == "NODE_FAIL")
    return {true, "node_fail", "the node the task ran on failed or was set DOWN"};
  if (state == "OUT_OF_MEMORY")
    return {true, "oom", "Slurm killed the task for exceeding its memory allocation"};
  if (state == "PREEMPTED") return {true, "preempted", "a higher-priority job preempted it"};
  if (state == "FAILED" || state == "BOOT_FAIL" || state == "DEADLINE" || state == "REVOKED")
    return {true, "slurm_failed",
            "the task ended " + state + " without recording an outcome (see its slurm log)"};
  // PENDING, RUNNING, CONFIGURING, COMPLETING, REQUEUED, RESIZING, SUSPENDED,
  // STOPPED, SIGNALING, STAGE_OUT, SPECIAL_EXIT, REQUEUE_HOLD, ...
  return {false, "", ""};
}

bool redo_status(const std::string& status) {
  return status == "interrupted" || status == "cancelled" || status == "timeout" ||
         status == "node_fail" || status == "preempted" || status == "slurm_failed";
}

std::vector<RunId> runs_to_submit(const std::vector<RunId>& plan_order,
                                  const std::set<RunId>& finished, const std::set<RunId>& live) {
  std::vector<RunId> out;
  for (const auto& r : plan_order)
    if (!finished.count(r) && !live.count(r)) out.push_back(r);
  return out;
}

SubmitPlan plan_submission(const std::vector<RunId>& plan_order, const std::set<RunId>& finished,
                           const std::set<RunId>& live, const std::vector<std::string>& only,
                           int max_runs) {
  SubmitPlan plan;
  for (const auto& r : runs_to_submit(plan_order, finished, live)) {
    if (!only.empty() && std::find(only.begin(), only.end(), r.config) == only.end()) {
      ++plan.not_selected;
      continue;
    }
    if (max_runs > 0 && static_cast<int>(plan.todo.size()) >= max_runs) {
      ++plan.left;
      continue;
    }
    plan.todo.push_back(r);
  }
  return plan;
}

TaskFollow follow_task(const std::optional<SlurmTaskState>& slurm, const std::string& own) {
  const bool own_stands = !own.empty() && !redo_status(own);
  if (!slurm) {
    if (own_stands) return {};
    return {TaskFollow::kRecord, "slurm_failed", ""};
  }
  const auto v = slurm_verdict(slurm->state);
  if (!v.terminal) return {TaskFollow::kLive, "", ""};
  if (own_stands) return {};
  return {TaskFollow::kRecord, v.status.empty() ? "slurm_failed" : v.status,
          v.reason.empty() ? "it recorded no outcome" : v.reason};
}

SlurmSpec merge_slurm(const SlurmSpec& plan, const SlurmSpec& flags) {
  SlurmSpec s = plan;
  auto take = [](std::string& to, const std::string& from) {
    if (!from.empty()) to = from;
  };
  take(s.partition, flags.partition);
  take(s.gres, flags.gres);
  take(s.time, flags.time);
  take(s.account, flags.account);
  take(s.mem, flags.mem);
  take(s.runs_dir, flags.runs_dir);
  if (flags.cpus_per_task > 0) s.cpus_per_task = flags.cpus_per_task;
  s.sbatch_args.insert(s.sbatch_args.end(), flags.sbatch_args.begin(), flags.sbatch_args.end());
  return s;
}

std::vector<std::string> sbatch_argv(const SlurmSpec& res, const std::string& job_name, int n_tasks,
                                     const std::string& log_pattern, const std::string& script,
                                     const std::vector<std::string>& script_args) {
  std::vector<std::string> a = {"sbatch",
                                "--parsable",
                                "--hold",
                                "--job-name=" + job_name,
                                "--array=0-" + std::to_string(n_tasks - 1),
                                "--ntasks=1",
                                "--output=" + log_pattern};
  if (!res.partition.empty()) a.push_back("--partition=" + res.partition);
  if (!res.gres.empty()) a.push_back("--gres=" + res.gres);
  if (!res.time.empty()) a.push_back("--time=" + res.time);
  if (!res.account.empty()) a.push_back("--account=" + res.account);
  if (!res.mem.empty()) a.push_back("--mem=" + res.mem);
  if (res.cpus_per_task > 0) a.push_back("--cpus-per-task=" + std::to_string(res.cpus_per_task));
  a.insert(a.end(), res.sbatch_args.begin(), res.sbatch_args.end());
  a.push_back(script);
  a.insert(a.end(), script_args.begin(), script_args.end());
  return a;
}

std::string slurm_job_name(const std::string& plan_name, const std::string& runs_dir) {
  return "l4lab-" + plan_name + "-" + sha256_hex(runs_dir).substr(0, 8);
}

Result<std::vector<std::string>> orphan_jobs(const std::string& squeue_out,
                                             const std::set<std::string>& recorded) {
  std::vector<std::string> out;
  for (const auto& [line_no, line, cols] : pipe_rows(squeue_out)) {
    if (cols.size() < 3 || !all_digits(trim(cols[1])))
      return Error("squeue line " + std::to_string(line_no) + " '" + line +
                   "': expected ArrayJobID|JobID|State|...");
    const std::string base = trim(cols[0]), own = trim(cols[1]);
    if (recorded.count(base) || recorded.count(own)) continue;
    const std::string id = all_digits(base) ? base : own;
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

Result<std::string> parse_sbatch_output(const std::string& out) {
  std::istringstream in(out);
  std::string line;
  // sbatch may print warnings before the id; the id is the last line.
  std::string last;
  while (std::getline(in, line))
    if (!trim(line).empty()) last = trim(line);
  const std::string id = last.substr(0, last.find(';'));
  if (!all_digits(id)) return Error("sbatch printed no job id: '" + trim(out) + "'");
  return id;
}

}  // namespace l4lab::matrix

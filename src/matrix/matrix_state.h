// RUNS_DIR/matrix_state.jsonl: one line per finished run
// ({config, trial, status, dir, ended_at[, slurm_task]}). A run whose latest
// line has a final status is never redone; `interrupted` runs get no line,
// so a restart redoes them, and the Slurm executor's statuses for runs that
// did not end by their own rule (cancelled, timeout, node_fail, ...;
// slurm_plan.h redo_status) are redone too.
//
// Several writers may share the file: the Slurm executor's tasks, one per
// run, on several nodes, plus the submitter. Each access takes a POSIX
// record lock (fcntl F_SETLKW, which NFS also honours through its lock
// manager) on the file itself: a line is appended with one write(2) and
// fsync'd under the lock, and a reader sees only whole lines. One shared
// file keeps the format and every reader of it unchanged; per-run files
// would have needed a merge step.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>

#include "common/result.h"

namespace l4lab::matrix {

class MatrixState {
 public:
  // Reads existing lines (a torn last line is truncated away under the lock).
  Status open(const std::string& path);
  // Reads the file again (lines other processes appended since).
  Status reload() { return open(path_); }
  bool finished(const std::string& config, int trial) const;
  // The latest status recorded for the run, "" if none.
  std::string status(const std::string& config, int trial) const;
  // slurm_task: the Slurm array task ("12_3") whose end this line records, if any.
  Status record(const std::string& config, int trial, const std::string& status,
                const std::string& dir, const std::string& ended_at,
                const std::string& slurm_task = "");
  size_t finished_count() const;
  // Slurm tasks whose end has a line already (so it is recorded once).
  bool task_recorded(const std::string& task_id) const { return tasks_.count(task_id) > 0; }

 private:
  std::string path_;
  std::map<std::pair<std::string, int>, std::string> last_;
  std::set<std::string> tasks_;
};

}  // namespace l4lab::matrix

// RUNS_DIR/matrix_state.jsonl: one line per finished run
// ({config, trial, status, dir, ended_at}). A run with a line is never redone;
// `interrupted` runs get no line, so a restart redoes them.
#pragma once

#include <set>
#include <string>
#include <utility>

#include "common/jsonl_writer.h"
#include "common/result.h"

namespace l4lab::matrix {

class MatrixState {
 public:
  // Reads existing lines (a torn last line is dropped), then opens for append.
  Status open(const std::string& path);
  bool finished(const std::string& config, int trial) const;
  Status record(const std::string& config, int trial, const std::string& status,
                const std::string& dir, const std::string& ended_at);
  size_t finished_count() const { return done_.size(); }

 private:
  std::set<std::pair<std::string, int>> done_;
  JsonlWriter out_;
};

}  // namespace l4lab::matrix

// The `l4lab workload` commands as functions: src/cli/workload_commands.cpp
// parses the command line into these options and returns what they return
// as the exit status (0 ok, 1 a check failed, 2 bad usage or input).
#pragma once

#include <string>
#include <vector>

#include "workload/workload_builder.h"
#include "workload/workload_checker.h"

namespace l4lab::workload {

// `workload build`: BuildOptions plus the raw TASK=N and column specs.
struct WorkloadBuildOptions {
  BuildOptions o;
  std::vector<std::string> max_new, columns;
  std::string summarisation, qa, dialogue;
};

// Hidden `workload tokenize`.
struct WorkloadTokenizeOptions {
  std::string tokenizer;
  bool text_mode = false;
  bool json = true;
};

int run_workload_build(const WorkloadBuildOptions& o);
int run_workload_check(const std::string& file, const CheckOptions& o);
// Hidden debug/oracle command: one JSON object per input line,
// {"messages":[...]} (or {"text":"..."} with --text) -> {"ids":[...]} or
// {"error":"..."}. The Python oracle test drives it.
int run_workload_tokenize(const WorkloadTokenizeOptions& o);

}  // namespace l4lab::workload

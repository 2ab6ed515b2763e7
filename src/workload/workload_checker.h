// `l4lab workload check FILE`: re-tokenises every request and validates every
// invariant of prompts.jsonl (docs/FORMATS.md, docs/WORKLOAD.md). Problems
// name the line, the request and the invariant broken.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "workload/chat_template.h"
#include "workload/workload_builder.h"

namespace l4lab::workload {

struct CheckOptions {
  std::string tokenizer;   // "" = Mistral v3 default
  std::string count_with;  // engine URL: count with its /tokenize
  std::string count_with_model;
  int max_context = 0;    // 0: the manifest's, else 8192
  int tolerance = 8;      // allowed |request_prompt_tokens - target_prompt_tokens|
  bool uncached = false;  // plain libsentencepiece, no word cache (independent path)
  int threads = 0;
};

struct CheckProblem {
  size_t line = 0;  // 0: the file as a whole (manifest)
  std::string request_id, invariant, detail;
};

struct CheckReport {
  std::vector<CheckProblem> problems;
  std::map<std::string, CellStats> cells;
  size_t count = 0;
  int max_context = 0;
  std::string tokenizer_id;
};

// Errors only when the check cannot run (file unreadable, tokenizer missing);
// a bad workload gives a report with problems.
Result<CheckReport> check_workload(const std::string& path, const CheckOptions& options);

// The per-line part of check_workload, on text already read (`source` names
// it in messages): every line parsed, counted with `counter` and held to the
// invariants, problems appended to `rep` (whose max_context must be set).
// No file or manifest; what the fuzz target workload_check_fuzz drives.
void check_workload_lines(std::string_view text, const std::string& source,
                          const Tokenizer& tokenizer, const ChatTemplate& counter,
                          const CheckOptions& options, CheckReport& rep);

}  // namespace l4lab::workload

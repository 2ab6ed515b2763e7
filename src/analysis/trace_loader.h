// Reads traces.jsonl (docs/FORMATS.md) into RequestSamples, tolerantly: a bad
// line is skipped with a warning naming file:line and the field at fault, a
// torn last line (no newline: the writer was killed mid-line) is dropped with
// a warning, and every other line is still used. simdjson on-demand keeps a
// 8 configs x 3 trials x 1800 requests study well under a second to parse.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/run_data.h"
#include "common/result.h"

namespace l4lab::analysis {

struct TraceLoad {
  std::vector<RequestSample> requests;
  std::vector<std::string> warnings;
  size_t lines_skipped = 0;
};

// `name` is how messages refer to the file (e.g. "C1/trial-1/traces.jsonl").
TraceLoad parse_traces(std::string_view content, const std::string& name);
Result<TraceLoad> load_traces(const std::string& path, const std::string& name);

}  // namespace l4lab::analysis

// Reads traces.jsonl (docs/FORMATS.md) through the traces library's tolerant
// reader (src/traces: one TraceRecord per good line, an error naming
// file:line:field for each bad line, a torn last line dropped) and reduces
// each record to the RequestSample analysis works on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/run_data.h"
#include "common/result.h"
#include "traces/trace_record.h"

namespace l4lab::analysis {

struct TraceLoad {
  std::vector<RequestSample> requests;
  std::vector<std::string> warnings;  // "name:line: why; line skipped"
  size_t lines_skipped = 0;
};

// `chunk_t` is scratch space for the chunk arrival times.
RequestSample to_sample(const traces::TraceRecord& rec, std::vector<int64_t>& chunk_t);
// `name` is how messages refer to the file (e.g. "C1/trial-1/traces.jsonl").
TraceLoad parse_trace_text(std::string_view content, const std::string& name);
Result<TraceLoad> load_traces(const std::string& path, const std::string& name);

}  // namespace l4lab::analysis

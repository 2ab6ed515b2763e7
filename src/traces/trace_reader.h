// Reads a traces.jsonl. A garbled line or a torn last line (a bench killed
// mid-write) does not hide the good lines: each bad line is reported with
// its number and the records of all good lines are returned.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "traces/trace_record.h"

namespace l4lab::traces {

struct TraceLineError {
  size_t line = 0;      // 1-based
  std::string message;  // "path:line: field 'x': ..."
};

struct TraceFile {
  std::vector<TraceRecord> records;
  std::vector<TraceLineError> errors;
  bool torn_last_line = false;  // last line had no newline (and was not used)
};

// Fails only if the file cannot be read; a missing file is an error.
Result<TraceFile> read_traces(const std::string& path);
// Same, over text already in memory; `name` is used in messages.
TraceFile parse_traces(std::string_view text, const std::string& name);

}  // namespace l4lab::traces

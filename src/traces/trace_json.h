// traces.jsonl line <-> TraceRecord. Encoding appends to a caller-owned,
// reused buffer (the client writes one line per finished request); decoding
// uses simdjson and names the field at fault.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "traces/trace_record.h"

namespace l4lab::traces {

// Appends one JSON object (no trailing newline) to `out`.
void encode_trace(const TraceRecord& r, std::string& out);
std::string encode_trace(const TraceRecord& r);

// Appends `s` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view s);

// Decodes one line. Holds a reusable simdjson parser; not thread-safe.
class TraceDecoder {
 public:
  TraceDecoder();
  ~TraceDecoder();
  TraceDecoder(const TraceDecoder&) = delete;
  TraceDecoder& operator=(const TraceDecoder&) = delete;
  // Errors read "field 'x': expected integer" etc.; callers prefix file:line.
  Result<TraceRecord> decode(std::string_view line);

 private:
  struct Impl;
  Impl* impl_;
};

Result<TraceRecord> decode_trace(std::string_view line);

}  // namespace l4lab::traces

// Appends TraceRecords to traces.jsonl, one write(2) per line as each
// request ends, so a killed bench leaves every finished request on disk.
#pragma once

#include <string>

#include "common/jsonl_writer.h"
#include "common/result.h"
#include "traces/trace_record.h"

namespace l4lab::traces {

class TraceWriter {
 public:
  // append=true (resume) keeps earlier lines and drops a torn last one.
  Status open(const std::string& path, bool append);
  Status write(const TraceRecord& r);
  Status sync() { return out_.sync(); }
  void close() { out_.close(); }
  size_t lines_written() const { return lines_; }

 private:
  JsonlWriter out_;
  std::string buf_;
  size_t lines_ = 0;
};

}  // namespace l4lab::traces

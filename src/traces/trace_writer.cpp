#include "traces/trace_writer.h"

#include "traces/trace_json.h"

namespace l4lab::traces {

Status TraceWriter::open(const std::string& path, bool append) {
  lines_ = 0;
  return out_.open(path, append);
}

Status TraceWriter::write(const TraceRecord& r) {
  buf_.clear();
  encode_trace(r, buf_);
  L4_TRY_STATUS(out_.write_line(buf_));
  ++lines_;
  return Status::Ok();
}

}  // namespace l4lab::traces

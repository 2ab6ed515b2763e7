#include "client/sse_parser.h"

#include <cstring>

namespace l4lab::client {

void SseParser::reset() {
  line_.clear();
  data_.clear();
  has_data_ = false;
  error_.clear();
}

bool SseParser::feed(std::string_view bytes, Sink& sink) {
  while (!bytes.empty()) {
    const char* nl = static_cast<const char*>(std::memchr(bytes.data(), '\n', bytes.size()));
    if (!nl) {
      if (line_.size() + bytes.size() > kMaxLine) {
        error_ = "SSE line longer than 4 MiB";
        return false;
      }
      line_.append(bytes);
      return true;
    }
    size_t n = size_t(nl - bytes.data());
    std::string_view l;
    if (line_.empty()) {
      l = bytes.substr(0, n);  // fast path: the whole line is in this read
    } else {
      line_.append(bytes.data(), n);
      l = line_;
    }
    bytes.remove_prefix(n + 1);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    bool go = line(l, sink);
    line_.clear();
    if (!go) return false;
  }
  return true;
}

bool SseParser::line(std::string_view l, Sink& sink) {
  if (l.empty()) {  // blank line: dispatch
    if (!has_data_) return true;
    has_data_ = false;
    bool go = sink.on_event(data_);
    data_.clear();
    return go;
  }
  if (l[0] == ':') return true;  // comment / keep-alive
  size_t colon = l.find(':');
  if (colon == std::string_view::npos) {
    error_ = "SSE line without a field name: '" + std::string(l.substr(0, 80)) + "'";
    return false;
  }
  std::string_view field = l.substr(0, colon);
  std::string_view value = l.substr(colon + 1);
  if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
    return true;
  }
  if (field == "event" || field == "id" || field == "retry") return true;
  error_ = "unexpected SSE field '" + std::string(field.substr(0, 40)) + "'";
  return false;
}

}  // namespace l4lab::client

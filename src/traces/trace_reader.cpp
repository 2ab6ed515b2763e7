#include "traces/trace_reader.h"

#include <fmt/format.h>

#include "common/files.h"
#include "traces/trace_json.h"

namespace l4lab::traces {

TraceFile parse_traces(std::string_view text, const std::string& name) {
  TraceFile f;
  TraceDecoder dec;
  size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    ++line_no;
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      // No newline: the writer died mid-line. Never trust it, even if it parses.
      f.torn_last_line = true;
      f.errors.push_back(
          {line_no, fmt::format("{}:{}: torn last line (no newline), ignored", name, line_no)});
      break;
    }
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto r = dec.decode(line);
    if (r.ok())
      f.records.push_back(std::move(r.value()));
    else
      f.errors.push_back({line_no, fmt::format("{}:{}: {}", name, line_no, r.error().message())});
  }
  return f;
}

Result<TraceFile> read_traces(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  return parse_traces(*text, path);
}

}  // namespace l4lab::traces

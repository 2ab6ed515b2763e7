#include "analysis/trace_loader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "analysis/request_sample.h"
#include "traces/trace_reader.h"

namespace l4lab::analysis {

RequestSample to_sample(const traces::TraceRecord& rec, std::vector<int64_t>& chunk_t) {
  RequestSample s;
  s.request_id = rec.request_id;
  s.task = rec.task;
  s.bucket = rec.bucket;
  s.measured = rec.phase == traces::Phase::measured;
  s.phase = std::string(traces::phase_name(rec.phase));
  s.ok = rec.ok;
  s.failure_class = std::string(traces::failure_class_name(rec.failure_class));
  s.failure_detail = rec.failure_detail.value_or("");
  s.error = rec.error.value_or("");
  s.http_status = rec.http_status.value_or(0);
  s.t_scheduled_ns = rec.t_scheduled_ns;
  s.t_sent_ns = rec.t_sent_ns;
  s.t_first_token_ns = rec.t_first_token_ns;
  s.t_end_ns = rec.t_end_ns;
  s.prompt_tokens_pre_send = rec.prompt_tokens_pre_send.value_or(0);
  s.usage_prompt_tokens = rec.usage_prompt_tokens;
  s.completion_tokens = rec.usage_completion_tokens.value_or(0);
  s.prompt_count_mismatch = rec.prompt_count_mismatch;
  chunk_t.clear();
  for (const auto& c : rec.chunks) chunk_t.push_back(c.t_ns);
  derive_latencies(s, chunk_t);
  return s;
}

TraceLoad parse_trace_text(std::string_view content, const std::string& name) {
  TraceLoad out;
  traces::TraceFile f = l4lab::traces::parse_traces(content, name);
  out.lines_skipped = f.errors.size();
  for (auto& e : f.errors) out.warnings.push_back(e.message + "; line skipped");
  out.requests.reserve(f.records.size());
  std::vector<int64_t> chunk_t;
  for (const auto& rec : f.records) out.requests.push_back(to_sample(rec, chunk_t));
  return out;
}

namespace {

// One read(2) sequence into an exactly sized buffer: traces are the bulk of a
// study (~120 MB at 8 x 3 x 1800), and a stream-based read copies them
// several times over.
Result<std::string> read_whole(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  struct stat st {};
  std::string out;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  for (;;) {
    if (got == out.size()) out.resize(std::max<size_t>(4096, out.size() * 2));
    const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      return Error(fmt::format("{}: read error: {}", path, std::strerror(e)));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  out.resize(got);
  return out;
}

}  // namespace

Result<TraceLoad> load_traces(const std::string& path, const std::string& name) {
  auto content = read_whole(path);
  if (!content.ok()) return content.error();
  return parse_trace_text(*content, name);
}

}  // namespace l4lab::analysis

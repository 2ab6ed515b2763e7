#include "engine/engine_log.h"

#include <regex>
#include <vector>

namespace l4lab::engine {

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string l = text.substr(start, end - start);
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(std::move(l));
    start = end + 1;
  }
  return lines;
}

std::string clip(const std::string& s, size_t n = 2000) {
  return s.size() <= n ? s : s.substr(0, n) + "...";
}

}  // namespace

std::string tail_lines(const std::string& text, int n) {
  auto lines = split_lines(text);
  std::string out;
  const size_t from = lines.size() > static_cast<size_t>(n) ? lines.size() - n : 0;
  for (size_t i = from; i < lines.size(); ++i) out += lines[i] + "\n";
  return out;
}

Applied check_applied_log(const AppliedCheck& check, const std::string& log) {
  Applied a;
  if (check.evidence_line.empty()) {
    a.evidence = "no applied_check.evidence_line in the configuration";
    return a;
  }
  try {
    const std::regex locate(check.evidence_line);
    std::string found;
    for (const auto& l : split_lines(log))
      if (std::regex_search(l, locate)) found = l;
    if (found.empty()) {
      a.evidence = "no line matching /" + check.evidence_line + "/ in engine.log";
      return a;
    }
    a.evidence = clip(found);
    for (const auto& e : check.expect) {
      if (!std::regex_search(found, std::regex(e))) {
        a.value = "false";
        a.evidence = "expected /" + e + "/ not in: " + clip(found);
        return a;
      }
    }
    a.value = "true";
  } catch (const std::regex_error& e) {
    a.value = "unknown";
    a.evidence = std::string("bad applied_check regex: ") + e.what();
  }
  return a;
}

Applied combine_with_metric(const Applied& from_log, const AppliedCheck& check,
                            std::optional<double> metric_total) {
  if (check.metric.empty() || from_log.value == "false") return from_log;
  Applied a = from_log;
  if (!metric_total) {
    if (a.value == "unknown") a.evidence += "; metric " + check.metric + " absent after the run";
    return a;
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s = %g after the run (needs >= %g)", check.metric.c_str(),
                *metric_total, check.metric_min);
  const bool ok = *metric_total >= check.metric_min;
  if (ok) {
    a.value = "true";
    a.evidence = (from_log.value == "true" ? from_log.evidence + "; " : std::string()) + buf;
  } else {
    a.value = "false";
    a.evidence = std::string(buf) + "; log: " + from_log.evidence;
  }
  return a;
}

DeathVerdict classify_death(const ExitStatus& st, const std::string& log,
                            const std::string& otherwise) {
  static const std::regex oom(
      "CUDA out of memory|OutOfMemoryError|out of memory|Killed process|oom-kill|"
      "Cannot allocate memory|std::bad_alloc",
      std::regex::icase);
  std::string hit;
  for (const auto& l : split_lines(log))
    if (std::regex_search(l, oom)) hit = l;
  if (!hit.empty()) return {"oom", clip(hit) + " (" + st.describe() + ")"};
  if (!st.exited && st.signal == 9)
    return {"oom", st.describe() +
                       " with no OOM message in the log: SIGKILL is what the "
                       "kernel's OOM killer sends"};
  return {otherwise, st.describe()};
}

}  // namespace l4lab::engine

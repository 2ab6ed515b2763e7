// One request's evidence: a plain struct for one line of traces.jsonl
// (docs/FORMATS.md). The client fills it; analysis and report read it back
// through trace_reader. JSON lives only in trace_json.{h,cpp}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace l4lab::traces {

enum class Phase { warmup, measured, cooldown };

// failure_class in traces.jsonl; `none` is written as null (a success).
enum class FailureClass {
  none,
  http_4xx,
  http_5xx,
  timeout,
  connection,
  protocol,
  empty_completion,
  cancelled,
};

std::string_view phase_name(Phase p);
std::optional<Phase> parse_phase(std::string_view s);
// "" for FailureClass::none.
std::string_view failure_class_name(FailureClass c);
std::optional<FailureClass> parse_failure_class(std::string_view s);

// failure_detail values named in docs/FORMATS.md (http_5xx uses the status
// number as its detail, e.g. "503").
namespace detail {
inline constexpr std::string_view kContextOverflow = "context_overflow";
inline constexpr std::string_view kRateLimited = "rate_limited";
inline constexpr std::string_view kBadRequest = "bad_request";
inline constexpr std::string_view kOther = "other";
inline constexpr std::string_view kConnect = "connect";
inline constexpr std::string_view kFirstToken = "first_token";
inline constexpr std::string_view kIdle = "idle";
inline constexpr std::string_view kTotal = "total";
inline constexpr std::string_view kRefused = "refused";
inline constexpr std::string_view kReset = "reset";
inline constexpr std::string_view kClosedMidStream = "closed_mid_stream";
inline constexpr std::string_view kDns = "dns";
inline constexpr std::string_view kTls = "tls";
inline constexpr std::string_view kBadSse = "bad_sse";
inline constexpr std::string_view kBadJson = "bad_json";
inline constexpr std::string_view kMissingUsage = "missing_usage";
inline constexpr std::string_view kMissingDone = "missing_done";
inline constexpr std::string_view kZeroCompletionTokens = "zero_completion_tokens";
inline constexpr std::string_view kFailureBudget = "failure_budget";
inline constexpr std::string_view kInterrupted = "interrupted";
}  // namespace detail

// One content-bearing SSE chunk: arrival (monotonic ns) and token count.
struct TraceChunk {
  int64_t t_ns = 0;
  int64_t n_tokens = 0;
  bool operator==(const TraceChunk&) const = default;
};

struct TraceRecord {
  std::string request_id;
  std::string task;
  std::string bucket;
  Phase phase = Phase::measured;
  int attempt = 0;
  // Monotonic ns; nullopt (null) when the request never got that far.
  std::optional<int64_t> t_scheduled_ns;
  std::optional<int64_t> t_sent_ns;
  std::optional<int64_t> t_first_byte_ns;
  std::optional<int64_t> t_first_token_ns;
  std::optional<int64_t> t_last_token_ns;
  std::optional<int64_t> t_end_ns;
  std::vector<TraceChunk> chunks;
  std::optional<int64_t> prompt_tokens_pre_send;
  std::optional<int64_t> max_tokens;
  std::optional<int64_t> usage_prompt_tokens;
  std::optional<int64_t> usage_completion_tokens;
  // Null when the server reported no prompt usage to compare against.
  std::optional<bool> prompt_count_mismatch;
  std::optional<int> http_status;
  std::optional<std::string> finish_reason;
  bool ok = false;
  FailureClass failure_class = FailureClass::none;
  std::optional<std::string> failure_detail;
  std::optional<std::string> error;

  bool operator==(const TraceRecord&) const = default;
};

}  // namespace l4lab::traces

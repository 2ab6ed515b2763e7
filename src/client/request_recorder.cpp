#include "client/request_recorder.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace l4lab::client {

namespace {
constexpr size_t kMaxErrorBody = 4096;

bool ieq_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}
}  // namespace

void RequestRecorder::start(traces::TraceRecord base, StreamEventDecoder* decoder) {
  rec_ = std::move(base);
  decoder_ = decoder;
  sse_.reset();
  t_now_ = 0;
  status_ = 0;
  done_ = false;
  final_usage_ = false;
  cum_completion_at_last_content_ = 0;
  error_body_.clear();
  stream_error_.clear();
  abort_class_ = traces::FailureClass::none;
  abort_detail_.clear();
  abort_message_.clear();
}

void RequestRecorder::on_header(std::string_view line, int64_t t) {
  if (!rec_.t_first_byte_ns) rec_.t_first_byte_ns = t;
  if (ieq_prefix(line, "http/")) {
    // "HTTP/1.1 200 OK": a later status line (after a 1xx) replaces the first.
    size_t sp = line.find(' ');
    if (sp != std::string_view::npos) {
      int code = 0;
      std::from_chars(line.data() + sp + 1, line.data() + line.size(), code);
      status_ = code;
      rec_.http_status = code;
    }
  }
}

int64_t RequestRecorder::last_progress_ns() const {
  if (rec_.t_last_token_ns) return *rec_.t_last_token_ns;
  return rec_.t_sent_ns.value_or(0);
}

void RequestRecorder::fail(traces::FailureClass c, std::string_view detail, std::string message) {
  if (abort_class_ != traces::FailureClass::none) return;
  abort_class_ = c;
  abort_detail_ = detail;
  abort_message_ = std::move(message);
}

void RequestRecorder::abort(traces::FailureClass c, std::string_view detail, std::string message) {
  fail(c, detail, std::move(message));
}

bool RequestRecorder::on_body(std::string_view bytes, int64_t t) {
  if (!rec_.t_first_byte_ns) rec_.t_first_byte_ns = t;
  if (status_ != 200) {
    if (error_body_.size() < kMaxErrorBody)
      error_body_.append(bytes.substr(0, kMaxErrorBody - error_body_.size()));
    return true;
  }
  if (aborted()) return false;
  // Every event parsed from this read shares its arrival time: the bytes
  // reached the client together, so they are stamped together.
  t_now_ = t;
  if (!sse_.feed(bytes, *this)) {
    if (!aborted())
      fail(traces::FailureClass::protocol, traces::detail::kBadSse, "bad SSE: " + sse_.error());
    return false;
  }
  return true;
}

bool RequestRecorder::on_event(std::string& data) {
  if (done_) {
    fail(traces::FailureClass::protocol, traces::detail::kBadSse, "data after [DONE]");
    return false;
  }
  std::string why;
  if (!decoder_->decode(data, ev_, why)) {
    fail(traces::FailureClass::protocol, traces::detail::kBadJson, std::move(why));
    return false;
  }
  if (ev_.done) {
    done_ = true;
    return true;
  }
  if (ev_.error) {
    stream_error_ = ev_.error_message.empty() ? "error event in stream" : ev_.error_message;
    return true;
  }
  if (ev_.content) {
    // n_tokens: the growth of the server's cumulative completion count since
    // the previous content chunk (tokens of a content-less chunk, e.g. a
    // partial UTF-8 sequence, fold into the next content chunk); 1 when the
    // server sends no per-chunk usage.
    int64_t n = 1;
    if (ev_.usage_completion_tokens) {
      n = *ev_.usage_completion_tokens - cum_completion_at_last_content_;
      cum_completion_at_last_content_ = *ev_.usage_completion_tokens;
    }
    rec_.chunks.push_back({t_now_, n});
    if (!rec_.t_first_token_ns) rec_.t_first_token_ns = t_now_;
    rec_.t_last_token_ns = t_now_;
  }
  if (!ev_.finish_reason.empty()) rec_.finish_reason = ev_.finish_reason;
  // The usage chunk proper: choices empty, usage set (include_usage). With
  // continuous_usage_stats every chunk has usage; only this one is final.
  if (!ev_.has_choices && ev_.usage_completion_tokens) {
    final_usage_ = true;
    rec_.usage_completion_tokens = ev_.usage_completion_tokens;
    rec_.usage_prompt_tokens = ev_.usage_prompt_tokens;
  }
  return true;
}

traces::TraceRecord RequestRecorder::finish(const TransportOutcome& transport, int64_t t_end) {
  rec_.t_end_ns = t_end;
  if (rec_.usage_prompt_tokens && rec_.prompt_tokens_pre_send)
    rec_.prompt_count_mismatch = *rec_.usage_prompt_tokens != *rec_.prompt_tokens_pre_send;
  auto set = [&](traces::FailureClass c, std::string_view d, std::string msg) {
    rec_.ok = false;
    rec_.failure_class = c;
    rec_.failure_detail = std::string(d);
    rec_.error = std::move(msg);
  };
  rec_.ok = true;
  rec_.failure_class = traces::FailureClass::none;
  rec_.failure_detail.reset();
  rec_.error.reset();

  if (aborted()) {
    set(abort_class_, abort_detail_, abort_message_);
  } else if (!transport.ok) {
    // A connection lost mid-body is "closed_mid_stream" / "reset" as the
    // transport says; before any byte it is whatever the transport says.
    set(transport.failure_class, transport.detail, transport.message);
  } else if (status_ != 200) {
    std::string body = error_body_;
    if (status_ >= 500) {
      set(traces::FailureClass::http_5xx, std::to_string(status_),
          fmt::format("HTTP {}: {}", status_, body));
    } else if (status_ >= 400) {
      std::string_view d = traces::detail::kOther;
      if (status_ == 429)
        d = traces::detail::kRateLimited;
      else if (status_ == 400 && (body.find("maximum context length") != std::string::npos ||
                                  body.find("context length") != std::string::npos))
        d = traces::detail::kContextOverflow;
      else if (status_ == 400)
        d = traces::detail::kBadRequest;
      set(traces::FailureClass::http_4xx, d, fmt::format("HTTP {}: {}", status_, body));
    } else {
      set(traces::FailureClass::protocol, "unexpected_status",
          fmt::format("HTTP {} (no response status 200): {}", status_, body));
    }
  } else if (!stream_error_.empty()) {
    set(traces::FailureClass::protocol, "error_event",
        "server sent an error event: " + stream_error_);
  } else if (!done_) {
    set(traces::FailureClass::protocol, traces::detail::kMissingDone,
        sse_.has_partial() ? "stream ended mid-event without data: [DONE]"
                           : "stream ended without data: [DONE]");
  } else if (!final_usage_) {
    set(traces::FailureClass::protocol, traces::detail::kMissingUsage,
        "no usage chunk (choices empty, usage set) before [DONE]");
  } else if (*rec_.usage_completion_tokens <= 0) {
    set(traces::FailureClass::empty_completion, traces::detail::kZeroCompletionTokens,
        "usage.completion_tokens is 0");
  } else if (!rec_.prompt_tokens_pre_send || *rec_.prompt_tokens_pre_send <= 0) {
    set(traces::FailureClass::protocol, "no_prompt_count", "prompt_tokens_pre_send is not > 0");
  }
  return std::move(rec_);
}

}  // namespace l4lab::client

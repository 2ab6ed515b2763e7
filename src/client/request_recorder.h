// The evidence of one streaming request, from send to end, and the strict
// success rule. Pure: the HTTP layer feeds it the status line, body bytes
// with their arrival time and the transport outcome; it returns the
// TraceRecord. Tests drive it directly, with no network.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "client/sse_parser.h"
#include "client/stream_event.h"
#include "traces/trace_record.h"

namespace l4lab::client {

// How the transport ended, already classified (see transport_error.h).
struct TransportOutcome {
  bool ok = true;
  traces::FailureClass failure_class = traces::FailureClass::none;
  std::string detail;
  std::string message;
};

class RequestRecorder : private SseParser::Sink {
 public:
  // `base` carries the ids, phase, attempt, prompt_tokens_pre_send,
  // max_tokens, t_scheduled_ns and t_sent_ns.
  void start(traces::TraceRecord base, StreamEventDecoder* decoder);

  // One response header line (status line included) arriving at t.
  void on_header(std::string_view line, int64_t t);
  // Body bytes arriving at t. False: the stream is broken (bad SSE/JSON);
  // the caller aborts the transfer and then calls finish().
  bool on_body(std::string_view bytes, int64_t t);
  // Ends the request on the client's own decision (timeout, cancel); the
  // first reason given wins.
  void abort(traces::FailureClass c, std::string_view detail, std::string message);

  // Applies the strict success rule; the record is moved out.
  traces::TraceRecord finish(const TransportOutcome& transport, int64_t t_end);

  bool aborted() const { return abort_class_ != traces::FailureClass::none; }
  bool got_first_token() const { return rec_.t_first_token_ns.has_value(); }
  // Last time the stream showed progress (sent, or the latest content chunk).
  int64_t last_progress_ns() const;
  const traces::TraceRecord& record() const { return rec_; }

 private:
  bool on_event(std::string& data) override;
  void fail(traces::FailureClass c, std::string_view detail, std::string message);

  traces::TraceRecord rec_;
  StreamEventDecoder* decoder_ = nullptr;
  SseParser sse_;
  StreamEvent ev_;
  int64_t t_now_ = 0;
  int status_ = 0;
  bool done_ = false;
  bool final_usage_ = false;
  int64_t cum_completion_at_last_content_ = 0;
  std::string error_body_;  // non-200 bodies (capped), for the error message
  std::string stream_error_;
  traces::FailureClass abort_class_ = traces::FailureClass::none;
  std::string abort_detail_, abort_message_;
};

}  // namespace l4lab::client

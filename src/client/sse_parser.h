// Server-sent events (text/event-stream) as OpenAI-compatible servers send
// them: `data: <json>` lines, events ended by a blank line, `: comments`.
// Bytes arrive in arbitrary pieces (a line, even a CRLF, may be split across
// reads); the parser carries the partial line between feeds.
//
// Stricter than the SSE spec on purpose: a field other than data/event/id/
// retry, or a line with no colon, is reported as bad SSE (the spec would
// ignore it) because an LLM server never sends one and a benchmark must not
// silently accept a broken stream.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace l4lab::client {

class SseParser {
 public:
  // Receives each event's data (data lines joined by '\n'). The string is
  // owned by the parser, has spare capacity for simdjson's padding, and may
  // be modified by the sink. Return false to stop parsing.
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual bool on_event(std::string& data) = 0;
  };

  // Feeds bytes; false on bad SSE (see error()) or when the sink stopped.
  bool feed(std::string_view bytes, Sink& sink);
  const std::string& error() const { return error_; }
  // Bytes of a line or event begun but not ended (a stream cut mid-event).
  bool has_partial() const { return !line_.empty() || has_data_; }
  void reset();

  static constexpr size_t kMaxLine = 4 << 20;

 private:
  bool line(std::string_view l, Sink& sink);

  std::string line_;  // partial line carried across feeds
  std::string data_;  // the current event's data
  bool has_data_ = false;
  std::string error_;
};

}  // namespace l4lab::client

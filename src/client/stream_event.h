// One SSE data payload of an OpenAI-compatible streaming response, decoded
// with simdjson on-demand into the few facts the client times: is it content,
// the finish reason, the usage, an error. The text itself is never copied.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace l4lab::client {

struct StreamEvent {
  bool done = false;                           // the `[DONE]` sentinel
  bool has_choices = false;                    // a non-empty `choices` array
  bool content = false;                        // choices[0] carries non-empty delta.content / text
  bool role = false;                           // choices[0].delta.role present (chat's first chunk)
  std::string finish_reason;                   // "" when null/absent
  std::optional<int64_t> usage_prompt_tokens;  // usage present and non-null
  std::optional<int64_t> usage_completion_tokens;
  bool error = false;  // an error object in the stream
  std::string error_message;
};

// Reusable decoder (one per event-loop thread; not thread-safe).
class StreamEventDecoder {
 public:
  StreamEventDecoder();
  ~StreamEventDecoder();
  // `data` may be grown (padding for simdjson) but its content is kept.
  // False on malformed JSON; `why` then says what was wrong.
  bool decode(std::string& data, StreamEvent& out, std::string& why);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace l4lab::client

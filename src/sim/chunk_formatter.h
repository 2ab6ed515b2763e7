// The bytes of one request's responses, in vLLM's JSON layout: SSE chunks for
// streams (chat: a first chunk with the role and empty content, then content
// chunks, the last carrying finish_reason; an optional usage chunk with
// `choices: []`; `data: [DONE]`) and whole bodies otherwise. Built by string
// appends on a per-request prefix: this is the server's hot path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/openai_request.h"

namespace l4lab::sim {

struct Usage {
  int prompt_tokens = 0;
  int completion_tokens = 0;
};

class ChunkFormatter {
 public:
  ChunkFormatter(Endpoint endpoint, std::string_view request_id, int64_t created,
                 std::string_view model);
  // Chat only: {"role":"assistant","content":""}.
  void role_chunk(std::string& out, const Usage* usage) const;
  // finish_reason: nullptr while streaming, else "length" / "stop".
  void content_chunk(std::string& out, std::string_view text, const char* finish_reason,
                     const Usage* usage) const;
  void usage_chunk(std::string& out, const Usage& usage) const;
  static void done(std::string& out) { out += "data: [DONE]\n\n"; }
  // A whole non-streaming body; usage omitted when null.
  std::string full_body(std::string_view text, const char* finish_reason, const Usage* usage) const;

 private:
  Endpoint endpoint_;
  std::string head_;  // data: {"id":...,"object":...,"created":...,"model":...,"choices":[
  std::string id_, model_json_;
  int64_t created_;
};

void append_json_escaped(std::string& out, std::string_view s);
void append_usage(std::string& out, const Usage& u);

}  // namespace l4lab::sim

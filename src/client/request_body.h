// The JSON body of one streaming request, built once per request before the
// run starts (never on the hot path).
//
// chat:        POST /v1/chat/completions {model, messages, max_tokens, stream,
//              stream_options{include_usage, continuous_usage_stats},
//              temperature, ignore_eos, seed}
// completions: POST /v1/completions with the same fields, and `prompt` the
//              token ids of the chat-templated messages (what the chat
//              endpoint would have fed the engine), so both endpoints process
//              the same input and the engine's prompt count can be checked
//              against request_prompt_tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "workload/chat.h"

namespace l4lab::client {

enum class EndpointType { chat, completions };

struct SamplingOptions {
  std::string model;
  double temperature = 0.0;
  bool ignore_eos = false;
  std::optional<int64_t> seed;
  bool continuous_usage = true;
};

std::string chat_request_body(const workload::Conversation& messages, int max_tokens,
                              const SamplingOptions& s);
std::string completions_request_body(const std::vector<int32_t>& prompt_ids, int max_tokens,
                                     const SamplingOptions& s);

}  // namespace l4lab::client

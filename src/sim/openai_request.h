// The OpenAI-compatible request bodies serve-sim accepts, parsed at the HTTP
// edge into plain structs (the engine never sees JSON), and the error bodies
// it answers with, in vLLM's shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "workload/chat.h"
#include "workload/tokenizer.h"

namespace l4lab::sim {

enum class Endpoint { kChat, kCompletion };

struct GenerateRequest {
  Endpoint endpoint = Endpoint::kChat;
  std::string model;                          // "" when absent
  workload::Conversation messages;            // chat
  std::string prompt;                         // completion, text form
  std::vector<workload::TokenId> prompt_ids;  // completion, token-id form
  bool prompt_is_ids = false;
  bool add_special_tokens = true;  // completion: prepend <s>
  std::optional<int> max_tokens;   // max_tokens or max_completion_tokens
  bool stream = false;
  bool include_usage = false;
  bool continuous_usage = false;
  bool ignore_eos = false;
  std::optional<uint64_t> seed;
};

struct TokenizeRequest {
  bool chat = false;
  std::string model;
  workload::Conversation messages;
  std::string prompt;
  bool add_generation_prompt = true;
  bool add_special_tokens = true;
};

// Errors carry the message vLLM would give (400 BadRequestError).
Result<GenerateRequest> parse_generate_request(std::string_view body, Endpoint endpoint);
Result<TokenizeRequest> parse_tokenize_request(std::string_view body);
Result<std::vector<workload::TokenId>> parse_detokenize_request(std::string_view body);

// {"error":{"message":...,"type":...,"param":null,"code":N}}
std::string error_body(const std::string& message, const std::string& type, int code);
std::string error_type_for_status(int status);
// vLLM's message when prompt + max_tokens exceeds max_model_len.
std::string context_length_message(int max_model_len, int prompt_tokens,
                                   std::optional<int> max_tokens);

}  // namespace l4lab::sim

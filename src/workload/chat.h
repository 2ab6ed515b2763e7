// An OpenAI-style chat message, as it appears in prompts.jsonl and in the
// request body sent to the engine.
#pragma once

#include <string>
#include <vector>

namespace l4lab::workload {

struct ChatMessage {
  std::string role;  // "system" | "user" | "assistant"
  std::string content;
};

using Conversation = std::vector<ChatMessage>;

}  // namespace l4lab::workload

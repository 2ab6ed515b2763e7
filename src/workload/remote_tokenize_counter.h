// Counts prompt tokens with the engine's own chat template: POSTs the chat
// form of /tokenize ({model, messages, add_generation_prompt: true,
// add_special_tokens: false}) and reads back {count, tokens}. Used by
// `workload build --count-with URL` for models whose layout the lab does not
// implement: the count is by definition the engine's.
// The fake in tests is serve-sim's /tokenize or a local test server.
#pragma once

#include <string>

#include "workload/chat_template.h"

namespace l4lab::workload {

class RemoteTokenizeCounter final : public ChatTemplate {
 public:
  // `url` is the server root (http://host:port) or the full .../tokenize URL.
  // `model` may be empty (then omitted from the body).
  RemoteTokenizeCounter(std::string url, std::string model, long timeout_ms = 30000);

  // The ids the engine answered (an error if it sent only a count).
  Result<std::vector<TokenId>> encode(const Conversation& messages) const override;
  Result<int> count(const Conversation& messages) const;
  const std::string& url() const { return url_; }

 private:
  struct Answer {
    int count = -1;
    std::vector<TokenId> tokens;
    bool has_tokens = false;
  };
  Result<Answer> post(const Conversation& messages) const;
  std::string url_, model_;
  long timeout_ms_;
};

}  // namespace l4lab::workload

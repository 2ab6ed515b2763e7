// Chat-template accounting: the exact token ids the engine builds from a
// request's `messages`. request_prompt_tokens is encode(messages).size().
//
// Implementations: MistralV3ChatTemplate (below; mistral-common's v3 layout,
// what vLLM uses for Mistral-7B-Instruct-v0.3) and RemoteTokenizeCounter
// (remote_tokenize_counter.h; asks the engine's own /tokenize). Tests compare
// MistralV3ChatTemplate id for id with mistral-common (tests/python).
#pragma once

#include <vector>

#include "common/result.h"
#include "workload/chat.h"
#include "workload/tokenizer.h"

namespace l4lab::workload {

class ChatTemplate {
 public:
  virtual ~ChatTemplate() = default;
  // The prompt ids with the generation prompt (ends ready for the assistant).
  virtual Result<std::vector<TokenId>> encode(const Conversation& messages) const = 0;
};

// mistral-common 1.13 `MistralTokenizer.v3().encode_chat_completion`:
//   <s> then, after merging consecutive same-role messages with "\n\n",
//   user turns as [INST] encode(text) [/INST] and assistant turns as
//   encode(text.rstrip(' ')) </s>. All non-empty system messages are joined
//   with "\n\n" and prepended ("{system}\n\n{user}") to the LAST user turn.
//   A conversation that does not start with a user turn gets an empty one.
// Rejected as mistral-common rejects them: no messages, an unknown role,
// a conversation of >1 message not ending on a user turn, an assistant turn
// with empty content, a system message right after an assistant turn, a lone
// assistant message.
class MistralV3ChatTemplate final : public ChatTemplate {
 public:
  // `tokenizer` must outlive the template and have <s>, </s>, [INST], [/INST].
  static Result<MistralV3ChatTemplate> create(const Tokenizer& tokenizer);
  Result<std::vector<TokenId>> encode(const Conversation& messages) const override;

 private:
  explicit MistralV3ChatTemplate(const Tokenizer& t) : tok_(&t) {}
  const Tokenizer* tok_;
  TokenId bos_ = -1, eos_ = -1, inst_ = -1, end_inst_ = -1;
};

}  // namespace l4lab::workload

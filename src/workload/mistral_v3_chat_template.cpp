#include <string>

#include "workload/chat_template.h"

namespace l4lab::workload {
namespace {

enum class Role { kSystem, kUser, kAssistant };

Result<Role> role_of(const ChatMessage& m, size_t i) {
  if (m.role == "system") return Role::kSystem;
  if (m.role == "user") return Role::kUser;
  if (m.role == "assistant") return Role::kAssistant;
  return Error("messages[" + std::to_string(i) + "].role: '" + m.role +
               "' is not supported by the Mistral v3 template (system, user, assistant)");
}

const char* kJoin = "\n\n";

struct Turn {
  Role role;
  std::string text;
};

}  // namespace

Result<MistralV3ChatTemplate> MistralV3ChatTemplate::create(const Tokenizer& t) {
  MistralV3ChatTemplate c(t);
  c.bos_ = t.piece_id("<s>");
  c.eos_ = t.piece_id("</s>");
  c.inst_ = t.piece_id("[INST]");
  c.end_inst_ = t.piece_id("[/INST]");
  if (c.bos_ < 0 || c.eos_ < 0 || c.inst_ < 0 || c.end_inst_ < 0)
    return Error("tokenizer " + t.id() + " (" + t.path() +
                 ") lacks the Mistral control pieces <s>, </s>, [INST], [/INST]");
  return c;
}

Result<std::vector<TokenId>> MistralV3ChatTemplate::encode(const Conversation& messages) const {
  // Validation, as mistral-common's validator (test/serving mode) does it.
  if (messages.empty()) return Error("messages: a conversation needs at least one message");
  std::vector<Role> roles;
  roles.reserve(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    auto r = role_of(messages[i], i);
    if (!r) return r.error();
    roles.push_back(*r);
    if (*r == Role::kAssistant && messages[i].content.empty())
      return Error("messages[" + std::to_string(i) +
                   "].content: an assistant message must have content");
    if (i > 0 && roles[i - 1] == Role::kAssistant && *r == Role::kSystem)
      return Error("messages[" + std::to_string(i) +
                   "].role: a system message may not follow an assistant message");
  }
  if (messages.size() == 1 && roles[0] == Role::kAssistant)
    return Error("messages[0].role: a conversation must start with a user or system message");
  if (messages.size() > 1 && roles.back() != Role::kUser)
    return Error("messages[" + std::to_string(messages.size() - 1) +
                 "].role: the last message must be a user turn (the engine generates the next "
                 "assistant turn)");

  // Normalisation: system prompt; runs of one role merged (system runs drop out).
  std::string system;
  bool have_system = false;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (roles[i] != Role::kSystem || messages[i].content.empty()) continue;
    if (have_system) system += kJoin;
    system += messages[i].content;
    have_system = true;
  }
  std::vector<Turn> turns;
  for (size_t i = 0; i < messages.size();) {
    size_t j = i;
    std::string text;
    while (j < messages.size() && roles[j] == roles[i]) {
      const std::string& c = messages[j].content;
      if (!c.empty()) {
        if (!text.empty()) text += kJoin;
        text += c;
      }
      ++j;
    }
    if (roles[i] != Role::kSystem) turns.push_back({roles[i], std::move(text)});
    i = j;
  }
  if (turns.empty() || turns.front().role != Role::kUser)
    turns.insert(turns.begin(), Turn{Role::kUser, ""});
  size_t last_user = 0;
  for (size_t i = 0; i < turns.size(); ++i)
    if (turns[i].role == Role::kUser) last_user = i;

  std::vector<TokenId> ids{bos_};
  for (size_t i = 0; i < turns.size(); ++i) {
    Turn& t = turns[i];
    if (t.role == Role::kUser) {
      ids.push_back(inst_);
      std::vector<TokenId> body = (i == last_user && have_system)
                                      ? tok_->encode(system + kJoin + t.text)
                                      : tok_->encode(t.text);
      ids.insert(ids.end(), body.begin(), body.end());
      ids.push_back(end_inst_);
    } else {
      std::string_view text = t.text;
      while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
      std::vector<TokenId> body = tok_->encode(text);
      ids.insert(ids.end(), body.begin(), body.end());
      ids.push_back(eos_);
    }
  }
  return ids;
}

}  // namespace l4lab::workload

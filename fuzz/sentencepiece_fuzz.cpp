// The SentencePiece encoder (workload/sentencepiece_tokenizer) fed random
// bytes, valid and invalid UTF-8, and the Mistral v3 chat template
// (workload/mistral_v3_chat_template) fed random message lists. Needs the v3
// tokenizer (found as `l4lab workload` finds it: $L4LAB_TOKENIZER, .venv, ...).
// Encoding text must never produce a control id (<s>, </s>, [INST], [/INST]):
// a prompt could otherwise forge turns.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_tokenizer.h"
#include "fuzz_util.h"
#include "workload/chat_template.h"
#include "workload/tokenizer_locator.h"

namespace {

struct Loaded {
  l4lab::fuzz::FuzzTokenizer t;
  l4lab::workload::TokenId control[4] = {-1, -1, -1, -1};
};

const Loaded& loaded() {
  static const Loaded l = [] {
    Loaded x;
    // No word cache: fuzz libsentencepiece itself (the cache is checked
    // against it in cached_tokenizer_test).
    x.t = l4lab::fuzz::load_fuzz_tokenizer("sentencepiece_fuzz",
                                           l4lab::workload::TokenizerOptions{.cache = false});
    const char* pieces[] = {"<s>", "</s>", "[INST]", "[/INST]"};
    for (int i = 0; i < 4; ++i) x.control[i] = x.t.tok->piece_id(pieces[i]);
    return x;
  }();
  return l;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Loaded& l = loaded();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (l4lab::workload::TokenId id : l.t.tok->encode(text))
    for (l4lab::workload::TokenId c : l.control) L4LAB_FUZZ_CHECK(id != c);
  (void)l.t.tok->decode(l.t.tok->encode(text));

  // Messages: the input cut at 0x1e (record separator); each message's first
  // byte picks its role.
  static const char* const kRoles[] = {"user", "assistant", "system", "tool"};
  l4lab::workload::Conversation conv;
  while (!text.empty() && conv.size() < 16) {
    size_t cut = text.find('\x1e');
    std::string_view m = text.substr(0, cut);
    text = cut == std::string_view::npos ? std::string_view() : text.substr(cut + 1);
    if (m.empty()) continue;
    conv.push_back({kRoles[uint8_t(m[0]) % 4], std::string(m.substr(1))});
  }
  (void)l.t.chat->encode(conv);
  return 0;
}

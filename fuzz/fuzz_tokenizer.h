// Shared by the libFuzzer targets that need the Mistral v3 tokenizer and chat
// template (found as `l4lab workload` finds it: $L4LAB_TOKENIZER, .venv, ...).
// A target that cannot load it stops at once with exit 2 and the locator's
// message, before any input runs.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "workload/chat_template.h"
#include "workload/tokenizer_locator.h"

namespace l4lab::fuzz {

struct FuzzTokenizer {
  std::unique_ptr<workload::Tokenizer> tok;
  std::unique_ptr<workload::MistralV3ChatTemplate> chat;
};

inline FuzzTokenizer load_fuzz_tokenizer(const char* target,
                                         workload::TokenizerOptions options = {}) {
  FuzzTokenizer x;
  auto t = workload::load_tokenizer("", options);
  if (!t) {
    std::fprintf(stderr, "%s: %s\n", target, t.error().message().c_str());
    std::exit(2);
  }
  x.tok = std::move(*t);
  auto c = workload::MistralV3ChatTemplate::create(*x.tok);
  if (!c) {
    std::fprintf(stderr, "%s: chat template: %s\n", target, c.error().message().c_str());
    std::exit(2);
  }
  x.chat = std::make_unique<workload::MistralV3ChatTemplate>(std::move(*c));
  return x;
}

}  // namespace l4lab::fuzz

// `l4lab workload check` on a whole prompts.jsonl of random bytes
// (workload/workload_checker: check_workload_lines, the part after reading
// the file): every line parsed, re-tokenised with the Mistral v3 chat template
// and held to the workload invariants. Must never crash or hang; every problem
// names a line of the input (0: the file as a whole) and an invariant, and
// the request count is the number of lines. Needs the v3 tokenizer (found as
// `l4lab workload` finds it), loaded once.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "fuzz_util.h"
#include "workload/tokenizer_locator.h"
#include "workload/workload_checker.h"

namespace {

struct Loaded {
  std::unique_ptr<l4lab::Tokenizer> tok;
  std::unique_ptr<l4lab::MistralV3ChatTemplate> chat;
};

const Loaded& loaded() {
  static Loaded l = [] {
    Loaded x;
    auto t = l4lab::load_tokenizer("");
    if (!t) {
      std::fprintf(stderr, "workload_check_fuzz: %s\n", t.error().message().c_str());
      std::exit(2);
    }
    x.tok = std::move(*t);
    auto c = l4lab::MistralV3ChatTemplate::create(*x.tok);
    if (!c) std::exit(2);
    x.chat = std::make_unique<l4lab::MistralV3ChatTemplate>(std::move(*c));
    return x;
  }();
  return l;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Loaded& l = loaded();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  l4lab::CheckOptions o;
  o.threads = 1;
  l4lab::CheckReport rep;
  rep.max_context = 8192;
  l4lab::check_workload_lines(text, "fuzz.jsonl", *l.tok, *l.chat, o, rep);
  size_t lines = size_t(std::count(text.begin(), text.end(), '\n'));
  if (!text.empty() && text.back() != '\n') ++lines;
  L4LAB_FUZZ_CHECK(rep.count <= lines);
  for (const auto& p : rep.problems) {
    L4LAB_FUZZ_CHECK(p.line <= lines);
    L4LAB_FUZZ_CHECK(!p.invariant.empty());
  }
  return 0;
}

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
#include <string_view>

#include "fuzz_tokenizer.h"
#include "fuzz_util.h"
#include "workload/workload_checker.h"

namespace {

const l4lab::fuzz::FuzzTokenizer& loaded() {
  static const l4lab::fuzz::FuzzTokenizer l =
      l4lab::fuzz::load_fuzz_tokenizer("workload_check_fuzz");
  return l;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const l4lab::fuzz::FuzzTokenizer& l = loaded();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  l4lab::workload::CheckOptions o;
  o.threads = 1;
  l4lab::workload::CheckReport rep;
  rep.max_context = 8192;
  l4lab::workload::check_workload_lines(text, "fuzz.jsonl", *l.tok, *l.chat, o, rep);
  size_t lines = size_t(std::count(text.begin(), text.end(), '\n'));
  if (!text.empty() && text.back() != '\n') ++lines;
  L4LAB_FUZZ_CHECK(rep.count <= lines);
  for (const auto& p : rep.problems) {
    L4LAB_FUZZ_CHECK(p.line <= lines);
    L4LAB_FUZZ_CHECK(!p.invariant.empty());
  }
  return 0;
}

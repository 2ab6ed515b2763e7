// Generated text: seeded filler whose every token is one whole-word piece of
// the tokenizer (" word"), so a completion of N tokens re-encodes to about N
// tokens. Token k of a request with seed s is words[hash(s, k) % size].
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "workload/tokenizer.h"

namespace l4lab::sim {

class FillerText {
 public:
  // Picks up to `max_words` lowercase ASCII words that encode to one piece each.
  static Result<FillerText> from_tokenizer(const workload::Tokenizer& tok, size_t max_words = 1024);
  // For tests without a tokenizer.
  explicit FillerText(std::vector<std::string> words);
  // " word" (leading space included).
  std::string_view token(uint64_t seed, uint64_t index) const;
  void append(std::string& out, uint64_t seed, uint64_t first_index, int n) const;
  size_t size() const { return words_.size(); }

 private:
  std::vector<std::string> words_;  // each with its leading space
};

}  // namespace l4lab::sim

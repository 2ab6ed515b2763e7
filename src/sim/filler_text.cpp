#include "sim/filler_text.h"

#include "sim/seeded_rng.h"

namespace l4lab::sim {

FillerText::FillerText(std::vector<std::string> words) : words_(std::move(words)) {
  for (auto& w : words_)
    if (w.empty() || w[0] != ' ') w.insert(w.begin(), ' ');
}

Result<FillerText> FillerText::from_tokenizer(const workload::Tokenizer& tok, size_t max_words) {
  static const std::string kSpace = "\xe2\x96\x81";  // SentencePiece's U+2581
  std::vector<std::string> words;
  for (int id = 0; id < tok.vocab_size() && words.size() < max_words; ++id) {
    const std::string piece = tok.id_to_piece(id);
    if (piece.size() < kSpace.size() + 3 || piece.size() > kSpace.size() + 8 ||
        piece.compare(0, kSpace.size(), kSpace) != 0)
      continue;
    const std::string word = piece.substr(kSpace.size());
    bool letters = true;
    for (char c : word) letters = letters && c >= 'a' && c <= 'z';
    if (!letters) continue;
    if (tok.encode(word) != std::vector<workload::TokenId>{id}) continue;
    words.push_back(" " + word);
  }
  if (words.size() < 16)
    return Error("tokenizer " + tok.id() + " has too few whole-word pieces for filler text (" +
                 std::to_string(words.size()) + ")");
  return FillerText(std::move(words));
}

std::string_view FillerText::token(uint64_t seed, uint64_t index) const {
  return words_[mix64(seed, index) % words_.size()];
}

void FillerText::append(std::string& out, uint64_t seed, uint64_t first_index, int n) const {
  for (int i = 0; i < n; ++i) out += token(seed, first_index + uint64_t(i));
}

}  // namespace l4lab::sim

#include "workload/cached_tokenizer.h"

#include <array>
#include <mutex>
#include <string>
#include <unordered_map>

#include "workload/sentencepiece_tokenizer.h"

namespace l4lab::workload {
namespace {

constexpr std::string_view kMeta = "\xE2\x96\x81";  // "▁"
constexpr size_t kMaxCachedChunk = 48;              // bytes; longer chunks are encoded directly
constexpr size_t kShards = 64;

bool plain_ascii(char c) { return c > ' ' && c < 0x7f; }

class CachedTokenizer final : public Tokenizer {
 public:
  CachedTokenizer(std::unique_ptr<SentencePieceTokenizer> inner, size_t max_entries)
      : inner_(std::move(inner)), max_per_shard_((max_entries + kShards - 1) / kShards) {}

  std::vector<TokenId> encode(std::string_view text) const override {
    std::vector<TokenId> out;
    out.reserve(text.size() / 3 + 4);
    size_t start = 0;
    for (size_t i = 1; i + 1 < text.size(); ++i) {
      if (text[i] == ' ' && plain_ascii(text[i - 1]) && plain_ascii(text[i + 1])) {
        append_chunk(text.substr(start, i - start), out);
        start = i + 1;
      }
    }
    if (start < text.size()) append_chunk(text.substr(start), out);
    return out;
  }
  std::string decode(const std::vector<TokenId>& ids) const override { return inner_->decode(ids); }
  TokenId piece_id(std::string_view piece) const override { return inner_->piece_id(piece); }
  std::string id_to_piece(TokenId id) const override { return inner_->id_to_piece(id); }
  int vocab_size() const override { return inner_->vocab_size(); }
  const std::string& id() const override { return inner_->id(); }
  const std::string& sha256() const override { return inner_->sha256(); }
  const std::string& path() const override { return inner_->path(); }

  size_t entries() const {
    size_t n = 0;
    for (auto& s : shards_) {
      std::lock_guard<std::mutex> lock(s.mu);
      n += s.map.size();
    }
    return n;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, std::vector<TokenId>, Hash, std::equal_to<>> map;
  };

  void append_chunk(std::string_view chunk, std::vector<TokenId>& out) const {
    if (chunk.size() > kMaxCachedChunk) {
      auto ids = inner_->encode(chunk);
      out.insert(out.end(), ids.begin(), ids.end());
      return;
    }
    Shard& s = shards_[std::hash<std::string_view>{}(chunk) % kShards];
    {
      std::lock_guard<std::mutex> lock(s.mu);
      auto it = s.map.find(chunk);
      if (it != s.map.end()) {
        out.insert(out.end(), it->second.begin(), it->second.end());
        return;
      }
    }
    auto ids = inner_->encode(chunk);
    out.insert(out.end(), ids.begin(), ids.end());
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.map.size() < max_per_shard_) s.map.emplace(std::string(chunk), std::move(ids));
  }

  std::unique_ptr<SentencePieceTokenizer> inner_;
  const size_t max_per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace

bool vocabulary_is_word_local(const Tokenizer& t) {
  for (int id = 0; id < t.vocab_size(); ++id) {
    std::string p = t.id_to_piece(id);
    // Skip the leading run of "▁"; any later "▁" would let a merge cross a word start.
    size_t i = 0;
    while (p.compare(i, kMeta.size(), kMeta) == 0) i += kMeta.size();
    if (p.find(kMeta, i) != std::string::npos) return false;
    // A piece holding a raw space would match across our split points too.
    if (p.find(' ') != std::string::npos) return false;
  }
  // The dummy prefix must stand in for the space we split at.
  std::vector<TokenId> joined = t.encode("a b"), a = t.encode("a"), b = t.encode("b");
  a.insert(a.end(), b.begin(), b.end());
  return joined == a;
}

std::unique_ptr<Tokenizer> make_cached_tokenizer(std::unique_ptr<SentencePieceTokenizer> inner,
                                                 size_t max_entries) {
  if (!vocabulary_is_word_local(*inner)) return inner;
  return std::make_unique<CachedTokenizer>(std::move(inner), max_entries);
}

std::optional<size_t> cached_entries(const Tokenizer& t) {
  if (const auto* c = dynamic_cast<const CachedTokenizer*>(&t)) return c->entries();
  return std::nullopt;
}

}  // namespace l4lab::workload

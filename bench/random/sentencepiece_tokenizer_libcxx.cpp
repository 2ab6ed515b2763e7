// The libc++ build's SentencePieceTokenizer (libcxx_golden.sh): the same class
// as src/workload/sentencepiece_tokenizer.cpp, over the C shim spm_c_shim.h
// instead of libsentencepiece's C++ API, so the lab's own workload code can be
// built with clang + libc++ while the tokenizer library stays libstdc++-built.
// Same behaviour, member for member; only the calls into SentencePiece differ.
#include <string>
#include <vector>

#include "../../bench/random/spm_c_shim.h"
#include "common/files.h"
#include "workload/sentencepiece_tokenizer.h"

namespace l4lab::workload {

struct SentencePieceTokenizer::Impl {
  spm_shim* s = nullptr;
  ~Impl() { spm_shim_free(s); }
};

SentencePieceTokenizer::SentencePieceTokenizer() = default;
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

Result<std::unique_ptr<SentencePieceTokenizer>> SentencePieceTokenizer::load(
    const std::string& path, const std::string& id) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  std::unique_ptr<SentencePieceTokenizer> t(new SentencePieceTokenizer());
  t->sp_ = std::make_unique<Impl>();
  char err[512] = {0};
  t->sp_->s = spm_shim_load(bytes->data(), bytes->size(), err, sizeof err);
  if (!t->sp_->s) return Error(path + ": not a SentencePiece model (" + std::string(err) + ")");
  if (spm_shim_piece_size(t->sp_->s) <= 0)
    return Error(path + ": SentencePiece model has no pieces");
  t->id_ = id;
  t->sha256_ = sha256_hex(*bytes);
  t->path_ = path;
  return t;
}

std::vector<TokenId> SentencePieceTokenizer::encode(std::string_view text) const {
  std::vector<int> ids(text.size() + 16);
  size_t n = spm_shim_encode(sp_->s, text.data(), text.size(), ids.data(), ids.size());
  if (n > ids.size()) {
    ids.resize(n);
    spm_shim_encode(sp_->s, text.data(), text.size(), ids.data(), ids.size());
  }
  ids.resize(n);
  return std::vector<TokenId>(ids.begin(), ids.end());
}

std::string SentencePieceTokenizer::decode(const std::vector<TokenId>& ids) const {
  std::vector<int> v(ids.begin(), ids.end());
  std::string out(v.size() * 8 + 16, '\0');
  size_t n = spm_shim_decode(sp_->s, v.data(), v.size(), out.data(), out.size());
  if (n > out.size()) {
    out.resize(n);
    spm_shim_decode(sp_->s, v.data(), v.size(), out.data(), out.size());
  }
  out.resize(n);
  return out;
}

std::string SentencePieceTokenizer::id_to_piece(TokenId id) const {
  if (id < 0 || id >= spm_shim_piece_size(sp_->s)) return {};
  std::string out(64, '\0');
  size_t n = spm_shim_id_to_piece(sp_->s, id, out.data(), out.size());
  if (n > out.size()) {
    out.resize(n);
    spm_shim_id_to_piece(sp_->s, id, out.data(), out.size());
  }
  out.resize(n);
  return out;
}

TokenId SentencePieceTokenizer::piece_id(std::string_view piece) const {
  int id = spm_shim_piece_to_id(sp_->s, piece.data(), piece.size());
  // PieceToId answers unk for an unknown piece; only "<unk>" itself maps there.
  if (id == spm_shim_unk_id(sp_->s) && id_to_piece(id) != piece) return -1;
  return id;
}

int SentencePieceTokenizer::vocab_size() const { return spm_shim_piece_size(sp_->s); }

}  // namespace l4lab::workload

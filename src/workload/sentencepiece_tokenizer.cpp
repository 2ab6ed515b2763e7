#include "workload/sentencepiece_tokenizer.h"

#include <sentencepiece_processor.h>

#include "common/files.h"

namespace l4lab::workload {

struct SentencePieceTokenizer::Impl : sentencepiece::SentencePieceProcessor {};

SentencePieceTokenizer::SentencePieceTokenizer() = default;
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

Result<std::unique_ptr<SentencePieceTokenizer>> SentencePieceTokenizer::load(
    const std::string& path, const std::string& id) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  std::unique_ptr<SentencePieceTokenizer> t(new SentencePieceTokenizer());
  t->sp_ = std::make_unique<Impl>();
  auto st = t->sp_->LoadFromSerializedProto(*bytes);
  if (!st.ok()) {
    return Error(path + ": not a SentencePiece model (" + std::string(st.message()) + ")");
  }
  if (t->sp_->GetPieceSize() <= 0) return Error(path + ": SentencePiece model has no pieces");
  t->id_ = id;
  t->sha256_ = sha256_hex(*bytes);
  t->path_ = path;
  return t;
}

std::vector<TokenId> SentencePieceTokenizer::encode(std::string_view text) const {
  std::vector<int> ids;
  sp_->Encode(text, &ids).IgnoreError();
  return std::vector<TokenId>(ids.begin(), ids.end());
}

std::string SentencePieceTokenizer::decode(const std::vector<TokenId>& ids) const {
  std::vector<int> v(ids.begin(), ids.end());
  std::string out;
  sp_->Decode(v, &out).IgnoreError();
  return out;
}

TokenId SentencePieceTokenizer::piece_id(std::string_view piece) const {
  int id = sp_->PieceToId(piece);
  // PieceToId answers unk for an unknown piece; only "<unk>" itself maps there.
  if (id == sp_->unk_id() && sp_->IdToPiece(id) != piece) return -1;
  return id;
}

std::string SentencePieceTokenizer::id_to_piece(TokenId id) const {
  if (id < 0 || id >= sp_->GetPieceSize()) return {};
  return sp_->IdToPiece(id);
}

int SentencePieceTokenizer::vocab_size() const { return sp_->GetPieceSize(); }

}  // namespace l4lab::workload

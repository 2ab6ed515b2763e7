// Tokenizer backed by libsentencepiece: Mistral's v1/v2/v3 models and any
// other SentencePiece .model file. Control pieces (<s>, </s>, [INST], ...) are
// looked up by name; encoding text never produces them (REFERENCE.md s.4).
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "workload/tokenizer.h"

namespace l4lab::workload {

class SentencePieceTokenizer final : public Tokenizer {
 public:
  // `id` is the stable name recorded in workloads (see tokenizer_locator.h).
  static Result<std::unique_ptr<SentencePieceTokenizer>> load(const std::string& path,
                                                              const std::string& id);
  ~SentencePieceTokenizer() override;

  std::vector<TokenId> encode(std::string_view text) const override;
  std::string decode(const std::vector<TokenId>& ids) const override;
  TokenId piece_id(std::string_view piece) const override;
  std::string id_to_piece(TokenId id) const override;
  int vocab_size() const override;
  const std::string& id() const override { return id_; }
  const std::string& sha256() const override { return sha256_; }
  const std::string& path() const override { return path_; }

 private:
  SentencePieceTokenizer();
  // The processor, behind a pointer so that this header names no SentencePiece
  // type: bench/random/ builds the workload with libc++ against another
  // definition of Impl (libsentencepiece itself is libstdc++-built).
  struct Impl;
  std::unique_ptr<Impl> sp_;
  std::string id_, sha256_, path_;
};

}  // namespace l4lab::workload

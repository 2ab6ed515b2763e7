// The one interface every token count in the lab goes through.
//
// Implementations: SentencePieceTokenizer (libsentencepiece; Mistral v3's
// tokenizer.model.v3 among others). Tests use the real v3 model shipped by
// the PyPI package mistral-common (see tokenizer_locator.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace l4lab::workload {

using TokenId = int32_t;

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // Plain text -> ids, no BOS/EOS, exactly as the engine encodes a message
  // body (SentencePiece normalisation and dummy prefix included).
  virtual std::vector<TokenId> encode(std::string_view text) const = 0;
  virtual std::string decode(const std::vector<TokenId>& ids) const = 0;
  // Id of a control/special piece such as "<s>", "[INST]"; -1 when absent.
  virtual TokenId piece_id(std::string_view piece) const = 0;
  virtual std::string id_to_piece(TokenId id) const = 0;
  virtual int vocab_size() const = 0;
  // A stable name (e.g. "mistral-v3:mistral_instruct_tokenizer_240323.model.v3")
  // and the sha256 of the model file, recorded in every workload and manifest.
  virtual const std::string& id() const = 0;
  virtual const std::string& sha256() const = 0;
  virtual const std::string& path() const = 0;
};

}  // namespace l4lab::workload

// A Tokenizer decorator that memoises the encoding of space-separated chunks.
//
// Why it is exact: SentencePiece BPE (as configured for Mistral's models)
// never merges across a "▁" that starts a word unless the vocabulary has a
// piece with "▁" after a non-"▁" character. For such a vocabulary (checked at
// wrap time), the encoding of "A B" equals encode("A") + encode("B") whenever
// the space is single and sits between two plain ASCII characters, because
// SentencePiece's dummy prefix turns "B" into "▁B" exactly as the space does.
// Text is split only at such spaces; every other byte (whitespace runs,
// newlines, non-ASCII) stays inside a chunk that the inner tokenizer encodes
// whole. Tests compare it id for id with the plain tokenizer and, through the
// CLI, with mistral-common over the whole default workload.
//
// Thread-safe: the cache is sharded, each shard behind its own mutex.
#pragma once

#include <memory>

#include "workload/tokenizer.h"

namespace l4lab {

class SentencePieceTokenizer;

// The cached decorator when the vocabulary allows it, else `inner` unchanged.
std::unique_ptr<Tokenizer> make_cached_tokenizer(std::unique_ptr<SentencePieceTokenizer> inner);

// Whether a vocabulary keeps merges inside words (the condition above).
bool vocabulary_is_word_local(const Tokenizer& t);

}  // namespace l4lab

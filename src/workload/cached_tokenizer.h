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

#include <cstddef>
#include <memory>
#include <optional>

#include "workload/tokenizer.h"

namespace l4lab::workload {

class SentencePieceTokenizer;

// At most this many chunks are kept (then new chunks are encoded, not kept).
// 2M entries (~250 MB at worst): for the workload builder and checker, which
// read a bounded corpus once. A long-running server facing words it has not
// seen (every request's numbers, names, ids) should pass much less: see
// serve-sim (kServerTokenizerCacheEntries).
inline constexpr size_t kDefaultTokenizerCacheEntries = size_t(1) << 21;

// The cached decorator when the vocabulary allows it, else `inner` unchanged.
std::unique_ptr<Tokenizer> make_cached_tokenizer(
    std::unique_ptr<SentencePieceTokenizer> inner,
    size_t max_entries = kDefaultTokenizerCacheEntries);

// Chunks held by a cached tokenizer; nullopt for any other tokenizer.
std::optional<size_t> cached_entries(const Tokenizer& t);

// Whether a vocabulary keeps merges inside words (the condition above).
bool vocabulary_is_word_local(const Tokenizer& t);

}  // namespace l4lab::workload

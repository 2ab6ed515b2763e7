// The built-in default corpus: seeded, synthetic English (news-style articles
// for summarisation, contexts with a planted fact + question for QA, and
// multi-turn user/assistant dialogues ending on a user turn). Needs no
// download. It reads as text (real English words in grammatical templates over
// a dozen topics) with about 1.3 v3 tokens per word; it is not natural text
// and the manifest says so.
#pragma once

#include <cstdint>

#include "workload/corpus.h"

namespace l4lab::workload {

// `items_per_task` documents per task, all fixed by `seed`.
Corpus make_synthetic_corpus(uint64_t seed, int items_per_task);

}  // namespace l4lab::workload

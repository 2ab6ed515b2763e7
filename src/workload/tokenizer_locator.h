// Finds and loads a tokenizer from a user's spec.
//
// spec:
//   ""                 the study default: Mistral v3 `tokenizer.model.v3` as
//                      shipped in the PyPI package mistral-common
//                      (mistral_common/data/mistral_instruct_tokenizer_240323.model.v3),
//                      searched in $L4LAB_TOKENIZER (a file or folder), each
//                      $PYTHONPATH entry, $VIRTUAL_ENV, the project's .venv (found from the
//                      executable and the cwd upwards) and the system's Python site-packages.
//   a file             a SentencePiece model (.model, .model.v3, ...).
//   a folder           a model folder holding tokenizer.model.v3 or tokenizer.model.
//   "org/name"         a Hugging Face hub id, resolved in the local cache
//                      ($HF_HUB_CACHE, else $HF_HOME/hub, else
//                      ~/.cache/huggingface/hub)/models--org--name/snapshots/*/.
// A failure lists every place that was looked at.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "workload/tokenizer.h"

namespace l4lab::workload {

struct TokenizerOptions {
  // Memoise word encodings (cached_tokenizer.h): same ids, much faster.
  bool cache = true;
  // Its bound (cached_tokenizer.h); 0: kDefaultTokenizerCacheEntries.
  size_t cache_max_entries = 0;
};

Result<std::unique_ptr<Tokenizer>> load_tokenizer(const std::string& spec,
                                                  TokenizerOptions options = {});

// The path load_tokenizer(spec) would load, without loading it.
Result<std::string> locate_tokenizer(const std::string& spec);

}  // namespace l4lab::workload

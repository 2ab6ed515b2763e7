// Prompt packing: one request = a PRIMARY section that carries the task (an
// article to summarise, a context + question, or a dialogue to continue), then
// DISTRACTOR text from other documents, clearly marked to be ignored, that
// tops the prompt up to a target length in tokens.
//
// Accounting: candidates are measured with word-cost estimates, then the whole
// conversation is re-encoded through the chat template (the exact count) and
// words are added or removed until the count lands on the target (or within
// a few tokens of it). request_prompt_tokens is always the final full count.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "workload/chat_template.h"
#include "workload/corpus.h"
#include "workload/workload_request.h"

namespace l4lab {
class Rng;  // common/random.h
}  // namespace l4lab

namespace l4lab::workload {

// Text of other documents, pre-split into words (split at single spaces, as
// the tokenizer's cache does) with each word's token cost.
struct DistractorDoc {
  std::string source_id;
  std::vector<std::string> words;
  std::vector<int> costs;
  long total_cost = 0;
};

struct DistractorPool {
  std::vector<DistractorDoc> docs;
  long total_cost = 0;
  std::string description;  // where the text comes from, for errors
};

// Builds the pool from every item of `corpus` (articles, contexts, dialogues).
DistractorPool make_distractor_pool(const Corpus& corpus, const Tokenizer& tokenizer, int threads);

// Splits at single spaces between non-space characters, like the tokenizer
// cache: joining the words with ' ' gives the text back.
std::vector<std::string> split_words(const std::string& text);

struct PackRequest {
  std::string task, bucket;
  int index = 0;
  int target = 0;      // prompt tokens to land on
  int max_prompt = 0;  // hard upper limit (bucket and context)
  int min_prompt = 0;  // bucket lower limit
  int max_new_tokens = 0;
  uint64_t seed = 0;  // this request's stream
};

class PromptPacker {
 public:
  // `counter` gives the exact count (the lab's template or the engine's
  // /tokenize); `tokenizer` gives word-cost estimates.
  PromptPacker(const Tokenizer& tokenizer, const ChatTemplate& counter, const Corpus& corpus,
               const DistractorPool& pool)
      : tok_(tokenizer), counter_(counter), corpus_(corpus), pool_(pool) {
    for (size_t i = 0; i < pool.docs.size(); ++i) doc_of_.emplace(pool.docs[i].source_id, i);
  }

  Result<WorkloadRequest> pack(const PackRequest& r) const;

  // The request layout (exposed for tests and docs).
  static Conversation assemble(const std::string& task, const CorpusItem& primary,
                               const std::string& distractor);

 private:
  // The PRIMARY section chosen and cut for `r`, and its exact count alone.
  struct Primary {
    CorpusItem item;
    int tokens = 0;
  };
  // The DISTRACTOR text that lands the count on the target, and that count.
  struct Filled {
    std::string text;
    std::vector<std::string> sources;
    int tokens = 0;
  };

  Result<int> count(const Conversation& c) const;
  long estimated_cost(const CorpusItem& it) const;
  void cut_to(const std::string& task, CorpusItem& p, long allowance) const;
  Result<Primary> choose_primary(const PackRequest& r, Rng& rng) const;
  Result<Filled> fill_distractor(const PackRequest& r, const Primary& primary, Rng& rng) const;

  const Tokenizer& tok_;
  const ChatTemplate& counter_;
  const Corpus& corpus_;
  const DistractorPool& pool_;
  std::unordered_map<std::string, size_t> doc_of_;  // source id -> pool document
};

}  // namespace l4lab::workload

// The DISTRACTOR part of one packed prompt: words taken from other documents
// of the pool, in a seeded document order, added or removed by estimated
// token cost while the packer steers the exact count onto its target
// (prompt_packer.cpp). Pure: the pool's per-word costs are the only
// measure; the packer re-encodes what render() gives.
#pragma once

#include <string>
#include <vector>

#include "common/random.h"
#include "workload/prompt_packer.h"

namespace l4lab::workload {

class DistractorFiller {
 public:
  // One chosen word: pool document and word index.
  struct Entry {
    int doc, word;
  };

  // `header_cost`: the estimated tokens the DISTRACTOR header adds with the
  // first word. Documents whose source is `exclude_source` (the PRIMARY's)
  // are never read. `rng` picks the next document; it is shared with the
  // caller's stream, so draws interleave as the calls do.
  DistractorFiller(const DistractorPool& pool, int header_cost, std::string exclude_source,
                   Rng& rng);

  // Appends words worth up to `gap` estimated tokens (on the last gap, a word
  // a little ahead in the same document that fits it); false when the pool
  // ran dry.
  bool add(int gap);
  // Removes words from the end worth at least `excess` estimated tokens;
  // reading resumes where they were taken.
  void remove(int excess);

  // The text under the DISTRACTOR header: words of one document joined by
  // ' ', documents by "\n\n".
  std::string render() const;
  // Each document read, once per run of its words, in order.
  std::vector<std::string> sources() const;

  const std::vector<Entry>& entries() const { return entries_; }
  // Back to a set of entries seen before (the best count so far).
  void restore(std::vector<Entry> entries) { entries_ = std::move(entries); }

 private:
  bool next_doc();
  int cost_of(const Entry& e) const;

  const DistractorPool& pool_;
  int header_cost_;
  std::string exclude_;
  Rng& rng_;
  std::vector<Entry> entries_;
  std::vector<int> doc_order_;
  std::vector<char> used_;
  size_t doc_cursor_ = 0;  // index into doc_order_ of the doc being read
  int word_cursor_ = 0;
};

// The candidate count closest to the target within [min, max], ties to the
// shorter; remembers the filler's entries that gave it.
class ClosestCount {
 public:
  ClosestCount(int target, int min, int max) : target_(target), min_(min), max_(max) {}
  void consider(int count, const std::vector<DistractorFiller::Entry>& entries);
  bool found() const { return count_ >= 0; }
  int count() const { return count_; }  // -1 when none was in range
  const std::vector<DistractorFiller::Entry>& entries() const { return entries_; }

 private:
  int target_, min_, max_;
  int count_ = -1;
  std::vector<DistractorFiller::Entry> entries_;
};

}  // namespace l4lab::workload

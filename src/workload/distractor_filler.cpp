#include "workload/distractor_filler.h"

#include <cstdlib>

namespace l4lab::workload {
namespace {

constexpr int kDocBreakCost = 2;  // "\n\n" between two documents' text
constexpr int kLookAhead = 24;    // words scanned for one that fits the last gap exactly

}  // namespace

DistractorFiller::DistractorFiller(const DistractorPool& pool, int header_cost,
                                   std::string exclude_source, Rng& rng)
    : pool_(pool),
      header_cost_(header_cost),
      exclude_(std::move(exclude_source)),
      rng_(rng),
      used_(pool.docs.size(), 0) {}

// A seeded unused document other than the PRIMARY's; after 64 misses the
// first unused one, in order.
bool DistractorFiller::next_doc() {
  const size_t n = pool_.docs.size();
  auto usable = [&](size_t i) {
    return !used_[i] && pool_.docs[i].source_id != exclude_ && !pool_.docs[i].words.empty();
  };
  auto take = [&](size_t i) {
    used_[i] = 1;
    doc_order_.push_back(int(i));
    return true;
  };
  for (int tries = 0; tries < 64; ++tries) {
    const size_t i = rng_.below(n);
    if (usable(i)) return take(i);
  }
  for (size_t i = 0; i < n; ++i)
    if (usable(i)) return take(i);
  return false;
}

// The estimated cost of appending `e` now: the header with the first word,
// a document break when it starts another document.
int DistractorFiller::cost_of(const Entry& e) const {
  const int c = pool_.docs[size_t(e.doc)].costs[size_t(e.word)];
  if (entries_.empty()) return c + header_cost_;
  return entries_.back().doc != e.doc ? c + kDocBreakCost : c;
}

bool DistractorFiller::add(int gap) {
  while (gap > 0) {
    if (doc_cursor_ >= doc_order_.size() ||
        word_cursor_ >= int(pool_.docs[size_t(doc_order_[doc_cursor_])].words.size())) {
      if (doc_cursor_ < doc_order_.size()) ++doc_cursor_;
      word_cursor_ = 0;
      if (doc_cursor_ >= doc_order_.size() && !next_doc()) return false;
      continue;
    }
    const Entry e{doc_order_[doc_cursor_], word_cursor_};
    const int c = cost_of(e);
    if (c > gap) {
      // Last gap: look a little ahead in this document for a word that fits it.
      const auto& d = pool_.docs[size_t(e.doc)];
      for (int k = 1; k <= kLookAhead && word_cursor_ + k < int(d.words.size()); ++k) {
        const Entry f{e.doc, word_cursor_ + k};
        if (cost_of(f) <= gap) {
          entries_.push_back(f);
          word_cursor_ += k + 1;
          return true;
        }
      }
      return true;
    }
    entries_.push_back(e);
    ++word_cursor_;
    gap -= c;
  }
  return true;
}

void DistractorFiller::remove(int excess) {
  while (excess > 0 && !entries_.empty()) {
    const Entry e = entries_.back();
    entries_.pop_back();
    excess -= cost_of(e);
    // Reading resumes after the removed word's predecessor.
    while (doc_cursor_ > 0 && doc_order_[doc_cursor_] != e.doc) --doc_cursor_;
    word_cursor_ = e.word;
  }
}

std::string DistractorFiller::render() const {
  std::string d;
  int prev = -1;
  for (const auto& e : entries_) {
    if (prev >= 0) d += e.doc == prev ? " " : "\n\n";
    d += pool_.docs[size_t(e.doc)].words[size_t(e.word)];
    prev = e.doc;
  }
  return d;
}

std::vector<std::string> DistractorFiller::sources() const {
  std::vector<std::string> out;
  int prev = -1;
  for (const auto& e : entries_) {
    if (e.doc != prev) out.push_back(pool_.docs[size_t(e.doc)].source_id);
    prev = e.doc;
  }
  return out;
}

void ClosestCount::consider(int c, const std::vector<DistractorFiller::Entry>& entries) {
  if (c > max_ || c < min_) return;
  if (count_ < 0 || std::abs(c - target_) < std::abs(count_ - target_) ||
      (std::abs(c - target_) == std::abs(count_ - target_) && c < count_)) {
    count_ = c;
    entries_ = entries;
  }
}

}  // namespace l4lab::workload

#include "workload/prompt_packer.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "common/random.h"

namespace l4lab {
namespace {

constexpr const char* kSystem =
    "You are a helpful assistant. Only the PRIMARY section is your task. Text under DISTRACTOR is "
    "unrelated "
    "filler: ignore it completely.";
constexpr const char* kDialogueSystem =
    "You are a helpful assistant. Continue the conversation with the user. Background text under "
    "DISTRACTOR is "
    "unrelated filler: ignore it completely.";
constexpr const char* kDistractorHeader =
    "### DISTRACTOR (unrelated context: ignore it, do not use it)";
constexpr int kDocBreakCost = 2;  // "\n\n" between two documents' text
constexpr int kMaxRounds = 12;
constexpr int kLookAhead = 24;  // words scanned for one that fits the last gap exactly

std::string join_words(const std::vector<std::string>& w, size_t n) {
  std::string s;
  for (size_t i = 0; i < n && i < w.size(); ++i) {
    if (i) s += ' ';
    s += w[i];
  }
  return s;
}

bool ends_sentence(const std::string& w) {
  if (w.empty()) return false;
  char c = w.back();
  if (c == '"' && w.size() > 1) c = w[w.size() - 2];
  return c == '.' || c == '!' || c == '?';
}

// The first n words, cut back to a sentence end when one lies in the latter half.
std::string cut_text(const std::vector<std::string>& words, size_t n) {
  size_t keep = n;
  for (size_t j = n; j > n / 2 && j > 0; --j) {
    if (ends_sentence(words[j - 1])) {
      keep = j;
      break;
    }
  }
  return join_words(words, keep);
}

struct Entry {
  int doc, word;
};

}  // namespace

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == ' ' && text[i - 1] != ' ' && text[i + 1] != ' ' && text[i - 1] != '\n' &&
        text[i + 1] != '\n') {
      out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

DistractorPool make_distractor_pool(const Corpus& corpus, const Tokenizer& tok, int threads) {
  DistractorPool pool;
  auto add = [&](const CorpusItem& it, const std::string& text) {
    DistractorDoc d;
    d.source_id = it.source_id;
    d.words = split_words(text);
    pool.docs.push_back(std::move(d));
  };
  for (const auto& it : corpus.summarisation)
    add(it, it.title.empty() ? it.text : it.title + ".\n\n" + it.text);
  for (const auto& it : corpus.qa) add(it, it.text);
  for (const auto& it : corpus.dialogue) {
    std::string text;
    for (const auto& t : it.turns) {
      if (!text.empty()) text += "\n";
      text += (t.role == "user"        ? "User: "
               : t.role == "assistant" ? "Assistant: "
                                       : "Note: ") +
              t.content;
    }
    add(it, text);
  }
  std::vector<std::thread> ts;
  int n = std::max(1, threads);
  for (int t = 0; t < n; ++t) {
    ts.emplace_back([&, t] {
      for (size_t i = size_t(t); i < pool.docs.size(); i += size_t(n)) {
        auto& d = pool.docs[i];
        d.costs.reserve(d.words.size());
        for (const auto& w : d.words) {
          d.costs.push_back(int(tok.encode(w).size()));
          d.total_cost += d.costs.back();
        }
      }
    });
  }
  for (auto& t : ts) t.join();
  for (const auto& d : pool.docs) pool.total_cost += d.total_cost;
  pool.description = corpus.kind + " corpus, " + std::to_string(pool.docs.size()) + " documents";
  return pool;
}

Conversation PromptPacker::assemble(const std::string& task, const CorpusItem& p,
                                    const std::string& distractor) {
  std::string tail =
      distractor.empty() ? "" : std::string("\n\n") + kDistractorHeader + "\n" + distractor;
  if (task == "dialogue") {
    Conversation c{{"system", kDialogueSystem + tail}};
    c.insert(c.end(), p.turns.begin(), p.turns.end());
    return c;
  }
  std::string user = "### PRIMARY (your task)\n";
  if (task == "summarisation") {
    user += "Summarise the following article in three to five sentences.\n\n";
    if (!p.title.empty()) user += "Title: " + p.title + "\n\n";
    user += p.text;
  } else {
    user +=
        "Answer the question using only the context below. Reply with a short "
        "answer.\n\nContext:\n" +
        p.text + "\n\nQuestion: " + p.question;
  }
  return {{"system", kSystem}, {"user", user + tail}};
}

Result<int> PromptPacker::count(const Conversation& c) const {
  auto ids = counter_.encode(c);
  if (!ids) return ids.error();
  return int(ids->size());
}

Result<WorkloadRequest> PromptPacker::pack(const PackRequest& r) const {
  const std::string rid = r.task + "-" + r.bucket + "-" + [&] {
    char b[16];
    std::snprintf(b, sizeof b, "%04d", r.index);
    return std::string(b);
  }();
  auto fail = [&](const std::string& why) {
    return Error("request " + rid + " (target " + std::to_string(r.target) + "): " + why);
  };
  const auto& items = corpus_.of(r.task);
  if (items.empty()) return fail("the corpus has no " + r.task + " items");
  Rng rng(r.seed);

  // 1. The PRIMARY: a whole item that fits a seeded share of the target, else
  //    the first candidate cut down (dialogue: oldest exchanges first; text:
  //    words, then back to a sentence end). The share is a soft budget, so
  //    word-cost estimates choose; exact counts only guard the hard limit.
  const int budget = std::max(1, int(r.target * (0.3 + 0.4 * rng.unit())));
  const size_t start = rng.below(items.size());
  auto fixed = count(assemble(r.task, CorpusItem{}, ""));
  if (!fixed) return fail(fixed.error().message());
  auto est_cost = [&](const CorpusItem& it) -> long {
    auto d = doc_of_.find(it.source_id);
    if (d != doc_of_.end())
      return pool_.docs[d->second].total_cost + long(tok_.encode(it.question).size());
    long c = long(tok_.encode(it.title).size() + tok_.encode(it.text).size() +
                  tok_.encode(it.question).size());
    for (const auto& t : it.turns) c += long(tok_.encode(t.content).size()) + 4;
    return c;
  };
  CorpusItem primary;
  bool found = false;
  for (size_t k = 0; k < std::min<size_t>(8, items.size()) && !found; ++k) {
    const CorpusItem& cand = items[(start + k) % items.size()];
    if (*fixed + est_cost(cand) <= budget) {
      primary = cand;
      found = true;
    }
  }
  auto cut_to = [&](CorpusItem& p, long allowance) {
    if (r.task == "dialogue") {
      long total = 0;
      std::vector<long> turn_cost;
      for (const auto& t : p.turns) {
        turn_cost.push_back(long(tok_.encode(t.content).size()) + 4);
        total += turn_cost.back();
      }
      size_t drop = 0;
      while (p.turns.size() - drop > 2 && total > allowance) {
        total -= turn_cost[drop] + turn_cost[drop + 1];
        drop += 2;
      }
      p.turns.erase(p.turns.begin(), p.turns.begin() + long(drop));
      if (p.turns.size() > 1 && p.turns.front().role != "user") p.turns.erase(p.turns.begin());
      allowance -= total - long(tok_.encode(p.turns.back().content).size());
    } else {
      allowance -= long(tok_.encode(p.title).size() + tok_.encode(p.question).size());
    }
    std::string& text = r.task == "dialogue" ? p.turns.back().content : p.text;
    const std::vector<std::string> words = split_words(text);
    size_t keep = 0;
    long used = 0;
    while (keep < words.size()) {
      long c = long(tok_.encode(words[keep]).size());
      if (used + c > allowance) break;
      used += c;
      ++keep;
    }
    if (keep < words.size()) text = cut_text(words, std::max<size_t>(keep, 1));
  };
  if (!found) {
    primary = items[start];
    cut_to(primary, budget - *fixed);
  }
  // Hard guard: the primary must leave room for the distractor header and
  // words. Estimates are close; when they are not, cut again with exact counts.
  for (int guard = 0; guard < 6; ++guard) {
    auto c = count(assemble(r.task, primary, ""));
    if (!c) return fail(c.error().message());
    if (*c <= std::max(budget, r.target - 48) || *c <= *fixed + 1) break;
    cut_to(primary, long(budget - *fixed) - long(*c - budget));
  }
  auto base = count(assemble(r.task, primary, ""));
  if (!base) return fail(base.error().message());
  if (*base > r.max_prompt)
    return fail("the PRIMARY alone needs " + std::to_string(*base) + " tokens, above the limit " +
                std::to_string(r.max_prompt) + " (item " + primary.source_id + ")");

  // 2. DISTRACTOR words from other documents, in a seeded order, until the
  //    exact count lands on the target.
  auto with_x = count(assemble(r.task, primary, "x"));
  if (!with_x) return fail(with_x.error().message());
  const int header_cost = *with_x - *base - int(tok_.encode("x").size());

  std::vector<Entry> entries;
  std::vector<int> doc_order;
  std::vector<char> used(pool_.docs.size(), 0);
  size_t doc_cursor = 0;  // index into doc_order of the doc being read
  int word_cursor = 0;
  auto next_doc = [&]() -> bool {
    size_t n = pool_.docs.size();
    for (int tries = 0; tries < 64; ++tries) {
      size_t i = rng.below(n);
      if (!used[i] && pool_.docs[i].source_id != primary.source_id &&
          !pool_.docs[i].words.empty()) {
        used[i] = 1;
        doc_order.push_back(int(i));
        return true;
      }
    }
    for (size_t i = 0; i < n; ++i) {  // dense fallback: the first unused, in order
      if (!used[i] && pool_.docs[i].source_id != primary.source_id &&
          !pool_.docs[i].words.empty()) {
        used[i] = 1;
        doc_order.push_back(int(i));
        return true;
      }
    }
    return false;
  };
  auto render = [&]() {
    std::string d;
    int prev = -1;
    for (const auto& e : entries) {
      if (prev >= 0) d += e.doc == prev ? " " : "\n\n";
      d += pool_.docs[size_t(e.doc)].words[size_t(e.word)];
      prev = e.doc;
    }
    return d;
  };
  auto cost_of = [&](const Entry& e, bool first) {
    int c = pool_.docs[size_t(e.doc)].costs[size_t(e.word)];
    if (first) return c + header_cost;
    return entries.empty() || entries.back().doc != e.doc ? c + kDocBreakCost : c;
  };
  // Appends words worth up to `gap` estimated tokens; false when the pool ran dry.
  auto add = [&](int gap) -> bool {
    while (gap > 0) {
      if (doc_cursor >= doc_order.size() ||
          word_cursor >= int(pool_.docs[size_t(doc_order[doc_cursor])].words.size())) {
        if (doc_cursor < doc_order.size()) ++doc_cursor;
        word_cursor = 0;
        if (doc_cursor >= doc_order.size() && !next_doc()) return false;
        continue;
      }
      Entry e{doc_order[doc_cursor], word_cursor};
      int c = cost_of(e, entries.empty());
      if (c > gap) {
        // Last gap: look a little ahead in this document for a word that fits it.
        const auto& d = pool_.docs[size_t(e.doc)];
        for (int k = 1; k <= kLookAhead && word_cursor + k < int(d.words.size()); ++k) {
          Entry f{e.doc, word_cursor + k};
          if (cost_of(f, entries.empty()) <= gap) {
            entries.push_back(f);
            word_cursor += k + 1;
            return true;
          }
        }
        return true;
      }
      entries.push_back(e);
      ++word_cursor;
      gap -= c;
    }
    return true;
  };
  auto remove = [&](int excess) {
    while (excess > 0 && !entries.empty()) {
      Entry e = entries.back();
      entries.pop_back();
      excess -= cost_of(e, entries.empty());
      // Reading resumes after the removed word's predecessor.
      while (doc_cursor > 0 && doc_order[doc_cursor] != e.doc) --doc_cursor;
      word_cursor = e.word;
    }
  };

  int exact = *base;
  bool dry = false;
  std::vector<Entry> best_entries;
  int best_count = -1;
  auto consider = [&](int c) {
    if (c > r.max_prompt || c < r.min_prompt) return;
    if (best_count < 0 || std::abs(c - r.target) < std::abs(best_count - r.target) ||
        (std::abs(c - r.target) == std::abs(best_count - r.target) && c < best_count)) {
      best_count = c;
      best_entries = entries;
    }
  };
  consider(exact);
  for (int round = 0; round < kMaxRounds && exact != r.target; ++round) {
    size_t before = entries.size();
    if (exact < r.target) {
      if (!add(r.target - exact)) dry = true;
    } else {
      remove(exact - r.target);
    }
    if (entries.size() == before && round > 0) break;  // no word fits the remaining gap
    auto c = count(assemble(r.task, primary, render()));
    if (!c) return fail(c.error().message());
    exact = *c;
    consider(exact);
    if (dry && exact < r.target) break;
  }
  if (best_count < 0 || (dry && r.target - best_count > 8))
    return fail("bucket " + r.bucket + ": the corpus cannot fill it (" + pool_.description + ", " +
                std::to_string(pool_.total_cost) + " tokens of distractor text; reached " +
                std::to_string(std::max(best_count, exact)) + " of " + std::to_string(r.target) +
                " tokens)");
  entries = best_entries;
  Conversation final_conv = assemble(r.task, primary, render());
  // The exact count of exactly what is written (one more full encode).
  auto final_count = count(final_conv);
  if (!final_count) return fail(final_count.error().message());
  if (*final_count != best_count)
    return fail("count changed on re-encode (" + std::to_string(best_count) + " vs " +
                std::to_string(*final_count) + ")");

  WorkloadRequest out;
  out.id = rid;
  out.task = r.task;
  out.bucket = r.bucket;
  out.messages = std::move(final_conv);
  out.max_new_tokens = r.max_new_tokens;
  out.request_prompt_tokens = *final_count;
  out.target_prompt_tokens = r.target;
  out.tokenizer_id = tok_.id();
  out.tokenizer_sha256 = tok_.sha256();
  out.primary_source = primary.source_id;
  int prev = -1;
  for (const auto& e : entries) {
    if (e.doc != prev) out.distractor_sources.push_back(pool_.docs[size_t(e.doc)].source_id);
    prev = e.doc;
  }
  return out;
}

}  // namespace l4lab

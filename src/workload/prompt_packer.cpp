#include "workload/prompt_packer.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "common/random.h"
#include "workload/distractor_filler.h"

namespace l4lab::workload {
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
constexpr int kMaxRounds = 12;

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

// Word-cost estimate of an item's text: the pool's cost when the item is in
// it, else encoded piece by piece (a dialogue turn's framing counted as 4).
long PromptPacker::estimated_cost(const CorpusItem& it) const {
  auto d = doc_of_.find(it.source_id);
  if (d != doc_of_.end())
    return pool_.docs[d->second].total_cost + long(tok_.encode(it.question).size());
  long c = long(tok_.encode(it.title).size() + tok_.encode(it.text).size() +
                tok_.encode(it.question).size());
  for (const auto& t : it.turns) c += long(tok_.encode(t.content).size()) + 4;
  return c;
}

// Cuts the PRIMARY to about `allowance` estimated tokens: a dialogue drops
// its oldest exchanges first; then the text (the dialogue's last turn) is cut
// to whole words, back to a sentence end.
void PromptPacker::cut_to(const std::string& task, CorpusItem& p, long allowance) const {
  if (task == "dialogue") {
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
  std::string& text = task == "dialogue" ? p.turns.back().content : p.text;
  const std::vector<std::string> words = split_words(text);
  size_t keep = 0;
  long used = 0;
  while (keep < words.size()) {
    const long c = long(tok_.encode(words[keep]).size());
    if (used + c > allowance) break;
    used += c;
    ++keep;
  }
  if (keep < words.size()) text = cut_text(words, std::max<size_t>(keep, 1));
}

// 1. The PRIMARY: a whole item that fits a seeded share of the target, else
//    the first candidate cut down. The share is a soft budget, so word-cost
//    estimates choose; exact counts only guard the hard limit.
Result<PromptPacker::Primary> PromptPacker::choose_primary(const PackRequest& r, Rng& rng) const {
  const auto& items = corpus_.of(r.task);
  const int budget = std::max(1, int(r.target * (0.3 + 0.4 * rng.unit())));
  const size_t start = rng.below(items.size());
  auto fixed = count(assemble(r.task, CorpusItem{}, ""));
  if (!fixed) return fixed.error();
  Primary p;
  bool found = false;
  for (size_t k = 0; k < std::min<size_t>(8, items.size()) && !found; ++k) {
    const CorpusItem& cand = items[(start + k) % items.size()];
    if (*fixed + estimated_cost(cand) <= budget) {
      p.item = cand;
      found = true;
    }
  }
  if (!found) {
    p.item = items[start];
    cut_to(r.task, p.item, budget - *fixed);
  }
  // Hard guard: the primary must leave room for the distractor header and
  // words. Estimates are close; when they are not, cut again with exact counts.
  for (int guard = 0; guard < 6; ++guard) {
    auto c = count(assemble(r.task, p.item, ""));
    if (!c) return c.error();
    if (*c <= std::max(budget, r.target - 48) || *c <= *fixed + 1) break;
    cut_to(r.task, p.item, long(budget - *fixed) - long(*c - budget));
  }
  auto base = count(assemble(r.task, p.item, ""));
  if (!base) return base.error();
  if (*base > r.max_prompt)
    return Error("the PRIMARY alone needs " + std::to_string(*base) + " tokens, above the limit " +
                 std::to_string(r.max_prompt) + " (item " + p.item.source_id + ")");
  p.tokens = *base;
  return p;
}

// 2. DISTRACTOR words from other documents, in a seeded order, until the
//    exact count lands on the target (or the closest count in the bucket).
Result<PromptPacker::Filled> PromptPacker::fill_distractor(const PackRequest& r,
                                                           const Primary& primary, Rng& rng) const {
  auto with_x = count(assemble(r.task, primary.item, "x"));
  if (!with_x) return with_x.error();
  const int header_cost = *with_x - primary.tokens - int(tok_.encode("x").size());
  DistractorFiller filler(pool_, header_cost, primary.item.source_id, rng);
  ClosestCount best(r.target, r.min_prompt, r.max_prompt);
  int exact = primary.tokens;
  bool dry = false;
  best.consider(exact, filler.entries());
  for (int round = 0; round < kMaxRounds && exact != r.target; ++round) {
    const size_t before = filler.entries().size();
    if (exact < r.target) {
      if (!filler.add(r.target - exact)) dry = true;
    } else {
      filler.remove(exact - r.target);
    }
    if (filler.entries().size() == before && round > 0) break;  // no word fits the remaining gap
    auto c = count(assemble(r.task, primary.item, filler.render()));
    if (!c) return c.error();
    exact = *c;
    best.consider(exact, filler.entries());
    if (dry && exact < r.target) break;
  }
  if (!best.found() || (dry && r.target - best.count() > 8))
    return Error("bucket " + r.bucket + ": the corpus cannot fill it (" + pool_.description + ", " +
                 std::to_string(pool_.total_cost) + " tokens of distractor text; reached " +
                 std::to_string(std::max(best.count(), exact)) + " of " + std::to_string(r.target) +
                 " tokens)");
  filler.restore(best.entries());
  return Filled{filler.render(), filler.sources(), best.count()};
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
  if (corpus_.of(r.task).empty()) return fail("the corpus has no " + r.task + " items");
  Rng rng(r.seed);
  auto primary = choose_primary(r, rng);
  if (!primary) return fail(primary.error().message());
  auto filled = fill_distractor(r, *primary, rng);
  if (!filled) return fail(filled.error().message());
  Conversation final_conv = assemble(r.task, primary->item, filled->text);
  // The exact count of exactly what is written (one more full encode).
  auto final_count = count(final_conv);
  if (!final_count) return fail(final_count.error().message());
  if (*final_count != filled->tokens)
    return fail("count changed on re-encode (" + std::to_string(filled->tokens) + " vs " +
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
  out.primary_source = primary->item.source_id;
  out.distractor_sources = std::move(filled->sources);
  return out;
}

}  // namespace l4lab::workload

#include "workload/synthetic_corpus.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "workload/testdata/tokenizer_or_skip.h"
#include "workload/tokenizer_locator.h"

namespace l4lab::workload {
namespace {

TEST(SyntheticCorpus, SeededAndShapedPerTask) {
  Corpus a = make_synthetic_corpus(1, 50), b = make_synthetic_corpus(1, 50),
         c = make_synthetic_corpus(2, 50);
  ASSERT_EQ(a.summarisation.size(), 50u);
  EXPECT_EQ(a.summarisation[7].text, b.summarisation[7].text);
  EXPECT_EQ(a.dialogue[7].turns.back().content, b.dialogue[7].turns.back().content);
  EXPECT_NE(a.summarisation[7].text, c.summarisation[7].text);
  EXPECT_EQ(a.kind, "synthetic");
  for (const auto& it : a.qa) {
    EXPECT_FALSE(it.question.empty());
    // The planted answer is in the first paragraph, which truncation keeps.
    EXPECT_NE(it.text.substr(0, it.text.find("\n\n")).find(it.reference), std::string::npos)
        << it.source_id;
  }
  for (const auto& it : a.dialogue) {
    ASSERT_GE(it.turns.size(), 5u);
    EXPECT_EQ(it.turns.front().role, "user");
    EXPECT_EQ(it.turns.back().role, "user");
  }
}

TEST(SyntheticCorpus, ReadsAsTextWithRealisticTokensPerWord) {
  L4LAB_SKIP_WITHOUT_DEFAULT_TOKENIZER();
  auto tok = load_tokenizer("");
  ASSERT_TRUE(tok.ok());
  Corpus c = make_synthetic_corpus(1, 100);
  long tokens = 0, words = 0;
  std::set<std::string> vocab;
  for (const auto& it : c.summarisation) {
    tokens += long((*tok)->encode(it.text).size());
    std::istringstream in(it.text);
    for (std::string w; in >> w;) {
      ++words;
      vocab.insert(w);
    }
  }
  double per_word = double(tokens) / double(words);
  EXPECT_GT(per_word, 1.15);
  EXPECT_LT(per_word, 1.5);
  EXPECT_GT(vocab.size(), 500u);  // varied, not a handful of repeated words
}

}  // namespace
}  // namespace l4lab::workload

#include "workload/cached_tokenizer.h"

#include <gtest/gtest.h>

#include <random>

#include "workload/testdata/tokenizer_or_skip.h"
#include "workload/tokenizer_locator.h"

namespace l4lab::workload {
namespace {

TEST(CachedTokenizer, SameIdsAsPlainSentencePiece) {
  L4LAB_SKIP_WITHOUT_DEFAULT_TOKENIZER();
  auto plain = load_tokenizer("", {.cache = false});
  auto cached = load_tokenizer("");
  ASSERT_TRUE(plain.ok() && cached.ok());
  ASSERT_TRUE(vocabulary_is_word_local(**plain));
  const std::vector<std::string> texts = {
      "",
      " ",
      "a",
      "Hello, how are you?",
      "  two leading and  double  spaces  ",
      "tabs\tand\nnewlines\n\n a b\n c",
      "Ünïcödé façade naïve — “quotes” … emoji 😀 👨‍👩‍👧‍👦 "
      "中文测试 "
      "日本語 "
      "a "
      "中 "
      "b",
      "[INST] literal [/INST] </s> <s> ▁ ▁▁ <0x0A>",
      "x. Y, z; (w) \"q\" 'r' 1,234.56 3e10 e\xCC\x81 a\xC2\xA0"
      "b ﬁ ＡＢＣ",
      "The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog.",
  };
  for (const auto& t : texts) EXPECT_EQ((*cached)->encode(t), (*plain)->encode(t)) << t;

  // Random soup of words, punctuation, whitespace and multibyte characters.
  const std::vector<std::string> atoms = {"the", "The", "cat", "sat", ".", ",",  " ", " ",
                                          " ",   "  ",  "\n",  "\t",  "é", "中", "😀", "'s",
                                          "-",   "1",   "23",  "(",   ")", "▁",  "ß"};
  std::mt19937 rng(7);
  for (int n = 0; n < 2000; ++n) {
    std::string t;
    int len = int(rng() % 40);
    for (int i = 0; i < len; ++i) t += atoms[rng() % atoms.size()];
    ASSERT_EQ((*cached)->encode(t), (*plain)->encode(t)) << "[" << t << "]";
    ASSERT_EQ((*cached)->encode(t), (*plain)->encode(t)) << "second (cached) pass [" << t << "]";
  }
}

// A long-running server sees new words forever (numbers, names, ids): past
// its bound the cache stops growing and the ids stay exact.
TEST(CachedTokenizer, StopsGrowingAtItsBound) {
  L4LAB_SKIP_WITHOUT_DEFAULT_TOKENIZER();
  auto plain = load_tokenizer("", {.cache = false});
  auto cached = load_tokenizer("", {.cache_max_entries = 256});
  ASSERT_TRUE(plain.ok() && cached.ok());
  ASSERT_TRUE(cached_entries(**cached).has_value());
  EXPECT_FALSE(cached_entries(**plain).has_value());
  for (int i = 0; i < 5000; ++i) {
    const std::string t = "Question " + std::to_string(i) + ": word" + std::to_string(i * 7);
    ASSERT_EQ((*cached)->encode(t), (*plain)->encode(t)) << t;
  }
  // 64 shards of ceil(256 / 64) = 4 entries each.
  EXPECT_LE(*cached_entries(**cached), 256u);
  EXPECT_GE(*cached_entries(**cached), 200u);  // the bound, not a smaller one, was reached
  auto big = load_tokenizer("");
  ASSERT_TRUE(big.ok());
  for (int i = 0; i < 5000; ++i) (void)(*big)->encode("Question " + std::to_string(i) + ":");
  EXPECT_GE(*cached_entries(**big), 5000u);  // the default bound is far above
}

}  // namespace
}  // namespace l4lab::workload

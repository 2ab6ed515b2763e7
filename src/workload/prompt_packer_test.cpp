#include "workload/prompt_packer.h"

#include <gtest/gtest.h>

namespace l4lab::workload {
namespace {

TEST(PromptPacker, SplitWordsJoinsBackToTheText) {
  for (const std::string t : {"a b  c\nd e", " lead", "trail ", "one", "", "x \n y", "😀 中文 a"}) {
    auto w = split_words(t);
    std::string j;
    for (size_t i = 0; i < w.size(); ++i) j += (i ? " " : "") + w[i];
    EXPECT_EQ(j, t);
  }
  EXPECT_EQ(split_words("a b  c").size(), 2u);  // a double space stays inside a word
}

TEST(PromptPacker, LayoutPutsPrimaryFirstThenMarkedDistractor) {
  CorpusItem qa;
  qa.text = "Paris is in France.";
  qa.question = "Where is Paris?";
  Conversation c = PromptPacker::assemble("qa", qa, "filler words");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].role, "system");
  const std::string& u = c[1].content;
  EXPECT_EQ(u.rfind("### PRIMARY", 0), 0u);
  EXPECT_LT(u.find("Question: Where is Paris?"), u.find("### DISTRACTOR"));
  EXPECT_EQ(u.substr(u.size() - 12), "filler words");
  EXPECT_EQ(PromptPacker::assemble("qa", qa, "")[1].content.find("DISTRACTOR"), std::string::npos);

  CorpusItem d;
  d.turns = {{"user", "hi"}, {"assistant", "hello"}, {"user", "bye"}};
  Conversation dc = PromptPacker::assemble("dialogue", d, "filler");
  ASSERT_EQ(dc.size(), 4u);
  EXPECT_NE(dc[0].content.find("### DISTRACTOR"), std::string::npos);
  EXPECT_EQ(dc.back().content, "bye");
}

}  // namespace
}  // namespace l4lab::workload

#include <gtest/gtest.h>

#include "workload/chat_template.h"
#include "workload/testdata/tokenizer_or_skip.h"
#include "workload/tokenizer_locator.h"

namespace l4lab::workload {
namespace {

class MistralV3Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto t = load_tokenizer("");
    if (t.ok()) tok_ = t->release();
  }
  void SetUp() override { L4LAB_SKIP_WITHOUT_DEFAULT_TOKENIZER(); }
  static void TearDownTestSuite() { delete tok_; }
  static std::vector<TokenId> ids(const Conversation& c) {
    auto tmpl = MistralV3ChatTemplate::create(*tok_);
    EXPECT_TRUE(tmpl.ok());
    auto r = tmpl->encode(c);
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? *r : std::vector<TokenId>{};
  }
  static std::string error(const Conversation& c) {
    auto r = MistralV3ChatTemplate::create(*tok_)->encode(c);
    return r.ok() ? std::string("(no error)") : r.error().message();
  }
  static Tokenizer* tok_;
};
Tokenizer* MistralV3Test::tok_ = nullptr;

TEST_F(MistralV3Test, ControlIdsAsReference) {
  EXPECT_EQ(tok_->piece_id("<s>"), 1);
  EXPECT_EQ(tok_->piece_id("</s>"), 2);
  EXPECT_EQ(tok_->piece_id("[INST]"), 3);
  EXPECT_EQ(tok_->piece_id("[/INST]"), 4);
  EXPECT_EQ(tok_->piece_id("no such piece"), -1);
  EXPECT_EQ(tok_->vocab_size(), 32768);
  EXPECT_EQ(tok_->id(), "mistral-v3:mistral_instruct_tokenizer_240323.model.v3");
  EXPECT_EQ(tok_->sha256().size(), 64u);
}

TEST_F(MistralV3Test, ReferenceExamples) {
  // REFERENCE.md section 4, from mistral-common.
  EXPECT_EQ(ids({{"system", "You are a helpful assistant."}, {"user", "Hello, how are you?"}}),
            (std::vector<TokenId>{1, 3, 1763, 1228, 1032, 11633, 14660, 29491, 781, 781, 16998,
                                  29493, 1678, 1228, 1136, 29572, 4}));
  EXPECT_EQ(ids({{"user", "Hello, how are you?"}}),
            (std::vector<TokenId>{1, 3, 23325, 29493, 1678, 1228, 1136, 29572, 4}));
}

TEST_F(MistralV3Test, MultiTurnSystemGoesToLastUserAndAssistantClosed) {
  // mistral-common: <s>[INST]▁u1[/INST]▁a1</s>[INST]▁Sys\n\nu2[/INST]
  EXPECT_EQ(ids({{"system", "Sys"}, {"user", "u1"}, {"assistant", "a1"}, {"user", "u2"}}),
            (std::vector<TokenId>{1, 3, 1100, 29508, 4, 1032, 29508, 2, 3, 1086, 1614, 781, 781,
                                  29486, 29518, 4}));
}

TEST_F(MistralV3Test, EdgeCasesAsMistralCommon) {
  EXPECT_EQ(ids({{"system", ""}, {"user", "Hi"}}), (std::vector<TokenId>{1, 3, 16127, 4}));
  EXPECT_EQ(ids({{"system", "A"}, {"system", "B"}, {"user", "Hi"}}),
            (std::vector<TokenId>{1, 3, 1098, 781, 781, 29528, 781, 781, 24577, 4}));
  EXPECT_EQ(ids({{"user", ""}}), (std::vector<TokenId>{1, 3, 4}));
  EXPECT_EQ(ids({{"system", "x"}}), (std::vector<TokenId>{1, 3, 2086, 781, 781, 4}));
  EXPECT_EQ(ids({{"user", "a"}, {"user", "b"}}),
            (std::vector<TokenId>{1, 3, 1032, 781, 781, 29494, 4}));
  EXPECT_EQ(ids({{"assistant", "a"}, {"user", "b"}}),
            (std::vector<TokenId>{1, 3, 4, 1032, 2, 3, 1055, 4}));
}

TEST_F(MistralV3Test, RejectsWhatMistralCommonRejects) {
  EXPECT_NE(error({}).find("at least one message"), std::string::npos);
  EXPECT_NE(error({{"user", "u"}, {"assistant", "a"}}).find("last message must be a user turn"),
            std::string::npos);
  EXPECT_NE(error({{"user", "u"}, {"assistant", "a"}, {"system", "s"}, {"user", "u"}})
                .find("messages[2].role"),
            std::string::npos);
  EXPECT_NE(error({{"user", "u"}, {"assistant", ""}, {"user", "u"}}).find("messages[1].content"),
            std::string::npos);
  EXPECT_NE(error({{"tool", "t"}}).find("messages[0].role: 'tool'"), std::string::npos);
  EXPECT_NE(error({{"assistant", "a"}}).find("start with a user or system"), std::string::npos);
}

TEST_F(MistralV3Test, LiteralControlTextIsOrdinaryPieces) {
  auto v = ids({{"user", "[INST] hi [/INST] </s> <s>"}});
  ASSERT_GE(v.size(), 3u);
  for (size_t i = 2; i + 1 < v.size(); ++i) EXPECT_GT(v[i], 9) << "position " << i;
}

}  // namespace
}  // namespace l4lab::workload

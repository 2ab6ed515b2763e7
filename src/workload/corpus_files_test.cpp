#include "workload/corpus_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/files.h"

namespace l4lab::workload {
namespace {

std::string tmp(const std::string& name, const std::string& content) {
  auto dir = std::filesystem::path(L4LAB_BINARY_DIR) / "test-tmp" / "corpus";
  std::filesystem::create_directories(dir);
  std::string p = (dir / name).string();
  EXPECT_TRUE(write_file(p, content).ok());
  return p;
}

TEST(CorpusFiles, SummarisationCsvWithDefaultColumns) {
  auto p = tmp("cnn.csv",
               "id,article,highlights\nabc,\"A long, quoted article.\nSecond line.\",Short.\n");
  auto items = read_corpus_file("summarisation", p, {});
  ASSERT_TRUE(items.ok()) << items.error().message();
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].source_id, "file:cnn.csv:abc");
  EXPECT_EQ((*items)[0].text, "A long, quoted article.\nSecond line.");
  EXPECT_EQ((*items)[0].reference, "Short.");
}

TEST(CorpusFiles, ColumnMappingAndSquadJsonl) {
  ColumnMap m;
  ASSERT_TRUE(add_column_mapping(m, "qa.context=passage_text").ok());
  EXPECT_FALSE(add_column_mapping(m, "qa.nope=x").ok());
  EXPECT_FALSE(add_column_mapping(m, "qa.context").ok());
  auto p = tmp("squad.jsonl",
               "{\"passage_text\":\"Paris is in France.\",\"question\":\"Where is "
               "Paris?\",\"answers\":{\"text\":[\"France\"]}}\n"
               "\n"
               "{\"passage_text\":\"Rome is in Italy.\",\"question\":\"Where is Rome?\"}\n");
  auto items = read_corpus_file("qa", p, m);
  ASSERT_TRUE(items.ok()) << items.error().message();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].reference, "France");
  EXPECT_EQ((*items)[1].source_id, "file:squad.jsonl:3");
  EXPECT_EQ((*items)[1].question, "Where is Rome?");
}

TEST(CorpusFiles, DialogueFormats) {
  auto sharegpt =
      tmp("sharegpt.json",
          "[{\"id\":\"x1\",\"conversations\":[{\"from\":\"human\",\"value\":\"Hi\"},"
          "{\"from\":\"gpt\",\"value\":\"Hello!\"},{\"from\":\"human\",\"value\":\"Bye\"},"
          "{\"from\":\"gpt\",\"value\":\"See you\"}]}]");
  auto a = read_corpus_file("dialogue", sharegpt, {});
  ASSERT_TRUE(a.ok()) << a.error().message();
  ASSERT_EQ((*a)[0].turns.size(), 3u);  // trailing assistant turn dropped: ends on a user turn
  EXPECT_EQ((*a)[0].turns[1].role, "assistant");
  EXPECT_EQ((*a)[0].source_id, "file:sharegpt.json:x1");

  auto samsum =
      tmp("samsum.csv", "id,dialogue,summary\n1,\"Amy: hi\r\nBob: hey\r\nAmy: lunch?\",x\n");
  auto b = read_corpus_file("dialogue", samsum, {});
  ASSERT_TRUE(b.ok()) << b.error().message();
  ASSERT_EQ((*b)[0].turns.size(), 3u);
  EXPECT_EQ((*b)[0].turns[2].content, "Amy: lunch?");
  EXPECT_EQ((*b)[0].turns[2].role, "user");

  auto dd = dialogue_from_text("Hello . __eou__ Hi there . __eou__ How are you ? __eou__");
  ASSERT_EQ(dd.size(), 3u);
  EXPECT_EQ(dd[1].role, "assistant");
}

TEST(CorpusFiles, BadInputNamesFileLineField) {
  auto missing = tmp("nocol.csv", "id,body\n1,text\n");
  auto r = read_corpus_file("summarisation", missing, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find(
                missing + ":1: field article: no column 'article' or 'document' or 'text'"),
            std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("--column summarisation.article=NAME"), std::string::npos);

  auto malformed = tmp("malformed.csv", "article\n\"ok\"\n\"bad\"x\n");
  auto m = read_corpus_file("summarisation", malformed, {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message().rfind(malformed + ":3: malformed CSV", 0), 0u)
      << m.error().message();

  auto empty = tmp("empty.csv", "article\n");
  auto e = read_corpus_file("summarisation", empty, {});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message(), empty + ": empty corpus (no rows)");

  auto blank = tmp("blank.jsonl", "{\"context\":\"c\",\"question\":\"\"}\n");
  auto b = read_corpus_file("qa", blank, {});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().message(), blank + ":1: field 'question': empty");

  auto nojson = tmp("nojson.jsonl", "{\"context\":\"c\",\"question\":\"q\"}\n{oops\n");
  auto j = read_corpus_file("qa", nojson, {});
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().message(), nojson + ":2: not a JSON object");

  auto badutf = tmp("badutf.csv", "article\n\"abc\xff\"\n");
  auto u = read_corpus_file("summarisation", badutf, {});
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().message(), badutf + ":2: field 'article': not valid UTF-8");
}

}  // namespace
}  // namespace l4lab::workload

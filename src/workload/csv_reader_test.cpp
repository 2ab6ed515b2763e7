#include "workload/csv_reader.h"

#include <gtest/gtest.h>

namespace l4lab::workload {
namespace {

TEST(CsvReader, QuotedFieldsCommasQuotesNewlinesAndLines) {
  auto t = parse_csv(
      "id,article,summary\n1,\"Hello, world\",\"He said \"\"hi\"\"\"\n\n2,\"two\nlines\", keep "
      "\n3,x,y",
      "a.csv");
  ASSERT_TRUE(t.ok()) << t.error().message();
  EXPECT_EQ(t->header, (std::vector<std::string>{"id", "article", "summary"}));
  ASSERT_EQ(t->rows.size(), 3u);
  EXPECT_EQ(t->rows[0][1], "Hello, world");
  EXPECT_EQ(t->rows[0][2], "He said \"hi\"");
  EXPECT_EQ(t->rows[1][1], "two\nlines");
  EXPECT_EQ(t->rows[1][2], " keep ");
  EXPECT_EQ(t->row_lines, (std::vector<size_t>{2, 4, 6}));
  EXPECT_EQ(t->column("summary"), 2);
  EXPECT_EQ(t->column("nope"), -1);
}

TEST(CsvReader, CrlfAndBom) {
  auto t = parse_csv(
      "\xEF\xBB\xBF"
      "a,b\r\n1,2\r\n",
      "w.csv");
  ASSERT_TRUE(t.ok()) << t.error().message();
  EXPECT_EQ(t->header[0], "a");
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0][1], "2");
}

TEST(CsvReader, MalformedRowNamesLine) {
  auto t = parse_csv("a,b\n1,2\n3,x\"y\n", "bad.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message().rfind("bad.csv:3: malformed CSV", 0), 0u) << t.error().message();
  auto u = parse_csv("a,b\n1,\"never closed\n", "open.csv");
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().message().rfind("open.csv:2: malformed CSV", 0), 0u) << u.error().message();
  auto w = parse_csv("a,b\n1,2\n3\n", "short.csv");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().message(), "short.csv:3: row has 1 fields, the header (line 1) has 2");
  EXPECT_FALSE(parse_csv("", "empty.csv").ok());
}

}  // namespace
}  // namespace l4lab::workload

#include "traces/trace_reader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/files.h"
#include "traces/trace_json.h"
#include "traces/trace_writer.h"

using namespace l4lab;
using namespace l4lab::traces;

namespace {
TraceRecord rec(const std::string& id) {
  TraceRecord r;
  r.request_id = id;
  r.task = "dialogue";
  r.bucket = "S";
  r.ok = false;
  r.failure_class = FailureClass::cancelled;
  r.failure_detail = "interrupted";
  return r;
}
}  // namespace

TEST(TraceReader, KeepsGoodLinesAndReportsBadOnes) {
  std::string text = encode_trace(rec("a")) + "\n" + "{garbage\n" + encode_trace(rec("c")) + "\n" +
                     "\n" + encode_trace(rec("d")).substr(0, 20);
  auto f = parse_traces(text, "t.jsonl");
  ASSERT_EQ(f.records.size(), 2u);
  EXPECT_EQ(f.records[0].request_id, "a");
  EXPECT_EQ(f.records[1].request_id, "c");
  ASSERT_EQ(f.errors.size(), 2u);
  EXPECT_EQ(f.errors[0].line, 2u);
  EXPECT_NE(f.errors[0].message.find("t.jsonl:2:"), std::string::npos) << f.errors[0].message;
  EXPECT_EQ(f.errors[1].line, 5u);
  EXPECT_TRUE(f.torn_last_line);
}

TEST(TraceReader, WriterThenReaderAndResumeDropsTornLine) {
  auto dir = std::filesystem::temp_directory_path() / "l4lab_traces_test";
  std::filesystem::create_directories(dir);
  auto path = (dir / "traces.jsonl").string();
  {
    TraceWriter w;
    ASSERT_TRUE(w.open(path, false).ok());
    ASSERT_TRUE(w.write(rec("a")).ok());
    ASSERT_TRUE(w.write(rec("b")).ok());
    EXPECT_EQ(w.lines_written(), 2u);
  }
  // Simulate a torn write, then resume.
  auto text = *read_file(path);
  ASSERT_TRUE(write_file(path, text + "{\"request_id\":\"x").ok());
  auto torn = read_traces(path);
  ASSERT_TRUE(torn.ok());
  EXPECT_EQ(torn->records.size(), 2u);
  EXPECT_TRUE(torn->torn_last_line);
  {
    TraceWriter w;
    ASSERT_TRUE(w.open(path, true).ok());
    ASSERT_TRUE(w.write(rec("c")).ok());
  }
  auto f = read_traces(path);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->errors.empty());
  ASSERT_EQ(f->records.size(), 3u);
  EXPECT_EQ(f->records[2].request_id, "c");
}

TEST(TraceReader, MissingFileIsAnError) {
  EXPECT_FALSE(read_traces("/nonexistent/traces.jsonl").ok());
}

#include "client/sse_parser.h"

#include <gtest/gtest.h>

#include <vector>

using namespace l4lab;
using namespace l4lab::client;

namespace {
struct Collect : SseParser::Sink {
  std::vector<std::string> events;
  bool on_event(std::string& d) override {
    events.push_back(d);
    return true;
  }
};

const std::string kStream =
    "data: {\"a\":1}\n\n"
    ": keep-alive\r\n"
    "data: {\"b\":2}\r\n\r\n"
    "event: message\n"
    "data:{\"c\":\n"
    "data: 3}\n\n"
    "data: [DONE]\n\n";
}  // namespace

TEST(SseParser, SplitsEventsAtEveryPossibleBoundary) {
  const std::vector<std::string> expected = {"{\"a\":1}", "{\"b\":2}", "{\"c\":\n3}", "[DONE]"};
  for (size_t cut = 0; cut <= kStream.size(); ++cut) {
    for (size_t cut2 = cut; cut2 <= kStream.size(); cut2 += 7) {
      SseParser p;
      Collect c;
      ASSERT_TRUE(p.feed(std::string_view(kStream).substr(0, cut), c));
      ASSERT_TRUE(p.feed(std::string_view(kStream).substr(cut, cut2 - cut), c));
      ASSERT_TRUE(p.feed(std::string_view(kStream).substr(cut2), c));
      EXPECT_EQ(c.events, expected) << "cut at " << cut << "," << cut2;
      EXPECT_FALSE(p.has_partial());
    }
  }
}

TEST(SseParser, ByteAtATime) {
  SseParser p;
  Collect c;
  for (char ch : kStream) ASSERT_TRUE(p.feed(std::string_view(&ch, 1), c));
  EXPECT_EQ(c.events.size(), 4u);
}

TEST(SseParser, ReportsBadLinesAndPartialEvents) {
  SseParser p;
  Collect c;
  EXPECT_FALSE(p.feed("data: {}\n\nthis is not sse\n\n", c));
  EXPECT_NE(p.error().find("without a field"), std::string::npos);
  EXPECT_EQ(c.events.size(), 1u);

  SseParser q;
  EXPECT_FALSE(q.feed("foo: bar\n", c));
  EXPECT_NE(q.error().find("foo"), std::string::npos);

  SseParser r;
  EXPECT_TRUE(r.feed("data: {\"x\":", c));
  EXPECT_TRUE(r.has_partial());
  EXPECT_TRUE(r.feed("1}\n", c));
  EXPECT_TRUE(r.has_partial());  // event not yet ended by a blank line
}

TEST(SseParser, SinkCanStop) {
  struct Stop : SseParser::Sink {
    int n = 0;
    bool on_event(std::string&) override { return ++n < 1; }
  } s;
  SseParser p;
  EXPECT_FALSE(p.feed("data: 1\n\ndata: 2\n\n", s));
  EXPECT_EQ(s.n, 1);
  EXPECT_TRUE(p.error().empty());
}

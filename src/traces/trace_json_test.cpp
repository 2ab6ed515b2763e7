#include "traces/trace_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using namespace l4lab;
using namespace l4lab::traces;

namespace {
TraceRecord full_record() {
  TraceRecord r;
  r.request_id = "qa-M-0003";
  r.task = "qa";
  r.bucket = "M";
  r.phase = Phase::measured;
  r.t_scheduled_ns = 1000;
  r.t_sent_ns = 1010;
  r.t_first_byte_ns = 2000;
  r.t_first_token_ns = 2100;
  r.t_last_token_ns = 5000;
  r.t_end_ns = 5100;
  r.chunks = {{2100, 1}, {3000, 2}, {5000, 1}};
  r.prompt_tokens_pre_send = 812;
  r.max_tokens = 128;
  r.usage_prompt_tokens = 812;
  r.usage_completion_tokens = 4;
  r.prompt_count_mismatch = false;
  r.http_status = 200;
  r.finish_reason = "length";
  r.ok = true;
  return r;
}
}  // namespace

TEST(TraceJson, RoundTripsSuccess) {
  auto r = full_record();
  auto line = encode_trace(r);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto back = decode_trace(line);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, r);
}

TEST(TraceJson, RoundTripsFailureWithNullsAndEscapes) {
  TraceRecord r;
  r.request_id = "a\"b\\c\n\x01";
  r.task = "summarisation";
  r.bucket = "L";
  r.phase = Phase::warmup;
  r.attempt = 2;
  r.t_scheduled_ns = 5;
  r.ok = false;
  r.failure_class = FailureClass::connection;
  r.failure_detail = "refused";
  r.error = "Couldn't connect to server: \u00e9";
  auto line = encode_trace(r);
  auto back = decode_trace(line);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, r);
}

TEST(TraceJson, MatchesFormatsFieldNames) {
  // Every field of docs/FORMATS.md's traces.jsonl example, and no other.
  auto j = nlohmann::json::parse(encode_trace(full_record()));
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items()) keys.push_back(k);
  std::vector<std::string> expected = {"attempt",
                                       "bucket",
                                       "chunks",
                                       "error",
                                       "failure_class",
                                       "failure_detail",
                                       "finish_reason",
                                       "http_status",
                                       "max_tokens",
                                       "ok",
                                       "phase",
                                       "prompt_count_mismatch",
                                       "prompt_tokens_pre_send",
                                       "request_id",
                                       "t_end_ns",
                                       "t_first_byte_ns",
                                       "t_first_token_ns",
                                       "t_last_token_ns",
                                       "t_scheduled_ns",
                                       "t_sent_ns",
                                       "task",
                                       "usage_completion_tokens",
                                       "usage_prompt_tokens"};
  EXPECT_EQ(keys, expected);
  EXPECT_TRUE(j["failure_class"].is_null());
  EXPECT_EQ(j["chunks"][1][1], 2);
}

TEST(TraceJson, ErrorsNameTheField) {
  auto line = encode_trace(full_record());
  auto pos = line.find("\"t_sent_ns\":1010");
  ASSERT_NE(pos, std::string::npos);
  line.replace(pos, 16, "\"t_sent_ns\":\"x\"");
  auto r = decode_trace(line);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("t_sent_ns"), std::string::npos) << r.error().message();

  auto bad_phase =
      decode_trace(R"({"request_id":"a","task":"qa","bucket":"S","phase":"x","ok":true})");
  ASSERT_FALSE(bad_phase.ok());
  EXPECT_NE(bad_phase.error().message().find("phase"), std::string::npos);

  auto bad_class = decode_trace(
      R"({"request_id":"a","task":"qa","bucket":"S","phase":"measured","ok":false,"failure_class":"nope"})");
  ASSERT_FALSE(bad_class.ok());
  EXPECT_NE(bad_class.error().message().find("failure_class"), std::string::npos);

  auto bad_chunk = decode_trace(
      R"({"request_id":"a","task":"qa","bucket":"S","phase":"measured","ok":true,"chunks":[[1,2],[3]]})");
  ASSERT_FALSE(bad_chunk.ok());
  EXPECT_NE(bad_chunk.error().message().find("chunks[1]"), std::string::npos);
}

TEST(TraceJson, FailureClassNamesRoundTrip) {
  for (auto c : {FailureClass::http_4xx, FailureClass::http_5xx, FailureClass::timeout,
                 FailureClass::connection, FailureClass::protocol, FailureClass::empty_completion,
                 FailureClass::cancelled}) {
    auto name = failure_class_name(c);
    EXPECT_FALSE(name.empty());
    EXPECT_EQ(parse_failure_class(name), c);
  }
  EXPECT_EQ(failure_class_name(FailureClass::empty_completion), "empty_completion");
  EXPECT_FALSE(parse_failure_class("").has_value());
}

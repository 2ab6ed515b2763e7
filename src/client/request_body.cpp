#include "client/request_body.h"

#include <fmt/format.h>

#include "traces/trace_json.h"

namespace l4lab::client {

namespace {
void tail(std::string& out, int max_tokens, const SamplingOptions& s) {
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 ",\"max_tokens\":{},\"stream\":true,\"stream_options\":{{\"include_usage\":true",
                 max_tokens);
  if (s.continuous_usage) out.append(",\"continuous_usage_stats\":true");
  fmt::format_to(it, "}},\"temperature\":{},\"ignore_eos\":{}", s.temperature,
                 s.ignore_eos ? "true" : "false");
  if (s.seed) fmt::format_to(it, ",\"seed\":{}", *s.seed);
  out.push_back('}');
}
}  // namespace

std::string chat_request_body(const workload::Conversation& messages, int max_tokens,
                              const SamplingOptions& s) {
  std::string out = "{\"model\":";
  traces::append_json_string(out, s.model);
  out.append(",\"messages\":[");
  for (size_t i = 0; i < messages.size(); ++i) {
    if (i) out.push_back(',');
    out.append("{\"role\":");
    traces::append_json_string(out, messages[i].role);
    out.append(",\"content\":");
    traces::append_json_string(out, messages[i].content);
    out.push_back('}');
  }
  out.push_back(']');
  tail(out, max_tokens, s);
  return out;
}

std::string completions_request_body(const std::vector<int32_t>& prompt_ids, int max_tokens,
                                     const SamplingOptions& s) {
  std::string out = "{\"model\":";
  traces::append_json_string(out, s.model);
  out.append(",\"prompt\":[");
  auto it = std::back_inserter(out);
  for (size_t i = 0; i < prompt_ids.size(); ++i)
    fmt::format_to(it, "{}{}", i ? "," : "", prompt_ids[i]);
  out.push_back(']');
  tail(out, max_tokens, s);
  return out;
}

}  // namespace l4lab::client

#include "sim/chunk_formatter.h"

#include <charconv>

namespace l4lab::sim {

namespace {
void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, p);
}
}  // namespace

void append_json_escaped(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      switch (c) {
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
      }
    } else {
      out += ch;
    }
  }
}

void append_usage(std::string& out, const Usage& u) {
  out += "\"usage\":{\"prompt_tokens\":";
  append_int(out, u.prompt_tokens);
  out += ",\"total_tokens\":";
  append_int(out, u.prompt_tokens + u.completion_tokens);
  out += ",\"completion_tokens\":";
  append_int(out, u.completion_tokens);
  out += ",\"prompt_tokens_details\":null}";
}

ChunkFormatter::ChunkFormatter(Endpoint endpoint, std::string_view request_id, int64_t created,
                               std::string_view model)
    : endpoint_(endpoint), id_(request_id), created_(created) {
  model_json_ = "\"";
  append_json_escaped(model_json_, model);
  model_json_ += "\"";
  head_ = "data: {\"id\":\"";
  head_ += id_;
  head_ += endpoint == Endpoint::kChat ? "\",\"object\":\"chat.completion.chunk\",\"created\":"
                                       : "\",\"object\":\"text_completion\",\"created\":";
  append_int(head_, created);
  head_ += ",\"model\":";
  head_ += model_json_;
  head_ += ",\"choices\":[";
}

void ChunkFormatter::role_chunk(std::string& out, const Usage* usage) const {
  out += head_;
  out +=
      "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
      "\"finish_reason\":null}]";
  if (usage) {
    out += ',';
    append_usage(out, *usage);
  }
  out += "}\n\n";
}

void ChunkFormatter::content_chunk(std::string& out, std::string_view text,
                                   const char* finish_reason, const Usage* usage) const {
  out += head_;
  out += endpoint_ == Endpoint::kChat ? "{\"index\":0,\"delta\":{\"content\":\""
                                      : "{\"index\":0,\"text\":\"";
  append_json_escaped(out, text);
  out += endpoint_ == Endpoint::kChat ? "\"},\"logprobs\":null,\"finish_reason\":"
                                      : "\",\"logprobs\":null,\"finish_reason\":";
  if (finish_reason) {
    out += '"';
    out += finish_reason;
    out += "\",\"stop_reason\":null}]";
  } else {
    out += "null}]";
  }
  if (usage) {
    out += ',';
    append_usage(out, *usage);
  }
  out += "}\n\n";
}

void ChunkFormatter::usage_chunk(std::string& out, const Usage& usage) const {
  out += head_;
  out += "],";
  append_usage(out, usage);
  out += "}\n\n";
}

std::string ChunkFormatter::full_body(std::string_view text, const char* finish_reason,
                                      const Usage* usage) const {
  std::string out;
  out.reserve(text.size() + 512);
  out += "{\"id\":\"";
  out += id_;
  out += endpoint_ == Endpoint::kChat ? "\",\"object\":\"chat.completion\",\"created\":"
                                      : "\",\"object\":\"text_completion\",\"created\":";
  append_int(out, created_);
  out += ",\"model\":";
  out += model_json_;
  if (endpoint_ == Endpoint::kChat) {
    out += ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"";
    append_json_escaped(out, text);
    out += "\",\"tool_calls\":[]},\"logprobs\":null,\"finish_reason\":\"";
  } else {
    out += ",\"choices\":[{\"index\":0,\"text\":\"";
    append_json_escaped(out, text);
    out += "\",\"logprobs\":null,\"finish_reason\":\"";
  }
  out += finish_reason;
  out += "\",\"stop_reason\":null}]";
  if (usage) {
    out += ',';
    append_usage(out, *usage);
  }
  out += "}";
  return out;
}

}  // namespace l4lab::sim

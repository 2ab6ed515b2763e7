#include "sim/openai_request.h"

#include <algorithm>
#include <climits>
#include <nlohmann/json.hpp>
#include <type_traits>

namespace l4lab::sim {

using nlohmann::json;

namespace {

Result<json> parse_object(std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error("the request body is not valid JSON");
  if (!j.is_object()) return Error("the request body must be a JSON object");
  return j;
}

Error wrong_type(const std::string& key) { return Error("field '" + key + "' has the wrong type"); }

// A token id: a JSON integer in [0, 2^31). nlohmann's get<int> would convert
// a float (1e300: undefined behaviour) or wrap a large integer silently.
Result<workload::TokenId> token_id(const json& t, const std::string& where) {
  if (!t.is_number_integer()) return Error(where + " must be an integer token id");
  if (t.is_number_unsigned() ? t.get<uint64_t>() > uint64_t(INT32_MAX)
                             : t.get<int64_t>() < 0 || t.get<int64_t>() > INT32_MAX)
    return Error(where + " is not a valid token id: " + t.dump());
  return workload::TokenId(t.get<int64_t>());
}

// Exact types only: a bool is a JSON bool, a string a JSON string, a double
// any JSON number (never a conversion that could throw or be undefined).
template <typename T>
Status get_opt(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) return wrong_type(key);
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return wrong_type(key);
  } else if constexpr (std::is_same_v<T, double>) {
    if (!it->is_number()) return wrong_type(key);
  } else {
    static_assert(std::is_same_v<T, void>, "get_opt: bool, string or double");
  }
  out = it->get<T>();
  return Status::Ok();
}

// A list of token ids (detokenize's `tokens`).
Status get_ids(const json& j, const char* key, std::vector<workload::TokenId>& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return Error(std::string("field '") + key + "' must be a list of token ids");
  for (size_t i = 0; i < it->size(); ++i) {
    auto id = token_id((*it)[i], std::string(key) + "[" + std::to_string(i) + "]");
    if (!id) return id.error();
    out.push_back(*id);
  }
  return Status::Ok();
}

// Content is a string or a list of {"type":"text","text":...} parts (joined by "\n", as vLLM).
Result<workload::Conversation> parse_messages(const json& j) {
  auto it = j.find("messages");
  if (it == j.end() || !it->is_array()) return Error("field 'messages' must be a list");
  workload::Conversation conv;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& m = (*it)[i];
    const std::string at = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) return Error(at + " must be an object");
    workload::ChatMessage msg;
    if (!m.contains("role") || !m["role"].is_string()) return Error(at + ".role must be a string");
    msg.role = m["role"].get<std::string>();
    const json& c = m.value("content", json());
    if (c.is_string()) {
      msg.content = c.get<std::string>();
    } else if (c.is_array()) {
      bool first = true;
      for (const auto& part : c) {
        if (!part.is_object() || !part.contains("type") || part["type"] != "text" ||
            !part.contains("text"))
          return Error(at + ".content: only text parts are supported");
        if (!part["text"].is_string())
          return Error(at + ".content: a text part's text must be a string");
        if (!first) msg.content += "\n";
        msg.content += part["text"].get<std::string>();
        first = false;
      }
    } else if (!c.is_null()) {
      return Error(at + ".content must be a string or a list of text parts");
    }
    conv.push_back(std::move(msg));
  }
  return conv;
}

}  // namespace

#define L4_OPT(j, key, out) L4_TRY_STATUS(get_opt(j, key, out))

Result<GenerateRequest> parse_generate_request(std::string_view body, Endpoint endpoint) {
  auto parsed = parse_object(body);
  if (!parsed) return parsed.error();
  const json& j = *parsed;
  GenerateRequest r;
  r.endpoint = endpoint;
  L4_OPT(j, "model", r.model);
  if (endpoint == Endpoint::kChat) {
    auto conv = parse_messages(j);
    if (!conv) return conv.error();
    r.messages = std::move(*conv);
  } else {
    auto it = j.find("prompt");
    if (it == j.end()) return Error("field 'prompt' is required");
    if (it->is_string()) {
      r.prompt = it->get<std::string>();
    } else if (it->is_array() && !it->empty() && (*it)[0].is_number_integer()) {
      for (size_t i = 0; i < it->size(); ++i) {
        auto id = token_id((*it)[i], "prompt[" + std::to_string(i) + "]");
        if (!id) return id.error();
        r.prompt_ids.push_back(*id);
      }
      r.prompt_is_ids = true;
    } else {
      return Error(
          "field 'prompt' must be a string or a list of token ids (batches are not supported)");
    }
    L4_OPT(j, "add_special_tokens", r.add_special_tokens);
  }
  // vLLM: max_completion_tokens, else max_tokens.
  for (const char* key : {"max_tokens", "max_completion_tokens"}) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) continue;
    if (!it->is_number_integer())
      return Error(std::string("field '") + key + "' must be an integer");
    // A huge unsigned value is clamped below, not wrapped negative.
    const int64_t v = it->is_number_unsigned() && it->get<uint64_t>() > uint64_t(INT64_MAX)
                          ? INT64_MAX
                          : it->get<int64_t>();
    if (v < 1)
      return Error(std::string(key) + " must be at least 1, got " + std::to_string(v) + ".");
    r.max_tokens = int(std::min<int64_t>(v, 1 << 30));
  }
  L4_OPT(j, "stream", r.stream);
  L4_OPT(j, "ignore_eos", r.ignore_eos);
  if (auto so = j.find("stream_options"); so != j.end() && so->is_object()) {
    L4_OPT(*so, "include_usage", r.include_usage);
    L4_OPT(*so, "continuous_usage_stats", r.continuous_usage);
  }
  if (auto s = j.find("seed"); s != j.end() && !s->is_null()) {
    if (!s->is_number_integer()) return Error("field 'seed' must be an integer");
    r.seed = s->get<uint64_t>();  // a negative seed keeps its bits, as before
  }
  double temperature = 1.0;
  L4_OPT(j, "temperature", temperature);  // accepted; the filler does not depend on it
  return r;
}

Result<TokenizeRequest> parse_tokenize_request(std::string_view body) {
  auto parsed = parse_object(body);
  if (!parsed) return parsed.error();
  const json& j = *parsed;
  TokenizeRequest r;
  L4_OPT(j, "model", r.model);
  if (j.contains("messages")) {
    r.chat = true;
    auto conv = parse_messages(j);
    if (!conv) return conv.error();
    r.messages = std::move(*conv);
    r.add_special_tokens = false;
    L4_OPT(j, "add_generation_prompt", r.add_generation_prompt);
  } else if (j.contains("prompt")) {
    L4_OPT(j, "prompt", r.prompt);
  } else {
    return Error("a tokenize request needs 'prompt' or 'messages'");
  }
  L4_OPT(j, "add_special_tokens", r.add_special_tokens);
  return r;
}

Result<std::vector<workload::TokenId>> parse_detokenize_request(std::string_view body) {
  auto parsed = parse_object(body);
  if (!parsed) return parsed.error();
  std::vector<workload::TokenId> ids;
  L4_TRY_STATUS(get_ids(*parsed, "tokens", ids));
  return ids;
}

std::string error_body(const std::string& message, const std::string& type, int code) {
  nlohmann::ordered_json j = {
      {"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}};
  return j.dump();
}

std::string error_type_for_status(int status) {
  switch (status) {
    case 400:
      return "BadRequestError";
    case 404:
      return "NotFoundError";
    case 429:
      return "RateLimitError";
    case 500:
      return "InternalServerError";
    case 503:
      return "ServiceUnavailableError";
    default:
      return status < 500 ? "BadRequestError" : "InternalServerError";
  }
}

std::string context_length_message(int max_model_len, int prompt_tokens,
                                   std::optional<int> max_tokens) {
  if (!max_tokens || prompt_tokens > max_model_len)
    return "This model's maximum context length is " + std::to_string(max_model_len) +
           " tokens. However, your request has " + std::to_string(prompt_tokens) +
           " input tokens. Please reduce the length of the input messages.";
  return "This model's maximum context length is " + std::to_string(max_model_len) +
         " tokens. However, you requested " + std::to_string(prompt_tokens + *max_tokens) +
         " tokens (" + std::to_string(prompt_tokens) + " in the messages, " +
         std::to_string(*max_tokens) +
         " in the completion). Please reduce the length of the messages or completion.";
}

}  // namespace l4lab::sim

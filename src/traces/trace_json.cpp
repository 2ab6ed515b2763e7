#include "traces/trace_json.h"

#include <fmt/format.h>
#include <simdjson.h>

namespace l4lab::traces {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the current run of bytes needing no escape
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

namespace {

void key(std::string& out, std::string_view k) {
  out.push_back(',');
  out.push_back('"');
  out.append(k);
  out.append("\":");
}

void opt_int(std::string& out, std::string_view k, const std::optional<int64_t>& v) {
  key(out, k);
  if (v)
    fmt::format_to(std::back_inserter(out), "{}", *v);
  else
    out.append("null");
}

void opt_str(std::string& out, std::string_view k, const std::optional<std::string>& v) {
  key(out, k);
  if (v)
    append_json_string(out, *v);
  else
    out.append("null");
}

}  // namespace

void encode_trace(const TraceRecord& r, std::string& out) {
  auto it = std::back_inserter(out);
  out.append("{\"request_id\":");
  append_json_string(out, r.request_id);
  key(out, "task");
  append_json_string(out, r.task);
  key(out, "bucket");
  append_json_string(out, r.bucket);
  key(out, "phase");
  append_json_string(out, phase_name(r.phase));
  fmt::format_to(it, ",\"attempt\":{}", r.attempt);
  opt_int(out, "t_scheduled_ns", r.t_scheduled_ns);
  opt_int(out, "t_sent_ns", r.t_sent_ns);
  opt_int(out, "t_first_byte_ns", r.t_first_byte_ns);
  opt_int(out, "t_first_token_ns", r.t_first_token_ns);
  opt_int(out, "t_last_token_ns", r.t_last_token_ns);
  opt_int(out, "t_end_ns", r.t_end_ns);
  out.append(",\"chunks\":[");
  for (size_t i = 0; i < r.chunks.size(); ++i)
    fmt::format_to(it, "{}[{},{}]", i ? "," : "", r.chunks[i].t_ns, r.chunks[i].n_tokens);
  out.push_back(']');
  opt_int(out, "prompt_tokens_pre_send", r.prompt_tokens_pre_send);
  opt_int(out, "max_tokens", r.max_tokens);
  opt_int(out, "usage_prompt_tokens", r.usage_prompt_tokens);
  opt_int(out, "usage_completion_tokens", r.usage_completion_tokens);
  key(out, "prompt_count_mismatch");
  out.append(!r.prompt_count_mismatch ? "null" : *r.prompt_count_mismatch ? "true" : "false");
  key(out, "http_status");
  if (r.http_status)
    fmt::format_to(it, "{}", *r.http_status);
  else
    out.append("null");
  opt_str(out, "finish_reason", r.finish_reason);
  key(out, "ok");
  out.append(r.ok ? "true" : "false");
  key(out, "failure_class");
  if (r.failure_class == FailureClass::none)
    out.append("null");
  else
    append_json_string(out, failure_class_name(r.failure_class));
  opt_str(out, "failure_detail", r.failure_detail);
  opt_str(out, "error", r.error);
  out.push_back('}');
}

std::string encode_trace(const TraceRecord& r) {
  std::string out;
  encode_trace(r, out);
  return out;
}

struct TraceDecoder::Impl {
  simdjson::dom::parser parser;
};

TraceDecoder::TraceDecoder() : impl_(new Impl) {}
TraceDecoder::~TraceDecoder() { delete impl_; }

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

Error field_error(std::string_view field, std::string_view what) {
  return Error(fmt::format("field '{}': {}", field, what));
}

// Missing and null both read as nullopt unless `required`.
Status get_opt_int(object obj, std::string_view f, std::optional<int64_t>& out,
                   bool required = false) {
  element e;
  if (obj[f].get(e) != simdjson::SUCCESS) {
    if (required) return field_error(f, "missing");
    out.reset();
    return Status::Ok();
  }
  if (e.is_null()) {
    if (required) return field_error(f, "must not be null");
    out.reset();
    return Status::Ok();
  }
  int64_t v;
  if (e.get_int64().get(v) != simdjson::SUCCESS) return field_error(f, "expected an integer");
  out = v;
  return Status::Ok();
}

Status get_opt_str(object obj, std::string_view f, std::optional<std::string>& out) {
  element e;
  if (obj[f].get(e) != simdjson::SUCCESS || e.is_null()) {
    out.reset();
    return Status::Ok();
  }
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS) return field_error(f, "expected a string");
  out = std::string(v);
  return Status::Ok();
}

Status get_str(object obj, std::string_view f, std::string& out) {
  std::optional<std::string> v;
  L4_TRY_STATUS(get_opt_str(obj, f, v));
  if (!v) return field_error(f, "missing or null (a string is required)");
  out = std::move(*v);
  return Status::Ok();
}

Status get_opt_bool(object obj, std::string_view f, std::optional<bool>& out) {
  element e;
  if (obj[f].get(e) != simdjson::SUCCESS || e.is_null()) {
    out.reset();
    return Status::Ok();
  }
  bool v;
  if (e.get_bool().get(v) != simdjson::SUCCESS) return field_error(f, "expected true/false");
  out = v;
  return Status::Ok();
}

}  // namespace

Result<TraceRecord> TraceDecoder::decode(std::string_view line) {
  element doc;
  if (auto err = impl_->parser.parse(line.data(), line.size()).get(doc); err)
    return Error(std::string("not valid JSON: ") + simdjson::error_message(err));
  object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return Error("not a JSON object");

  TraceRecord r;
  L4_TRY_STATUS(get_str(obj, "request_id", r.request_id));
  L4_TRY_STATUS(get_str(obj, "task", r.task));
  L4_TRY_STATUS(get_str(obj, "bucket", r.bucket));
  std::string phase;
  L4_TRY_STATUS(get_str(obj, "phase", phase));
  auto p = parse_phase(phase);
  if (!p) return field_error("phase", "unknown phase '" + phase + "'");
  r.phase = *p;
  std::optional<int64_t> attempt;
  L4_TRY_STATUS(get_opt_int(obj, "attempt", attempt));
  r.attempt = int(attempt.value_or(0));
  L4_TRY_STATUS(get_opt_int(obj, "t_scheduled_ns", r.t_scheduled_ns));
  L4_TRY_STATUS(get_opt_int(obj, "t_sent_ns", r.t_sent_ns));
  L4_TRY_STATUS(get_opt_int(obj, "t_first_byte_ns", r.t_first_byte_ns));
  L4_TRY_STATUS(get_opt_int(obj, "t_first_token_ns", r.t_first_token_ns));
  L4_TRY_STATUS(get_opt_int(obj, "t_last_token_ns", r.t_last_token_ns));
  L4_TRY_STATUS(get_opt_int(obj, "t_end_ns", r.t_end_ns));

  simdjson::dom::array chunks;
  element ce;
  if (obj["chunks"].get(ce) == simdjson::SUCCESS && !ce.is_null()) {
    if (ce.get_array().get(chunks) != simdjson::SUCCESS)
      return field_error("chunks", "expected an array");
    r.chunks.reserve(chunks.size());
    size_t i = 0;
    for (element c : chunks) {
      simdjson::dom::array pair;
      int64_t t = 0, n = 0;
      if (c.get_array().get(pair) != simdjson::SUCCESS || pair.size() != 2 ||
          pair.at(0).get_int64().get(t) != simdjson::SUCCESS ||
          pair.at(1).get_int64().get(n) != simdjson::SUCCESS)
        return field_error(fmt::format("chunks[{}]", i), "expected [t_ns, n_tokens] integers");
      r.chunks.push_back({t, n});
      ++i;
    }
  }

  L4_TRY_STATUS(get_opt_int(obj, "prompt_tokens_pre_send", r.prompt_tokens_pre_send));
  L4_TRY_STATUS(get_opt_int(obj, "max_tokens", r.max_tokens));
  L4_TRY_STATUS(get_opt_int(obj, "usage_prompt_tokens", r.usage_prompt_tokens));
  L4_TRY_STATUS(get_opt_int(obj, "usage_completion_tokens", r.usage_completion_tokens));
  L4_TRY_STATUS(get_opt_bool(obj, "prompt_count_mismatch", r.prompt_count_mismatch));
  std::optional<int64_t> status;
  L4_TRY_STATUS(get_opt_int(obj, "http_status", status));
  if (status) r.http_status = int(*status);
  L4_TRY_STATUS(get_opt_str(obj, "finish_reason", r.finish_reason));
  std::optional<bool> ok;
  L4_TRY_STATUS(get_opt_bool(obj, "ok", ok));
  if (!ok) return field_error("ok", "missing or null (true/false is required)");
  r.ok = *ok;
  std::optional<std::string> fc;
  L4_TRY_STATUS(get_opt_str(obj, "failure_class", fc));
  if (fc) {
    auto c = parse_failure_class(*fc);
    if (!c) return field_error("failure_class", "unknown class '" + *fc + "'");
    r.failure_class = *c;
  }
  if (r.ok && r.failure_class != FailureClass::none)
    return field_error("failure_class", "must be null when ok is true");
  if (!r.ok && r.failure_class == FailureClass::none)
    return field_error("failure_class", "must be set when ok is false");
  L4_TRY_STATUS(get_opt_str(obj, "failure_detail", r.failure_detail));
  L4_TRY_STATUS(get_opt_str(obj, "error", r.error));
  return r;
}

Result<TraceRecord> decode_trace(std::string_view line) {
  TraceDecoder d;
  return d.decode(line);
}

}  // namespace l4lab::traces

#include "client/stream_event.h"

#include <simdjson.h>

namespace l4lab::client {

namespace od = simdjson::ondemand;

struct StreamEventDecoder::Impl {
  od::parser parser;
};

StreamEventDecoder::StreamEventDecoder() : impl_(std::make_unique<Impl>()) {}
StreamEventDecoder::~StreamEventDecoder() = default;

namespace {

#define SJ(expr)                                              \
  do {                                                        \
    if (auto _e = (expr); _e != simdjson::SUCCESS) return _e; \
  } while (0)

bool is_nonempty_string(od::value v, simdjson::error_code& err) {
  od::json_type t;
  if ((err = v.type().get(t))) return false;
  if (t != od::json_type::string) return false;
  od::raw_json_string raw;
  if ((err = v.get_raw_json_string().get(raw))) return false;
  return raw.raw()[0] != '"';  // raw() points just past the opening quote
}

simdjson::error_code read_usage(od::value v, StreamEvent& ev) {
  od::json_type t;
  SJ(v.type().get(t));
  if (t == od::json_type::null) return simdjson::SUCCESS;
  od::object o;
  SJ(v.get_object().get(o));
  int64_t prompt = -1, completion = -1;
  for (auto f : o) {
    od::raw_json_string k;
    SJ(f.key().get(k));
    if (k == "prompt_tokens") {
      SJ(f.value().get_int64().get(prompt));
    } else if (k == "completion_tokens") {
      SJ(f.value().get_int64().get(completion));
    }
  }
  if (prompt >= 0) ev.usage_prompt_tokens = prompt;
  if (completion >= 0) ev.usage_completion_tokens = completion;
  return simdjson::SUCCESS;
}

simdjson::error_code read_choice(od::object c, StreamEvent& ev) {
  for (auto f : c) {
    od::raw_json_string k;
    SJ(f.key().get(k));
    simdjson::error_code err = simdjson::SUCCESS;
    if (k == "delta") {
      od::object d;
      SJ(f.value().get_object().get(d));
      for (auto df : d) {
        od::raw_json_string dk;
        SJ(df.key().get(dk));
        if (dk == "content") {
          if (is_nonempty_string(df.value(), err)) ev.content = true;
          SJ(err);
        } else if (dk == "role") {
          ev.role = true;
        }
      }
    } else if (k == "text") {
      if (is_nonempty_string(f.value(), err)) ev.content = true;
      SJ(err);
    } else if (k == "finish_reason") {
      od::value v;
      SJ(f.value().get(v));
      od::json_type t;
      SJ(v.type().get(t));
      if (t == od::json_type::string) {
        std::string_view s;
        SJ(v.get_string().get(s));
        ev.finish_reason.assign(s);
      }
    }
  }
  return simdjson::SUCCESS;
}

simdjson::error_code read_error(od::value v, StreamEvent& ev) {
  ev.error = true;
  od::json_type t;
  SJ(v.type().get(t));
  if (t == od::json_type::object) {
    od::object o;
    SJ(v.get_object().get(o));
    for (auto f : o) {
      od::raw_json_string k;
      SJ(f.key().get(k));
      if (k == "message") {
        std::string_view s;
        if (f.value().get_string().get(s) == simdjson::SUCCESS) ev.error_message.assign(s);
      }
    }
  } else if (t == od::json_type::string) {
    std::string_view s;
    SJ(v.get_string().get(s));
    ev.error_message.assign(s);
  }
  return simdjson::SUCCESS;
}

simdjson::error_code decode_doc(od::parser& parser, std::string& data, StreamEvent& ev) {
  size_t len = data.size();
  data.reserve(len + simdjson::SIMDJSON_PADDING);
  od::document doc;
  SJ(parser.iterate(simdjson::padded_string_view(data.data(), len, data.capacity())).get(doc));
  od::object obj;
  SJ(doc.get_object().get(obj));
  for (auto f : obj) {
    od::raw_json_string k;
    SJ(f.key().get(k));
    if (k == "choices") {
      od::array arr;
      SJ(f.value().get_array().get(arr));
      bool first = true;
      for (auto el : arr) {
        od::object c;
        SJ(el.get_object().get(c));
        ev.has_choices = true;
        if (first) SJ(read_choice(c, ev));  // n=1 requests: only choice 0 matters
        first = false;
      }
    } else if (k == "usage") {
      od::value v;
      SJ(f.value().get(v));
      SJ(read_usage(v, ev));
    } else if (k == "error") {
      od::value v;
      SJ(f.value().get(v));
      SJ(read_error(v, ev));
    } else if (k == "object") {
      std::string_view s;
      if (f.value().get_string().get(s) == simdjson::SUCCESS && s == "error") ev.error = true;
    } else if (k == "message") {
      std::string_view s;
      if (f.value().get_string().get(s) == simdjson::SUCCESS) ev.error_message.assign(s);
    }
  }
  return simdjson::SUCCESS;
}

}  // namespace

bool StreamEventDecoder::decode(std::string& data, StreamEvent& ev, std::string& why) {
  ev = StreamEvent{};
  std::string_view trimmed = data;
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\r'))
    trimmed.remove_suffix(1);
  if (trimmed == "[DONE]") {
    ev.done = true;
    return true;
  }
  if (auto err = decode_doc(impl_->parser, data, ev); err) {
    why = std::string("bad JSON in SSE data: ") + simdjson::error_message(err) + ": '" +
          data.substr(0, 120) + "'";
    return false;
  }
  if (!ev.error) ev.error_message.clear();
  return true;
}

}  // namespace l4lab::client

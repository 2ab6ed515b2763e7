#include "analysis/trace_loader.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "analysis/request_sample.h"
#include "common/files.h"

namespace l4lab::analysis {

namespace od = simdjson::ondemand;

namespace {

bool is_null(od::value& v) {
  od::json_type t;
  return !v.type().get(t) && t == od::json_type::null;
}

// Integer field that may be null. Returns false (and sets why) on a type error.
bool get_opt_int(od::value& v, std::optional<int64_t>& out, std::string& why,
                 std::string_view key) {
  if (is_null(v)) {
    out.reset();
    return true;
  }
  int64_t i;
  if (!v.get_int64().get(i)) {
    out = i;
    return true;
  }
  double d;
  if (!v.get_double().get(d)) {
    out = static_cast<int64_t>(d);
    return true;
  }
  why = fmt::format("field '{}' is not an integer or null", key);
  return false;
}

bool get_opt_string(od::value& v, std::string& out, std::string& why, std::string_view key) {
  if (is_null(v)) {
    out.clear();
    return true;
  }
  std::string_view sv;
  if (v.get_string().get(sv)) {
    why = fmt::format("field '{}' is not a string or null", key);
    return false;
  }
  out.assign(sv);
  return true;
}

bool parse_line(od::parser& parser, simdjson::padded_string_view json, RequestSample& s,
                std::vector<int64_t>& chunk_t, std::string& why) {
  od::document doc;
  if (auto err = parser.iterate(json).get(doc)) {
    why = simdjson::error_message(err);
    return false;
  }
  od::object obj;
  if (auto err = doc.get_object().get(obj)) {
    why = std::string("not a JSON object: ") + simdjson::error_message(err);
    return false;
  }
  chunk_t.clear();
  bool saw_id = false, saw_ok = false;
  for (auto field : obj) {
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) {
      why = simdjson::error_message(err);
      return false;
    }
    od::value v;
    if (auto err = field.value().get(v)) {
      why = fmt::format("field '{}': {}", key, simdjson::error_message(err));
      return false;
    }
    std::optional<int64_t> iv;
    if (key == "request_id") {
      if (!get_opt_string(v, s.request_id, why, key)) return false;
      saw_id = true;
    } else if (key == "task") {
      if (!get_opt_string(v, s.task, why, key)) return false;
    } else if (key == "bucket") {
      if (!get_opt_string(v, s.bucket, why, key)) return false;
    } else if (key == "phase") {
      std::string phase;
      if (!get_opt_string(v, phase, why, key)) return false;
      s.measured = phase.empty() || phase == "measured";
    } else if (key == "t_scheduled_ns") {
      if (!get_opt_int(v, s.t_scheduled_ns, why, key)) return false;
    } else if (key == "t_sent_ns") {
      if (!get_opt_int(v, s.t_sent_ns, why, key)) return false;
    } else if (key == "t_first_token_ns") {
      if (!get_opt_int(v, s.t_first_token_ns, why, key)) return false;
    } else if (key == "t_end_ns") {
      if (!get_opt_int(v, s.t_end_ns, why, key)) return false;
    } else if (key == "chunks") {
      if (is_null(v)) continue;
      od::array arr;
      if (v.get_array().get(arr)) {
        why = "field 'chunks' is not an array";
        return false;
      }
      for (auto el : arr) {
        od::array pair;
        if (el.get_array().get(pair)) {
          why = "a 'chunks' entry is not a [t_ns, n_tokens] pair";
          return false;
        }
        bool first = true;
        for (auto x : pair) {
          if (!first) continue;  // n_tokens is not needed for gaps
          first = false;
          int64_t t;
          if (x.get_int64().get(t)) {
            double d;
            if (x.get_double().get(d)) {
              why = "a 'chunks' time is not a number";
              return false;
            }
            t = static_cast<int64_t>(d);
          }
          chunk_t.push_back(t);
        }
        if (first) {
          why = "a 'chunks' entry is empty";
          return false;
        }
      }
    } else if (key == "prompt_tokens_pre_send") {
      if (!get_opt_int(v, iv, why, key)) return false;
      s.prompt_tokens_pre_send = iv.value_or(0);
    } else if (key == "usage_prompt_tokens") {
      if (!get_opt_int(v, s.usage_prompt_tokens, why, key)) return false;
    } else if (key == "usage_completion_tokens") {
      if (!get_opt_int(v, iv, why, key)) return false;
      s.completion_tokens = iv.value_or(0);
    } else if (key == "prompt_count_mismatch") {
      if (is_null(v)) {
        s.prompt_count_mismatch.reset();
      } else {
        bool b;
        if (v.get_bool().get(b)) {
          why = "field 'prompt_count_mismatch' is not a boolean or null";
          return false;
        }
        s.prompt_count_mismatch = b;
      }
    } else if (key == "http_status") {
      if (!get_opt_int(v, iv, why, key)) return false;
      s.http_status = static_cast<int>(iv.value_or(0));
    } else if (key == "ok") {
      bool b;
      if (v.get_bool().get(b)) {
        why = "field 'ok' is not a boolean";
        return false;
      }
      s.ok = b;
      saw_ok = true;
    } else if (key == "failure_class") {
      if (!get_opt_string(v, s.failure_class, why, key)) return false;
    } else if (key == "failure_detail") {
      // http_5xx details may be written as the status number.
      int64_t n;
      if (!is_null(v) && !v.get_int64().get(n)) {
        s.failure_detail = std::to_string(n);
      } else if (!get_opt_string(v, s.failure_detail, why, key)) {
        return false;
      }
    } else if (key == "error") {
      if (!get_opt_string(v, s.error, why, key)) return false;
    }
    // Other fields (attempt, t_first_byte_ns, finish_reason, ...) are not used.
  }
  // current_location() fails only at the end of input: anything left is junk.
  if (!doc.current_location().error()) {
    why = "trailing content after the JSON object";
    return false;
  }
  if (!saw_id) {
    why = "missing field 'request_id'";
    return false;
  }
  if (!saw_ok) {
    why = "missing field 'ok'";
    return false;
  }
  if (!s.ok && s.failure_class.empty()) s.failure_class = "unclassified";
  return true;
}

}  // namespace

TraceLoad parse_traces(std::string_view content, const std::string& name) {
  TraceLoad out;
  od::parser parser;
  std::string buf;
  std::vector<int64_t> chunk_t;
  size_t pos = 0, line_no = 0;
  while (pos < content.size()) {
    const size_t nl = content.find('\n', pos);
    const bool torn = nl == std::string_view::npos;
    const std::string_view line = content.substr(pos, torn ? std::string_view::npos : nl - pos);
    pos = torn ? content.size() : nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (torn) {
      out.warnings.push_back(
          fmt::format("{}:{}: last line has no newline (torn write); dropped", name, line_no));
      ++out.lines_skipped;
      continue;
    }
    buf.assign(line);
    buf.resize(line.size() + simdjson::SIMDJSON_PADDING);
    RequestSample s;
    std::string why;
    if (!parse_line(parser, simdjson::padded_string_view(buf.data(), line.size(), buf.size()), s,
                    chunk_t, why)) {
      out.warnings.push_back(fmt::format("{}:{}: {}; line skipped", name, line_no, why));
      ++out.lines_skipped;
      continue;
    }
    derive_latencies(s, chunk_t);
    out.requests.push_back(std::move(s));
  }
  return out;
}

Result<TraceLoad> load_traces(const std::string& path, const std::string& name) {
  auto content = read_file(path);
  if (!content.ok()) return content.error();
  return parse_traces(*content, name);
}

}  // namespace l4lab::analysis

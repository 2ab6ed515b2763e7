#include "sim/python_repr.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace l4lab::sim {

namespace {
std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string repr(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return "None";
    case nlohmann::json::value_t::boolean:
      return j.get<bool>() ? "True" : "False";
    case nlohmann::json::value_t::string:
      return quote(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < j.size(); ++i) out += (i ? ", " : "") + repr(j[i]);
      return out + "]";
    }
    case nlohmann::json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, v] : j.items()) {
        out += (first ? "" : ", ") + quote(k) + ": " + repr(v);
        first = false;
      }
      return out + "}";
    }
    default:
      return j.dump();
  }
}
}  // namespace

std::string python_repr_of_scalar(const std::string& value) {
  if (value.empty()) return "''";
  long long i = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), i);
  if (ec == std::errc() && p == value.data() + value.size()) return value;
  double d = 0;
  auto [q, ec2] = std::from_chars(value.data(), value.data() + value.size(), d);
  if (ec2 == std::errc() && q == value.data() + value.size()) return value;
  return quote(value);
}

std::string python_repr_of_json(const std::string& json_text) {
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return quote(json_text);
  return repr(j);
}

}  // namespace l4lab::sim

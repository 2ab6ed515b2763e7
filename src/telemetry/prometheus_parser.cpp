#include "telemetry/prometheus_parser.h"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace l4lab::telemetry {

namespace {

bool name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

class LineParser {
 public:
  explicit LineParser(std::string_view l) : l_(l) {}

  Result<PromSample> parse() {
    PromSample s;
    skip_ws();
    if (i_ >= l_.size() || !name_start(l_[i_])) return fail("expected a metric name");
    size_t st = i_;
    while (i_ < l_.size() && name_char(l_[i_])) ++i_;
    s.name = std::string(l_.substr(st, i_ - st));
    skip_ws();
    if (i_ < l_.size() && l_[i_] == '{') {
      ++i_;
      while (true) {
        skip_ws();
        if (i_ < l_.size() && l_[i_] == '}') {
          ++i_;
          break;
        }
        if (i_ >= l_.size() || !name_start(l_[i_])) return fail("expected a label name");
        st = i_;
        while (i_ < l_.size() && name_char(l_[i_])) ++i_;
        std::string key(l_.substr(st, i_ - st));
        skip_ws();
        if (i_ >= l_.size() || l_[i_] != '=') return fail("expected '=' after label " + key);
        ++i_;
        skip_ws();
        if (i_ >= l_.size() || l_[i_] != '"') return fail("expected '\"' for label " + key);
        ++i_;
        std::string val;
        bool closed = false;
        while (i_ < l_.size()) {
          char c = l_[i_++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\' && i_ < l_.size()) {
            char e = l_[i_++];
            val += e == 'n' ? '\n' : e;  // \\ and \" give the character itself
          } else {
            val += c;
          }
        }
        if (!closed) return fail("unterminated value of label " + key);
        s.labels[key] = std::move(val);
        skip_ws();
        if (i_ < l_.size() && l_[i_] == ',') ++i_;
      }
    }
    skip_ws();
    st = i_;
    while (i_ < l_.size() && l_[i_] != ' ' && l_[i_] != '\t') ++i_;
    std::string v(l_.substr(st, i_ - st));
    if (v.empty()) return fail("missing value");
    if (v == "+Inf" || v == "Inf") {
      s.value = std::numeric_limits<double>::infinity();
    } else if (v == "-Inf") {
      s.value = -std::numeric_limits<double>::infinity();
    } else if (v == "NaN") {
      s.value = std::numeric_limits<double>::quiet_NaN();
    } else {
      char* end = nullptr;
      s.value = std::strtod(v.c_str(), &end);
      if (end != v.c_str() + v.size()) return fail("bad value '" + v + "'");
    }
    skip_ws();
    if (i_ < l_.size()) {  // optional timestamp (integer ms)
      st = i_;
      while (i_ < l_.size() && (std::isdigit(static_cast<unsigned char>(l_[i_])) || l_[i_] == '-'))
        ++i_;
      skip_ws();
      if (i_ != l_.size() || st == i_) return fail("unexpected text after the value");
    }
    return s;
  }

 private:
  void skip_ws() {
    while (i_ < l_.size() && (l_[i_] == ' ' || l_[i_] == '\t')) ++i_;
  }
  Error fail(const std::string& m) { return Error(m + " at column " + std::to_string(i_ + 1)); }
  std::string_view l_;
  size_t i_ = 0;
};

}  // namespace

Result<std::vector<PromSample>> parse_prometheus(std::string_view text) {
  std::vector<PromSample> out;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    auto s = LineParser(line).parse();
    if (!s.ok())
      return s.error().context("metrics line " + std::to_string(line_no) + " '" +
                               std::string(line.substr(0, 200)) + "'");
    out.push_back(std::move(*s));
  }
  return out;
}

std::optional<double> sum_samples(const std::vector<PromSample>& s, const std::string& name) {
  std::optional<double> total;
  for (const auto& x : s)
    if (x.name == name) total = total.value_or(0) + x.value;
  return total;
}

}  // namespace l4lab::telemetry

#include "sim/prometheus_text_test_parser.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace l4lab::sim::testing {

namespace {

bool name_ok(const std::string& n) {
  if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':')) return false;
  return true;
}

Result<double> parse_value(const std::string& s) {
  if (s == "+Inf" || s == "Inf") return HUGE_VAL;
  if (s == "-Inf") return -HUGE_VAL;
  if (s == "NaN") return NAN;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0') return Error("bad value '" + s + "'");
  return v;
}

// The family a sample belongs to: histograms own _bucket/_sum/_count.
std::string family_of(const std::string& sample, const std::map<std::string, PromFamily>& fams) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (sample.size() > s.size() && sample.compare(sample.size() - s.size(), s.size(), s) == 0) {
      auto base = sample.substr(0, sample.size() - s.size());
      auto it = fams.find(base);
      if (it != fams.end() && it->second.type == "histogram") return base;
    }
  }
  return sample;
}

}  // namespace

const PromSample* PromText::find(const std::string& name,
                                 const std::map<std::string, std::string>& labels) const {
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool all = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      all = all && it != s.labels.end() && it->second == v;
    }
    if (all) return &s;
  }
  return nullptr;
}

Result<PromText> parse_prometheus_text(const std::string& text) {
  PromText out;
  std::istringstream in(text);
  std::string line;
  int no = 0;
  while (std::getline(in, line)) {
    ++no;
    const std::string at = "line " + std::to_string(no) + ": ";
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream ls(line);
      std::string hash, kind, name;
      ls >> hash >> kind >> name;
      if (kind != "HELP" && kind != "TYPE") continue;  // a comment
      if (!name_ok(name)) return Error(at + "bad metric name '" + name + "'");
      std::string rest;
      std::getline(ls, rest);
      if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
      auto& fam = out.families[name];
      fam.name = name;
      if (kind == "HELP") {
        fam.help = rest;
      } else {
        if (rest != "counter" && rest != "gauge" && rest != "histogram" && rest != "summary" &&
            rest != "untyped")
          return Error(at + "bad type '" + rest + "'");
        if (!fam.samples.empty()) return Error(at + "TYPE after samples of " + name);
        fam.type = rest;
      }
      continue;
    }
    PromSample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (!name_ok(s.name)) return Error(at + "bad sample name '" + s.name + "'");
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        size_t eq = line.find('=', i);
        if (eq == std::string::npos) return Error(at + "label without '='");
        std::string key = line.substr(i, eq - i);
        if (!name_ok(key)) return Error(at + "bad label name '" + key + "'");
        if (eq + 1 >= line.size() || line[eq + 1] != '"') return Error(at + "unquoted label value");
        std::string val;
        size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) {
            ++j;
            val += line[j] == 'n' ? '\n' : line[j];
          } else {
            val += line[j];
          }
        }
        if (j >= line.size()) return Error(at + "unterminated label value");
        s.labels[key] = val;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) return Error(at + "unterminated label set");
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') return Error(at + "no value");
    std::istringstream vs(line.substr(i + 1));
    std::string value, ts, extra;
    vs >> value >> ts >> extra;
    if (!extra.empty()) return Error(at + "trailing text");
    auto v = parse_value(value);
    if (!v) return v.error().context(at);
    s.value = *v;
    const std::string fam = family_of(s.name, out.families);
    auto it = out.families.find(fam);
    if (it == out.families.end() || it->second.type.empty())
      return Error(at + "sample " + s.name + " has no TYPE line");
    it->second.samples.push_back(s);
    out.samples.push_back(std::move(s));
  }
  // Histograms: cumulative buckets, +Inf equal to _count, per label set.
  for (const auto& [name, fam] : out.families) {
    if (fam.type != "histogram") continue;
    std::map<std::map<std::string, std::string>, std::vector<std::pair<double, double>>> series;
    std::map<std::map<std::string, std::string>, double> counts;
    for (const auto& s : fam.samples) {
      auto labels = s.labels;
      if (s.name == name + "_bucket") {
        auto le = labels.find("le");
        if (le == labels.end()) return Error(name + ": a bucket without le");
        auto b = parse_value(le->second);
        if (!b) return b.error().context(name);
        labels.erase("le");
        series[labels].push_back({*b, s.value});
      } else if (s.name == name + "_count") {
        counts[labels] = s.value;
      }
    }
    for (const auto& [labels, buckets] : series) {
      for (size_t k = 1; k < buckets.size(); ++k)
        if (buckets[k].first <= buckets[k - 1].first || buckets[k].second < buckets[k - 1].second)
          return Error(name + ": buckets not increasing/cumulative");
      if (buckets.empty() || !std::isinf(buckets.back().first))
        return Error(name + ": no +Inf bucket");
      if (!counts.count(labels) || counts[labels] != buckets.back().second)
        return Error(name + ": +Inf bucket differs from _count");
    }
  }
  return out;
}

}  // namespace l4lab::sim::testing

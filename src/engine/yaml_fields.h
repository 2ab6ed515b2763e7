// Typed field access on yaml-cpp nodes that collects errors naming the file,
// line and field, so a config or plan is parsed into a plain struct in one
// pass and every mistake is reported where it is.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace l4lab::engine {

// Parses a YAML document whose top level must be a mapping; errors name
// file:line.
Result<YAML::Node> load_yaml_mapping(const std::string& yaml_text, const std::string& file);

class YamlFields {
 public:
  explicit YamlFields(std::string file) : file_(std::move(file)) {}

  std::string str(const YAML::Node& parent, const std::string& key, bool required);
  bool boolean(const YAML::Node& parent, const std::string& key, bool dflt);
  double number(const YAML::Node& parent, const std::string& key, double dflt);
  // A whole number in [lo, hi]; anything else (1.5, 1e300, .nan) is an error
  // and gives `dflt` (a cast of an out-of-range double would be undefined).
  int64_t integer(const YAML::Node& parent, const std::string& key, int64_t dflt, int64_t lo,
                  int64_t hi);
  std::vector<std::string> str_list(const YAML::Node& parent, const std::string& key);
  // Like str_list, but items may themselves be lists (e.g. [--flag, value]),
  // flattened in order: argv written as readable flag/value pairs.
  std::vector<std::string> argv_list(const YAML::Node& parent, const std::string& key);
  std::map<std::string, std::string> str_map(const YAML::Node& parent, const std::string& key);
  void fail(const YAML::Node& at, const std::string& message);

  bool ok() const { return errors_.empty(); }
  Error error() const;

 private:
  // parent[key] when it is a list; an empty node when absent (or not a list,
  // which is recorded as an error).
  YAML::Node list_at(const YAML::Node& parent, const std::string& key);
  // parent[key], or an empty node when parent is not a mapping (recorded as
  // an error unless parent is null): yaml-cpp throws on `scalar[key]`.
  YAML::Node at(const YAML::Node& parent, const std::string& key);
  std::string where(const YAML::Node& n) const;
  std::string file_;
  std::vector<std::string> errors_;
};

}  // namespace l4lab::engine

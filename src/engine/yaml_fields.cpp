#include "engine/yaml_fields.h"

#include <cmath>

namespace l4lab::engine {

Result<YAML::Node> load_yaml_mapping(const std::string& yaml_text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Error(file + ":" + std::to_string(e.mark.line + 1) + ": YAML: " + e.msg);
  }
  if (!root.IsMap()) return Error(file + ": expected a mapping at the top level");
  return root;
}

std::string YamlFields::where(const YAML::Node& n) const {
  if (n && n.Mark().line >= 0) return file_ + ":" + std::to_string(n.Mark().line + 1);
  return file_;
}

void YamlFields::fail(const YAML::Node& at, const std::string& message) {
  errors_.push_back(where(at) + ": " + message);
}

Error YamlFields::error() const {
  std::string m;
  for (const auto& e : errors_) m += (m.empty() ? "" : "; ") + e;
  return Error(m);
}

YAML::Node YamlFields::at(const YAML::Node& parent, const std::string& key) {
  if (parent.IsMap()) return parent[key];
  if (parent && !parent.IsNull()) fail(parent, "expected a mapping holding '" + key + "'");
  return YAML::Node();
}

int64_t YamlFields::integer(const YAML::Node& parent, const std::string& key, int64_t dflt,
                            int64_t lo, int64_t hi) {
  const size_t errors_before = errors_.size();
  const double v = number(parent, key, double(dflt));
  if (errors_.size() != errors_before) return dflt;
  if (!(v >= double(lo) && v <= double(hi)) || v != std::floor(v)) {
    fail(at(parent, key), "field '" + key + "' must be a whole number from " + std::to_string(lo) +
                              " to " + std::to_string(hi));
    return dflt;
  }
  return int64_t(v);
}

std::string YamlFields::str(const YAML::Node& parent, const std::string& key, bool required) {
  YAML::Node n = at(parent, key);
  if (!n || n.IsNull()) {
    if (required) fail(parent, "missing field '" + key + "'");
    return {};
  }
  if (!n.IsScalar()) {
    fail(n, "field '" + key + "' must be a string");
    return {};
  }
  return n.Scalar();
}

bool YamlFields::boolean(const YAML::Node& parent, const std::string& key, bool dflt) {
  YAML::Node n = at(parent, key);
  if (!n || n.IsNull()) return dflt;
  try {
    return n.as<bool>();
  } catch (const YAML::Exception&) {
    fail(n, "field '" + key + "' must be true or false");
    return dflt;
  }
}

double YamlFields::number(const YAML::Node& parent, const std::string& key, double dflt) {
  YAML::Node n = at(parent, key);
  if (!n || n.IsNull()) return dflt;
  try {
    return n.as<double>();
  } catch (const YAML::Exception&) {
    fail(n,
         "field '" + key + "' must be a number, got '" + (n.IsScalar() ? n.Scalar() : "?") + "'");
    return dflt;
  }
}

YAML::Node YamlFields::list_at(const YAML::Node& parent, const std::string& key) {
  YAML::Node n = at(parent, key);
  if (!n || n.IsNull()) return YAML::Node();
  if (!n.IsSequence()) {
    fail(n, "field '" + key + "' must be a list");
    return YAML::Node();
  }
  return n;
}

std::vector<std::string> YamlFields::str_list(const YAML::Node& parent, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& item : list_at(parent, key)) {
    if (!item.IsScalar()) {
      fail(item, "field '" + key + "' must hold only strings");
      continue;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::vector<std::string> YamlFields::argv_list(const YAML::Node& parent, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& item : list_at(parent, key)) {
    if (item.IsScalar()) {
      out.push_back(item.Scalar());
    } else if (item.IsSequence()) {
      for (const auto& sub : item) {
        if (sub.IsScalar())
          out.push_back(sub.Scalar());
        else
          fail(sub, "field '" + key + "': nested items must be strings");
      }
    } else {
      fail(item, "field '" + key + "' must hold strings or lists of strings");
    }
  }
  return out;
}

std::map<std::string, std::string> YamlFields::str_map(const YAML::Node& parent,
                                                       const std::string& key) {
  std::map<std::string, std::string> out;
  YAML::Node n = at(parent, key);
  if (!n || n.IsNull()) return out;
  if (!n.IsMap()) {
    fail(n, "field '" + key + "' must be a mapping");
    return out;
  }
  for (const auto& kv : n) {
    if (!kv.second.IsScalar()) {
      fail(kv.second, "value of '" + key + "." + kv.first.Scalar() + "' must be a string");
      continue;
    }
    out[kv.first.Scalar()] = kv.second.Scalar();
  }
  return out;
}

}  // namespace l4lab::engine

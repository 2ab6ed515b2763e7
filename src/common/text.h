// Small text helpers shared by the parsers of tool output and corpora.
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace l4lab {

// `s` without leading and trailing whitespace (std::isspace).
inline std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

// Every field between separators, empty ones included ("a||b" -> a, "", b).
inline std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

}  // namespace l4lab

#include "traces/trace_record.h"

#include <array>
#include <utility>

namespace l4lab::traces {
namespace {
constexpr std::array<std::pair<Phase, std::string_view>, 3> kPhases{{
    {Phase::warmup, "warmup"},
    {Phase::measured, "measured"},
    {Phase::cooldown, "cooldown"},
}};
constexpr std::array<std::pair<FailureClass, std::string_view>, 8> kClasses{{
    {FailureClass::none, ""},
    {FailureClass::http_4xx, "http_4xx"},
    {FailureClass::http_5xx, "http_5xx"},
    {FailureClass::timeout, "timeout"},
    {FailureClass::connection, "connection"},
    {FailureClass::protocol, "protocol"},
    {FailureClass::empty_completion, "empty_completion"},
    {FailureClass::cancelled, "cancelled"},
}};
}  // namespace

std::string_view phase_name(Phase p) {
  for (auto& [k, v] : kPhases)
    if (k == p) return v;
  return "measured";
}

std::optional<Phase> parse_phase(std::string_view s) {
  for (auto& [k, v] : kPhases)
    if (v == s) return k;
  return std::nullopt;
}

std::string_view failure_class_name(FailureClass c) {
  for (auto& [k, v] : kClasses)
    if (k == c) return v;
  return "";
}

std::optional<FailureClass> parse_failure_class(std::string_view s) {
  if (s.empty()) return std::nullopt;
  for (auto& [k, v] : kClasses)
    if (v == s) return k;
  return std::nullopt;
}

}  // namespace l4lab::traces

#include "sim/fault_spec.h"

#include <charconv>

#include "sim/seeded_rng.h"

namespace l4lab::sim {

namespace {
Result<int> parse_int(std::string_view s, std::string_view whole) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0)
    return Error("fault '" + std::string(whole) + "': '" + std::string(s) +
                 "' is not a non-negative integer");
  return v;
}
}  // namespace

bool FaultSet::any() const {
  return status != 0 || reset_mid_stream || close_mid_stream || stall_first_token_ms > 0 ||
         stall_between_chunks_ms > 0 || malformed_sse || malformed_json || missing_usage ||
         zero_completion;
}

void FaultSet::add(const Fault& f) {
  switch (f.kind) {
    case FaultKind::kStatus:
      status = f.param;
      break;
    case FaultKind::kResetMidStream:
      reset_mid_stream = true;
      break;
    case FaultKind::kCloseMidStream:
      close_mid_stream = true;
      break;
    case FaultKind::kStallFirstToken:
      stall_first_token_ms = f.param;
      break;
    case FaultKind::kStallBetweenChunks:
      stall_between_chunks_ms = f.param;
      break;
    case FaultKind::kMalformedSse:
      malformed_sse = true;
      break;
    case FaultKind::kMalformedJson:
      malformed_json = true;
      break;
    case FaultKind::kMissingUsage:
      missing_usage = true;
      break;
    case FaultKind::kZeroCompletion:
      zero_completion = true;
      break;
  }
}

void FaultSet::merge(const FaultSet& o) {
  if (o.status) status = o.status;
  reset_mid_stream |= o.reset_mid_stream;
  close_mid_stream |= o.close_mid_stream;
  if (o.stall_first_token_ms) stall_first_token_ms = o.stall_first_token_ms;
  if (o.stall_between_chunks_ms) stall_between_chunks_ms = o.stall_between_chunks_ms;
  malformed_sse |= o.malformed_sse;
  malformed_json |= o.malformed_json;
  missing_usage |= o.missing_usage;
  zero_completion |= o.zero_completion;
}

Result<Fault> parse_fault(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::string_view name = text, arg;
  bool has_arg = false;
  if (auto colon = text.find(':'); colon != std::string_view::npos) {
    name = text.substr(0, colon);
    arg = text.substr(colon + 1);
    has_arg = true;
  }
  struct Simple {
    std::string_view name;
    FaultKind kind;
  };
  static constexpr Simple kSimple[] = {
      {"reset_mid_stream", FaultKind::kResetMidStream},
      {"close_mid_stream", FaultKind::kCloseMidStream},
      {"malformed_sse", FaultKind::kMalformedSse},
      {"malformed_json", FaultKind::kMalformedJson},
      {"missing_usage", FaultKind::kMissingUsage},
      {"zero_completion", FaultKind::kZeroCompletion},
  };
  for (const auto& s : kSimple) {
    if (name == s.name) {
      if (has_arg) return Error("fault '" + std::string(text) + "' takes no argument");
      return Fault{s.kind, 0};
    }
  }
  FaultKind kind;
  if (name == "status") {
    kind = FaultKind::kStatus;
  } else if (name == "stall_first_token") {
    kind = FaultKind::kStallFirstToken;
  } else if (name == "stall_between_chunks") {
    kind = FaultKind::kStallBetweenChunks;
  } else {
    return Error("unknown fault '" + std::string(text) +
                 "' (known: status:429|500|503, reset_mid_stream, close_mid_stream, "
                 "stall_first_token:MS, stall_between_chunks:MS, malformed_sse, malformed_json, "
                 "missing_usage, zero_completion)");
  }
  if (!has_arg) return Error("fault '" + std::string(text) + "' needs ':N'");
  auto v = parse_int(arg, text);
  if (!v) return v.error();
  if (kind == FaultKind::kStatus && (*v < 400 || *v > 599))
    return Error("fault '" + std::string(text) + "': status must be 400-599");
  return Fault{kind, *v};
}

Result<FaultSet> parse_fault_list(std::string_view text) {
  FaultSet set;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    if (item.find_first_not_of(' ') != std::string_view::npos) {
      auto f = parse_fault(item);
      if (!f) return f.error();
      set.add(*f);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return set;
}

std::string fault_name(const Fault& f) {
  switch (f.kind) {
    case FaultKind::kStatus:
      return "status:" + std::to_string(f.param);
    case FaultKind::kResetMidStream:
      return "reset_mid_stream";
    case FaultKind::kCloseMidStream:
      return "close_mid_stream";
    case FaultKind::kStallFirstToken:
      return "stall_first_token:" + std::to_string(f.param);
    case FaultKind::kStallBetweenChunks:
      return "stall_between_chunks:" + std::to_string(f.param);
    case FaultKind::kMalformedSse:
      return "malformed_sse";
    case FaultKind::kMalformedJson:
      return "malformed_json";
    case FaultKind::kMissingUsage:
      return "missing_usage";
    case FaultKind::kZeroCompletion:
      return "zero_completion";
  }
  return "?";
}

FaultSet draw_faults(const std::vector<FaultRule>& rules, uint64_t seed, uint64_t request_index) {
  FaultSet set;
  for (size_t i = 0; i < rules.size(); ++i) {
    double u = unit_double(mix64(seed, request_index, 0xfa017 + i));
    if (u < rules[i].rate) set.add(rules[i].fault);
  }
  return set;
}

}  // namespace l4lab::sim

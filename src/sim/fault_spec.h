// Faults serve-sim can inject, for the lab's own client tests. Chosen per
// request by the header `x-l4lab-fault: KIND[,KIND...]` or by the profile's
// `faults: [{kind: KIND, rate: R}]` (seeded per request). The names are a
// contract with the load generator: see docs/SERVE_SIM.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace l4lab::sim {

enum class FaultKind {
  kStatus,              // status:429|500|503 -> that HTTP status, OpenAI error body
  kResetMidStream,      // TCP RST after some content chunks
  kCloseMidStream,      // clean end of the HTTP response without usage or [DONE]
  kStallFirstToken,     // stall_first_token:MS -> first content chunk MS later
  kStallBetweenChunks,  // stall_between_chunks:MS -> one MS gap after the first content chunk
  kMalformedSse,        // a line that is not an SSE field after the first content chunk
  kMalformedJson,       // a `data:` line whose JSON does not parse
  kMissingUsage,        // no usage chunk / usage object
  kZeroCompletion,      // no content, usage.completion_tokens 0
};

struct Fault {
  FaultKind kind = FaultKind::kStatus;
  int param = 0;  // status code or milliseconds
};

struct FaultRule {
  Fault fault;
  double rate = 0;  // probability per request
};

// The faults one request suffers.
struct FaultSet {
  int status = 0;  // 0 = none
  bool reset_mid_stream = false;
  bool close_mid_stream = false;
  int stall_first_token_ms = 0;
  int stall_between_chunks_ms = 0;
  bool malformed_sse = false;
  bool malformed_json = false;
  bool missing_usage = false;
  bool zero_completion = false;
  bool any() const;
  void add(const Fault& f);
  void merge(const FaultSet& o);
};

Result<Fault> parse_fault(std::string_view text);
// A comma-separated list, as in the request header.
Result<FaultSet> parse_fault_list(std::string_view text);
std::string fault_name(const Fault& f);
// Draws the profile's faults for one request, deterministically from (seed, request index).
FaultSet draw_faults(const std::vector<FaultRule>& rules, uint64_t seed, uint64_t request_index);

}  // namespace l4lab::sim

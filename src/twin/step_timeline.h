// Reconstructs the engine's step timeline from client-side traces (pure).
// Every running request receives its token of a decode step at nearly the
// same instant, so the chunks of all requests, merged and sorted, fall into
// clusters (gaps under `cluster_gap_ns`); one cluster is one engine step (or
// a few, when the API server coalesced tokens: the most tokens any request
// got in the cluster). Each interval between two clusters is described by
// what the engine had to do in it:
//   decode_seqs / kv_tokens: requests that had their first token before the
//     interval and their last after it, and the context they hold (prompt +
//     tokens received so far): the KV read per step;
//   prefill_tokens / attn_positions: prompts packed into the step's token
//     budget first-come-first-served from the time the engine accepted each
//     request (its first response byte), as vLLM's chunked prefill does.
// The attribution of prefill to single steps is approximate (the client sees
// tokens one pipeline stage late), which is why step_fit fits windows of many
// intervals rather than single steps.
#pragma once

#include <cstdint>
#include <vector>

#include "twin/measured_request.h"

namespace l4lab::twin {

struct StepInterval {
  int64_t t_end_ns = 0;
  double dt_ms = 0;
  int steps = 1;  // engine steps in the interval (coalesced tokens)
  int decode_seqs = 0;
  double kv_tokens = 0;
  double prefill_tokens = 0;
  double attn_positions = 0;  // sum over prefill chunks of (b^2 - a^2) / 2
  // Requests sent before the interval ended whose first token had not come
  // by then: while any is, the interval may hold prefill work whatever the
  // packing says (the decode-only check skips such intervals).
  int awaiting_first_token = 0;
};

struct StepTimelineOptions {
  int64_t cluster_gap_ns = 1'000'000;
  int token_budget = 2048;  // max_num_batched_tokens of the run
};

std::vector<StepInterval> reconstruct_steps(const std::vector<MeasuredRequest>& requests,
                                            const StepTimelineOptions& opt);

}  // namespace l4lab::twin

// Fits the engine's per-step cost to a reconstructed step timeline (pure):
//   step_ms = per_step + per_seq * decode_seqs + per_kv_token * kv_tokens
//           + per_prefill_token * prefill_tokens + per_attn_pos * attn_positions
// over windows of consecutive intervals (the sum of their durations against
// the sums of their features), which absorbs the one-or-two-step error in
// attributing prefill chunks to single steps. Idle stretches (an interval in
// which the engine had neither decodes nor prefill) are left out.
// Identification (docs/TWIN.md#fit): per_step from the step count, per_seq
// and per_kv_token from how decode steps grow with batch and context,
// per_prefill_token and per_attn_pos from the prompt tokens and their
// positions. A second fit over pure decode steps (one step, no prefill
// packed, no request awaiting its first token) checks the decode terms alone.
#pragma once

#include <optional>
#include <vector>

#include "common/result.h"
#include "twin/least_squares.h"
#include "twin/step_timeline.h"

namespace l4lab::twin {

struct StepCostFit {
  double per_step_ms = 0;
  double per_seq_ms = 0;
  double per_kv_token_ms = 0;
  double per_prefill_token_ms = 0;
  double per_attn_pos_ms = 0;
  LeastSquaresFit window_fit;  // residuals per window, ms
  int windows = 0;
  int intervals_used = 0;
  LeastSquaresFit decode_fit;  // pure decode steps: [per_step, per_seq, per_kv_token]
  int decode_steps = 0;
};

// The decode slopes per_seq and per_kv_token, held at given values (a knob
// fit: the fp8 runs share the BF16 runs' batch and KV costs, and only the
// intercept and the compute terms are fitted to them).
struct FixedDecodeSlopes {
  double per_seq_ms = 0;
  double per_kv_token_ms = 0;
};

// Every slope held (the eager knob: the model changes only the per-step
// overhead in eager mode, so only the intercept is fitted, and it is the
// least-squares per-step excess over the held costs).
struct FixedSlopes {
  double per_seq_ms = 0;
  double per_kv_token_ms = 0;
  double per_prefill_token_ms = 0;
  double per_attn_pos_ms = 0;
};

Result<StepCostFit> fit_step_costs(const std::vector<StepInterval>& intervals,
                                   int window_intervals = 50,
                                   std::optional<FixedDecodeSlopes> fixed = std::nullopt);
Result<StepCostFit> fit_step_intercept(const std::vector<StepInterval>& intervals,
                                       int window_intervals, const FixedSlopes& fixed);

}  // namespace l4lab::twin

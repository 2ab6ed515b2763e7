#include "twin/step_fit.h"

namespace l4lab::twin {

namespace {
bool idle(const StepInterval& s) { return s.decode_seqs == 0 && s.prefill_tokens == 0; }

// Each window's summed features [steps, steps*decode_seqs, steps*kv_tokens,
// prefill_tokens, attn_positions] and its summed duration; windows holding
// an idle interval are left out.
struct Windows {
  std::vector<std::vector<double>> rows;
  std::vector<double> y;
  int intervals_used = 0;
};

Windows windows_of(const std::vector<StepInterval>& intervals, int window_intervals) {
  Windows w;
  for (size_t a = 0; a + size_t(window_intervals) <= intervals.size();
       a += size_t(window_intervals)) {
    std::vector<double> row(5, 0.0);
    double t = 0;
    bool skip = false;
    for (size_t k = a; k < a + size_t(window_intervals); ++k) {
      const StepInterval& s = intervals[k];
      if (idle(s)) {
        skip = true;
        break;
      }
      t += s.dt_ms;
      row[0] += s.steps;
      row[1] += double(s.steps) * s.decode_seqs;
      row[2] += double(s.steps) * s.kv_tokens;
      row[3] += s.prefill_tokens;
      row[4] += s.attn_positions;
    }
    if (skip) continue;
    w.rows.push_back(std::move(row));
    w.y.push_back(t);
    w.intervals_used += window_intervals;
  }
  return w;
}

// The decode terms alone, on single pure-decode steps.
void decode_check(const std::vector<StepInterval>& intervals, StepCostFit& f) {
  std::vector<std::vector<double>> drows;
  std::vector<double> dy;
  for (const auto& s : intervals) {
    if (s.steps != 1 || s.prefill_tokens > 0 || s.awaiting_first_token > 0 || s.decode_seqs == 0)
      continue;
    drows.push_back({1.0, double(s.decode_seqs), s.kv_tokens});
    dy.push_back(s.dt_ms);
  }
  auto d = least_squares(drows, dy, {"per_step_ms", "per_seq_ms", "per_kv_token_ms"});
  if (d) {
    f.decode_fit = *d;
    f.decode_steps = int(drows.size());
  }
}
}  // namespace

Result<StepCostFit> fit_step_costs(const std::vector<StepInterval>& intervals, int window_intervals,
                                   std::optional<FixedDecodeSlopes> fixed) {
  if (window_intervals < 1) return Error("step fit: the window must hold >= 1 interval");
  StepCostFit f;
  Windows win = windows_of(intervals, window_intervals);
  if (fixed)  // move the fixed terms to the left-hand side
    for (size_t i = 0; i < win.rows.size(); ++i) {
      auto& row = win.rows[i];
      win.y[i] -= fixed->per_seq_ms * row[1] + fixed->per_kv_token_ms * row[2];
      row = {row[0], row[3], row[4]};
    }
  f.intervals_used = win.intervals_used;
  auto w = fixed ? least_squares(win.rows, win.y,
                                 {"per_step_ms", "per_prefill_token_ms", "per_attn_pos_ms"})
                 : least_squares(win.rows, win.y,
                                 {"per_step_ms", "per_seq_ms", "per_kv_token_ms",
                                  "per_prefill_token_ms", "per_attn_pos_ms"});
  if (!w) return w.error().context("step fit over " + std::to_string(win.rows.size()) + " windows");
  f.window_fit = *w;
  f.windows = int(win.rows.size());
  f.per_step_ms = w->coef[0];
  if (fixed) {
    f.per_seq_ms = fixed->per_seq_ms;
    f.per_kv_token_ms = fixed->per_kv_token_ms;
    f.per_prefill_token_ms = w->coef[1];
    f.per_attn_pos_ms = w->coef[2];
  } else {
    f.per_seq_ms = w->coef[1];
    f.per_kv_token_ms = w->coef[2];
    f.per_prefill_token_ms = w->coef[3];
    f.per_attn_pos_ms = w->coef[4];
  }
  decode_check(intervals, f);
  return f;
}

Result<StepCostFit> fit_step_intercept(const std::vector<StepInterval>& intervals,
                                       int window_intervals, const FixedSlopes& fixed) {
  if (window_intervals < 1) return Error("step fit: the window must hold >= 1 interval");
  StepCostFit f;
  Windows win = windows_of(intervals, window_intervals);
  for (size_t i = 0; i < win.rows.size(); ++i) {
    auto& row = win.rows[i];
    win.y[i] -= fixed.per_seq_ms * row[1] + fixed.per_kv_token_ms * row[2] +
                fixed.per_prefill_token_ms * row[3] + fixed.per_attn_pos_ms * row[4];
    row = {row[0]};
  }
  f.intervals_used = win.intervals_used;
  auto w = least_squares(win.rows, win.y, {"per_step_ms"});
  if (!w) return w.error().context("step fit over " + std::to_string(win.rows.size()) + " windows");
  f.window_fit = *w;
  f.windows = int(win.rows.size());
  f.per_step_ms = w->coef[0];
  f.per_seq_ms = fixed.per_seq_ms;
  f.per_kv_token_ms = fixed.per_kv_token_ms;
  f.per_prefill_token_ms = fixed.per_prefill_token_ms;
  f.per_attn_pos_ms = fixed.per_attn_pos_ms;
  decode_check(intervals, f);
  return f;
}

}  // namespace l4lab::twin

#include "client/bench_outcome.h"

#include <fmt/format.h>

namespace l4lab::client {

BenchOutcome judge_outcome(const RunResult& rr, const BenchStats& stats) {
  BenchOutcome out;
  switch (rr.status) {
    case RunStatus::completed:
      break;
    case RunStatus::failure_budget:
      out.reason = "failure budget exceeded";
      break;
    case RunStatus::interrupted:
      out.reason = "interrupted";
      break;
    case RunStatus::write_error:
      out.reason = "could not write the traces";
      break;
  }
  if (out.reason.empty() && stats.measured_ok() == 0)
    out.reason =
        stats.measured() == 0 ? "no measured request was sent" : "no measured request succeeded";
  out.exit_code = out.reason.empty() ? 0 : 1;

  std::string failures;
  for (const auto& [cls, n] : stats.failures_by_class())
    failures += fmt::format("{}{} {}", failures.empty() ? "" : ", ", cls, n);
  const double rate =
      stats.measured() > 0 ? 100.0 * double(stats.measured_ok()) / double(stats.measured()) : 0.0;
  out.line = fmt::format(
      "l4lab bench: {}: {} of {} measured requests ok ({:.1f}%); failures: {}; {} sent, {} not "
      "sent; exit {}{}",
      run_status_name(rr.status), stats.measured_ok(), stats.measured(), rate,
      failures.empty() ? "none" : failures, rr.sent, rr.not_sent, out.exit_code,
      out.reason.empty() ? "" : " (" + out.reason + ")");
  return out;
}

}  // namespace l4lab::client

// How a bench run ended, judged once for the exit code, bench.json's outcome
// and the one line bench always prints (even with --quiet): success rate
// and failures by class. A run exits non-zero when it did not complete
// (failure budget spent, interrupted, write error) or when no measured
// request succeeded (e.g. nothing listens on the port: every request fails
// connection/refused), so a script can never mistake it for a result.
#pragma once

#include <string>

#include "client/bench_runner.h"
#include "client/bench_stats.h"

namespace l4lab::client {

struct BenchOutcome {
  int exit_code = 0;   // 0 ok, 1 failed run (see above)
  std::string reason;  // why exit_code is 1; "" when 0
  std::string line;    // the one-line outcome, no trailing newline
};

BenchOutcome judge_outcome(const RunResult& rr, const BenchStats& stats);

}  // namespace l4lab::client

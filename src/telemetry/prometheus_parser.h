// Prometheus text exposition format (version 0.0.4) parsed into plain samples.
// Pure: a string in, samples out, so it is tested on literal text. Histogram
// `_bucket`/`_sum`/`_count` lines are ordinary samples here; the report
// derives quantiles from them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace l4lab::telemetry {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
  bool operator==(const PromSample&) const = default;
};

// Errors name the line number and show the offending line. Comment lines
// (# HELP, # TYPE, other #) and blank lines are skipped; optional trailing
// timestamps are accepted and dropped. Values may be NaN, +Inf, -Inf.
Result<std::vector<PromSample>> parse_prometheus(std::string_view text);

// Sum of every sample named `name` (over all label sets); nullopt if none.
std::optional<double> sum_samples(const std::vector<PromSample>& s, const std::string& name);

}  // namespace l4lab::telemetry

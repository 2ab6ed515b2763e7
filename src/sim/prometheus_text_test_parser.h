// A small, strict Prometheus text-format (0.0.4) parser for serve-sim's tests
// only (the telemetry subsystem owns the lab's real one). It checks what a
// scraper relies on: HELP/TYPE before samples, well-formed names, labels and
// values, and histograms whose cumulative buckets end in +Inf == _count.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace l4lab::sim::testing {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromFamily {
  std::string name, type, help;
  std::vector<PromSample> samples;
};

struct PromText {
  std::map<std::string, PromFamily> families;
  std::vector<PromSample> samples;  // every sample, in order
  // The first sample named `name` whose labels include `labels`.
  const PromSample* find(const std::string& name,
                         const std::map<std::string, std::string>& labels = {}) const;
};

Result<PromText> parse_prometheus_text(const std::string& text);

}  // namespace l4lab::sim::testing

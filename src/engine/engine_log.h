// Reading the engine's log for evidence: the tail quoted in errors, whether
// the configuration's factor was applied, and how a dead engine died.
#pragma once

#include <optional>
#include <string>

#include "engine/child_process.h"
#include "engine/engine_config.h"

namespace l4lab::engine {

// The last n lines of text (each line trimmed of its '\r').
std::string tail_lines(const std::string& text, int n);

struct Applied {
  std::string value = "unknown";  // "true" | "false" | "unknown"
  std::string evidence;
};

// Pure: the last line of log matching check.evidence_line decides; see
// docs/MATRIX.md. Bad regexes give unknown with the regex error as evidence.
Applied check_applied_log(const AppliedCheck& check, const std::string& log);

// Pure: settles an unknown (or confirms a true) log verdict with a metric
// total from the after-run scrape; metric_total is nullopt if absent.
Applied combine_with_metric(const Applied& from_log, const AppliedCheck& check,
                            std::optional<double> metric_total);

// Pure: "oom" if the log shows an out-of-memory error or the process was
// SIGKILLed (the kernel's OOM killer), else `otherwise`. Evidence: the
// matching log line, or the exit description.
struct DeathVerdict {
  std::string status;
  std::string evidence;
};
DeathVerdict classify_death(const ExitStatus& st, const std::string& log,
                            const std::string& otherwise);

}  // namespace l4lab::engine

#include "sim/profile_provenance.h"

#include <fmt/format.h>

#include <filesystem>

namespace l4lab::sim {

namespace {

std::string errors_text(const CalibrationInfo::Errors& e) {
  std::string out;
  for (const auto& [metric, err] : e)
    out += fmt::format("{}{} {:+.1f}%", out.empty() ? "" : ", ", metric, 100 * err);
  return out;
}

}  // namespace

std::string profile_provenance(const SimProfile& p) {
  const std::string where =
      p.source_path.empty()
          ? "built in"
          : fmt::format("file {}",
                        std::filesystem::path(p.source_path).lexically_normal().string());
  if (p.mode == SimMode::kExact)
    return fmt::format(
        "profile '{}' ({}): fixed timings (exact mode), a test engine, not a model of any GPU",
        p.name, where);
  if (p.mode == SimMode::kQueue)
    return fmt::format(
        "profile '{}' ({}): an M/M/c queue (known-answer test server), not a model of any GPU",
        p.name, where);
  const CalibrationInfo& c = p.calibration;
  if (!c.present)
    return fmt::format(
        "profile '{}' ({}): first principles from {} datasheet figures (docs/SERVE_SIM.md), not "
        "fitted to or checked against any measurement: error unknown",
        p.name, where, p.hardware.name);
  if (c.validation_error.empty() && c.validation_error_by_config.empty())
    return fmt::format(
        "profile '{}' ({}): calibrated by `l4lab calibrate`{}; {}: error unknown", p.name, where,
        c.fitted_config.empty() ? "" : " on real runs of " + c.fitted_config,
        c.validation_note.empty() ? "no held-out validation recorded" : c.validation_note);
  std::string out = fmt::format(
      "profile '{}' ({}): calibrated by `l4lab calibrate` on real runs of {} ({}); held-out "
      "error",
      p.name, where, c.fitted_config.empty() ? "?" : c.fitted_config, p.hardware.name);
  if (!c.validation_error.empty()) out += " " + errors_text(c.validation_error);
  for (const auto& [cfg, e] : c.validation_error_by_config)
    out += fmt::format("; {}: {}", cfg, errors_text(e));
  if (!c.validation_note.empty()) out += fmt::format(" ({})", c.validation_note);
  return out;
}

}  // namespace l4lab::sim

#include "twin/calibration_section.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>

#include "sim/sim_profile.h"

namespace l4lab::twin {
namespace {

RunEvidence run(const std::string& dir, const std::string& config, int trial) {
  RunEvidence ev;
  ev.dir = dir;
  ev.config_name = config;
  ev.trial = trial;
  return ev;
}

ScoredRun scored(const RunEvidence& ev, bool held_out, double ttft_err, double tpot_err) {
  return {&ev,
          held_out,
          {{"ttft_p50_ms", 10, 10 * (1 + ttft_err), ttft_err},
           {"tpot_p50_ms", 5, 5 * (1 + tpot_err), tpot_err}},
          {},
          1000,
          0};
}

// The section over runs fitted on C1, the scored runs given.
// The section's text over runs fitted on C1, the scored runs given; with
// `eager`, an eager fit (intercept 16.5 ms) of the fitted runs of config C3.
std::string section_text(const std::vector<RunEvidence>& fitted,
                         const std::vector<RunEvidence>& held, const std::vector<ScoredRun>& runs,
                         bool eager = false) {
  const std::string command = "l4lab calibrate runs/C1/trial-1 --out p.yaml", base = "base.yaml",
                    fp8 = "", eager_config = eager ? "C3" : "";
  StepCostFit fit;
  fit.per_step_ms = 4;
  fit.windows = 7;
  const std::optional<StepCostFit> no_fp8;
  std::optional<StepCostFit> eager_fit;
  if (eager) {
    eager_fit = fit;
    eager_fit->per_step_ms = 16.5;
    eager_fit->windows = 9;
  }
  const std::vector<std::string> notes = {"a note"};
  const RequestOverheadFit request{1.5, 12, 20.0, 300};
  const CalibrationSection s{command, base,         50,        fitted, held,    fp8,  fit,
                             no_fp8,  eager_config, eager_fit, notes,  request, 0.25, runs};
  return calibration_section_yaml(s);
}

YAML::Node section(const std::vector<RunEvidence>& fitted, const std::vector<RunEvidence>& held,
                   const std::vector<ScoredRun>& runs, bool eager = false) {
  return YAML::Load(section_text(fitted, held, runs, eager));
}

TEST(CalibrationSection, RecordsTheCommandSourcesAndFit) {
  const std::vector<RunEvidence> fitted = {run("runs/C1/trial-1", "C1", 1)};
  const auto y = section(fitted, {}, {scored(fitted[0], false, 0.1, -0.2)});
  EXPECT_EQ(y["command"].as<std::string>(), "l4lab calibrate runs/C1/trial-1 --out p.yaml");
  EXPECT_EQ(y["base_profile"].as<std::string>(), "base.yaml");
  EXPECT_EQ(y["fitted_config"].as<std::string>(), "C1");
  EXPECT_FALSE(y["fp8_weights_config"]);
  EXPECT_FALSE(y["fp8_weights_fit"]);
  EXPECT_FALSE(y["eager_config"]);
  EXPECT_FALSE(y["eager_fit"]);
  EXPECT_FALSE(y["identifies"]["overheads.eager_extra_ms"]);
  EXPECT_EQ(y["sources"][0]["used_for"].as<std::string>(), "fit");
  EXPECT_EQ(y["fit"]["window_intervals"].as<int>(), 50);
  EXPECT_EQ(y["fit"]["windows"].as<int>(), 7);
  EXPECT_DOUBLE_EQ(y["fit"]["coefficients"]["per_step_ms"].as<double>(), 4);
  EXPECT_DOUBLE_EQ(y["fit"]["request_ms"]["value"].as<double>(), 1.5);
  EXPECT_EQ(y["notes"][0].as<std::string>(), "a note");
}

TEST(CalibrationSection, WithoutAHeldOutRunOfTheFittedConfigTheErrorIsInSample) {
  const std::vector<RunEvidence> fitted = {run("runs/C1/trial-1", "C1", 1)};
  const auto y = section(fitted, {}, {scored(fitted[0], false, 0.1, -0.2)});
  const auto v = y["validation"];
  EXPECT_NE(v["note"].as<std::string>().find("IN SAMPLE"), std::string::npos);
  EXPECT_DOUBLE_EQ(v["relative_error"]["ttft_p50_ms"].as<double>(), 0.1);
  EXPECT_EQ(v["relative_error_by_config"].size(), 0u);
  EXPECT_FALSE(v["runs"][0]["held_out"].as<bool>());
}

TEST(CalibrationSection, HeldOutErrorIsTheLargestPerMetricAndPerOtherConfig) {
  const std::vector<RunEvidence> fitted = {run("runs/C1/trial-1", "C1", 1)};
  const std::vector<RunEvidence> held = {run("runs/C1/trial-2", "C1", 2),
                                         run("runs/C1/trial-3", "C1", 3),
                                         run("runs/C8/trial-1", "C8", 1)};
  const auto y = section(fitted, held,
                         {scored(fitted[0], false, 0.5, 0.5), scored(held[0], true, 0.02, -0.09),
                          scored(held[1], true, -0.04, 0.03), scored(held[2], true, 0.3, NAN)});
  const auto v = y["validation"];
  EXPECT_NE(v["note"].as<std::string>().find("held-out runs of C1"), std::string::npos);
  // The in-sample run's 0.5 is left out; the sign of the largest is kept.
  EXPECT_DOUBLE_EQ(v["relative_error"]["ttft_p50_ms"].as<double>(), -0.04);
  EXPECT_DOUBLE_EQ(v["relative_error"]["tpot_p50_ms"].as<double>(), -0.09);
  EXPECT_DOUBLE_EQ(v["relative_error_by_config"]["C8"]["ttft_p50_ms"].as<double>(), 0.3);
  EXPECT_FALSE(v["relative_error_by_config"]["C8"]["tpot_p50_ms"]);  // NaN: not written
  EXPECT_EQ(y["sources"][3]["used_for"].as<std::string>(), "validation");
  EXPECT_EQ(v["runs"].size(), 4u);
}

// An eager fit is recorded with its runs and the figure it gave, and the
// profile that carries the section says (to predict) that eager was fitted.
TEST(CalibrationSection, RecordsTheEagerFitAndItsRuns) {
  const std::vector<RunEvidence> fitted = {run("runs/C1/trial-1", "C1", 1),
                                           run("runs/C3/trial-1", "C3", 1)};
  const std::vector<ScoredRun> runs = {scored(fitted[0], false, 0.1, -0.2),
                                       scored(fitted[1], false, 0.01, 0.02)};
  const auto y = section(fitted, {}, runs, true);
  EXPECT_EQ(y["eager_config"].as<std::string>(), "C3");
  const auto e = y["eager_fit"];
  ASSERT_TRUE(e);
  ASSERT_EQ(e["runs"].size(), 1u);
  EXPECT_EQ(e["runs"][0].as<std::string>(), "runs/C3/trial-1");
  EXPECT_EQ(e["windows"].as<int>(), 9);
  EXPECT_DOUBLE_EQ(e["coefficients"]["per_step_ms"].as<double>(), 16.5);
  EXPECT_DOUBLE_EQ(e["eager_extra_ms"]["value"].as<double>(), 12.5);
  EXPECT_TRUE(y["identifies"]["overheads.eager_extra_ms"]);
  sim::SimProfile p;
  p.calibration.present = true;
  p.calibration.yaml = section_text(fitted, {}, runs, true);
  auto back = sim::parse_sim_profile(sim::sim_profile_yaml(p), "eager.yaml");
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->calibration.eager_config, "C3");
  p.calibration.yaml = section_text(fitted, {}, runs, false);
  auto plain = sim::parse_sim_profile(sim::sim_profile_yaml(p), "plain.yaml");
  ASSERT_TRUE(plain.ok()) << plain.error().message();
  EXPECT_EQ(plain->calibration.eager_config, "");
}

}  // namespace
}  // namespace l4lab::twin

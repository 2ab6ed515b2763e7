// The capacity screen's executor: loads the plan, the profile and the
// workload (predict_setup.h), runs the model-time search per configuration
// (capacity/model_time_search.h, each step twin/screen_step.h) and writes
// the report (capacity/capacity_screen.h). Thin: every decision is in those.
#include "twin/capacity_screen_command.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>

#include "capacity/capacity_screen.h"
#include "capacity/capacity_step.h"
#include "capacity/model_time_search.h"
#include "common/files.h"
#include "twin/screen_step.h"

namespace l4lab::twin {
namespace {

namespace fs = std::filesystem;

int bad_input(const std::string& msg) {
  std::fprintf(stderr, "predict --capacity: %s\n", msg.c_str());
  return 2;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

capacity::ScreenHeader screen_header(const PredictOptions& a, const ScreenArgs& s,
                                     const PredictInputs& in) {
  const auto& p = in.base;
  capacity::ScreenHeader h;
  h.plan = a.plan;
  h.profile = a.profile;
  h.profile_sha256 = in.profile_sha;
  h.profile_name = p.name;
  h.hardware = p.hardware.name;
  h.source = fmt::format(
      "{}; {}", p.approximates.empty() ? "no `approximates` line" : p.approximates,
      p.calibration.present
          ? fmt::format("calibrated (fitted configuration {})", p.calibration.fitted_config)
          : "NOT calibrated: its error is unknown");
  h.validation_note = p.calibration.validation_note;
  h.slos = s.slos;
  h.workload = in.wl_path;
  h.workload_requests = in.workload.size();
  h.step_s = s.search.step_s;
  h.warmup_s = s.search.warmup_s;
  h.start_rate = s.search.search.start_rate;
  h.resolution = s.search.search.resolution;
  h.max_steps = s.search.search.max_steps;
  h.seed = s.search.seed;
  h.transfer_assumptions = in.assumptions;
  h.argv = s.argv;
  return h;
}

// One configuration searched on the model.
capacity::ScreenedConfig screen_config(const ConfigModel& m, const PredictInputs& in,
                                       const ScreenArgs& s, const capacity::SloSet& slos) {
  capacity::ScreenedConfig c;
  c.capacity = {m.cfg.name, m.cfg.baseline, "predicted", "", "", std::nullopt, 0};
  for (const auto& metric : capacity::slo_error_metrics(slos)) {
    std::optional<double> e;
    if (m.error_list)
      for (const auto& [k, v] : *m.error_list)
        if (k == metric) e = v;
    c.errors.emplace_back(metric, e);
  }
  if (!m.unmodelled.empty())
    c.caveats.push_back(fmt::format("flags `{}` not modelled", fmt::join(m.unmodelled, " ")));
  c.caveats.insert(c.caveats.end(), m.unvalidated.begin(), m.unvalidated.end());
  const capacity::CapacityOptions& o = s.search;
  auto run = [&](const capacity::StepPlan& plan) {
    return run_screen_step(m.profile, in.workload,
                           {plan.rate, plan.requests, plan.seed, o.warmup_s});
  };
  auto r = capacity::search_in_model_time(o, slos, run);
  c.steps = std::move(r.steps);
  c.stop_reason = r.stop_reason;
  c.most_requests = r.most_requests;
  c.capacity.steps = int(c.steps.size());
  if (r.failed) {
    c.capacity.status = c.steps.empty() ? "refused" : "stopped";
    c.capacity.reason = r.stop_reason;
  }
  if (!c.steps.empty()) c.capacity.estimate = r.estimate;
  return c;
}

}  // namespace

int run_capacity_screen(const PredictOptions& a, const ScreenArgs& s) {
  const auto t0 = std::chrono::steady_clock::now();
  auto slos = capacity::parse_slos(s.slos);
  if (!slos) return bad_input(slos.error().message());
  if (auto st = capacity::check_search_options(s.search); !st.ok())
    return bad_input(st.error().message());
  if (s.top < 1) return bad_input("--top must be >= 1");
  auto in = load_inputs(a);
  if (!in) return bad_input(in.error().message());
  if (in->workload.empty()) return bad_input(in->wl_path + ": no requests");
  std::vector<ConfigModel> models;
  std::set<std::string> missing(s.only.begin(), s.only.end());
  for (const auto& path : in->plan.configs) {
    auto m = config_model(path, *in);
    if (!m) return bad_input(m.error().message());
    if (!s.only.empty() && !missing.count(m->cfg.name)) continue;
    missing.erase(m->cfg.name);
    models.push_back(std::move(*m));
  }
  if (!missing.empty())
    return bad_input(fmt::format("--only {}: not a configuration of {}", *missing.begin(), a.plan));
  std::error_code ec;
  fs::create_directories(a.out, ec);
  if (ec) return bad_input(a.out + ": cannot create: " + ec.message());

  ScreenArgs sc = s;
  sc.search.workload = in->wl_path;  // named in a step's error
  std::vector<capacity::ScreenedConfig> screened;
  for (const auto& m : models) {
    const auto tc = std::chrono::steady_clock::now();
    screened.push_back(screen_config(m, *in, sc, *slos));
    const auto& c = screened.back().capacity;
    const std::string what =
        c.estimate ? "PREDICTED " + c.estimate->note : c.status + ": " + c.reason;
    std::fprintf(stderr, "predict --capacity: %s: %s, %d steps, %.2f s\n", c.name.c_str(),
                 what.c_str(), c.steps, seconds_since(tc));
  }
  const auto h = screen_header(a, s, *in);
  const auto advice = capacity::confirm_advice(h, screened, size_t(s.top));
  const double wall_s = seconds_since(t0);
  const std::string md = capacity::screen_markdown(h, screened, advice, wall_s);
  const auto j = capacity::screen_json(h, screened, advice, wall_s);
  if (auto st = write_file(a.out + "/capacity_screen.md", md); !st.ok())
    return bad_input(st.error().message());
  if (auto st = write_file(a.out + "/capacity_screen.json", j.dump(2) + "\n"); !st.ok())
    return bad_input(st.error().message());
  std::printf("%s", md.c_str());
  std::printf(
      "predict --capacity: screened %zu configuration(s) in %.2f s; %s/capacity_screen.json\n",
      screened.size(), wall_s, a.out.c_str());
  return 0;
}

}  // namespace l4lab::twin

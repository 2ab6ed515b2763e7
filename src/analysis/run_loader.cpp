#include "analysis/run_loader.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "analysis/trace_loader.h"
#include "common/files.h"

namespace l4lab::analysis {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string str_at(const json& j, std::initializer_list<const char*> path) {
  const json* cur = &j;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k)) return "";
    cur = &(*cur)[k];
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_null()) return "";
  if (cur->is_boolean()) return cur->get<bool>() ? "true" : "false";
  return cur->dump();
}

std::optional<double> num_at(const json& j, std::initializer_list<const char*> path) {
  const json* cur = &j;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k)) return std::nullopt;
    cur = &(*cur)[k];
  }
  if (cur->is_number()) return cur->get<double>();
  return std::nullopt;
}

bool keep_engine_series(std::string_view name) {
  static const std::set<std::string_view> kKeep = {
      "vllm:kv_cache_usage_perc",
      "vllm:gpu_cache_usage_perc",
      "vllm:num_preemptions_total",
      "vllm:num_requests_running",
      "vllm:num_requests_waiting",
      "vllm:time_to_first_token_seconds_bucket",
      "vllm:time_to_first_token_seconds_count",
      "vllm:time_to_first_token_seconds_sum",
      "vllm:e2e_request_latency_seconds_bucket",
      "vllm:e2e_request_latency_seconds_count",
      "vllm:e2e_request_latency_seconds_sum",
  };
  return kKeep.count(name) > 0;
}

// Calls fn(line_no, line) for each non-empty, newline-terminated line and
// warns about a torn last line.
template <typename Fn>
void for_each_line(std::string_view content, const std::string& name,
                   std::vector<std::string>& warnings, Fn fn) {
  size_t pos = 0, line_no = 0;
  while (pos < content.size()) {
    const size_t nl = content.find('\n', pos);
    const bool torn = nl == std::string_view::npos;
    std::string_view line = content.substr(pos, torn ? std::string_view::npos : nl - pos);
    pos = torn ? content.size() : nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (torn) {
      warnings.push_back(
          fmt::format("{}:{}: last line has no newline (torn write); dropped", name, line_no));
      continue;
    }
    fn(line_no, line);
  }
}

}  // namespace

RunManifest parse_run_manifest(std::string_view text, const std::string& name,
                               std::vector<std::string>& warnings) {
  RunManifest m;
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    warnings.push_back(fmt::format("{}: not a JSON object; manifest ignored", name));
    return m;
  }
  m.present = true;
  m.schema = str_at(j, {"schema"});
  m.config_name = str_at(j, {"config", "name"});
  m.config_intent = str_at(j, {"config", "intent"});
  m.config_factor = str_at(j, {"config", "factor"});
  m.config_file = str_at(j, {"config", "file"});
  m.config_sha256 = str_at(j, {"config", "sha256"});
  m.trial = static_cast<int>(num_at(j, {"trial"}).value_or(0));
  m.simulated =
      j.contains("simulated") && j["simulated"].is_boolean() && j["simulated"].get<bool>();
  m.dummy_weights = j.contains("dummy_weights") && j["dummy_weights"].is_boolean() &&
                    j["dummy_weights"].get<bool>();
  m.predicted =
      j.contains("predicted") && j["predicted"].is_boolean() && j["predicted"].get<bool>();
  if (m.predicted && j.contains("prediction") && j["prediction"].is_object()) {
    const auto& pr = j["prediction"];
    if (pr.contains("profile") && pr["profile"].is_string())
      m.prediction_profile = pr["profile"].get<std::string>();
    if (pr.contains("validation_relative_error") && pr["validation_relative_error"].is_object())
      for (const auto& [k, v] : pr["validation_relative_error"].items())
        if (v.is_number()) m.prediction_error.emplace_back(k, v.get<double>());
  }
  m.engine_name = str_at(j, {"engine", "name"});
  m.engine_version = str_at(j, {"engine", "version"});
  m.model = str_at(j, {"model"});
  m.tokenizer_id = str_at(j, {"tokenizer", "id"});
  m.workload_path = str_at(j, {"workload", "path"});
  m.workload_sha256 = str_at(j, {"workload", "sha256"});
  m.workload_count = static_cast<int64_t>(num_at(j, {"workload", "count"}).value_or(0));
  m.outcome_status = str_at(j, {"outcome", "status"});
  m.outcome_reason = str_at(j, {"outcome", "reason"});
  m.outcome_evidence = str_at(j, {"outcome", "evidence"});
  m.applied_value = str_at(j, {"applied", "value"});
  m.applied_evidence = str_at(j, {"applied", "evidence"});
  m.gpu_mem_total_mib = num_at(j, {"gpu", "mem_total_mib"});
  m.gpu_name = str_at(j, {"gpu", "name"});
  m.gpu_count = static_cast<int>(num_at(j, {"gpu", "count"}).value_or(0));
  if (j.contains("lab_run") && j["lab_run"].is_object()) {
    m.has_lab_run = true;
    m.lab_warmup_requests =
        static_cast<int>(num_at(j, {"lab_run", "warmup", "requests"}).value_or(0));
    m.lab_warmup_error = !str_at(j, {"lab_run", "warmup", "error"}).empty();
    m.metrics_before_after_warmup = str_at(j, {"lab_run", "metrics_before"}) == "after_warmup";
  }
  m.ran_on = str_at(j, {"host", "hostname"});
  if (str_at(j, {"lab_run", "scheduler", "kind"}) == "slurm") {
    const std::string arr = str_at(j, {"lab_run", "scheduler", "array_job_id"});
    const std::string job = arr.empty()
                                ? str_at(j, {"lab_run", "scheduler", "job_id"})
                                : arr + "_" + str_at(j, {"lab_run", "scheduler", "array_task_id"});
    m.ran_on = "node " + str_at(j, {"lab_run", "scheduler", "node"}) + ", Slurm job " + job;
  }
  m.gpu_reason = str_at(j, {"gpu_reason"});
  m.machine_type = str_at(j, {"cloud", "machine_type"});
  if (j.contains("price") && j["price"].is_object()) {
    auto usd = num_at(j, {"price", "usd_per_hour"});
    if (usd && !str_at(j, {"price", "gpu_name"}).empty())
      m.plan_price =
          MachinePrice{*usd, str_at(j, {"price", "gpu_name"}),
                       static_cast<int>(num_at(j, {"price", "gpu_count"}).value_or(1)),
                       str_at(j, {"price", "machine_type"}), str_at(j, {"price", "source"})};
    else
      warnings.push_back(fmt::format(
          "{}: 'price' needs 'usd_per_hour' and 'gpu_name'; the plan's price is ignored", name));
  }
  m.started_at = str_at(j, {"started_at"});
  m.ended_at = str_at(j, {"ended_at"});
  if (m.config_name.empty())
    warnings.push_back(fmt::format("{}: field 'config.name' missing", name));
  return m;
}

BenchInfo parse_bench_json(std::string_view text, const std::string& name,
                           std::vector<std::string>& warnings) {
  BenchInfo b;
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    warnings.push_back(fmt::format("{}: not a JSON object; ignored", name));
    return b;
  }
  b.present = true;
  b.model = str_at(j, {"model"});
  // The schedule may be an object {kind, ...} or a plain string.
  if (j.contains("schedule") && j["schedule"].is_object()) {
    b.schedule_kind = str_at(j, {"schedule", "kind"});
    b.concurrency = num_at(j, {"schedule", "concurrency"});
    b.rate = num_at(j, {"schedule", "rate"});
  } else {
    b.schedule_kind = str_at(j, {"schedule"});
  }
  if (b.schedule_kind.empty()) b.schedule_kind = str_at(j, {"schedule_kind"});
  if (!b.concurrency) b.concurrency = num_at(j, {"options", "concurrency"});
  if (!b.concurrency) b.concurrency = num_at(j, {"concurrency"});
  if (!b.rate) b.rate = num_at(j, {"options", "rate"});
  b.client_cores = num_at(j, {"client_cpu", "cores_during_run"});
  b.client_max_rss_mib = num_at(j, {"client_cpu", "max_rss_mib"});
  b.timing_verdict = str_at(j, {"timing_quality", "verdict"});
  b.timing_canary_p99_ms = num_at(j, {"timing_quality", "canary_lateness_ms", "p99"});
  b.timing_canary_max_ms = num_at(j, {"timing_quality", "canary_lateness_ms", "max"});
  const std::string& k = b.schedule_kind;
  b.open_loop = !k.empty() && k != "closed" && k != "closed_loop" && k != "concurrency";
  return b;
}

std::vector<GpuSample> parse_gpu_samples(std::string_view text, const std::string& name,
                                         std::vector<std::string>& warnings) {
  std::vector<GpuSample> out;
  for_each_line(text, name, warnings, [&](size_t line_no, std::string_view line) {
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("t_ns") || !j["t_ns"].is_number()) {
      warnings.push_back(
          fmt::format("{}:{}: not a GPU sample with a numeric 't_ns'; skipped", name, line_no));
      return;
    }
    GpuSample g;
    g.t_ns = j["t_ns"].get<int64_t>();
    g.mem_used_mib = num_at(j, {"mem_used_mib"}).value_or(kNaN);
    g.mem_total_mib = num_at(j, {"mem_total_mib"}).value_or(kNaN);
    g.power_w = num_at(j, {"power_w"}).value_or(kNaN);
    g.util_pct = num_at(j, {"util_pct"}).value_or(kNaN);
    out.push_back(g);
  });
  return out;
}

std::vector<EngineScrape> parse_engine_metrics(std::string_view text, const std::string& name,
                                               std::vector<std::string>& warnings) {
  namespace od = simdjson::ondemand;
  std::vector<EngineScrape> out;
  od::parser parser;
  std::string buf;
  for_each_line(text, name, warnings, [&](size_t line_no, std::string_view line) {
    buf.assign(line);
    buf.resize(line.size() + simdjson::SIMDJSON_PADDING);
    EngineScrape sc;
    auto fail = [&](std::string_view why) {
      warnings.push_back(fmt::format("{}:{}: {}; skipped", name, line_no, why));
    };
    od::document doc;
    od::object obj;
    if (parser.iterate(buf.data(), line.size(), buf.size()).get(doc) || doc.get_object().get(obj))
      return fail("not a JSON object");
    bool have_t = false;
    for (auto field : obj) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return fail("bad key");
      if (key == "t_ns") {
        int64_t t;
        if (field.value().get_int64().get(t)) return fail("'t_ns' is not an integer");
        sc.t_ns = t;
        have_t = true;
      } else if (key == "phase") {
        std::string_view p;
        if (!field.value().get_string().get(p)) sc.phase.assign(p);
      } else if (key == "samples") {
        od::array arr;
        if (field.value().get_array().get(arr)) return fail("'samples' is not an array");
        for (auto el : arr) {
          od::object so;
          if (el.get_object().get(so)) return fail("a sample is not an object");
          EngineSample es;
          bool keep = true, have_v = false;
          for (auto sf : so) {
            std::string_view sk;
            if (sf.unescaped_key().get(sk)) return fail("bad sample key");
            if (sk == "name") {
              std::string_view n;
              if (sf.value().get_string().get(n)) return fail("sample 'name' is not a string");
              keep = keep_engine_series(n);
              if (keep) es.name.assign(n);
            } else if (!keep) {
              continue;
            } else if (sk == "value") {
              double v;
              od::value val;
              if (sf.value().get(val)) return fail("bad sample value");
              if (!val.get_double().get(v)) {
                es.value = v;
                have_v = true;
              } else {
                std::string_view s;  // "NaN", "+Inf" written as strings
                if (!val.get_string().get(s)) {
                  es.value = s == "+Inf" ? INFINITY : s == "-Inf" ? -INFINITY : kNaN;
                  have_v = true;
                }
              }
            } else if (sk == "labels") {
              od::object lo;
              if (sf.value().get_object().get(lo)) continue;
              for (auto lf : lo) {
                std::string_view lk, lv;
                if (lf.unescaped_key().get(lk)) break;
                if (lk == "le" && !lf.value().get_string().get(lv)) es.le.assign(lv);
              }
            }
          }
          if (keep && have_v && !es.name.empty()) sc.samples.push_back(std::move(es));
        }
      }
    }
    if (!have_t) return fail("missing 't_ns'");
    out.push_back(std::move(sc));
  });
  return out;
}

RunData load_run(const std::string& dir, const std::string& rel_dir) {
  RunData r;
  r.dir = dir;
  r.rel_dir = rel_dir;
  auto path = [&](const char* f) { return (fs::path(dir) / f).string(); };
  auto name = [&](const char* f) { return rel_dir + "/" + f; };
  if (fs::exists(path("run_manifest.json"))) {
    auto t = read_file(path("run_manifest.json"));
    if (t.ok())
      r.manifest = parse_run_manifest(*t, name("run_manifest.json"), r.warnings);
    else
      r.warnings.push_back(t.error().message());
  } else {
    r.warnings.push_back(fmt::format("{}: missing", name("run_manifest.json")));
  }
  if (fs::exists(path("bench.json"))) {
    auto t = read_file(path("bench.json"));
    if (t.ok()) r.bench = parse_bench_json(*t, name("bench.json"), r.warnings);
  }
  if (fs::exists(path("traces.jsonl"))) {
    auto t = load_traces(path("traces.jsonl"), name("traces.jsonl"));
    if (t.ok()) {
      r.has_traces = true;
      r.requests = std::move(t->requests);
      r.trace_lines_skipped = t->lines_skipped;
      for (auto& w : t->warnings) r.warnings.push_back(std::move(w));
    } else {
      r.warnings.push_back(t.error().message());
    }
  } else {
    // A run the matrix never started (the probe refused it, or the engine never
    // came up) has no traces by design: its outcome says why, so the absence
    // is not an input problem. Any other run without traces is one.
    const auto& st = r.manifest.outcome_status;
    const bool never_started = st == "unsupported" || st == "start_failed" || st == "start_timeout";
    if (!never_started)
      r.warnings.push_back(
          fmt::format("{}: missing (no requests to report for this run)", name("traces.jsonl")));
  }
  if (fs::exists(path("gpu_samples.jsonl"))) {
    auto t = read_file(path("gpu_samples.jsonl"));
    if (t.ok()) r.gpu = parse_gpu_samples(*t, name("gpu_samples.jsonl"), r.warnings);
  }
  if (fs::exists(path("engine_metrics.jsonl"))) {
    auto t = read_file(path("engine_metrics.jsonl"));
    if (t.ok()) r.engine = parse_engine_metrics(*t, name("engine_metrics.jsonl"), r.warnings);
  }
  if (fs::exists(path("engine.log"))) {
    auto t = read_file(path("engine.log"));
    if (t.ok()) r.engine_facts = read_engine_log_facts(*t);
  }
  // Folder names are the fallback identity when the manifest is absent.
  const fs::path rel(rel_dir);
  r.config_name = r.manifest.config_name.empty() ? rel.parent_path().filename().string()
                                                 : r.manifest.config_name;
  r.trial = r.manifest.trial;
  if (r.trial == 0) {
    const std::string leaf = rel.filename().string();
    if (leaf.rfind("trial-", 0) == 0) r.trial = std::atoi(leaf.c_str() + 6);
  }
  return r;
}

Result<StudyData> load_study(const std::string& runs_dir) {
  StudyData study;
  study.runs_dir = runs_dir;
  std::error_code ec;
  if (!fs::is_directory(runs_dir, ec)) return Error(fmt::format("{}: not a directory", runs_dir));
  std::vector<std::pair<std::string, std::string>> dirs;  // (abs, rel)
  for (const auto& cfg : fs::directory_iterator(runs_dir, ec)) {
    if (!cfg.is_directory()) continue;
    bool any = false;
    for (const auto& trial : fs::directory_iterator(cfg.path(), ec)) {
      if (!trial.is_directory()) continue;
      const std::string leaf = trial.path().filename().string();
      if (leaf.rfind("trial-", 0) != 0) continue;
      any = true;
      dirs.emplace_back(trial.path().string(), cfg.path().filename().string() + "/" + leaf);
    }
    if (!any && fs::exists(cfg.path() / "run_manifest.json"))
      study.warnings.push_back(
          fmt::format("{}: has a run_manifest.json but no trial-<k>/ folders; expected "
                      "RUNS_DIR/<config>/trial-<k>/",
                      cfg.path().filename().string()));
  }
  std::sort(dirs.begin(), dirs.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  study.runs.resize(dirs.size());
  std::atomic<size_t> next{0};
  const unsigned n_threads = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(),
                                                             static_cast<unsigned>(dirs.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < n_threads; ++t)
    pool.emplace_back([&] {
      for (size_t i = next++; i < dirs.size(); i = next++)
        study.runs[i] = load_run(dirs[i].first, dirs[i].second);
    });
  for (auto& th : pool) th.join();
  std::stable_sort(study.runs.begin(), study.runs.end(), [](const RunData& a, const RunData& b) {
    return a.config_name != b.config_name ? a.config_name < b.config_name : a.trial < b.trial;
  });
  // matrix_state.jsonl names every finished run; one without a folder is
  // reported rather than silently missing.
  const fs::path state = fs::path(runs_dir) / "matrix_state.jsonl";
  if (fs::exists(state)) {
    auto t = read_file(state.string());
    if (t.ok()) {
      std::set<std::string> have;
      for (const auto& r : study.runs) have.insert(r.rel_dir);
      for_each_line(
          *t, "matrix_state.jsonl", study.warnings, [&](size_t line_no, std::string_view line) {
            json j = json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_object()) {
              study.warnings.push_back(
                  fmt::format("matrix_state.jsonl:{}: not a JSON object; skipped", line_no));
              return;
            }
            std::string d = str_at(j, {"dir"});
            const std::string cfg = str_at(j, {"config"});
            const std::string st = str_at(j, {"status"});
            if (d.empty()) return;
            std::error_code ec2;
            fs::path rel = fs::path(d).is_absolute() ? fs::relative(d, runs_dir, ec2) : fs::path(d);
            if (!have.count(rel.lexically_normal().string()) &&
                !fs::exists(fs::path(runs_dir) / rel))
              study.warnings.push_back(
                  fmt::format("matrix_state.jsonl:{}: run {} (config {}, status {}) has no folder",
                              line_no, d, cfg, st));
          });
    }
  }
  if (study.runs.empty())
    study.warnings.push_back(
        fmt::format("{}: no run folders found (expected <config>/trial-<k>/)", runs_dir));
  return study;
}

}  // namespace l4lab::analysis

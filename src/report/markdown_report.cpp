#include "report/markdown_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "metrics/percentile.h"
#include "report/format.h"

namespace l4lab::report {

using namespace analysis;

const Delta* find_delta(const ConfigSummary& c, Stat stat) {
  for (const auto& d : c.deltas)
    if (d.stat == stat) return &d;
  return nullptr;
}

std::vector<const ConfigSummary*> rank_by(const StudySummary& s, Stat stat) {
  std::vector<const ConfigSummary*> v;
  for (const auto& c : s.configs)
    if (!c.is_baseline) v.push_back(&c);
  auto key = [&](const ConfigSummary* c) {
    const Delta* d = find_delta(*c, stat);
    if (!d || !std::isfinite(d->rel_pct) || d->verdict == "not comparable")
      return std::numeric_limits<double>::infinity();
    // Shown, but after every change that can carry a verdict.
    if (d->verdict == kDummyText) return std::numeric_limits<double>::max();
    return higher_is_better(stat) ? -d->rel_pct : d->rel_pct;
  };
  std::stable_sort(v.begin(), v.end(), [&](auto* a, auto* b) { return key(a) < key(b); });
  return v;
}

namespace {

std::string link(Stat s) {
  return fmt::format("[{}](METRICS.md#{})", stat_label(s), metric_anchor(s));
}

std::string delta_cell(const Delta* d) {
  if (!d) return "–";
  if (d->verdict == "not comparable" || d->verdict == "n/a") return d->verdict;
  if (d->verdict == kNoVariance)
    return fmt::format("{} ({}; no interval: {})", fsigned_pct(d->rel_pct), fnum(d->delta),
                       d->reason);
  return fmt::format("{} {} ({} {})", fsigned_pct(d->rel_pct), fci(d->rel_lo_pct, d->rel_hi_pct, 1),
                     fnum(d->delta), fci(d->lo, d->hi));
}

void headline(std::string& out, const StudySummary& s) {
  out += "## Headline\n\n";
  const ConfigSummary* base = nullptr;
  for (const auto& c : s.configs)
    if (c.is_baseline) base = &c;
  if (!s.baseline_found) {
    out += fmt::format(
        "No deltas: baseline **{}** {}. Tables below still show every "
        "configuration.\n\n",
        s.baseline, base ? "has no successful request" : "is not in this RUNS_DIR");
  } else {
    out += fmt::format(
        "Effect of each configuration against the baseline **{}**, best first. Cells: relative "
        "change [{:.0f}% interval] (absolute change [interval]). *within noise* means the "
        "interval includes 0; *indicative (1 trial)* means it excludes 0 but one side has a "
        "single trial, so run-to-run variation is not in it and it is no verdict; *artefact (dummy "
        "weights)* means the configuration's speed depends on the generated text (speculative "
        "decoding) and the weights were random, so it is ranked last and is no verdict; *no "
        "variance "
        "measured* means the resamples of that statistic do not vary, so there is no interval "
        "and no verdict ([method](#method)).\n\n",
        cfg_label(*base), s.options.confidence * 100);
    for (Stat st : kHeadlineStats) {
      const size_t i = static_cast<size_t>(st);
      out += fmt::format("### {} — baseline {} {}\n\n", link(st), fnum(base->point[i]),
                         fci_boot(base->boot, i));
      out +=
          "| rank | configuration | factor | value [interval] | change vs baseline | verdict |\n"
          "|---|---|---|---|---|---|\n";
      int rank = 0;
      for (const ConfigSummary* c : rank_by(s, st)) {
        const Delta* d = find_delta(*c, st);
        if (!c->has_data) continue;
        out += fmt::format("| {} | {} | {} | {} {} | {} | **{}** |\n", ++rank, cfg_label(*c),
                           c->factor.empty() ? "–" : c->factor, fnum(c->point[i]),
                           fci_boot(c->boot, i), delta_cell(d), d ? d->verdict : "–");
      }
      if (rank == 0) out += fmt::format("| – | {} | | | | |\n", no_comparison_text(s));
      out += "\n";
    }
    bool artefacts = false;
    for (const auto& c : s.configs)
      for (const auto& d : c.deltas)
        if (d.verdict == kDummyText) {
          out += fmt::format("- **{}: {}**: {}.\n", cfg_label(c), kDummyText, d.reason);
          artefacts = true;
          break;
        }
    if (artefacts) out += "\n";
  }
  out += "### SLOs broken\n\n";
  if (!s.options.any_slo()) {
    out += "No SLO given (use `--slo-ttft-ms`, `--slo-tpot-ms`, `--slo-e2e-ms`).\n\n";
  } else {
    bool any = false;
    for (const auto& c : s.configs)
      for (const auto& k : c.slos)
        if (k.broken) {
          any = true;
          out += fmt::format(
              "- **{}** breaks the {} SLO ({} ms): p95 {} ms; {} of successful requests miss it "
              "([definition](METRICS.md#slo))\n",
              cfg_label(c), k.slo, fnum(k.limit_ms), fnum(k.p95_ms), fpct(k.miss_fraction));
        }
    if (!any) out += "No configuration breaks a given SLO at p95.\n";
    out += "\n";
  }
  bool any_missing = false;
  for (const auto& c : s.configs)
    if (!c.not_run.empty() || !c.not_applied.empty()) any_missing = true;
  if (any_missing) {
    out += "### Not run, failed, not applied or without data\n\n";
    for (const auto& c : s.configs) {
      for (const auto& n : c.not_run) out += fmt::format("- **{}** {}\n", cfg_label(c), n);
      for (const auto& n : c.not_applied)
        out += fmt::format("- **{}** {} — its numbers do not measure the intended factor\n",
                           cfg_label(c), n);
    }
    out += "\n";
  }
}

// Which price each configuration was charged, or why it has none
// (docs/METRICS.md#cost).
void cost_notes(std::string& out, const StudySummary& s) {
  out += "\n**Cost** ([definition](METRICS.md#cost)): ";
  if (s.options.price_per_hour) {
    out += fmt::format(
        "every run is charged ${:g}/hour, given with `--price-per-hour`, whatever machine it "
        "ran on (simulated runs included, whose throughput comes from a model).\n\n",
        *s.options.price_per_hour);
  } else {
    std::string known;
    for (const auto& p : s.options.machine_prices)
      known += (known.empty() ? "" : "; ") + describe_price(p) + " (" + p.source + ")";
    out += fmt::format(
        "a run is charged only the price of the machine its run_manifest.json records. Known: "
        "{}. Other machines, and simulated runs, get n/a; `--price-per-hour X` charges X to "
        "every run.\n\n",
        known.empty() ? "none" : known);
  }
  for (const auto& c : s.configs)
    out += fmt::format("- **{}**: {}\n", cfg_label(c),
                       c.cost_reason.empty() ? c.cost_basis : "n/a — " + c.cost_reason);
  out += "\n";
}

void config_table(std::string& out, const StudySummary& s) {
  out +=
      "## Configurations (trials pooled)\n\n"
      "| configuration | trials | ok / requests | [success](METRICS.md#success-rate) | "
      "[req/s](METRICS.md#throughput) | [output tok/s](METRICS.md#throughput) | "
      "[total tok/s](METRICS.md#throughput) | [TTFT](METRICS.md#ttft) p50 / p95 / p99 ms (n) | "
      "[TPOT](METRICS.md#tpot) p50 / p95 / p99 ms | [ITL](METRICS.md#itl) p50 / p95 / p99 ms | "
      "[E2E](METRICS.md#e2e) p50 / p95 / p99 ms (n) | [goodput](METRICS.md#goodput) | "
      "[prompt agreement](METRICS.md#prompt-agreement) |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& c : s.configs) {
    const GroupMetrics& g = c.pooled;
    const size_t ot = static_cast<size_t>(Stat::output_throughput);
    out += fmt::format(
        "| {} | {} | {} / {} | {} | {} | {} {} | {} | {} / {} / {} ({}) | {} / {} / {} | "
        "{} / {} / {} | {} / {} / {} ({}) | {} | {} |\n",
        cfg_label(c), c.runs.size(), g.ok, g.requests, fpct(g.success_rate),
        fnum(g.request_throughput), fnum(g.output_throughput), fci_boot(c.boot, ot),
        fnum(g.total_token_throughput), fnum(g.ttft_ms.p50), fnum(g.ttft_ms.p95), fp99(g.ttft_ms),
        g.ttft_ms.n, fnum(g.tpot_ms.p50), fnum(g.tpot_ms.p95), fp99(g.tpot_ms), fnum(g.itl_ms.p50),
        fnum(g.itl_ms.p95), fp99(g.itl_ms), fnum(g.e2e_ms.p50), fnum(g.e2e_ms.p95), fp99(g.e2e_ms),
        g.e2e_ms.n,
        s.options.any_slo()
            ? fmt::format("{} req/s ({})", fnum(g.goodput_rps), fpct(g.goodput_fraction))
            : "no SLO",
        fpct(g.prompt_agreement_rate));
  }
  out +=
      "\n† p99 rests on fewer than 10 samples above it: treat it as indicative only "
      "([why](METRICS.md#sample-counts)).\n\n";

  out +=
      "### Resources and cost\n\n"
      "| configuration | [VRAM peak](METRICS.md#vram) MiB | [min headroom](METRICS.md#vram) "
      "MiB | [mean power](METRICS.md#energy) W | [energy / output token](METRICS.md#energy) J | "
      "[KV-cache max](METRICS.md#kv-cache) | [preemptions](METRICS.md#kv-cache) | "
      "[KV capacity tokens](METRICS.md#engine-facts) | [weights GiB](METRICS.md#engine-facts) | "
      "[$ / M output tokens](METRICS.md#cost) |\n|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& c : s.configs)
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", cfg_label(c),
                       fnum(c.vram_peak_mib, 0), fnum(c.headroom_mib, 0), fnum(c.mean_power_w, 1),
                       fnum(c.energy_per_output_token_j, 3), fpct(c.kv_usage_max),
                       fnum(c.preemptions, 0), kv_capacity_cell(c), fnum(c.weights_gib, 2),
                       std::isfinite(c.cost_per_mtok) ? fnum(c.cost_per_mtok, 2) : "n/a");
  bool any_client = false;
  for (const auto& c : s.configs) any_client = any_client || !std::isnan(c.client_cores_max);
  if (any_client) {
    out +=
        "\n**The lab's own cost** beside the engine (the load generator, `bench.json` "
        "`client_cpu`; largest over trials):";
    for (const auto& c : s.configs)
      if (!std::isnan(c.client_cores_max))
        out += fmt::format(" {} {} cores, {} MiB;", c.name, fnum(c.client_cores_max, 3),
                           fnum(c.client_rss_mib_max, 0));
    out.back() = '.';
    out += "\n\n";
  }
  cost_notes(out, s);
}

void deltas_table(std::string& out, const StudySummary& s) {
  if (!s.baseline_found) return;
  out += fmt::format(
      "## All deltas vs {}\n\n| configuration | statistic | baseline | value | "
      "change [interval] | verdict |\n|---|---|---|---|---|---|\n",
      s.baseline);
  for (const auto& c : s.configs)
    for (const auto& d : c.deltas)
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", cfg_label(c), link(d.stat),
                         fnum(d.base), fnum(d.value), delta_cell(&d), d.verdict);
  out += "\n";
}

void spread_table(std::string& out, const StudySummary& s) {
  out +=
      "## Spread across trials\n\n"
      "Per-trial values ([why both](METRICS.md#intervals)); sd is the sample standard "
      "deviation across trials.\n\n| configuration | statistic | per trial | min | max | sd |\n"
      "|---|---|---|---|---|---|\n";
  for (const auto& c : s.configs) {
    for (Stat st : {Stat::output_throughput, Stat::ttft_p95, Stat::e2e_p99}) {
      const Spread& sp = c.spread[static_cast<size_t>(st)];
      std::string per;
      for (double v : sp.per_trial) per += (per.empty() ? "" : ", ") + fnum(v);
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", cfg_label(c), stat_label(st), per,
                         fnum(sp.min), fnum(sp.max), fnum(sp.sd));
    }
  }
  out += "\n";
}

void scheduled_table(std::string& out, const StudySummary& s) {
  out +=
      "## Latency from the scheduled send time\n\n"
      "Measured from when the schedule said to send (open loop: the arrival time; closed "
      "loop: when a concurrency slot freed), so time queued in the client is included "
      "([definition](METRICS.md#scheduled)).\n\n"
      "| run | schedule | TTFT p50 / p95 / p99 ms | E2E p50 / p95 / p99 ms | n |\n"
      "|---|---|---|---|---|\n";
  for (const auto& r : s.runs) {
    const GroupMetrics& g = r.all;
    out += fmt::format("| {} | {}{} | {} / {} / {} | {} / {} / {} | {} |\n", run_label(r),
                       r.schedule_kind.empty() ? "?" : r.schedule_kind,
                       r.open_loop ? " (open loop)" : "", fnum(g.ttft_sched_ms.p50),
                       fnum(g.ttft_sched_ms.p95), fp99(g.ttft_sched_ms), fnum(g.e2e_sched_ms.p50),
                       fnum(g.e2e_sched_ms.p95), fp99(g.e2e_sched_ms), g.e2e_sched_ms.n);
  }
  out += "\n";
}

void breakdown_tables(std::string& out, const StudySummary& s) {
  out +=
      "## By task and by bucket (trials pooled)\n\n"
      "Throughputs of a slice use the whole measurement window ([definition]"
      "(METRICS.md#breakdowns)).\n\n"
      "| configuration | slice | ok / requests | output tok/s | TTFT p50 / p95 / p99 ms (n) | "
      "TPOT p95 ms | E2E p95 / p99 ms (n) |\n|---|---|---|---|---|---|---|\n";
  for (const auto& c : s.configs) {
    auto rows = [&](const std::map<std::string, GroupMetrics>& m, const char* kind) {
      for (const auto& [k, g] : m)
        out +=
            fmt::format("| {} | {} {} | {} / {} | {} | {} / {} / {} ({}) | {} | {} / {} ({}) |\n",
                        cfg_label(c), kind, k, g.ok, g.requests, fnum(g.output_throughput),
                        fnum(g.ttft_ms.p50), fnum(g.ttft_ms.p95), fp99(g.ttft_ms), g.ttft_ms.n,
                        fnum(g.tpot_ms.p95), fnum(g.e2e_ms.p95), fp99(g.e2e_ms), g.e2e_ms.n);
    };
    rows(c.by_task, "task");
    rows(c.by_bucket, "bucket");
  }
  out += "\n";
}

void failures_table(std::string& out, const StudySummary& s) {
  out +=
      "## Failures by class\n\n([classes](METRICS.md#failures))\n\n"
      "| configuration | class | detail | count |\n|---|---|---|---|\n";
  bool any = false;
  for (const auto& c : s.configs)
    for (const auto& [cls, details] : c.pooled.failures)
      for (const auto& [d, n] : details) {
        any = true;
        out += fmt::format("| {} | {} | {} | {} |\n", cfg_label(c), cls, d, n);
      }
  if (!any) out += "| – | none | | 0 |\n";
  out += "\n";
}

std::string count_cell(const HistCoverage& c) {
  return c.present ? fmt::format("{:g}", c.engine_count) : "–";
}

// Which requests the engine's histograms count against the lab's percentiles,
// from the traces of every phase (docs/METRICS.md#engine-histograms).
void engine_requests_table(std::string& out, const StudySummary& s) {
  out +=
      "### Which requests each side counts\n\n"
      "The lab's percentiles use the measured requests that succeeded. The engine's histogram "
      "deltas (last scrape minus first) count every request the engine served in between: the "
      "bench's warm-up and cool-down requests too, and failed requests that got far enough to "
      "be counted. The columns after the engine's counts come from traces.jsonl; the counts "
      "add up when the engine's lies between the successful requests of every phase and that "
      "plus the failed ones.\n\n"
      "| run | engine TTFT count | engine E2E count | lab: measured ok | + bench warm-up ok | "
      "+ cool-down ok | + matrix warm-up | failed (may count) | adds up |\n"
      "|---|---|---|---|---|---|---|---|---|\n";
  std::vector<std::string> notes;
  bool any = false;
  for (const auto& r : s.runs) {
    const HistCoverage &t = r.ttft_coverage, &e = r.e2e_coverage;
    if (!t.present && !e.present) continue;
    any = true;
    const RequestAccount& a = r.account;
    const bool ok = (!t.present || t.adds_up) && (!e.present || e.adds_up);
    const size_t failed = a.measured_failed + a.warmup_failed + a.cooldown_failed +
                          (a.matrix_warmup_failed ? static_cast<size_t>(a.matrix_warmup) : 0);
    std::string matrix = "0";
    if (a.matrix_warmup > 0)
      matrix = fmt::format("{}{}", a.matrix_warmup, a.matrix_warmup_failed ? " (failed)" : "");
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", run_label(r),
                       count_cell(t), count_cell(e), a.lab_ok, a.warmup_ok, a.cooldown_ok, matrix,
                       failed, ok ? "yes" : "**no** (below)");
    if (a.matrix_warmup > 0)
      notes.push_back(fmt::format(
          "{}: the engine's counts include {} matrix warm-up request(s): this run's \"before\" "
          "scrape preceded them (recorded before lab_run.metrics_before existed)",
          run_label(r), a.matrix_warmup));
    if (t.present && !t.adds_up) notes.push_back(run_label(r) + " TTFT: " + t.note);
    if (e.present && !e.adds_up) notes.push_back(run_label(r) + " E2E: " + e.note);
  }
  if (!any) out += "| – | no engine histograms in engine_metrics.jsonl | | | | | | | |\n";
  out += "\n";
  for (const auto& n : notes) out += "- " + n + "\n";
  if (!notes.empty()) out += "\n";
}

void engine_table(std::string& out, const StudySummary& s) {
  out +=
      "## Engine-side histograms beside the lab's percentiles\n\n"
      "The engine's Prometheus histograms have coarse buckets, start their clock at the server "
      "and count other requests than the lab's percentiles ([why they differ]"
      "(METRICS.md#engine-histograms)).\n\n";
  engine_requests_table(out, s);
  out +=
      "### Where the lab's percentiles fall in the engine's histograms\n\n"
      "Each row gives the bucket (lo, hi] s that holds the lab's value, the share of the "
      "engine's requests (its count above) at or below each bound, and the bucket holding the "
      "engine's own quantile.\n\n"
      "| run | metric | lab value s | bucket holding it | engine share ≤ lo / ≤ hi | "
      "engine's quantile bucket |\n|---|---|---|---|---|---|\n";
  bool any = false;
  for (const auto& r : s.runs) {
    auto rows = [&](const char* name, const std::array<HistPlacement, 3>& ps,
                    const EngineHistogram& h) {
      if (!h.present()) return;
      for (const auto& p : ps) {
        any = true;
        out +=
            fmt::format("| {} | {} p{:.0f} | {} | ({}, {}] | {} / {} | ({}, {}] |\n", run_label(r),
                        name, p.q, fnum(p.lab_value_s, 3), fnum(p.lab_lo_s, 3), fnum(p.lab_hi_s, 3),
                        fpct(p.engine_frac_le_lo), fpct(p.engine_frac_le_hi),
                        fnum(p.engine_q_lo_s, 3), fnum(p.engine_q_hi_s, 3));
      }
    };
    rows("TTFT", r.ttft_engine, r.engine.ttft);
    rows("E2E", r.e2e_engine, r.engine.e2e);
  }
  if (!any) out += "| – | no engine histograms in engine_metrics.jsonl | | | | |\n";
  out += "\n";
}

void runs_table(std::string& out, const StudySummary& s) {
  out +=
      "## Runs\n\n| run | status | reason | applied | window s | ok / requests | "
      "output tok/s | TTFT p95 ms | E2E p99 ms | VRAM peak MiB | KV max | "
      "[client timing](METRICS.md#timing-quality) | vLLM-format "
      "results | ran on |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  std::vector<std::string> degraded;
  for (const auto& r : s.runs) {
    const GroupMetrics& g = r.all;
    // The verdict and the canary lateness p99 it rests on.
    const std::string timing =
        r.timing_verdict.empty()
            ? "–"
            : fmt::format("{}{}", r.timing_verdict,
                          std::isnan(r.timing_canary_p99_ms)
                              ? ""
                              : fmt::format(" (p99 {} ms)", fnum(r.timing_canary_p99_ms, 2)));
    if (r.timing_verdict == "timing degraded")
      degraded.push_back(fmt::format("{} (canary lateness p99 {} ms, max {} ms)", run_label(r),
                                     fnum(r.timing_canary_p99_ms, 2),
                                     fnum(r.timing_canary_max_ms, 1)));
    out += fmt::format(
        "| {} | {} | {} | {} | {} | {} / {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
        run_label(r), r.status, r.reason.empty() ? "–" : r.reason,
        r.applied.empty() ? "–" : r.applied, r.window.valid() ? fnum(r.window.seconds()) : "–",
        g.ok, g.requests, fnum(g.output_throughput), fnum(g.ttft_ms.p95), fp99(g.e2e_ms),
        fnum(r.gpu.vram_peak_mib, 0), fpct(r.engine.kv_usage_max), timing,
        r.has_traces ? fmt::format("[results_vllm.json]({}/results_vllm.json)", r.rel_dir) : "–",
        r.ran_on.empty() ? "–" : r.ran_on);
  }
  out += "\n";
  for (const auto& d : degraded)
    out += fmt::format(
        "**Warning: timing degraded** in {}: the load generator's event loop ran late, so its "
        "TTFT and ITL tails include the client's own delay "
        "([definition](METRICS.md#timing-quality)).\n\n",
        d);
}

void warnings_section(std::string& out, const StudySummary& s) {
  std::vector<std::string> all = s.warnings;
  for (const auto& c : s.configs)
    for (const auto& f : c.flags) all.push_back(cfg_label(c) + ": " + f);
  for (const auto& r : s.runs)
    for (const auto& w : r.warnings) all.push_back(w);
  out += "## Input problems and comparability flags\n\n";
  if (all.empty()) {
    out +=
        "None: every file parsed, and every run used the baseline's workload, engine "
        "version and model.\n";
    return;
  }
  const size_t cap = 200;
  for (size_t i = 0; i < all.size() && i < cap; ++i) out += "- " + all[i] + "\n";
  if (all.size() > cap)
    out += fmt::format("- … and {} more (all listed in summary.json)\n", all.size() - cap);
}

}  // namespace

std::string markdown_report(const StudySummary& s) {
  std::string out = "# l4lab report\n\n";
  if (s.any_predicted) out += "> **PREDICTED**: " + predicted_banner(s) + "\n\n";
  if (s.any_simulated) out += "> **SIMULATED**: " + simulated_banner(s) + "\n\n";
  if (s.any_dummy_weights) out += "> **DUMMY WEIGHTS**: " + dummy_weights_banner(s) + "\n\n";
  size_t n_trials = s.runs.size();
  out += fmt::format(
      "{} configurations, {} runs. Percentiles: {} ([definition](METRICS.md#percentiles)). "
      "Intervals: {:.0f}% two-stage bootstrap, {} resamples, seed {} "
      "([method](METRICS.md#intervals)). Machine-readable: `summary.json`, `summary.csv`; "
      "charts: `report.html`; definitions: [METRICS.md](METRICS.md).\n\n",
      s.configs.size(), n_trials, metrics::kPercentileMethod, s.options.confidence * 100,
      s.options.resamples, s.options.seed);
  headline(out, s);
  config_table(out, s);
  deltas_table(out, s);
  spread_table(out, s);
  scheduled_table(out, s);
  breakdown_tables(out, s);
  failures_table(out, s);
  engine_table(out, s);
  runs_table(out, s);
  warnings_section(out, s);
  out += fmt::format(
      "<a id=\"method\"></a>\n## Method\n\nPercentiles: {}. {:.0f}% intervals, {} resamples, "
      "seed {}. {}\n",
      metrics::kPercentileMethod, s.options.confidence * 100, s.options.resamples, s.options.seed,
      interval_method_text());
  return out;
}

}  // namespace l4lab::report

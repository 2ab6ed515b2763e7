#include "report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "report/format.h"
#include "report/markdown_report.h"
#include "report/svg_chart.h"

namespace l4lab::report {

using namespace analysis;

namespace {

std::vector<std::pair<double, double>> cdf_points(std::vector<double> v, size_t max_points = 300) {
  std::vector<std::pair<double, double>> pts;
  if (v.empty()) return pts;
  std::sort(v.begin(), v.end());
  const size_t n = v.size(), m = std::min(n, max_points);
  for (size_t k = 0; k < m; ++k) {
    const size_t i = m == 1 ? n - 1 : (k * (n - 1) + (m - 1) / 2) / (m - 1);
    pts.emplace_back(v[i], static_cast<double>(i + 1) / static_cast<double>(n));
  }
  return pts;
}

std::string cdf_chart(const StudyData& data, const StudySummary& s, const char* title,
                      double RequestSample::*field) {
  std::vector<Series> series;
  double lo = INFINITY, hi = 0;
  for (size_t k = 0; k < s.configs.size(); ++k) {
    const ConfigSummary& c = s.configs[k];
    std::vector<double> v;
    for (size_t i : c.runs)
      for (const auto& r : data.runs[i].requests)
        if (r.measured && r.ok && std::isfinite(r.*field)) v.push_back(r.*field);
    if (v.empty()) continue;
    for (double x : v)
      if (x > 0) lo = std::min(lo, x), hi = std::max(hi, x);
    series.push_back({cfg_label(c), palette(k), cdf_points(std::move(v))});
  }
  Axes a;
  a.title = title;
  a.x_label = "milliseconds (log scale when the range is wide)";
  a.y_label = "fraction of successful requests";
  a.log_x = std::isfinite(lo) && lo > 0 && hi / lo > 20;
  return line_chart(a, series);
}

std::string delta_chart(const StudySummary& s, Stat st) {
  std::vector<Bar> bars;
  for (const ConfigSummary* c : rank_by(s, st)) {
    const Delta* d = find_delta(*c, st);
    if (!d || !std::isfinite(d->rel_pct)) continue;
    const bool good = d->verdict == "better", bad = d->verdict == "worse";
    bars.push_back({cfg_label(*c),
                    good  ? "#2ca02c"
                    : bad ? "#d62728"
                          : "#7f7f7f",
                    d->rel_pct, d->rel_lo_pct, d->rel_hi_pct, d->verdict});
  }
  return hbar_chart(fmt::format("{}: change vs {} (%, {:.0f}% interval)", stat_label(st),
                                s.baseline, s.options.confidence * 100),
                    "%", bars);
}

std::string tput_latency(const StudySummary& s, Stat y_stat) {
  std::vector<Point> pts;
  for (size_t k = 0; k < s.configs.size(); ++k) {
    const ConfigSummary& c = s.configs[k];
    if (!c.has_data) continue;
    pts.push_back({cfg_label(c), palette(k), c.point[size_t(Stat::output_throughput)],
                   c.point[size_t(y_stat)], 6});
    for (size_t i : c.runs)
      pts.push_back({run_label(s.runs[i]) + " (trial)", palette(k), s.runs[i].all.output_throughput,
                     stat_value(s.runs[i].all, y_stat), 3});
  }
  Axes a;
  a.title = fmt::format("Output throughput vs {} (big: pooled, small: trials)", stat_label(y_stat));
  a.x_label = "output tokens / s";
  a.y_label = stat_label(y_stat);
  return scatter_chart(a, pts);
}

std::string failures_chart(const StudySummary& s) {
  std::vector<std::string> cats;
  std::map<std::string, std::vector<double>> by_class;
  for (const auto& c : s.configs) cats.push_back(c.name);
  for (size_t k = 0; k < s.configs.size(); ++k)
    for (const auto& [cls, details] : s.configs[k].pooled.failures) {
      auto& v = by_class[cls];
      v.resize(cats.size(), 0);
      for (const auto& [d, n] : details) v[k] += static_cast<double>(n);
    }
  std::vector<Stack> stacks;
  size_t i = 3;
  for (auto& [cls, v] : by_class) stacks.push_back({cls, palette(i++), v});
  return stacked_bars("Failed requests by class (trials pooled)", cats, stacks);
}

std::string over_time(const StudySummary& s, bool kv) {
  std::vector<Series> series;
  std::set<std::string> named;
  for (size_t k = 0; k < s.configs.size(); ++k)
    for (size_t i : s.configs[k].runs) {
      const RunSummary& r = s.runs[i];
      const auto& src = kv ? r.engine.kv_series : r.gpu.vram_series;
      if (src.empty()) continue;
      const int64_t t0 = r.window.valid() ? r.window.start_ns : src.front().first;
      Series se;
      se.name = cfg_label(s.configs[k]);
      se.color = palette(k);
      se.dashed = r.trial > 1;
      se.in_legend = named.insert(se.name).second;
      for (const auto& [t, v] : src)
        se.points.emplace_back(static_cast<double>(t - t0) / 1e9, kv ? v * 100 : v);
      series.push_back(std::move(se));
    }
  Axes a;
  a.title = kv ? "KV-cache usage over time (vllm:kv_cache_usage_perc)" : "VRAM used over time";
  a.x_label = "seconds since the run's first measured send (trial 1 solid, later dashed)";
  a.y_label = kv ? "KV-cache usage %" : "MiB used";
  a.y_from_zero = true;
  a.log_x = false;
  return line_chart(a, series);
}

std::string headline_table(const StudySummary& s) {
  std::string o;
  if (!s.baseline_found) {
    return fmt::format("<p>No deltas: baseline <b>{}</b> has no data in this RUNS_DIR.</p>",
                       xml_escape(s.baseline));
  }
  for (Stat st : kHeadlineStats) {
    o += fmt::format(
        "<h3><a href=\"METRICS.md#{}\">{}</a></h3><table><tr><th>rank</th>"
        "<th>configuration</th><th>factor</th><th>value [interval]</th>"
        "<th>change vs {}</th><th>verdict</th></tr>",
        metric_anchor(st), xml_escape(stat_label(st)), xml_escape(s.baseline));
    int rank = 0;
    for (const ConfigSummary* c : rank_by(s, st)) {
      if (!c->has_data) continue;
      const Delta* d = find_delta(*c, st);
      const size_t i = static_cast<size_t>(st);
      std::string change = "–";
      if (d && d->verdict == kNoVariance)
        change = fsigned_pct(d->rel_pct) + " (no interval: no variance measured)";
      else if (d && std::isfinite(d->rel_pct))
        change = fsigned_pct(d->rel_pct) + " " + fci(d->rel_lo_pct, d->rel_hi_pct, 1);
      else if (d)
        change = d->verdict;
      const std::string v = d ? d->verdict : "–";
      o += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td><td class=\"{}\">{}"
          "</td></tr>",
          ++rank, xml_escape(cfg_label(*c)), xml_escape(c->factor), fnum(c->point[i]),
          fci_boot(c->boot, i), change,
          v == "better"  ? "good"
          : v == "worse" ? "bad"
                         : "",
          xml_escape(v));
    }
    if (rank == 0) o += fmt::format("<tr><td colspan=\"6\">{}</td></tr>", no_comparison_text(s));
    o += "</table>";
  }
  return o;
}

}  // namespace

std::string html_report(const StudyData& data, const StudySummary& s) {
  std::string o =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>l4lab report</title>"
      "<style>body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222}"
      "table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;"
      "padding:3px 8px;font-size:13px;text-align:left}th{background:#f3f3f3}"
      ".good{color:#1a7f1a;font-weight:bold}.bad{color:#b00;font-weight:bold}"
      ".sim{background:#fff3cd;border:1px solid #e0c060;padding:8px;font-weight:bold}"
      "svg{display:block;margin:10px 0;max-width:100%;height:auto}"
      ".warn{color:#8a5a00}</style></head><body><h1>l4lab report</h1>";
  if (s.any_simulated)
    o += "<p class=\"sim\">SIMULATED: " + xml_escape(simulated_banner(s)) + "</p>";
  if (s.any_predicted)
    o += "<p class=\"sim\">PREDICTED: " + xml_escape(predicted_banner(s)) + "</p>";
  if (s.any_dummy_weights)
    o += "<p class=\"sim\">DUMMY WEIGHTS: " + xml_escape(dummy_weights_banner(s)) + "</p>";
  o += fmt::format(
      "<p>{} configurations, {} runs; baseline <b>{}</b>. Intervals: {:.0f}% two-stage "
      "bootstrap ({} resamples, seed {}). Definitions: <a href=\"METRICS.md\">METRICS.md</a>; "
      "all numbers: summary.json, report.md.</p>",
      s.configs.size(), s.runs.size(), xml_escape(s.baseline), s.options.confidence * 100,
      s.options.resamples, s.options.seed);
  o += "<h2>Headline</h2>" + headline_table(s);
  std::string broken;
  for (const auto& c : s.configs)
    for (const auto& k : c.slos)
      if (k.broken)
        broken += fmt::format("<li><b>{}</b> breaks the {} SLO ({} ms): p95 {} ms</li>",
                              xml_escape(cfg_label(c)), k.slo, fnum(k.limit_ms), fnum(k.p95_ms));
  o += "<h3><a href=\"METRICS.md#slo\">SLOs broken</a></h3>";
  o += !s.options.any_slo() ? "<p>No SLO given.</p>"
       : broken.empty()     ? "<p>None at p95.</p>"
                            : "<ul>" + broken + "</ul>";
  std::string missing;
  for (const auto& c : s.configs) {
    for (const auto& n : c.not_run)
      missing += "<li><b>" + xml_escape(cfg_label(c)) + "</b> " + xml_escape(n) + "</li>";
    for (const auto& n : c.not_applied)
      missing += "<li><b>" + xml_escape(cfg_label(c)) + "</b> " + xml_escape(n) + "</li>";
  }
  if (!missing.empty())
    o += "<h3>Not run, failed, not applied or without data</h3><ul>" + missing + "</ul>";
  o += "<h2>Deltas against the baseline</h2>";
  for (Stat st : kHeadlineStats) o += delta_chart(s, st);
  o += "<h2>Latency distributions</h2>";
  o += cdf_chart(data, s, "TTFT CDF per configuration (successful measured requests)",
                 &RequestSample::ttft_ms);
  o += cdf_chart(data, s, "E2E latency CDF per configuration (successful measured requests)",
                 &RequestSample::e2e_ms);
  o += "<h2>Throughput against latency</h2>";
  o += tput_latency(s, Stat::ttft_p95);
  o += tput_latency(s, Stat::e2e_p99);
  o += "<h2>Failures</h2>" + failures_chart(s);
  o += "<h2>Resources over time</h2>" + over_time(s, false) + over_time(s, true);
  o += "<h2><a href=\"METRICS.md#cost\">Cost</a></h2>";
  if (s.options.price_per_hour)
    o += fmt::format(
        "<p>Every run is charged ${:g}/hour, given with --price-per-hour, whatever machine it "
        "ran on (simulated runs included).</p>",
        *s.options.price_per_hour);
  else
    o += "<p>A run is charged only the price of the machine its manifest records; other "
         "machines and simulated runs get n/a.</p>";
  o += "<table><tr><th>configuration</th><th>$ / M output tokens</th><th>price charged, or why "
       "none</th></tr>";
  for (const auto& c : s.configs)
    o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", xml_escape(cfg_label(c)),
                     std::isfinite(c.cost_per_mtok) ? fnum(c.cost_per_mtok, 2) : "n/a",
                     xml_escape(c.cost_reason.empty() ? c.cost_basis : c.cost_reason));
  o += "</table>";
  std::string off;
  size_t with_hist = 0, with_matrix_warmup = 0;
  for (const auto& r : s.runs) {
    if (!r.ttft_coverage.present && !r.e2e_coverage.present) continue;
    ++with_hist;
    if (r.account.matrix_warmup > 0) ++with_matrix_warmup;
    for (const auto* c : {&r.ttft_coverage, &r.e2e_coverage})
      if (c->present && !c->adds_up)
        off += "<li>" + xml_escape(run_label(r) + ": " + c->note) + "</li>";
  }
  if (with_hist > 0)
    o += fmt::format(
        "<h2><a href=\"METRICS.md#engine-histograms\">Engine histograms</a></h2><p>The "
        "engine's histograms also count the bench's warm-up and cool-down requests (report.md "
        "lists the counts per run).{} {}</p>{}",
        with_matrix_warmup == 0
            ? ""
            : fmt::format(" In {} older run(s) they also count the matrix's warm-up requests, "
                          "scraped before them.",
                          with_matrix_warmup),
        off.empty() ? fmt::format("In all {} run(s) with histograms the counts add up.", with_hist)
                    : "Counts that do not add up:",
        off.empty() ? "" : "<ul class=\"warn\">" + off + "</ul>");
  size_t n_warn = s.warnings.size();
  for (const auto& r : s.runs) n_warn += r.warnings.size();
  for (const auto& c : s.configs) n_warn += c.flags.size();
  if (n_warn > 0)
    o += fmt::format(
        "<p class=\"warn\">{} input problems or comparability flags: see the last "
        "section of report.md.</p>",
        n_warn);
  o += "<h2 id=\"method\">Method</h2><p>" + xml_escape(interval_method_text()) + "</p>";
  o += "</body></html>\n";
  return o;
}

}  // namespace l4lab::report

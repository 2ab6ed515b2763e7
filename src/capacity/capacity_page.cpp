#include "capacity/capacity_page.h"

#include <fmt/format.h>

#include "report/svg_chart.h"

namespace l4lab::capacity {
namespace {

std::string rate_text(const std::optional<double>& v) {
  return v ? fmt::format("{:.3f}", *v) : std::string("open");
}

}  // namespace

std::string capacity_html(const std::string& target, const std::vector<std::string>& slos,
                          const CapacityEstimate& est, const ConfigCurve& curve) {
  std::string slo_list;
  for (const auto& s : slos) slo_list += (slo_list.empty() ? "" : ", ") + report::xml_escape(s);
  const std::string answer =
      est.capacity_rps
          ? fmt::format("<b>{:.3f} req/s</b>, interval [{}, {}] req/s{}", *est.capacity_rps,
                        rate_text(est.lower_rps), rate_text(est.upper_rps),
                        est.upper_from_saturation ? kUpperFromSaturation : "")
          : "no capacity: " + report::xml_escape(est.note);
  return fmt::format(
      "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Capacity of {0}</title></head>"
      "<body>\n<h1>Capacity of {0}</h1>\n<p>Under {1}: {2}. What the interval means, and why "
      "each step passed or failed: <a href=\"capacity.md\">capacity.md</a>.</p>\n{3}\n"
      "</body></html>\n",
      report::xml_escape(target), slo_list, answer, curves_html({curve}));
}

}  // namespace l4lab::capacity

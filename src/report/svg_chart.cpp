#include "report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace l4lab::report {

std::string xml_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

const char* palette(size_t i) {
  static const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return kColors[i % 10];
}

namespace {

constexpr double kW = 760, kH = 340, kL = 70, kR = 170, kT = 34, kB = 48;

// "Nice" tick positions (1, 2, 5 x 10^k) covering [lo, hi].
std::vector<double> ticks(double lo, double hi, int target = 6) {
  std::vector<double> t;
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) {
      step = m * mag;
      break;
    }
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    t.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
  return t;
}

std::string tick_label(double v) {
  const double a = std::fabs(v);
  if (a >= 10000) return fmt::format("{:.0f}", v);
  if (a >= 10 || a == 0) return fmt::format("{:g}", std::round(v * 100) / 100);
  return fmt::format("{:g}", v);
}

struct Frame {
  double x0, x1, y0, y1;
  bool log_x;
  double px(double x) const {
    const double a = log_x ? std::log10(x) : x, b0 = log_x ? std::log10(x0) : x0,
                 b1 = log_x ? std::log10(x1) : x1;
    return kL + (a - b0) / (b1 - b0) * (kW - kL - kR);
  }
  double py(double y) const { return kH - kB - (y - y0) / (y1 - y0) * (kH - kT - kB); }
};

std::string open_svg(const std::string& title) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
      "height=\"{1}\" role=\"img\" aria-label=\"{2}\"><rect width=\"{0}\" height=\"{1}\" "
      "fill=\"#fff\"/><text x=\"{3}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{2}</text>",
      kW, kH, xml_escape(title), kL);
}

std::string axes_svg(const Frame& f, const Axes& a) {
  std::string o;
  std::vector<double> xt;
  if (f.log_x) {
    for (double d = std::pow(10, std::floor(std::log10(f.x0))); d <= f.x1 * 1.0001; d *= 10)
      for (double m : {1.0, 2.0, 5.0})
        if (d * m >= f.x0 && d * m <= f.x1) xt.push_back(d * m);
  } else {
    xt = ticks(f.x0, f.x1);
  }
  for (double x : xt)
    o += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#eee\"/><text "
        "x=\"{0:.1f}\" y=\"{3}\" font-size=\"11\" text-anchor=\"middle\">{4}</text>",
        f.px(x), kT, kH - kB, kH - kB + 14, tick_label(x));
  for (double y : ticks(f.y0, f.y1))
    o += fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#eee\"/><text "
        "x=\"{3}\" y=\"{4:.1f}\" font-size=\"11\" text-anchor=\"end\">{5}</text>",
        kL, f.py(y), kW - kR, kL - 4, f.py(y) + 4, tick_label(y));
  o += fmt::format(
      "<rect x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" fill=\"none\" stroke=\"#999\"/>"
      "<text x=\"{4}\" y=\"{5}\" font-size=\"12\" text-anchor=\"middle\">{6}</text>"
      "<text transform=\"translate(16,{7}) rotate(-90)\" font-size=\"12\" "
      "text-anchor=\"middle\">{8}</text>",
      kL, kT, kW - kL - kR, kH - kT - kB, (kL + kW - kR) / 2, kH - 10, xml_escape(a.x_label),
      (kT + kH - kB) / 2, xml_escape(a.y_label));
  return o;
}

std::string legend(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string o;
  double y = kT + 10;
  for (const auto& [name, color] : items) {
    if (y > kH - 10) break;
    o += fmt::format(
        "<rect x=\"{0}\" y=\"{1:.0f}\" width=\"12\" height=\"12\" fill=\"{2}\"/><text x=\"{3}\" "
        "y=\"{4:.0f}\" font-size=\"11\">{5}</text>",
        kW - kR + 10, y - 10, color, kW - kR + 26, y, xml_escape(name));
    y += 16;
  }
  return o;
}

std::string empty_chart(const std::string& title, const std::string& why) {
  // A short strip instead of an empty plot area.
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} 56\" width=\"{0}\" "
      "height=\"56\" role=\"img\" aria-label=\"{1}\"><rect width=\"{0}\" height=\"56\" "
      "fill=\"#fff\"/><text x=\"{2}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{1}</text>"
      "<text x=\"{2}\" y=\"44\" font-size=\"13\" fill=\"#666\">{3}</text></svg>",
      kW, xml_escape(title), kL, xml_escape(why));
}

}  // namespace

std::string line_chart(const Axes& a, const std::vector<Series>& series) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& s : series)
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y) || (a.log_x && x <= 0)) continue;
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  if (!std::isfinite(x0)) return empty_chart(a.title, "no data");
  if (a.y_from_zero) y0 = std::min(0.0, y0);
  if (x1 <= x0) x1 = x0 + 1;
  if (y1 <= y0) y1 = y0 + 1;
  const Frame f{x0, x1, y0, y1 + (y1 - y0) * 0.03, a.log_x};
  std::string o = open_svg(a.title) + axes_svg(f, a);
  std::vector<std::pair<std::string, std::string>> leg;
  for (const auto& s : series) {
    std::string d;
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y) || (a.log_x && x <= 0)) continue;
      d += fmt::format("{}{:.1f},{:.1f}", d.empty() ? "M" : " L", f.px(x), f.py(y));
    }
    if (d.empty()) continue;
    o += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\"{}/>", d,
                     s.color, s.dashed ? " stroke-dasharray=\"5,3\"" : "");
    if (s.in_legend) leg.emplace_back(s.name, s.color);
  }
  return o + legend(leg) + "</svg>";
}

std::string scatter_chart(const Axes& a, const std::vector<Point>& points) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& p : points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
  }
  if (!std::isfinite(x0)) return empty_chart(a.title, "no data");
  const double px = (x1 - x0) * 0.1 + 1e-9, py = (y1 - y0) * 0.1 + 1e-9;
  const Frame f{std::max(0.0, x0 - px), x1 + px, std::max(0.0, y0 - py), y1 + py, false};
  std::string o = open_svg(a.title) + axes_svg(f, a);
  std::vector<std::pair<std::string, std::string>> leg;
  for (const auto& p : points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    o += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\" fill-opacity=\"0.8\"><title>{}"
        "</title></circle>",
        f.px(p.x), f.py(p.y), p.r, p.color, xml_escape(p.label));
    if (p.r >= 5) leg.emplace_back(p.label, p.color);
  }
  return o + legend(leg) + "</svg>";
}

std::string hbar_chart(const std::string& title, const std::string& unit,
                       const std::vector<Bar>& bars) {
  if (bars.empty()) return empty_chart(title, "no comparable configuration");
  double lo = 0, hi = 0;
  for (const auto& b : bars)
    for (double v : {b.value, b.lo, b.hi})
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (hi <= lo) hi = lo + 1;
  const double pad = (hi - lo) * 0.05;
  const double row = 26, h = kT + 30 + row * static_cast<double>(bars.size());
  const double L = 150, R = 150, W = kW;
  auto px = [&](double v) {
    return L + (v - (lo - pad)) / ((hi + pad) - (lo - pad)) * (W - L - R);
  };
  std::string o = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
      "height=\"{1}\" role=\"img\" aria-label=\"{2}\"><rect width=\"{0}\" height=\"{1}\" "
      "fill=\"#fff\"/><text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{2}</text>",
      W, h, xml_escape(title));
  for (double t : ticks(lo - pad, hi + pad))
    o += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2:.0f}\" stroke=\"#eee\"/><text "
        "x=\"{0:.1f}\" y=\"{3:.0f}\" font-size=\"10\" text-anchor=\"middle\">{4}{5}</text>",
        px(t), kT, h - 24, h - 10, tick_label(t), xml_escape(unit));
  o += fmt::format(
      "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2:.0f}\" "
      "stroke=\"#333\"/>",
      px(0), kT, h - 24);
  double y = kT + 6;
  for (const auto& b : bars) {
    const double v = std::isfinite(b.value) ? b.value : 0;
    const double x_a = px(std::min(0.0, v)), x_b = px(std::max(0.0, v));
    o += fmt::format(
        "<text x=\"{0}\" y=\"{1:.0f}\" font-size=\"11\" text-anchor=\"end\">{2}</text><rect "
        "x=\"{3:.1f}\" y=\"{4:.0f}\" width=\"{5:.1f}\" height=\"14\" fill=\"{6}\" "
        "fill-opacity=\"0.75\"/>",
        L - 6, y + 11, xml_escape(b.label), x_a, y, std::max(0.5, x_b - x_a), b.color);
    if (std::isfinite(b.lo) && std::isfinite(b.hi))
      o += fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"{1:.0f}\" x2=\"{2:.1f}\" y2=\"{1:.0f}\" stroke=\"#000\"/>"
          "<line x1=\"{0:.1f}\" y1=\"{3:.0f}\" x2=\"{0:.1f}\" y2=\"{4:.0f}\" stroke=\"#000\"/>"
          "<line x1=\"{2:.1f}\" y1=\"{3:.0f}\" x2=\"{2:.1f}\" y2=\"{4:.0f}\" stroke=\"#000\"/>",
          px(b.lo), y + 7, px(b.hi), y + 2, y + 12);
    o += fmt::format("<text x=\"{}\" y=\"{:.0f}\" font-size=\"11\">{}</text>", W - R + 8, y + 11,
                     xml_escape(b.note));
    y += row;
  }
  return o + "</svg>";
}

std::string stacked_bars(const std::string& title, const std::vector<std::string>& categories,
                         const std::vector<Stack>& stacks) {
  std::vector<double> totals(categories.size(), 0);
  for (const auto& s : stacks)
    for (size_t i = 0; i < categories.size() && i < s.values.size(); ++i) totals[i] += s.values[i];
  const double top = totals.empty() ? 0 : *std::max_element(totals.begin(), totals.end());
  if (top <= 0) return empty_chart(title, "no failed requests");
  const Frame f{0, static_cast<double>(categories.size()), 0, top * 1.05, false};
  std::string o = open_svg(title);
  Axes a;
  a.y_label = "failed requests";
  for (double y : ticks(0, top * 1.05))
    o += fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#eee\"/><text "
        "x=\"{3}\" y=\"{4:.1f}\" font-size=\"11\" text-anchor=\"end\">{5}</text>",
        kL, f.py(y), kW - kR, kL - 4, f.py(y) + 4, tick_label(y));
  const double slot = (kW - kL - kR) / static_cast<double>(categories.size());
  for (size_t i = 0; i < categories.size(); ++i) {
    double acc = 0;
    const double x = kL + slot * static_cast<double>(i) + slot * 0.15;
    for (const auto& s : stacks) {
      const double v = i < s.values.size() ? s.values[i] : 0;
      if (v <= 0) continue;
      o += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{}"
          ": {}</title></rect>",
          x, f.py(acc + v), slot * 0.7, f.py(acc) - f.py(acc + v), s.color, xml_escape(s.name), v);
      acc += v;
    }
    o +=
        fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
                    x + slot * 0.35, kH - kB + 14, xml_escape(categories[i]));
  }
  std::vector<std::pair<std::string, std::string>> leg;
  for (const auto& s : stacks) leg.emplace_back(s.name, s.color);
  return o + legend(leg) + "</svg>";
}

}  // namespace l4lab::report

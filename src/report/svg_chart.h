// Small inline-SVG charts for report.html (no script, no network): line
// charts (CDFs, time series), a scatter, horizontal bars with interval
// whiskers and stacked bars. Each returns one <svg> element.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace l4lab::report {

std::string xml_escape(const std::string& s);
const char* palette(size_t i);

struct Series {
  std::string name;
  std::string color;
  std::vector<std::pair<double, double>> points;
  bool dashed = false;
  bool in_legend = true;
};
struct Axes {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log_x = false;
  bool y_from_zero = true;
};
std::string line_chart(const Axes& a, const std::vector<Series>& series);

struct Point {
  std::string label;
  std::string color;
  double x = 0, y = 0;
  double r = 5;
};
std::string scatter_chart(const Axes& a, const std::vector<Point>& points);

// One bar per row from 0 to value, whisker [lo, hi]; a zero line.
struct Bar {
  std::string label;
  std::string color;
  double value = 0, lo = 0, hi = 0;
  std::string note;  // printed after the bar (e.g. the verdict)
};
std::string hbar_chart(const std::string& title, const std::string& unit,
                       const std::vector<Bar>& bars);

struct Stack {
  std::string name;
  std::string color;
  std::vector<double> values;  // one per category
};
std::string stacked_bars(const std::string& title, const std::vector<std::string>& categories,
                         const std::vector<Stack>& stacks);

}  // namespace l4lab::report

#include "capacity/saturation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

namespace l4lab::capacity {

double saturation_block_s(double rate) { return std::max(1.0, rate > 0 ? 20.0 / rate : 1.0); }

std::vector<double> in_flight_block_means(std::span<const int64_t> scheduled_ns,
                                          std::span<const int64_t> ended_ns, int64_t t0_ns,
                                          int64_t block_ns, int64_t now_ns) {
  std::vector<double> out;
  if (block_ns <= 0 || now_ns <= t0_ns) return out;
  const size_t blocks = size_t((now_ns - t0_ns) / block_ns);
  // The integral of the in-flight count over a block is the sum over
  // requests of the overlap of [scheduled, end) with the block; unfinished
  // requests are in flight until now.
  std::vector<int64_t> s(scheduled_ns.begin(), scheduled_ns.end());
  std::vector<int64_t> e(ended_ns.begin(), ended_ns.end());
  std::sort(s.begin(), s.end());
  std::sort(e.begin(), e.end());
  // in_flight(t) = #(s <= t) - #(e <= t): integrate each step function.
  auto integral = [](const std::vector<int64_t>& v, int64_t a, int64_t b) {
    // integral over [a, b) of #(v <= t) dt = sum over v < b of (b - max(v, a))
    double sum = 0;
    auto it = std::lower_bound(v.begin(), v.end(), b);
    for (auto p = v.begin(); p != it; ++p) sum += double(b - std::max(*p, a));
    return sum;
  };
  for (size_t i = 0; i < blocks; ++i) {
    const int64_t a = t0_ns + int64_t(i) * block_ns, b = a + block_ns;
    const double area = integral(s, a, b) - integral(e, a, b);
    out.push_back(area / double(block_ns));
  }
  return out;
}

std::optional<std::string> trend_confirms(std::span<const double> m) {
  if (m.size() < kTrendMinBlocks) return std::nullopt;
  const size_t third = m.size() / 3;
  double mid = 0, last = 0, ss = 0;
  for (size_t i = third; i < 2 * third; ++i) mid += m[i];
  for (size_t i = m.size() - third; i < m.size(); ++i) last += m[i];
  mid /= double(third);
  last /= double(third);
  for (size_t i = third; i < 2 * third; ++i) ss += (m[i] - mid) * (m[i] - mid);
  const double sd = std::sqrt(ss / double(third - 1));
  if (last - mid <= 2 * sd) return std::nullopt;
  return fmt::format(
      "; the last third of the blocks averaged {:.1f}, the middle third {:.1f} "
      "(more than twice its standard deviation {:.1f} apart)",
      last, mid, sd);
}

Saturation detect_saturation(std::span<const double> m, double arrivals_per_block) {
  Saturation s;
  const double min_rise = 2 * std::sqrt((kSaturationRun - 1) * std::max(0.0, arrivals_per_block));
  for (size_t end = kSaturationRun; end <= m.size(); ++end) {
    const size_t first = end - kSaturationRun;
    bool rising = true;
    for (size_t i = first + 1; i < end && rising; ++i) rising = m[i] > m[i - 1];
    if (rising && m[end - 1] - m[first] > min_rise) {
      s.saturated = true;
      s.block = int(end - 1);
      s.why = fmt::format(
          "in-flight count rose over {} blocks in a row, from {:.1f} to {:.1f} (blocks {}-{}; "
          "more than {:.1f}, twice the arrivals' standard deviation)",
          kSaturationRun, m[first], m[end - 1], first, end - 1, min_rise);
      return s;
    }
  }
  return s;
}

}  // namespace l4lab::capacity

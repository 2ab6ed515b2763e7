// Saturation: the offered rate is past what the server can complete, so
// requests pile up and every latency limit is eventually broken however
// long the step (docs/CAPACITY.md#saturation). Detected from the in-flight
// count (scheduled and not yet finished, which includes the server's queue
// and any backlog of the client), with no knob a user must guess:
//
// Cut the step (after its warm-up) into blocks of
//   block_s = max(1 s, 20 / rate)    (about 20 arrivals per block)
// and average the in-flight count over each. The step is saturated once
// the last kRun = 8 block means are strictly increasing AND the last is
// above the first of those 8 by more than twice the standard deviation of
// the Poisson arrival count over the 7 block lengths between them,
// 2 * sqrt(7 * rate * block_s) (at least 2 * sqrt(140) = 23.7 requests).
// A stable queue's in-flight count is stationary: 8 strictly increasing
// block means of exchangeable values happen with probability 1/8! = 2.5e-5
// per window, and the rise it would also need is more than the arrivals'
// own randomness adds if completions kept pace. An overloaded queue grows
// linearly, (rate - throughput) per second, and meets both once that growth
// over 7 blocks exceeds the noise: at twice the throughput at once.
// A step judged whole (model time; an HTTP step that ran to its end) must
// also trend as a whole (trend_confirms, since 2026-12-03): without it, a
// stable queue near its limit was flagged by its own swings, more often the
// longer the step (3 of 10 300 s steps of the H200 twin at a rate where no
// request broke a limit; docs/CAPACITY.md#coverage). The online check that
// ends an HTTP step early does not use it yet (with it, a known answer's
// point capacity moved 6.6% in one seed of ten; not studied further).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace l4lab::capacity {

inline constexpr int kSaturationRun = 8;
inline constexpr size_t kTrendMinBlocks = 9;

double saturation_block_s(double rate);

// Mean in-flight count over each whole block [t0 + i*block, t0 + (i+1)*block)
// that ends by `now_ns`. scheduled_ns: every request's scheduled send time
// (the schedule is known in advance); ended_ns: the end times of requests
// finished so far (any order). A request counts from its scheduled time to
// its end, so a client backlog counts too.
std::vector<double> in_flight_block_means(std::span<const int64_t> scheduled_ns,
                                          std::span<const int64_t> ended_ns, int64_t t0_ns,
                                          int64_t block_ns, int64_t now_ns);

struct Saturation {
  bool saturated = false;
  int block = -1;  // index of the block at which it was first seen
  std::string why;
};

// Over block means (the warm-up's blocks already left out);
// arrivals_per_block = rate * block_s.
Saturation detect_saturation(std::span<const double> block_means, double arrivals_per_block);

// Over a whole step's block means: the mean of the last third exceeds the
// middle third's by more than twice the middle third's standard deviation
// (the in-flight count's own swings, not only the arrivals'). Linear growth
// passes it more clearly the longer it lasts; a stationary count's swings do
// not. Returns the sentence that says so, or nullopt (also below
// kTrendMinBlocks blocks).
std::optional<std::string> trend_confirms(std::span<const double> block_means);

}  // namespace l4lab::capacity

// The lab's one random stream (docs/RANDOM.md): xoshiro256** seeded by
// splitmix64, and the lab's own distributions on top of it. Every seeded
// choice (workload, schedule, serve-sim, matrix order, bootstrap) goes
// through this file, never through std::mt19937 / std::*_distribution /
// std::shuffle, whose outputs the C++ standard leaves to each library: with
// this file, "seed 1" means the same requests at the same times with
// libstdc++ and libc++ alike.
//
// Every operation is integer arithmetic except unit() (exact), and the
// continuous distributions, which use only std::log, std::sqrt and std::pow
// of the C library: the same libm (glibc on Linux, whichever C++ library is
// used) gives the same bits; another libm may differ in the last bit of a
// log, which a schedule's rounding to whole ns almost always absorbs.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

namespace l4lab {

// splitmix64 (Steele, Lea, Flood 2014) advancing `state`: the seeder, and
// the mixer of stateless hashes (serve-sim).
uint64_t splitmix64_next(uint64_t& state);
// One splitmix64 step from x, as a stateless mixing function.
inline uint64_t splitmix64_mix(uint64_t x) { return splitmix64_next(x); }

// FNV-1a 64 of a label: derives independent streams from names.
uint64_t fnv1a64(std::string_view s);

// An independent stream seed for (seed, label, index), e.g.
// mix_seed(seed, "synthetic-qa", 3).
uint64_t mix_seed(uint64_t seed, std::string_view label, uint64_t index = 0);

// xoshiro256** (Blackman & Vigna 2018), its four words of state filled by
// four splitmix64 outputs from the seed.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t next();

  // Uniform integer in [0, n), n > 0, unbiased: Lemire's multiply-shift with
  // rejection of the 2^64 mod n low products that would bias it (Lemire 2019,
  // "Fast random integer generation in an interval").
  uint64_t below(uint64_t n);
  // Uniform in [lo, hi] inclusive.
  int64_t range(int64_t lo, int64_t hi);
  // Uniform in [0, 1): the top 53 bits of next() times 2^-53 (exact).
  double unit();
  // Exponential with rate `rate` (mean 1/rate) by inverse CDF:
  // -log(1 - u) / rate, u = unit() (so 1 - u is in (0, 1]).
  double exponential(double rate);
  // Standard normal by Marsaglia's polar method; the second variate of each
  // accepted pair is discarded, so a draw depends on no hidden state.
  double normal();
  // Gamma(shape k > 0, scale theta) by Marsaglia & Tsang (2000) with
  // normal() above; for k < 1, Gamma(k+1) * u^(1/k), u in (0, 1].
  double gamma(double shape, double scale);

  // Fisher-Yates (Durstenfeld): for i = n-1 down to 1, swap [i] with
  // [below(i+1)].
  template <typename RandomIt>
  void shuffle(RandomIt first, RandomIt last) {
    const auto n = static_cast<uint64_t>(last - first);
    for (uint64_t i = n; i > 1; --i) {
      using std::swap;
      swap(first[static_cast<std::ptrdiff_t>(i - 1)], first[static_cast<std::ptrdiff_t>(below(i))]);
    }
  }
  template <typename C>
  const auto& pick(const C& c) {
    return c[below(c.size())];
  }

 private:
  uint64_t s_[4];
};

}  // namespace l4lab

// Clocks. Durations are always measured on CLOCK_MONOTONIC (never stepped by
// NTP); the wall clock is read only to anchor a run so its monotonic stamps
// can be correlated with other machines' logs. Every trace, GPU sample and
// metrics scrape in one run uses mono_ns(), so they share a time axis.
#pragma once

#include <sys/time.h>

#include <cstdint>
#include <ctime>

namespace l4lab {

inline int64_t mono_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// A non-negative duration in ns as the timeval libevent's timers take.
inline timeval timeval_of_ns(int64_t ns) {
  if (ns < 0) ns = 0;
  return timeval{time_t(ns / 1'000'000'000), suseconds_t((ns % 1'000'000'000) / 1000)};
}

inline int64_t wall_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// One (wall, monotonic) pair read back to back: maps monotonic stamps to UTC.
struct ClockAnchor {
  int64_t wall_ns = 0;
  int64_t mono_ns = 0;
  static ClockAnchor now() {
    ClockAnchor a;
    a.mono_ns = ::l4lab::mono_ns();
    a.wall_ns = ::l4lab::wall_ns();
    return a;
  }
};

}  // namespace l4lab

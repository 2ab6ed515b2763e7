// Token pacing shared by the engines that emit on a fixed gap (exact mode,
// queue mode): how many of a sequence's tokens leave at now_ns when its next
// one was due at due_ns.
#pragma once

#include <algorithm>
#include <cstdint>

namespace l4lab::sim {

// When woken late by more than one gap, the overdue tokens leave in one chunk
// (as an engine step sampling several tokens would), never early; a gap of 0
// sends everything left at once. Never more than the tokens left.
inline int overdue_tokens(int64_t now_ns, int64_t due_ns, int64_t itl_ns, int emitted, int total) {
  const int left = total - emitted;
  if (itl_ns <= 0) return left;
  return std::min(left, 1 + int(std::min<int64_t>((now_ns - due_ns) / itl_ns, total)));
}

}  // namespace l4lab::sim

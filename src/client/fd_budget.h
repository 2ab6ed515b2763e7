// Whether this process may open the sockets a bench asks for, checked before
// the run: a limit on open files (ulimit -n) below the concurrency otherwise
// shows up mid-run as a storm of "cannot connect" failures, one per request
// (EMFILE), that look like the engine's fault.
#pragma once

#include <cstdint>

#include "common/result.h"

namespace l4lab::client {

// Files the bench holds open besides its connections: stdio, traces,
// schedule, the loop's epoll/timer fds, curl's, the tokenizer, and slack.
inline constexpr uint64_t kFdReserve = 64;

// Pure: ok when `connections` + kFdReserve fit under `soft_limit` (or under
// `hard_limit`, which raise_fd_limit() can reach); else an error naming the
// flag, the need, both limits and the ways out.
Status check_fd_budget(uint64_t connections, uint64_t soft_limit, uint64_t hard_limit,
                       const char* flag);

// Raises this process's RLIMIT_NOFILE soft limit to what `connections` need
// (up to the hard limit), then checks it. `flag` names the option asking.
Status ensure_fd_budget(uint64_t connections, const char* flag);

}  // namespace l4lab::client

#include "client/fd_budget.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>

namespace l4lab::client {

Status check_fd_budget(uint64_t connections, uint64_t soft_limit, uint64_t hard_limit,
                       const char* flag) {
  const uint64_t need = connections + kFdReserve;
  if (need <= std::max(soft_limit, hard_limit)) return Status::Ok();
  return Error(fmt::format(
      "{} {} needs about {} open files ({} connections + {} for traces, loop and libraries), "
      "but this process may open only {} (ulimit -n: soft {}, hard {}); raise the limit "
      "(ulimit -n {}) or lower {}",
      flag, connections, need, connections, kFdReserve, std::max(soft_limit, hard_limit),
      soft_limit, hard_limit, need, flag));
}

Status ensure_fd_budget(uint64_t connections, const char* flag) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return Status::Ok();  // nothing to check against
  const uint64_t need = connections + kFdReserve;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need &&
      (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > rl.rlim_cur)) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max == RLIM_INFINITY ? need : std::min<rlim_t>(rl.rlim_max, need);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  const auto as_u64 = [](rlim_t v) { return v == RLIM_INFINITY ? UINT64_MAX : uint64_t(v); };
  // After the attempt to raise it, only the soft limit counts.
  return check_fd_budget(connections, as_u64(rl.rlim_cur), as_u64(rl.rlim_cur), flag);
}

}  // namespace l4lab::client

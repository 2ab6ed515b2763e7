#include "sim/server_limits.h"

#include <fmt/format.h>

namespace l4lab::sim {

Status validate_limits(const ServerLimits& l) {
  if (l.max_body_bytes < 1)
    return Error(fmt::format("serve-sim --max-body-bytes must be >= 1, got {}", l.max_body_bytes));
  if (l.max_header_bytes < 256)
    return Error(
        fmt::format("serve-sim --max-header-bytes must be >= 256, got {}", l.max_header_bytes));
  if (!(l.header_timeout_s > 0) || l.header_timeout_s > 86400)
    return Error(fmt::format("serve-sim --header-timeout must be in (0, 86400] s, got {}",
                             l.header_timeout_s));
  if (!(l.idle_timeout_s > 0) || l.idle_timeout_s > 86400)
    return Error(
        fmt::format("serve-sim --idle-timeout must be in (0, 86400] s, got {}", l.idle_timeout_s));
  if (l.max_connections < 1)
    return Error(
        fmt::format("serve-sim --max-connections must be >= 1, got {}", l.max_connections));
  return Status::Ok();
}

}  // namespace l4lab::sim

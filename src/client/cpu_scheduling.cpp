#include "client/cpu_scheduling.h"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace l4lab::client {

namespace {

bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= 0;
}

std::string policy_name(int p) {
  switch (p) {
    case SCHED_OTHER:
      return "SCHED_OTHER";
    case SCHED_FIFO:
      return "SCHED_FIFO";
    case SCHED_RR:
      return "SCHED_RR";
    case SCHED_BATCH:
      return "SCHED_BATCH";
    case SCHED_IDLE:
      return "SCHED_IDLE";
  }
  return fmt::format("policy {}", p);
}

}  // namespace

Result<std::vector<int>> parse_cpu_list(std::string_view list) {
  std::vector<int> cpus;
  if (list.empty()) return Error("--cpus: empty CPU list (expected e.g. 0,2-3)");
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    const std::string_view part = list.substr(pos, comma - pos);
    const size_t dash = part.find('-');
    int lo = 0, hi = 0;
    bool ok = dash == std::string_view::npos
                  ? parse_int(part, lo) && (hi = lo, true)
                  : parse_int(part.substr(0, dash), lo) && parse_int(part.substr(dash + 1), hi);
    if (!ok || hi < lo)
      return Error(fmt::format("--cpus {}: '{}' is not a CPU number or range (expected e.g. 0,2-3)",
                               list, part));
    if (hi >= CPU_SETSIZE)
      return Error(fmt::format("--cpus {}: CPU {} is beyond the largest CPU number {}", list, hi,
                               CPU_SETSIZE - 1));
    for (int c = lo; c <= hi; ++c) cpus.push_back(c);
    pos = comma + 1;
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

std::string format_cpu_list(const std::vector<int>& cpus) {
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j == i ? fmt::format("{}", cpus[i]) : fmt::format("{}-{}", cpus[i], cpus[j]);
    i = j + 1;
  }
  return out;
}

std::vector<int> current_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return out;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) out.push_back(c);
  return out;
}

Status pin_to_cpus(const std::vector<int>& cpus) {
  const std::vector<int> allowed = current_cpus();
  for (int c : cpus)
    if (!std::binary_search(allowed.begin(), allowed.end(), c))
      return Error(fmt::format("--cpus: CPU {} is not available to this process (it may use {})", c,
                               format_cpu_list(allowed)));
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) CPU_SET(c, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0)
    return Error(fmt::format("--cpus {}: sched_setaffinity failed: {}", format_cpu_list(cpus),
                             std::strerror(errno)));
  return Status::Ok();
}

std::string current_policy_name() { return policy_name(sched_getscheduler(0)); }

RealtimeResult request_realtime(int priority) {
  RealtimeResult r;
  sched_param sp{};
  sp.sched_priority = priority;
  if (sched_setscheduler(0, SCHED_FIFO, &sp) == 0) {
    r.applied = true;
  } else {
    const int err = errno;
    r.error =
        fmt::format("SCHED_FIFO priority {} refused: {}{}", priority, std::strerror(err),
                    err == EPERM ? " (needs CAP_SYS_NICE or a RLIMIT_RTPRIO >= the priority)" : "");
  }
  r.policy = current_policy_name();
  sched_param now{};
  if (sched_getparam(0, &now) == 0) r.priority = now.sched_priority;
  return r;
}

}  // namespace l4lab::client

#include "engine/process_registry.h"

#include <signal.h>
#include <unistd.h>

namespace l4lab::engine {

namespace {

constexpr int kMaxGroups = 64;
std::atomic<pid_t> g_groups[kMaxGroups];
std::atomic<int> g_signal{0};

void on_stop_signal(int sig) {
  const bool second = g_signal.exchange(sig) != 0;
  for (auto& g : g_groups) {
    pid_t p = g.load();
    if (p > 0) kill(-p, second ? SIGKILL : SIGTERM);
  }
  if (second) _exit(128 + sig);
}

}  // namespace

void register_group(pid_t pgid) {
  for (auto& g : g_groups) {
    pid_t expected = 0;
    if (g.compare_exchange_strong(expected, pgid)) return;
  }
}

void unregister_group(pid_t pgid) {
  for (auto& g : g_groups) {
    pid_t expected = pgid;
    if (g.compare_exchange_strong(expected, 0)) return;
  }
}

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
}

bool interrupted() { return g_signal.load() != 0; }
int interrupt_signal() { return g_signal.load(); }

}  // namespace l4lab::engine

// Process groups the lab has started and not yet stopped. A SIGINT/SIGTERM
// handler installed by install_stop_handlers() kills every registered group
// (async-signal-safe: a fixed array and kill(2)), records that the lab was
// interrupted, and lets the main loop finish the run as `interrupted`.
#pragma once

#include <sys/types.h>

#include <atomic>

namespace l4lab::engine {

void register_group(pid_t pgid);
void unregister_group(pid_t pgid);
// SIGINT/SIGTERM: SIGTERM every registered group, set interrupted(). A
// second signal SIGKILLs the groups and exits at once.
void install_stop_handlers();
bool interrupted();
int interrupt_signal();

}  // namespace l4lab::engine

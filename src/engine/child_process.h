// A child process started with argv (fork + execve, never a shell) in its own
// process group, so the whole tree it spawns is stopped by the group id.
// PR_SET_PDEATHSIG makes the kernel kill the child if l4lab dies, and every
// live group is registered so a SIGINT/SIGTERM handler can stop them all
// (see process_registry.h).
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace l4lab::engine {

struct ExitStatus {
  bool exited = false;  // normal exit (code) rather than a signal
  int code = 0;
  int signal = 0;
  std::string describe() const;  // "exit code 1" / "killed by signal 9 (SIGKILL)"
  bool success() const { return exited && code == 0; }
};

struct SpawnOptions {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env_add;  // added to / overriding the lab's environment
  std::string log_path;                        // stdout+stderr appended here (empty: /dev/null)
  int stdout_fd = -1;  // if >= 0, stdout goes here instead (stderr still to log_path)
  bool own_group = true;
  bool die_with_parent = true;  // PR_SET_PDEATHSIG(SIGKILL)
};

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(ChildProcess&& o) noexcept;
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Errors: executable not found on PATH, exec failure (with errno text).
  static Result<ChildProcess> spawn(const SpawnOptions& opts);

  pid_t pid() const { return pid_; }
  pid_t pgid() const { return pgid_; }
  bool running() const { return pid_ > 0 && !status_; }
  // Non-blocking: the exit status once the child has exited.
  std::optional<ExitStatus> poll();
  // Blocks until the child exits, or until timeout_s (< 0: forever).
  std::optional<ExitStatus> wait_for(double timeout_s);
  // SIGTERM to the group, SIGKILL to the group after grace_s; reaps the
  // leader and waits until no member of the group is left (bounded).
  ExitStatus stop_group(double grace_s);
  const std::optional<ExitStatus>& status() const { return status_; }

 private:
  pid_t pid_ = -1;
  pid_t pgid_ = -1;
  std::optional<ExitStatus> status_;
};

// Resolves argv[0] on PATH (as execvp would), or an error naming it.
Result<std::string> resolve_executable(const std::string& name);

// Runs argv to completion (timeout_s, then the group is killed), capturing
// stdout+stderr. Used for probes.
struct Captured {
  ExitStatus status;
  std::string output;
  bool timed_out = false;
};
Result<Captured> run_capture(const std::vector<std::string>& argv, double timeout_s,
                             const std::map<std::string, std::string>& env_add = {});

// True if any process of group pgid is alive.
bool group_alive(pid_t pgid);

}  // namespace l4lab::engine

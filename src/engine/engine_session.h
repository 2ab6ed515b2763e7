// One engine process group's life: start with argv, wait until /health and
// /v1/models answer (or it exits, or the time runs out), warm up, stop the
// group, see the port free. Outcomes and evidence follow docs/MATRIX.md.
#pragma once

#include <string>

#include "engine/child_process.h"
#include "engine/engine_config.h"

namespace l4lab::engine {

struct ReadyOutcome {
  std::string status;  // ready | start_failed | start_timeout | oom | interrupted
  std::string reason;
  std::string evidence;
  double startup_s = 0;
  std::string served_model;  // first id from /v1/models
  std::string models_json;
};

class EngineSession {
 public:
  // argv as from engine_argv(); env_add from the config.
  Status start(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const std::string& host, int port, const std::string& log_path);
  ReadyOutcome wait_ready(double timeout_s);
  // One short chat completion (non-streaming, max_tokens 8): the engine's
  // first request often compiles or allocates; it must not be measured.
  Status warm_up(const std::string& model, int requests);
  bool alive();
  const std::optional<ExitStatus>& exit_status() { return child_.status(); }
  ExitStatus stop(double grace_s);
  std::string base_url() const;
  pid_t pgid() const { return child_.pgid(); }
  const std::string& log_path() const { return log_path_; }
  std::string log_text() const;

 private:
  ChildProcess child_;
  std::string host_;
  int port_ = 0;
  std::string log_path_;
};

// A port the kernel says is free now (bind to port 0).
Result<int> pick_free_port(const std::string& host);
bool port_free(const std::string& host, int port);
// Polls until the port can be bound, up to timeout_s.
bool wait_port_free(const std::string& host, int port, double timeout_s);

}  // namespace l4lab::engine

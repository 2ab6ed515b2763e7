// serve-sim's HTTP front end: one libevent loop on one thread (or, in exact
// mode, --workers N loops on N threads sharing the port) serves the
// OpenAI-compatible API and steps the engine model from a single precise
// timer (no thread per request). Walk of one streamed request:
//   evhttp callback -> parse (openai_request) -> prompt ids (lab tokenizer +
//   Mistral v3 template) -> EngineModel::submit -> timer tick ->
//   EngineModel::advance -> per-emission SSE bytes (chunk_formatter) written
//   straight to the socket when its buffer is empty -> usage chunk, [DONE].
// Faults (fault_spec.h) are applied at the emission points.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "sim/engine_driver.h"
#include "sim/server_limits.h"
#include "sim/sim_profile.h"

namespace l4lab::sim {

struct SimServerOptions {
  SimProfile profile;
  std::string host = "127.0.0.1";
  int port = 0;                // 0: an ephemeral port, see SimServer::port()
  std::string tokenizer_spec;  // "" = the study default (tokenizer_locator.h)
  uint64_t seed = 0;
  double time_scale = 1.0;
  std::string served_model_name;  // "" = serve-sim/<profile name>
  int listen_backlog = 4096;
  ServerLimits limits;          // what one client may hold or send (server_limits.h)
  bool handle_signals = false;  // SIGINT/SIGTERM end run()
  // Exact mode only: N event loops on N threads share the port (SO_REUSEPORT,
  // the kernel spreads connections over them); /metrics sums every worker.
  int workers = 1;
  // Receives each finished request's model timeline (engine_driver.h), on the
  // worker's thread under its lock; for tests comparing the two clocks.
  EngineDriver::TimelineSink timeline_sink;
};

class SimServer {
 public:
  // Loads the tokenizer, derives the engine model and binds the port.
  static Result<std::unique_ptr<SimServer>> create(SimServerOptions options);
  ~SimServer();
  int port() const;
  const std::string& model_id() const;
  // Runs the event loop until stop() (or a signal when handle_signals).
  Status run();
  // Thread-safe; run() returns soon after.
  void stop();

  struct Impl;
  struct Workers;

 private:
  SimServer(std::unique_ptr<Workers> set, std::vector<std::unique_ptr<Impl>> workers);
  std::unique_ptr<Workers> set_;                // destroyed after the workers
  std::vector<std::unique_ptr<Impl>> workers_;  // [0] runs on run()'s thread
};

}  // namespace l4lab::sim

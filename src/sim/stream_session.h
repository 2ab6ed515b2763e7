// One generation request in flight on a serve-sim worker: what the engine
// produced for it, what was sent, and the faults drawn for it. Owned by its
// worker (sim_worker.h), which creates it in generate() and destroys it when
// the reply ends, the connection is cut or the client closes.
#pragma once

#include <event2/event.h>
#include <event2/http.h>

#include <cstdint>
#include <optional>

#include "sim/chunk_formatter.h"
#include "sim/fault_spec.h"
#include "sim/openai_request.h"

namespace l4lab::sim {

struct Stream {
  uint64_t id = 0;
  evhttp_request* req = nullptr;
  evhttp_connection* conn = nullptr;
  Endpoint endpoint = Endpoint::kChat;
  bool stream = false, include_usage = false, continuous_usage = false;
  int prompt_tokens = 0, output_tokens = 0;
  const char* finish_reason = "length";
  uint64_t seed = 0;
  FaultSet faults;
  std::optional<ChunkFormatter> fmt;
  int engine_tokens = 0, sent_tokens = 0, content_chunks = 0;
  bool engine_done = false, cut = false;
  int fault_after_chunks = 1;
  int64_t arrival_model_ns = 0, first_token_model_ns = -1, last_emit_model_ns = -1;
  int64_t hold_until_ns = 0;  // monotonic; output held until then (stall faults)
  bool first_stall_done = false, between_stall_done = false;
  event* hold_timer = nullptr;
  void* owner = nullptr;  // the worker (SimServer::Impl)
  Stream() = default;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() {
    if (hold_timer) event_free(hold_timer);
  }
};

}  // namespace l4lab::sim

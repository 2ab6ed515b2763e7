// One serve-sim worker (SimServer::Impl): an event loop on one thread with its
// own listener on the shared port (SO_REUSEPORT when there are several),
// engine model, metrics and tokenizer. `mu` guards its state: its own loop
// holds it in every callback; another worker takes it only to read the
// metrics for /metrics. Internal to serve-sim; its member functions live in
// one file per concern:
//   sim_server.cpp     building the worker, the loop's start and stop
//   sim_routes.cpp     HTTP routing, the small endpoints, replies
//   sim_generate.cpp   admitting a generation request as a Stream
//   stream_session.cpp a Stream's emissions, SSE/whole-body writes, its end
//   connection_guard.cpp every connection's limits, accept to close
//   stream_faults.cpp  faults that act on the connection (cut, reset, stall)
//   engine_clock.cpp   the model clock and the engine's timer
#pragma once

#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/connection_guard.h"
#include "sim/engine_driver.h"
#include "sim/filler_text.h"
#include "sim/openai_request.h"
#include "sim/sim_metrics.h"
#include "sim/sim_server.h"
#include "sim/stream_session.h"
#include "workload/chat_template.h"

namespace l4lab::sim {

// The request's path without its query; its body as bytes.
std::string request_path(evhttp_request* req);
std::string request_body(evhttp_request* req);

// What the workers of one server share (--workers N): the request counter
// (request ids, seeds and drawn faults stay unique) and each other, for /metrics.
struct SimServer::Workers {
  std::atomic<uint64_t> next_index{0};
  std::vector<SimServer::Impl*> all;
};

struct SimServer::Impl {
  SimServerOptions opt;
  SimServer::Workers* workers = nullptr;
  std::recursive_mutex mu;
  DerivedCosts costs;
  std::unique_ptr<workload::Tokenizer> tok;
  std::optional<workload::MistralV3ChatTemplate> tmpl;
  std::optional<FillerText> filler;
  std::unique_ptr<EngineDriver> engine;  // the engine model and its clock rule
  SimMetrics metrics;
  std::string model_id;
  event_base* base = nullptr;
  evhttp* http = nullptr;
  evconnlistener* listener = nullptr;
  std::unique_ptr<ConnectionGuard> guard;  // every connection's limits (server_limits.h)
  event* tick = nullptr;
  event* stop_ev = nullptr;
  event* sig_int = nullptr;
  event* sig_term = nullptr;
  int stop_pipe[2] = {-1, -1};
  int port = 0;
  int64_t t0_ns = 0;
  int64_t created_s = 0;
  std::unordered_map<uint64_t, std::unique_ptr<Stream>> streams;
  std::unordered_map<evhttp_connection*, uint64_t> by_conn;
  std::vector<TokenEmit> emits;
  std::string out, text;
  uint64_t generate_requests = 0;  // received by this worker, for l4lab_sim_worker_requests_total

  ~Impl();

  // ---- the engine clock (engine_clock.cpp) ----
  int64_t model_now() const;
  int64_t wall_for(int64_t model_ns) const;
  static void on_tick(evutil_socket_t, short, void* arg);
  void run_due();
  int64_t arrival_mono_ns();
  void schedule_tick();

  // ---- routing and replies (sim_routes.cpp) ----
  void add_common_headers(evhttp_request* req, const char* content_type);
  void reply(evhttp_request* req, int status, const std::string& body,
             const char* content_type = "application/json");
  void reply_error(evhttp_request* req, int status, const std::string& message);
  static void on_request(evhttp_request* req, void* arg);
  std::string render_all();
  void route(evhttp_request* req, const std::string& metrics_page);
  void models(evhttp_request* req);
  bool check_model(evhttp_request* req, const std::string& model);
  Result<std::vector<workload::TokenId>> chat_ids(const workload::Conversation& conv);
  std::vector<workload::TokenId> text_ids(const std::string& text, bool add_bos);
  void tokenize(evhttp_request* req);
  void detokenize(evhttp_request* req);

  // ---- generation (sim_generate.cpp) ----
  void generate(evhttp_request* req, Endpoint endpoint);

  // ---- a stream's life (stream_session.cpp) ----
  // The client closed `conn` (or a limit did): its stream, if any, is aborted.
  void on_client_closed(evhttp_connection* conn);
  void finish(Stream& s);
  void on_emit(const TokenEmit& e);
  // Sends what the engine produced for s, unless a stall fault holds it.
  void deliver(Stream& s);
  void write_stream(Stream& s, int n);
  void finish_whole(Stream& s);

  // ---- faults on the connection (stream_faults.cpp) ----
  void cut_connection(Stream& s);
  void arm_hold(Stream& s);
  static void on_hold(evutil_socket_t, short, void* arg);

  // ---- the loop (sim_server.cpp) ----
  static void on_stop(evutil_socket_t fd, short, void* arg);
  static void on_signal(evutil_socket_t, short, void* arg);
};

}  // namespace l4lab::sim

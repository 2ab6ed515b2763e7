#include "sim/sim_server.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_map>

#include "common/clock.h"
#include "sim/chunk_formatter.h"
#include "sim/engine_driver.h"
#include "sim/fault_spec.h"
#include "sim/filler_text.h"
#include "sim/http_socket_io.h"
#include "sim/openai_request.h"
#include "sim/seeded_rng.h"
#include "sim/sim_metrics.h"
#include "workload/chat_template.h"
#include "workload/tokenizer_locator.h"

namespace l4lab::sim {

namespace {

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
  void* owner = nullptr;  // the server's Impl
  ~Stream() {
    if (hold_timer) event_free(hold_timer);
  }
};

void raise_nofile_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

std::string path_of(evhttp_request* req) {
  std::string uri = evhttp_request_get_uri(req) ? evhttp_request_get_uri(req) : "";
  if (auto q = uri.find('?'); q != std::string::npos) uri.resize(q);
  return uri;
}

std::string body_of(evhttp_request* req) {
  evbuffer* in = evhttp_request_get_input_buffer(req);
  const size_t n = evbuffer_get_length(in);
  std::string s(n, '\0');
  if (n) evbuffer_copyout(in, s.data(), n);
  return s;
}

}  // namespace

// What the workers of one server share (--workers N): the request counter
// (request ids, seeds and drawn faults stay unique) and each other, for /metrics.
struct SimServer::Workers {
  std::atomic<uint64_t> next_index{0};
  std::vector<SimServer::Impl*> all;
};

// One worker: an event loop on one thread with its own listener on the shared
// port (SO_REUSEPORT when there are several), engine model, metrics and
// tokenizer. `mu` guards its state: its own loop holds it in every callback;
// another worker takes it only to read the metrics for /metrics.
struct SimServer::Impl {
  SimServerOptions opt;
  SimServer::Workers* workers = nullptr;
  std::recursive_mutex mu;
  DerivedCosts costs;
  std::unique_ptr<Tokenizer> tok;
  std::optional<MistralV3ChatTemplate> tmpl;
  std::optional<FillerText> filler;
  std::unique_ptr<EngineDriver> engine;  // the engine model and its clock rule
  SimMetrics metrics;
  std::string model_id;
  event_base* base = nullptr;
  evhttp* http = nullptr;
  evconnlistener* listener = nullptr;
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

  ~Impl() {
    streams.clear();
    for (event* e : {tick, stop_ev, sig_int, sig_term})
      if (e) event_free(e);
    if (http) evhttp_free(http);  // frees the bound listener too
    if (base) event_base_free(base);
    for (int fd : stop_pipe)
      if (fd >= 0) close(fd);
  }

  int64_t model_now() const { return int64_t(double(mono_ns() - t0_ns) * opt.time_scale); }
  int64_t wall_for(int64_t model_ns) const {
    return t0_ns + int64_t(double(model_ns) / opt.time_scale);
  }

  // ---- responses -------------------------------------------------------
  void add_common_headers(evhttp_request* req, const char* content_type) {
    evkeyvalq* h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "x-l4lab-simulated", "true");
    evhttp_add_header(h, "content-type", content_type);
  }

  void reply(evhttp_request* req, int status, const std::string& body,
             const char* content_type = "application/json") {
    add_common_headers(req, content_type);
    evbuffer* b = evbuffer_new();
    evbuffer_add(b, body.data(), body.size());
    evhttp_send_reply(req, status, nullptr, b);
    evbuffer_free(b);
    metrics.on_http(status);
  }

  void reply_error(evhttp_request* req, int status, const std::string& message) {
    reply(req, status, error_body(message, error_type_for_status(status), status));
  }

  // ---- routing -----------------------------------------------------------
  static void on_request(evhttp_request* req, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    // /metrics reads every worker (each under its own lock, one at a time),
    // before this worker takes its own: no worker ever holds two locks.
    std::string metrics_page;
    if (evhttp_request_get_command(req) == EVHTTP_REQ_GET && path_of(req) == "/metrics")
      metrics_page = self->render_all();
    std::lock_guard lock(self->mu);
    try {
      self->route(req, metrics_page);
    } catch (const std::exception& e) {
      self->reply_error(req, 500, std::string("serve-sim internal error: ") + e.what());
    }
  }

  std::string render_all() {
    SimMetrics total;
    std::vector<EngineStats> stats;
    std::vector<uint64_t> served;
    for (Impl* w : workers->all) {
      std::lock_guard lock(w->mu);
      total.merge(w->metrics);
      stats.push_back(w->engine->stats());
      served.push_back(w->generate_requests);
    }
    std::string page = total.render(sum_stats(stats), model_id, opt.time_scale);
    page +=
        "# HELP l4lab_sim_worker_requests_total Generation requests each serve-sim worker "
        "received (--workers; simulated)\n# TYPE l4lab_sim_worker_requests_total counter\n";
    for (size_t i = 0; i < served.size(); ++i)
      page += fmt::format("l4lab_sim_worker_requests_total{{worker=\"{}\"}} {}\n", i, served[i]);
    return page;
  }

  void route(evhttp_request* req, const std::string& metrics_page) {
    const std::string path = path_of(req);
    const auto cmd = evhttp_request_get_command(req);
    const bool get = cmd == EVHTTP_REQ_GET, post = cmd == EVHTTP_REQ_POST;
    auto method_ok = [&](bool ok) {
      if (!ok) reply(req, 405, R"({"detail":"Method Not Allowed"})");
      return ok;
    };
    if (path == "/health") {
      if (method_ok(get)) reply(req, 200, "", "text/plain");
    } else if (path == "/v1/models") {
      if (method_ok(get)) models(req);
    } else if (path == "/metrics") {
      if (method_ok(get)) reply(req, 200, metrics_page, "text/plain; version=0.0.4; charset=utf-8");
    } else if (path == "/tokenize") {
      if (method_ok(post)) tokenize(req);
    } else if (path == "/detokenize") {
      if (method_ok(post)) detokenize(req);
    } else if (path == "/v1/chat/completions") {
      if (method_ok(post)) generate(req, Endpoint::kChat);
    } else if (path == "/v1/completions") {
      if (method_ok(post)) generate(req, Endpoint::kCompletion);
    } else {
      reply(req, 404, R"({"detail":"Not Found"})");
    }
  }

  void models(evhttp_request* req) {
    nlohmann::json m = {{"id", model_id},
                        {"object", "model"},
                        {"created", created_s},
                        {"owned_by", "l4lab-serve-sim (simulated)"},
                        {"root", model_id},
                        {"parent", nullptr},
                        {"max_model_len", opt.profile.engine.max_model_len},
                        {"permission", nlohmann::json::array()}};
    reply(req, 200, nlohmann::json{{"object", "list"}, {"data", {m}}}.dump());
  }

  bool check_model(evhttp_request* req, const std::string& model) {
    if (model.empty() || model == model_id) return true;
    reply_error(req, 404, "The model `" + model + "` does not exist.");
    return false;
  }

  Result<std::vector<TokenId>> chat_ids(const Conversation& conv) { return tmpl->encode(conv); }

  std::vector<TokenId> text_ids(const std::string& text, bool add_bos) {
    std::vector<TokenId> ids;
    if (add_bos) ids.push_back(tok->piece_id("<s>"));
    auto body = tok->encode(text);
    ids.insert(ids.end(), body.begin(), body.end());
    return ids;
  }

  void tokenize(evhttp_request* req) {
    auto r = parse_tokenize_request(body_of(req));
    if (!r) return reply_error(req, 400, r.error().message());
    if (!check_model(req, r->model)) return;
    std::vector<TokenId> ids;
    if (r->chat) {
      auto c = chat_ids(r->messages);
      if (!c) return reply_error(req, 400, c.error().message());
      ids = std::move(*c);
    } else {
      ids = text_ids(r->prompt, r->add_special_tokens);
    }
    nlohmann::json strs = nlohmann::json::array();
    for (TokenId id : ids) strs.push_back(tok->id_to_piece(id));
    reply(req, 200,
          nlohmann::json{{"count", ids.size()},
                         {"max_model_len", opt.profile.engine.max_model_len},
                         {"tokens", ids},
                         {"token_strs", strs}}
              .dump());
  }

  void detokenize(evhttp_request* req) {
    auto ids = parse_detokenize_request(body_of(req));
    if (!ids) return reply_error(req, 400, ids.error().message());
    for (TokenId id : *ids)
      if (id < 0 || id >= tok->vocab_size())
        return reply_error(req, 400, "token id " + std::to_string(id) + " is out of vocabulary");
    reply(req, 200, nlohmann::json{{"prompt", tok->decode(*ids)}}.dump());
  }

  // ---- generation --------------------------------------------------------
  void generate(evhttp_request* req, Endpoint endpoint) {
    auto parsed = parse_generate_request(body_of(req), endpoint);
    if (!parsed) return reply_error(req, 400, parsed.error().message());
    GenerateRequest& r = *parsed;
    const uint64_t index = workers->next_index.fetch_add(1);
    ++generate_requests;
    FaultSet faults = draw_faults(opt.profile.faults, opt.seed, index);
    if (const char* h =
            evhttp_find_header(evhttp_request_get_input_headers(req), "x-l4lab-fault")) {
      auto extra = parse_fault_list(h);
      if (!extra) return reply_error(req, 400, "header x-l4lab-fault: " + extra.error().message());
      faults.merge(*extra);
    }
    if (faults.status)
      return reply_error(req, faults.status,
                         "injected fault status:" + std::to_string(faults.status) +
                             " (l4lab serve-sim, simulated)");
    if (!check_model(req, r.model)) return;
    std::vector<TokenId> ids;
    if (endpoint == Endpoint::kChat) {
      auto c = chat_ids(r.messages);
      if (!c) return reply_error(req, 400, c.error().message());
      ids = std::move(*c);
    } else if (r.prompt_is_ids) {
      ids = r.prompt_ids;
    } else {
      ids = text_ids(r.prompt, r.add_special_tokens);
    }
    const int max_len = opt.profile.engine.max_model_len;
    const int prompt_tokens = int(ids.size());
    if (prompt_tokens > max_len || (r.max_tokens && prompt_tokens + *r.max_tokens > max_len) ||
        (!r.max_tokens && prompt_tokens >= max_len))
      return reply_error(req, 400, context_length_message(max_len, prompt_tokens, r.max_tokens));
    const int max_tokens = r.max_tokens ? *r.max_tokens : max_len - prompt_tokens;

    auto s = std::make_unique<Stream>();
    s->id = index;
    s->owner = this;
    s->req = req;
    s->conn = evhttp_request_get_connection(req);
    s->endpoint = endpoint;
    s->stream = r.stream;
    s->include_usage = r.stream && r.include_usage;
    s->continuous_usage = s->include_usage && r.continuous_usage;  // as vLLM: needs include_usage
    s->prompt_tokens = prompt_tokens;
    s->seed = r.seed ? mix64(*r.seed, 0x5eed) : mix64(opt.seed, index);
    s->faults = faults;
    s->output_tokens = max_tokens;
    if (!r.ignore_eos && unit_double(mix64(s->seed, 0xe05)) < opt.profile.eos_probability) {
      s->output_tokens = 1 + int(mix64(s->seed, 0xe05e) % uint64_t(max_tokens));
      s->finish_reason = "stop";
    }
    if (faults.zero_completion) {
      s->output_tokens = 1;  // one engine step; nothing of it is shown
      s->finish_reason = "stop";
    }
    s->fault_after_chunks = std::max(1, s->output_tokens / 2);
    const std::string rid =
        fmt::format("{}-{:016x}", endpoint == Endpoint::kChat ? "chatcmpl" : "cmpl",
                    mix64(opt.seed, index, 0x1d));
    s->fmt.emplace(endpoint, rid, created_s, model_id);
    s->arrival_model_ns = int64_t(double(arrival_mono_ns() - t0_ns) * opt.time_scale);
    if (s->conn) {
      evhttp_connection_set_closecb(s->conn, &Impl::on_conn_closed, this);
      by_conn[s->conn] = index;
    }
    if (s->stream) {
      add_common_headers(req, "text/event-stream; charset=utf-8");
      evhttp_add_header(evhttp_request_get_output_headers(req), "cache-control", "no-cache");
      evhttp_send_reply_start(req, 200, "OK");
      flush_queued_headers(s->conn);
      metrics.on_http(200);
    }
    // The driver first runs the model up to the arrival (what fell due before
    // it is delivered below), so the model never sees time go backwards.
    emits.clear();
    s->arrival_model_ns = engine->submit({index, prompt_tokens, s->output_tokens, s->seed},
                                         s->arrival_model_ns, emits);
    streams.emplace(index, std::move(s));
    for (const auto& e : emits) on_emit(e);
    schedule_tick();
  }

  static void on_conn_closed(evhttp_connection* conn, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    std::lock_guard lock(self->mu);
    auto it = self->by_conn.find(conn);
    if (it == self->by_conn.end()) return;
    const uint64_t id = it->second;
    self->by_conn.erase(it);
    auto s = self->streams.find(id);
    if (s == self->streams.end()) return;
    if (!s->second->engine_done) {
      self->engine->abort(id);
      self->metrics.on_aborted();
    }
    // libevent detaches an unfinished request from a connection the client
    // closed and leaves it to us to free.
    if (evhttp_request_get_connection(s->second->req) == nullptr)
      evhttp_request_free(s->second->req);
    self->streams.erase(s);
    self->schedule_tick();
  }

  void finish(Stream& s) {
    if (s.conn) {
      by_conn.erase(s.conn);
    }
    streams.erase(s.id);  // destroys s
  }

  void cut_connection(Stream& s) {
    s.cut = true;
    if (!s.engine_done) engine->abort(s.id);
    bufferevent* bev = evhttp_connection_get_bufferevent(s.conn);
    const int fd = bufferevent_getfd(bev);
    if (s.faults.close_mid_stream && !s.faults.reset_mid_stream &&
        evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
      // FIN without the terminating chunk; the client's close then ends the
      // request through on_conn_closed.
      shutdown(fd, SHUT_WR);
      return;
    }
    const int reset_fd = s.faults.reset_mid_stream ? detach_for_reset(s.conn) : -1;
    evhttp_connection* conn = s.conn;
    evhttp_connection_set_closecb(conn, nullptr, nullptr);
    finish(s);
    evhttp_connection_free(conn);        // frees the request too
    if (reset_fd >= 0) close(reset_fd);  // RST
  }

  void on_emit(const TokenEmit& e) {
    auto it = streams.find(e.id);
    if (it == streams.end()) return;
    Stream& s = *it->second;
    if (s.first_token_model_ns < 0) {
      s.first_token_model_ns = e.t_ns;
      metrics.on_ttft(double(e.t_ns - s.arrival_model_ns) / 1e9);
      metrics.on_prompt(s.prompt_tokens);
    } else {
      metrics.on_itl(double(e.t_ns - s.last_emit_model_ns) / 1e9);
    }
    s.last_emit_model_ns = e.t_ns;
    metrics.on_tokens(e.n_tokens);
    s.engine_tokens += e.n_tokens;
    if (e.finished) {
      s.engine_done = true;
      const int64_t sched = e.first_scheduled_ns >= 0 ? e.first_scheduled_ns : s.arrival_model_ns;
      RequestTimesS t;
      t.ttft = double(s.first_token_model_ns - s.arrival_model_ns) / 1e9;
      t.e2e = double(e.t_ns - s.arrival_model_ns) / 1e9;
      t.queue = double(sched - s.arrival_model_ns) / 1e9;
      t.prefill = double(s.first_token_model_ns - sched) / 1e9;
      t.decode = double(e.t_ns - s.first_token_model_ns) / 1e9;
      metrics.on_finished(t, s.finish_reason, s.prompt_tokens, s.output_tokens);
    }
    if (!s.cut) deliver(s);
  }

  // Sends what the engine produced for s, unless a stall fault holds it.
  void deliver(Stream& s) {
    const int64_t now = mono_ns();
    if (s.faults.stall_first_token_ms > 0 && !s.first_stall_done) {
      s.first_stall_done = true;
      s.hold_until_ns = now + int64_t(s.faults.stall_first_token_ms) * 1'000'000;
    }
    if (now < s.hold_until_ns) {
      arm_hold(s);
      return;
    }
    const int n = s.engine_tokens - s.sent_tokens;
    if (!s.stream) {
      if (s.engine_done) finish_whole(s);
      return;
    }
    if (n > 0 || s.engine_done) write_stream(s, n);
  }

  void arm_hold(Stream& s) {
    if (!s.hold_timer) s.hold_timer = event_new(base, -1, 0, &Impl::on_hold, &s);
    const timeval tv = timeval_of_ns(s.hold_until_ns - mono_ns());
    evtimer_add(s.hold_timer, &tv);
  }

  static void on_hold(evutil_socket_t, short, void* arg) {
    // The timer dies with its stream, so s is alive here.
    Stream& s = *static_cast<Stream*>(arg);
    Impl* self = static_cast<Impl*>(s.owner);
    std::lock_guard lock(self->mu);
    s.hold_until_ns = 0;
    self->deliver(s);
  }

  void write_stream(Stream& s, int n) {
    out.clear();
    const bool zero = s.faults.zero_completion;
    Usage u{s.prompt_tokens, 0};
    if (s.content_chunks == 0 && s.endpoint == Endpoint::kChat)
      s.fmt->role_chunk(out, s.continuous_usage ? &u : nullptr);
    text.clear();
    if (!zero) filler->append(text, s.seed, uint64_t(s.sent_tokens), n);
    s.sent_tokens += n;
    ++s.content_chunks;
    u.completion_tokens = zero ? 0 : s.sent_tokens;
    // A cut stream never completes, even when its tokens came in fewer chunks than planned.
    const bool cut = (s.faults.reset_mid_stream || s.faults.close_mid_stream) &&
                     (s.content_chunks >= s.fault_after_chunks || s.engine_done);
    const bool done = s.engine_done && !cut;
    s.fmt->content_chunk(out, text, done ? s.finish_reason : nullptr,
                         s.continuous_usage ? &u : nullptr);
    if (s.content_chunks == 1) {
      if (s.faults.malformed_sse) out += "l4lab fault: this line is not an SSE field\n\n";
      if (s.faults.malformed_json)
        out +=
            "data: {\"id\":\"l4lab-fault\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\n\n";
      if (s.faults.stall_between_chunks_ms > 0 && !s.between_stall_done) {
        s.between_stall_done = true;
        s.hold_until_ns = mono_ns() + int64_t(s.faults.stall_between_chunks_ms) * 1'000'000;
      }
    }
    if (done) {
      if (s.include_usage && !s.faults.missing_usage) s.fmt->usage_chunk(out, u);
      ChunkFormatter::done(out);
    }
    send_http_chunk(s.req, s.conn, out, done);
    if (cut) return cut_connection(s);
    if (done) {
      evhttp_send_reply_end(s.req);
      finish(s);
    }
  }

  void finish_whole(Stream& s) {
    text.clear();
    const bool zero = s.faults.zero_completion;
    if (!zero) filler->append(text, s.seed, 0, s.engine_tokens);
    Usage u{s.prompt_tokens, zero ? 0 : s.engine_tokens};
    if (s.faults.reset_mid_stream || s.faults.close_mid_stream) return cut_connection(s);
    std::string body =
        s.fmt->full_body(text, s.finish_reason, s.faults.missing_usage ? nullptr : &u);
    if (s.faults.malformed_json) body.resize(body.size() / 2);
    evhttp_request* req = s.req;
    finish(s);
    reply(req, 200, body);
  }

  // ---- the engine clock --------------------------------------------------
  static void on_tick(evutil_socket_t, short, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    std::lock_guard lock(self->mu);
    self->run_due();
  }

  // Handles everything due, and keeps going while more falls due during the
  // work itself: under load one timer wake-up then serves many streams
  // instead of paying an epoll_wait + timerfd_settime per chunk. Bounded so
  // new requests and closes are still read.
  void run_due() {
    const int64_t deadline = mono_ns() + 2'000'000;
    for (int round = 0; round < 256; ++round) {
      emits.clear();
      engine->advance(model_now(), emits);
      for (const auto& e : emits) on_emit(e);
      const int64_t next = engine->next_event_ns();
      const int64_t now = mono_ns();
      if (next == kNever || wall_for(next) > now || now > deadline) break;
    }
    schedule_tick();
  }

  // When the request's bytes were seen: libevent caches the time right after
  // epoll_wait returns, before any callback of that iteration runs, so
  // requests read together are not charged for each other's parsing.
  int64_t arrival_mono_ns() {
    const int64_t now = mono_ns();
    timeval tv{};
    if (event_base_gettimeofday_cached(base, &tv) != 0) return now;
    const int64_t cached_wall = int64_t(tv.tv_sec) * 1'000'000'000 + int64_t(tv.tv_usec) * 1000;
    const int64_t t = cached_wall - (wall_ns() - now);
    return std::clamp(t, now - 50'000'000, now);
  }

  void schedule_tick() {
    const int64_t next = engine->next_event_ns();
    if (next == kNever) {
      evtimer_del(tick);
      return;
    }
    const timeval tv = timeval_of_ns(wall_for(next) - mono_ns());
    evtimer_add(tick, &tv);
  }

  static void on_stop(evutil_socket_t fd, short, void* arg) {
    char buf[16];
    [[maybe_unused]] auto n = read(fd, buf, sizeof buf);
    event_base_loopbreak(static_cast<Impl*>(arg)->base);
  }
  static void on_signal(evutil_socket_t, short, void* arg) {
    event_base_loopbreak(static_cast<Impl*>(arg)->base);
  }
};

SimServer::SimServer(std::unique_ptr<Workers> set, std::vector<std::unique_ptr<Impl>> workers)
    : set_(std::move(set)), workers_(std::move(workers)) {}
SimServer::~SimServer() = default;
int SimServer::port() const { return workers_[0]->port; }
const std::string& SimServer::model_id() const { return workers_[0]->model_id; }

void SimServer::stop() {
  const char c = 's';
  [[maybe_unused]] auto n = write(workers_[0]->stop_pipe[1], &c, 1);
}

Status SimServer::run() {
  std::vector<std::thread> others;
  for (size_t i = 1; i < workers_.size(); ++i)
    others.emplace_back([w = workers_[i].get()] { event_base_dispatch(w->base); });
  const int rc = event_base_dispatch(workers_[0]->base);
  // Worker 0 ends the server (stop() or a signal): the others follow.
  for (size_t i = 1; i < workers_.size(); ++i) {
    const char c = 's';
    [[maybe_unused]] auto n = write(workers_[i]->stop_pipe[1], &c, 1);
  }
  for (auto& t : others) t.join();
  if (rc < 0) return Error("serve-sim: the event loop failed");
  return Status::Ok();
}

namespace {

// One worker: its own tokenizer, engine model, event loop and listener.
Result<std::unique_ptr<SimServer::Impl>> make_worker(const SimServerOptions& options,
                                                     const DerivedCosts& costs, int port,
                                                     bool reuse_port, bool handle_signals) {
  auto m = std::make_unique<SimServer::Impl>();
  m->opt = options;
  m->opt.port = port;
  m->costs = costs;
  auto tok = load_tokenizer(m->opt.tokenizer_spec);
  if (!tok) return tok.error().context("serve-sim --tokenizer '" + m->opt.tokenizer_spec + "'");
  m->tok = std::move(*tok);
  auto tmpl = MistralV3ChatTemplate::create(*m->tok);
  if (!tmpl) return tmpl.error().context("serve-sim chat template");
  m->tmpl.emplace(std::move(*tmpl));
  auto filler = FillerText::from_tokenizer(*m->tok);
  if (!filler) return filler.error();
  m->filler.emplace(std::move(*filler));
  m->engine =
      std::make_unique<EngineDriver>(make_engine(m->opt.profile, m->costs), m->opt.timeline_sink);
  m->model_id = m->opt.served_model_name;
  if (m->model_id.empty()) {
    m->model_id = "serve-sim/" + m->opt.profile.name;
    if (m->opt.time_scale != 1.0) m->model_id += fmt::format("@time-scale={}", m->opt.time_scale);
  }
  event_config* cfg = event_config_new();
  event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
  event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
  // Each base belongs to one thread (stop() only writes to a pipe).
  event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK);
  m->base = event_base_new_with_config(cfg);
  event_config_free(cfg);
  if (!m->base) return Error("serve-sim: cannot create the libevent loop");
  m->http = evhttp_new(m->base);
  evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
  evhttp_set_timeout(m->http, 24 * 3600);  // clients own their timeouts
  evhttp_set_max_body_size(m->http, 64 << 20);
  evhttp_set_gencb(m->http, &SimServer::Impl::on_request, m.get());

  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port));
  if (inet_pton(AF_INET, m->opt.host.c_str(), &addr.sin_addr) != 1)
    return Error("serve-sim --host '" + m->opt.host + "': not an IPv4 address");
  unsigned flags = LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE;
  if (reuse_port) flags |= LEV_OPT_REUSEABLE_PORT;
  m->listener = evconnlistener_new_bind(m->base, nullptr, nullptr, flags, m->opt.listen_backlog,
                                        reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (!m->listener)
    return Error(fmt::format("serve-sim: cannot listen on {}:{}: {}", m->opt.host, port,
                             std::strerror(errno)));
  {
    // Accepted sockets inherit TCP_NODELAY from the listener on Linux: no
    // Nagle delay on small SSE chunks, and no setsockopt per request.
    const int one = 1;
    setsockopt(evconnlistener_get_fd(m->listener), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  if (!evhttp_bind_listener(m->http, m->listener))
    return Error("serve-sim: evhttp_bind_listener failed");
  sockaddr_in bound{};
  socklen_t len = sizeof bound;
  getsockname(evconnlistener_get_fd(m->listener), reinterpret_cast<sockaddr*>(&bound), &len);
  m->port = ntohs(bound.sin_port);

  m->tick = evtimer_new(m->base, &SimServer::Impl::on_tick, m.get());
  if (pipe(m->stop_pipe) != 0) return Error("serve-sim: pipe() failed");
  m->stop_ev =
      event_new(m->base, m->stop_pipe[0], EV_READ | EV_PERSIST, &SimServer::Impl::on_stop, m.get());
  event_add(m->stop_ev, nullptr);
  if (handle_signals) {
    m->sig_int = evsignal_new(m->base, SIGINT, &SimServer::Impl::on_signal, m.get());
    m->sig_term = evsignal_new(m->base, SIGTERM, &SimServer::Impl::on_signal, m.get());
    event_add(m->sig_int, nullptr);
    event_add(m->sig_term, nullptr);
  }
  return m;
}

}  // namespace

Result<std::unique_ptr<SimServer>> SimServer::create(SimServerOptions options) {
  L4_TRY_STATUS(validate_profile(options.profile));
  if (!(options.time_scale > 0)) return Error("--time-scale must be > 0");
  if (options.workers < 1) return Error("serve-sim --workers must be >= 1");
  if (options.workers > 1 && options.profile.mode != SimMode::kExact)
    return Error(
        "serve-sim --workers > 1 needs exact mode (--exact-ttft-ms/--exact-itl-ms or mode: exact): "
        "the modelled engine is one GPU with one KV cache and one batch, which several loops "
        "would each model separately");
  auto costs = derive_costs(options.profile);
  if (!costs) return costs.error();
  raise_nofile_limit();
  auto set = std::make_unique<Workers>();
  std::vector<std::unique_ptr<Impl>> workers;
  const bool reuse_port = options.workers > 1;
  int port = options.port;
  for (int i = 0; i < options.workers; ++i) {
    auto w = make_worker(options, *costs, port, reuse_port, i == 0 && options.handle_signals);
    if (!w) return w.error().context(fmt::format("serve-sim worker {}", i));
    port = (*w)->port;  // an ephemeral port is chosen once, by worker 0
    (*w)->workers = set.get();
    set->all.push_back(w->get());
    workers.push_back(std::move(*w));
  }
  const int64_t t0 = mono_ns(), created = wall_ns() / 1'000'000'000;
  for (auto& w : workers) {
    w->t0_ns = t0;
    w->created_s = created;
  }
  return std::unique_ptr<SimServer>(new SimServer(std::move(set), std::move(workers)));
}

}  // namespace l4lab::sim

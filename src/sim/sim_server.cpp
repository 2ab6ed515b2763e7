// serve-sim's server: building each worker (sim_worker.h), and starting and
// stopping their event loops.
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
#include "sim/sim_worker.h"
#include "workload/chat_template.h"
#include "workload/tokenizer_locator.h"

namespace l4lab::sim {

namespace {

// serve-sim's tokenizer word cache (cached_tokenizer.h) holds at most this
// many chunks, about 2 MB: a server keeps meeting words it has not seen
// (every request's numbers and ids), and the builder's bound (2M chunks,
// ~250 MB) made its memory grow by ~120 B per such request for hours (the
// soak, docs/RELIABILITY.md). The common words of prompts fit well within it.
constexpr size_t kServerTokenizerCacheEntries = size_t(1) << 14;

void raise_nofile_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace

SimServer::Impl::~Impl() {
  streams.clear();
  guard.reset();  // before evhttp_free: its connections' close callbacks point at it
  for (event* e : {tick, stop_ev, sig_int, sig_term})
    if (e) event_free(e);
  if (http) evhttp_free(http);  // frees the bound listener too
  if (base) event_base_free(base);
  for (int fd : stop_pipe)
    if (fd >= 0) close(fd);
}

void SimServer::Impl::on_stop(evutil_socket_t fd, short, void* arg) {
  char buf[16];
  [[maybe_unused]] auto n = read(fd, buf, sizeof buf);
  event_base_loopbreak(static_cast<Impl*>(arg)->base);
}
void SimServer::Impl::on_signal(evutil_socket_t, short, void* arg) {
  event_base_loopbreak(static_cast<Impl*>(arg)->base);
}

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
  auto tok = workload::load_tokenizer(m->opt.tokenizer_spec,
                                      {.cache_max_entries = kServerTokenizerCacheEntries});
  if (!tok) return tok.error().context("serve-sim --tokenizer '" + m->opt.tokenizer_spec + "'");
  m->tok = std::move(*tok);
  auto tmpl = workload::MistralV3ChatTemplate::create(*m->tok);
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
  m->guard = std::make_unique<ConnectionGuard>(
      m->base, m->http, m->listener, m->opt.limits,
      [w = m.get()](evhttp_connection* conn) { w->on_client_closed(conn); });
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
  L4_TRY_STATUS(validate_limits(options.limits));
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

#include "sim/connection_guard.h"

#include <event2/buffer.h>
#include <event2/http_struct.h>

#include <string>

#include "common/clock.h"
#include "sim/openai_request.h"

namespace l4lab::sim {

namespace {
// While a request is answered: effectively no timeout (clients own theirs).
constexpr double kServingTimeoutS = 24 * 3600;
}  // namespace

ConnectionGuard::Conn::~Conn() {
  if (deadline) event_free(deadline);
}

ConnectionGuard::ConnectionGuard(event_base* base, evhttp* http, evconnlistener* listener,
                                 ServerLimits limits, CloseFn on_close)
    : base_(base), listener_(listener), limits_(limits), on_close_(std::move(on_close)) {
  evhttp_set_max_body_size(http, limits_.max_body_bytes);
  evhttp_set_max_headers_size(http, limits_.max_header_bytes);
  const timeval idle = timeval_of_ns(int64_t(limits_.idle_timeout_s * 1e9));
  evhttp_set_timeout_tv(http, &idle);
  evhttp_set_bevcb(http, &ConnectionGuard::on_accept, this);
  adopt_ev_ = event_new(base_, -1, 0, &ConnectionGuard::on_adopt, this);
}

ConnectionGuard::~ConnectionGuard() {
  // evhttp_free (after this) frees the connections; their close callbacks
  // must not reach a guard that is gone.
  for (auto& [evcon, c] : conns_) evhttp_connection_set_closecb(evcon, nullptr, nullptr);
  if (adopt_ev_) event_free(adopt_ev_);
}

bufferevent* ConnectionGuard::on_accept(event_base* base, void* arg) {
  auto* self = static_cast<ConnectionGuard*>(arg);
  // As evhttp makes its own when no callback is set.
  bufferevent* bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
  if (!bev) return nullptr;
  self->pending_.push_back(bev);
  event_active(self->adopt_ev_, EV_TIMEOUT, 0);
  self->update_listener();
  return bev;
}

// Runs after evhttp has set up each pending bufferevent's connection (its
// read callback's argument is the evhttp_connection) and before any byte of
// it is read (that needs the next poll).
void ConnectionGuard::on_adopt(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<ConnectionGuard*>(arg);
  std::vector<bufferevent*> pending;
  pending.swap(self->pending_);
  for (bufferevent* bev : pending) {
    void* cbarg = nullptr;
    bufferevent_getcb(bev, nullptr, nullptr, nullptr, &cbarg);
    auto* evcon = static_cast<evhttp_connection*>(cbarg);
    if (!evcon) continue;
    auto c = std::make_unique<Conn>();
    c->guard = self;
    c->evcon = evcon;
    c->deadline = event_new(self->base_, -1, 0, &ConnectionGuard::on_deadline, c.get());
    self->arm_deadline(*c, self->limits_.header_timeout_s);
    evhttp_connection_set_closecb(evcon, &ConnectionGuard::on_closed, self);
    self->conns_.emplace(evcon, std::move(c));
  }
  self->update_listener();
}

void ConnectionGuard::on_closed(evhttp_connection* conn, void* arg) {
  auto* self = static_cast<ConnectionGuard*>(arg);
  self->drop(conn);
  if (self->on_close_) self->on_close_(conn);
}

// The request was not read whole in time: close without an answer (as
// uvicorn does; a slowloris client is not waiting for one).
void ConnectionGuard::on_deadline(evutil_socket_t, short, void* arg) {
  Conn* c = static_cast<Conn*>(arg);
  ConnectionGuard* self = c->guard;
  evhttp_connection* evcon = c->evcon;
  evhttp_connection_set_closecb(evcon, nullptr, nullptr);
  self->drop(evcon);  // destroys c
  evhttp_connection_free(evcon);
}

void ConnectionGuard::request_read(evhttp_connection* conn) {
  if (!conn) return;
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  evtimer_del(it->second->deadline);
  set_idle_timeout(conn, kServingTimeoutS);
}

void ConnectionGuard::reply_sent(evhttp_connection* conn) {
  if (!conn) return;
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  set_idle_timeout(conn, limits_.idle_timeout_s);
  arm_deadline(*it->second, limits_.idle_timeout_s + limits_.header_timeout_s);
}

void ConnectionGuard::forget(evhttp_connection* conn) {
  evhttp_connection_set_closecb(conn, nullptr, nullptr);
  drop(conn);
}

void ConnectionGuard::arm_deadline(Conn& c, double seconds) {
  const timeval tv = timeval_of_ns(int64_t(seconds * 1e9));
  evtimer_add(c.deadline, &tv);
}

void ConnectionGuard::set_idle_timeout(evhttp_connection* conn, double seconds) {
  const timeval tv = timeval_of_ns(int64_t(seconds * 1e9));
  evhttp_connection_set_timeout_tv(conn, &tv);
}

void ConnectionGuard::drop(evhttp_connection* conn) {
  conns_.erase(conn);
  update_listener();
}

void ConnectionGuard::update_listener() {
  const int open = int(pending_.size() + conns_.size());
  open_.store(open, std::memory_order_relaxed);
  const bool full = open >= limits_.max_connections;
  if (full && accepting_) {
    evconnlistener_disable(listener_);
    accepting_ = false;
  } else if (!full && !accepting_) {
    evconnlistener_enable(listener_);
    accepting_ = true;
  }
}

}  // namespace l4lab::sim

// evhttp answers the requests it refuses itself (a body over --max-body-bytes,
// Content-Length or chunked: 413; a request line or headers it cannot parse,
// or headers over --max-header-bytes: 400; a method it does not allow: 501;
// an Expect other than 100-continue: 417) through its exported
// evhttp_send_error, whose body is a fixed HTML page. libevent 2.2 has
// evhttp_set_errorcb for this; 2.1 has no hook, but it calls its own
// exported function through the PLT, so this definition in the executable
// replaces it (symbol interposition, as a malloc replacement works): the same
// status line and "Connection: close", with the JSON error body of every
// other serve-sim error (openai_request.h error_body). Tested in
// server_limits_test.cpp (EvhttpRefusalsGetJsonErrorBodies).
extern "C" void evhttp_send_error(struct evhttp_request* req, int error, const char* reason) {
  std::string message;
  switch (error) {
    case HTTP_ENTITYTOOLARGE:
      message = "Request body too large: over serve-sim's --max-body-bytes";
      break;
    case HTTP_BADREQUEST:
      message =
          "Malformed HTTP request: bad request line, headers over --max-header-bytes, or bad "
          "body framing";
      break;
    case HTTP_NOTIMPLEMENTED:
      message = "Method not implemented: serve-sim takes GET, POST and HEAD";
      break;
    case HTTP_EXPECTATIONFAILED:
      message = "Expectation failed: only 'Expect: 100-continue' is understood";
      break;
    default:
      message = reason ? reason : "HTTP error " + std::to_string(error);
  }
  const std::string body =
      l4lab::sim::error_body(message, l4lab::sim::error_type_for_status(error), error);
  evbuffer* buf = evbuffer_new();
  if (!buf) {
    evhttp_connection_free(evhttp_request_get_connection(req));
    return;
  }
  evbuffer_add(buf, body.data(), body.size());
  evkeyvalq* headers = evhttp_request_get_output_headers(req);
  evhttp_add_header(headers, "Connection", "close");  // as evhttp's own: the connection ends
  evhttp_remove_header(headers, "Content-Type");
  evhttp_add_header(headers, "Content-Type", "application/json");
  evhttp_send_reply(req, error, reason, buf);
  evbuffer_free(buf);
}

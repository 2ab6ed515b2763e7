// Every connection of one serve-sim worker, from accept to close: enforces
// ServerLimits' request deadline (slowloris), idle timeout and connection
// limit, which libevent 2.1's evhttp does not offer (it has no connection
// limit, and its timeout is one inactivity timer that a client dripping a
// byte at a time keeps alive). Body and header sizes are evhttp's own
// settings (applied here too).
//
// How it sees connections through evhttp's public API: evhttp_set_bevcb hands
// it each accepted connection's bufferevent; right after evhttp has wired it
// up (an event activated for the same loop iteration), bufferevent_getcb
// gives the evhttp_connection, whose close callback then reports the close.
// The worker learns of closes through `on_close` and must call forget()
// before freeing a connection itself.
#pragma once

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include <atomic>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "sim/server_limits.h"

namespace l4lab::sim {

class ConnectionGuard {
 public:
  using CloseFn = std::function<void(evhttp_connection*)>;
  // Applies the limits to `http` and takes over its bufferevent callback.
  ConnectionGuard(event_base* base, evhttp* http, evconnlistener* listener, ServerLimits limits,
                  CloseFn on_close);
  ~ConnectionGuard();
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  // A whole request was read on `conn`: its deadline stops, and no timeout
  // applies while it is answered.
  void request_read(evhttp_connection* conn);
  // The reply on `conn` ended: the idle timeout and the next request's
  // deadline start.
  void reply_sent(evhttp_connection* conn);
  // The worker frees `conn` itself (a cut fault): no close callback follows.
  void forget(evhttp_connection* conn);
  // Connections open now (accepted and not yet closed). Any thread (another
  // worker's /metrics reads it); everything else only on the loop's thread.
  int open() const { return open_.load(std::memory_order_relaxed); }

 private:
  struct Conn {
    ConnectionGuard* guard = nullptr;
    evhttp_connection* evcon = nullptr;
    event* deadline = nullptr;
    ~Conn();
  };
  static bufferevent* on_accept(event_base* base, void* arg);
  static void on_adopt(evutil_socket_t, short, void* arg);
  static void on_closed(evhttp_connection* conn, void* arg);
  static void on_deadline(evutil_socket_t, short, void* arg);
  void arm_deadline(Conn& c, double seconds);
  void set_idle_timeout(evhttp_connection* conn, double seconds);
  void drop(evhttp_connection* conn);
  void update_listener();

  event_base* base_;
  evconnlistener* listener_;
  ServerLimits limits_;
  CloseFn on_close_;
  event* adopt_ev_ = nullptr;
  std::vector<bufferevent*> pending_;  // accepted, not yet wired to an evhttp_connection
  std::unordered_map<evhttp_connection*, std::unique_ptr<Conn>> conns_;
  bool accepting_ = true;
  std::atomic<int> open_{0};
};

}  // namespace l4lab::sim

// Streaming HTTP on one event-loop thread: libcurl's multi interface driven
// by libevent (curl_multi_socket_action with CURLMOPT_SOCKETFUNCTION and
// CURLMOPT_TIMERFUNCTION). HTTP/1.1 keep-alive connections are reused from
// the multi handle's cache; HTTPS verifies certificates unless `insecure`.
//
// Timeouts: connect is curl's (CURLOPT_CONNECTTIMEOUT_MS); first-token, idle
// (between content chunks) and total are checked by a sweep timer every
// `sweep_ns`, so they fire up to one sweep late (the trace records the real
// end time). The hot path per read is: one clock read, SSE split, one
// simdjson pass per event, a push_back of (t, n).
#pragma once

#include <event2/event.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client/request_recorder.h"
#include "client/stream_event.h"
#include "client/timing_quality.h"
#include "traces/trace_record.h"

typedef void CURLM;

namespace l4lab::client {

struct HttpOptions {
  std::vector<std::string> headers;  // "Name: value", Authorization included
  bool insecure = false;
  int64_t connect_timeout_ns = 10'000'000'000;
  int64_t first_token_timeout_ns = 0;  // 0 = none
  int64_t idle_timeout_ns = 0;
  int64_t total_timeout_ns = 0;
  int64_t sweep_ns = 10'000'000;
};

class HttpLoop {
 public:
  // Called on the loop thread when a request has ended (its trace is final).
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void on_finished(traces::TraceRecord&& trace, size_t tag) = 0;
  };

  HttpLoop(event_base* base, HttpOptions opts, Listener* listener);
  ~HttpLoop();
  HttpLoop(const HttpLoop&) = delete;
  HttpLoop& operator=(const HttpLoop&) = delete;

  // Starts a POST now. `body` must stay alive until on_finished. `base`
  // carries ids, phase and t_scheduled_ns; t_sent_ns is stamped here, just
  // before the request is handed to curl.
  void post(const std::string& url, const std::string* body, traces::TraceRecord base, size_t tag);
  // Ends every in-flight request with `c`/`detail` (each gets on_finished).
  void cancel_all(traces::FailureClass c, std::string_view detail, const std::string& message);
  size_t in_flight() const { return active_.size(); }
  // Body reads so far and how many content chunks each carried
  // (docs/METRICS.md#timing-quality).
  const ReadCounts& read_counts() const { return reads_; }

 private:
  struct Transfer;
  struct Socket;
  static int socket_cb(void* easy, int s, int what, void* userp, void* socketp);
  static int timer_cb(CURLM* multi, long timeout_ms, void* userp);
  static void event_cb(evutil_socket_t fd, short kind, void* arg);
  static void curl_timeout_cb(evutil_socket_t, short, void* arg);
  static void sweep_cb(evutil_socket_t, short, void* arg);
  static size_t write_cb(char* p, size_t size, size_t n, void* userp);
  static size_t header_cb(char* p, size_t size, size_t n, void* userp);
  void check_done();
  void finish(Transfer* t, int curl_code);
  void sweep();

  event_base* base_;
  HttpOptions opts_;
  Listener* listener_;
  CURLM* multi_ = nullptr;
  event* curl_timer_ = nullptr;
  event* sweep_timer_ = nullptr;
  void* headers_ = nullptr;  // curl_slist*, shared by every request
  StreamEventDecoder decoder_;
  std::vector<Transfer*> active_;
  std::vector<std::unique_ptr<Transfer>> pool_;  // every Transfer ever made
  std::vector<Transfer*> free_;
  ReadCounts reads_;
};

}  // namespace l4lab::client

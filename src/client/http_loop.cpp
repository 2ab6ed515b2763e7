#include "client/http_loop.h"

#include <curl/curl.h>

#include <algorithm>

#include "client/transport_error.h"
#include "common/clock.h"

namespace l4lab::client {

struct HttpLoop::Transfer {
  CURL* easy = nullptr;
  HttpLoop* loop = nullptr;
  RequestRecorder rec;
  size_t tag = 0;
  size_t active_index = 0;
  bool active = false;
  char errbuf[CURL_ERROR_SIZE] = {};
};

struct HttpLoop::Socket {
  curl_socket_t fd;
  event* ev = nullptr;
  HttpLoop* loop;
};

namespace {
timeval to_timeval(int64_t ns) {
  if (ns < 0) ns = 0;
  return timeval{time_t(ns / 1'000'000'000), suseconds_t((ns % 1'000'000'000) / 1000)};
}
}  // namespace

HttpLoop::HttpLoop(event_base* base, HttpOptions opts, Listener* listener)
    : base_(base), opts_(std::move(opts)), listener_(listener) {
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &HttpLoop::socket_cb);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &HttpLoop::timer_cb);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  // Keep every idle keep-alive connection: the next request reuses it
  // instead of paying a new TCP (and TLS) handshake inside its TTFT.
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 65536L);
  curl_timer_ = evtimer_new(base_, &HttpLoop::curl_timeout_cb, this);
  sweep_timer_ = event_new(base_, -1, EV_PERSIST, &HttpLoop::sweep_cb, this);
  if (opts_.first_token_timeout_ns > 0 || opts_.idle_timeout_ns > 0 || opts_.total_timeout_ns > 0) {
    timeval tv = to_timeval(opts_.sweep_ns);
    event_add(sweep_timer_, &tv);
  }
  curl_slist* h = nullptr;
  h = curl_slist_append(h, "Content-Type: application/json");
  h = curl_slist_append(h, "Accept: text/event-stream");
  h = curl_slist_append(h, "Expect:");  // no 100-continue round trip on large prompts
  for (auto& s : opts_.headers) h = curl_slist_append(h, s.c_str());
  headers_ = h;
}

HttpLoop::~HttpLoop() {
  for (auto* t : active_) curl_multi_remove_handle(multi_, t->easy);
  for (auto& t : pool_) curl_easy_cleanup(t->easy);
  curl_multi_cleanup(multi_);
  event_free(curl_timer_);
  event_free(sweep_timer_);
  curl_slist_free_all(static_cast<curl_slist*>(headers_));
}

void HttpLoop::post(const std::string& url, const std::string* body, traces::TraceRecord base,
                    size_t tag) {
  Transfer* t;
  if (!free_.empty()) {
    t = free_.back();
    free_.pop_back();
    curl_easy_reset(t->easy);
  } else {
    pool_.push_back(std::make_unique<Transfer>());
    t = pool_.back().get();
    t->easy = curl_easy_init();
    t->loop = this;
  }
  t->tag = tag;
  t->errbuf[0] = 0;
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, body->data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body->size()));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(headers_));
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &HttpLoop::write_cb);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &HttpLoop::header_cb);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(e, CURLOPT_PRIVATE, t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, long(opts_.connect_timeout_ns / 1'000'000));
  if (opts_.insecure) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  // The recorder copies nothing per chunk but the (t, n) pair; the request
  // counts as sent when it is handed to curl, right here.
  base.t_sent_ns = mono_ns();
  t->rec.start(std::move(base), &decoder_);
  t->active_index = active_.size();
  t->active = true;
  active_.push_back(t);
  curl_multi_add_handle(multi_, e);  // curl asks timer_cb for an immediate kick
}

size_t HttpLoop::write_cb(char* p, size_t size, size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  size_t bytes = size * n;
  // One clock read per socket read: every event in these bytes arrived together.
  const size_t before = t->rec.record().chunks.size();
  const bool ok = t->rec.on_body(std::string_view(p, bytes), mono_ns());
  // Counted per readable-socket event in event_cb, not here: curl calls
  // this once per HTTP/1.1 transfer-encoding chunk, several per recv().
  t->loop->reads_.content_chunks += t->rec.record().chunks.size() - before;
  if (!ok) return 0;  // aborts: CURLE_WRITE_ERROR
  return bytes;
}

size_t HttpLoop::header_cb(char* p, size_t size, size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  t->rec.on_header(std::string_view(p, size * n), mono_ns());
  return size * n;
}

int HttpLoop::socket_cb(void* easy, int s, int what, void* userp, void* socketp) {
  (void)easy;
  auto* loop = static_cast<HttpLoop*>(userp);
  auto* sock = static_cast<Socket*>(socketp);
  if (what == CURL_POLL_REMOVE) {
    if (sock) {
      event_free(sock->ev);
      delete sock;
    }
    curl_multi_assign(loop->multi_, s, nullptr);
    return 0;
  }
  if (!sock) {
    sock = new Socket{s, nullptr, loop};
    curl_multi_assign(loop->multi_, s, sock);
  } else {
    event_del(sock->ev);
    event_free(sock->ev);
  }
  short kind =
      EV_PERSIST | ((what & CURL_POLL_IN) ? EV_READ : 0) | ((what & CURL_POLL_OUT) ? EV_WRITE : 0);
  sock->ev = event_new(loop->base_, s, kind, &HttpLoop::event_cb, sock);
  event_add(sock->ev, nullptr);
  return 0;
}

int HttpLoop::timer_cb(CURLM*, long timeout_ms, void* userp) {
  auto* loop = static_cast<HttpLoop*>(userp);
  if (timeout_ms < 0) {
    evtimer_del(loop->curl_timer_);
  } else {
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    evtimer_add(loop->curl_timer_, &tv);
  }
  return 0;
}

void HttpLoop::event_cb(evutil_socket_t fd, short kind, void* arg) {
  auto* sock = static_cast<Socket*>(arg);
  HttpLoop* loop = sock->loop;  // sock may be freed inside socket_action
  int action =
      ((kind & EV_READ) ? CURL_CSELECT_IN : 0) | ((kind & EV_WRITE) ? CURL_CSELECT_OUT : 0);
  int running = 0;
  const size_t before = loop->reads_.content_chunks;
  curl_multi_socket_action(loop->multi_, fd, action, &running);
  if (kind & EV_READ) {
    // Several content chunks in one readable-socket event either left the
    // server together or waited in the socket for a late loop: counted for
    // the self-audit (docs/METRICS.md#timing-quality).
    ReadCounts& r = loop->reads_;
    const size_t chunks = r.content_chunks - before;
    ++r.reads;
    if (chunks > 0) ++r.content_reads;
    if (chunks > 1) ++r.coalesced_reads;
    r.max_chunks_per_read = std::max(r.max_chunks_per_read, chunks);
  }
  loop->check_done();
}

void HttpLoop::curl_timeout_cb(evutil_socket_t, short, void* arg) {
  auto* loop = static_cast<HttpLoop*>(arg);
  int running = 0;
  curl_multi_socket_action(loop->multi_, CURL_SOCKET_TIMEOUT, 0, &running);
  loop->check_done();
}

void HttpLoop::check_done() {
  CURLMsg* msg;
  int left;
  while ((msg = curl_multi_info_read(multi_, &left))) {
    if (msg->msg != CURLMSG_DONE) continue;
    Transfer* t = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
    finish(t, int(msg->data.result));
  }
}

void HttpLoop::finish(Transfer* t, int curl_code) {
  if (!t->active) return;  // already ended (e.g. cancelled by a listener mid-sweep)
  t->active = false;
  int64_t t_end = mono_ns();
  TransportFacts f;
  f.curl_code = curl_code;
  f.curl_message = t->errbuf;
  curl_off_t connect_us = 0;
  curl_easy_getinfo(t->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
  f.connected = connect_us > 0 || t->rec.record().t_first_byte_ns.has_value();
  f.got_response = t->rec.record().t_first_byte_ns.has_value();
  curl_multi_remove_handle(multi_, t->easy);
  // Swap-remove from the active set.
  Transfer* last = active_.back();
  active_[t->active_index] = last;
  last->active_index = t->active_index;
  active_.pop_back();
  traces::TraceRecord rec = t->rec.finish(classify_transport(f), t_end);
  size_t tag = t->tag;
  free_.push_back(t);
  listener_->on_finished(std::move(rec), tag);  // may post() new requests
}

void HttpLoop::sweep_cb(evutil_socket_t, short, void* arg) { static_cast<HttpLoop*>(arg)->sweep(); }

void HttpLoop::sweep() {
  int64_t now = mono_ns();
  std::vector<Transfer*> expired;
  for (Transfer* t : active_) {
    const auto& r = t->rec.record();
    int64_t sent = r.t_sent_ns.value_or(now);
    if (opts_.total_timeout_ns > 0 && now - sent > opts_.total_timeout_ns) {
      t->rec.abort(traces::FailureClass::timeout, traces::detail::kTotal, "total timeout");
      expired.push_back(t);
    } else if (!t->rec.got_first_token()) {
      if (opts_.first_token_timeout_ns > 0 && now - sent > opts_.first_token_timeout_ns) {
        t->rec.abort(traces::FailureClass::timeout, traces::detail::kFirstToken,
                     "no first token in time");
        expired.push_back(t);
      }
    } else if (opts_.idle_timeout_ns > 0 &&
               now - t->rec.last_progress_ns() > opts_.idle_timeout_ns) {
      t->rec.abort(traces::FailureClass::timeout, traces::detail::kIdle,
                   "no content chunk in time");
      expired.push_back(t);
    }
  }
  for (Transfer* t : expired) finish(t, CURLE_OK);
}

void HttpLoop::cancel_all(traces::FailureClass c, std::string_view detail,
                          const std::string& message) {
  std::vector<Transfer*> all = active_;
  for (Transfer* t : all) t->rec.abort(c, detail, message);
  for (Transfer* t : all) finish(t, CURLE_OK);
}

}  // namespace l4lab::client

#include "client/fake_openai_server.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>

namespace l4lab::client::testing {

namespace {

struct Stream {
  struct FakeOpenAiServer::Impl* impl;
  evhttp_request* req;
  evhttp_connection* conn;
  event* timer = nullptr;
  int total = 0, sent = 0;
  int prompt = 10;
  std::string fault;
  int stall_between = 0;
  bool chat = true;
  bool closed = false;
};

}  // namespace

struct FakeOpenAiServer::Impl {
  Config cfg;
  event_base* base = nullptr;
  evhttp* http = nullptr;
  std::atomic<size_t> requests{0};
  std::atomic<bool> running{false};
};

size_t FakeOpenAiServer::requests() const { return impl_->requests.load(); }

namespace {

void send_str(evhttp_request* req, const std::string& s) {
  evbuffer* b = evbuffer_new();
  evbuffer_add(b, s.data(), s.size());
  evhttp_send_reply_chunk(req, b);
  evbuffer_free(b);
}

void end_stream(Stream* s) {
  if (s->timer) event_free(s->timer);
  s->timer = nullptr;
  if (!s->closed) evhttp_connection_set_closecb(s->conn, nullptr, nullptr);
  delete s;
}

void kill_connection(Stream* s, bool reset) {
  evutil_socket_t fd = bufferevent_getfd(evhttp_connection_get_bufferevent(s->conn));
  if (reset) {
    // evhttp shuts the socket down (FIN) before closing it, so send the RST
    // here: linger 0, then dup2 a spare socket over the fd (closing it) so
    // evhttp later closes the spare instead.
    linger l{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    int spare = ::socket(AF_INET, SOCK_STREAM, 0);
    ::dup2(spare, fd);
    ::close(spare);
  }
  evhttp_connection* c = s->conn;
  s->closed = true;
  evhttp_connection_set_closecb(c, nullptr, nullptr);
  if (s->timer) event_free(s->timer);
  delete s;
  evhttp_connection_free(c);
}

std::string chunk_json(const Stream& s, bool content, bool role, int cum) {
  nlohmann::json j;
  j["id"] = "fake-1";
  j["object"] = s.chat ? "chat.completion.chunk" : "text_completion";
  nlohmann::json choice = {{"index", 0}, {"finish_reason", nullptr}};
  if (s.chat) {
    nlohmann::json d;
    if (role) d["role"] = "assistant";
    d["content"] = content ? "tok " : "";
    choice["delta"] = d;
  } else {
    choice["text"] = content ? "tok " : "";
  }
  if (content && cum == s.total) choice["finish_reason"] = "length";
  j["choices"] = nlohmann::json::array({choice});
  j["usage"] = {
      {"prompt_tokens", s.prompt}, {"completion_tokens", cum}, {"total_tokens", s.prompt + cum}};
  return "data: " + j.dump() + "\n\n";
}

void tick(evutil_socket_t, short, void* arg) {
  auto* s = static_cast<Stream*>(arg);
  const auto& f = s->fault;
  if (s->sent == s->total / 2 && s->sent > 0) {
    if (f == "reset_mid_stream") return kill_connection(s, true);
    if (f == "close_mid_stream") return kill_connection(s, false);
    if (f == "malformed_sse") send_str(s->req, "this is not an sse line\n\n");
    if (f == "malformed_json") send_str(s->req, "data: {\"choices\":[{\"delta\":\n\n");
  }
  if (s->sent < s->total) {
    ++s->sent;
    send_str(s->req, chunk_json(*s, true, false, s->sent));
    int ms = s->stall_between > 0 && s->sent == 1 ? s->stall_between : s->impl->cfg.itl_ms;
    timeval tv{ms / 1000, (ms % 1000) * 1000};
    evtimer_add(s->timer, &tv);
    return;
  }
  if (f != "missing_usage") {
    nlohmann::json u = {{"id", "fake-1"},
                        {"choices", nlohmann::json::array()},
                        {"usage",
                         {{"prompt_tokens", s->prompt},
                          {"completion_tokens", s->total},
                          {"total_tokens", s->prompt + s->total}}}};
    send_str(s->req, "data: " + u.dump() + "\n\n");
  }
  if (f != "missing_done") send_str(s->req, "data: [DONE]\n\n");
  evhttp_send_reply_end(s->req);
  end_stream(s);
}

void on_close(evhttp_connection*, void* arg) {
  auto* s = static_cast<Stream*>(arg);
  s->closed = true;
  // libevent detaches an unfinished request from a connection the client
  // closed and leaves it to us to free (as serve-sim's stream_session does;
  // found by LeakSanitizer in scripts/sanitizer_tests.sh).
  if (evhttp_request_get_connection(s->req) == nullptr) evhttp_request_free(s->req);
  end_stream(s);  // client went away: stop the timer, forget the stream
}

void reply(evhttp_request* req, int code, const std::string& body) {
  evbuffer* b = evbuffer_new();
  evbuffer_add(b, body.data(), body.size());
  evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
  evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", b);
  evbuffer_free(b);
}

void handle(evhttp_request* req, void* arg) {
  auto* impl = static_cast<FakeOpenAiServer::Impl*>(arg);
  impl->requests++;
  std::string path = evhttp_request_get_uri(req);
  if (evhttp_request_get_command(req) == EVHTTP_REQ_GET && path == "/v1/models")
    return reply(req, 200, R"({"object":"list","data":[{"id":"fake-model","object":"model"}]})");
  if (path != "/v1/chat/completions" && path != "/v1/completions") return reply(req, 404, "{}");
  evbuffer* in = evhttp_request_get_input_buffer(req);
  std::string body(evbuffer_get_length(in), '\0');
  evbuffer_copyout(in, body.data(), body.size());
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return reply(req, 400, R"({"error":{"message":"bad json"}})");
  const char* fh = evhttp_find_header(evhttp_request_get_input_headers(req), "x-l4lab-fault");
  std::string fault = fh ? fh : "";
  if (fault.rfind("status:", 0) == 0)
    return reply(req, std::stoi(fault.substr(7)), R"({"error":{"message":"injected"}})");
  if (fault == "context_overflow")
    return reply(
        req, 400,
        R"({"error":{"message":"This model's maximum context length is 8192 tokens and your request has 9000 input tokens","type":"BadRequestError","code":400}})");
  auto* s = new Stream{impl, req, evhttp_request_get_connection(req)};
  s->chat = path == "/v1/chat/completions";
  s->total = fault == "zero_completion" ? 0 : j.value("max_tokens", 8);
  s->prompt = impl->cfg.prompt_tokens >= 0 ? impl->cfg.prompt_tokens : 10;
  s->fault = fault;
  if (fault.rfind("stall_between_chunks:", 0) == 0) s->stall_between = std::stoi(fault.substr(21));
  int first = impl->cfg.ttft_ms;
  if (fault.rfind("stall_first_token:", 0) == 0) first = std::stoi(fault.substr(18));
  evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/event-stream");
  evhttp_send_reply_start(req, 200, "OK");
  evhttp_connection_set_closecb(s->conn, &on_close, s);
  if (s->chat) send_str(req, chunk_json(*s, false, true, 0));
  s->timer = evtimer_new(impl->base, &tick, s);
  timeval tv{first / 1000, (first % 1000) * 1000};
  evtimer_add(s->timer, &tv);
}

}  // namespace

FakeOpenAiServer::FakeOpenAiServer(Config c) : impl_(std::make_unique<Impl>()) {
  evthread_use_pthreads();
  impl_->cfg = c;
  impl_->base = event_base_new();
  impl_->http = evhttp_new(impl_->base);
  evhttp_set_gencb(impl_->http, &handle, impl_.get());
  evhttp_bound_socket* sock = evhttp_bind_socket_with_handle(impl_->http, "127.0.0.1", 0);
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(evhttp_bound_socket_get_fd(sock), reinterpret_cast<sockaddr*>(&ss), &len);
  port_ = ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  // A loopbreak issued before the loop starts would be lost: the destructor
  // waits until this first callback has run inside the loop.
  timeval zero{0, 0};
  event_base_once(
      impl_->base, -1, EV_TIMEOUT,
      [](evutil_socket_t, short, void* p) { static_cast<Impl*>(p)->running = true; }, impl_.get(),
      &zero);
  thread_ = std::thread([b = impl_->base] { event_base_loop(b, EVLOOP_NO_EXIT_ON_EMPTY); });
}

FakeOpenAiServer::~FakeOpenAiServer() {
  while (!impl_->running) std::this_thread::yield();
  event_base_loopbreak(impl_->base);
  thread_.join();
  evhttp_free(impl_->http);
  event_base_free(impl_->base);
}

}  // namespace l4lab::client::testing

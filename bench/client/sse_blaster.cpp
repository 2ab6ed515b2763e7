// sse_blaster: a deliberately cheap OpenAI-style streaming server used as
// the load *source* when measuring the client's own ceiling (chunks/s per
// core, concurrent streams, memory per stream). Not a model of an engine.
//
// Each of --threads threads runs a libevent evhttp on a shared listening
// socket; every --itl-us a persistent timer writes one content chunk (with
// continuous usage) to each of that thread's streams. A request streams a
// role chunk, min(max_tokens, --tokens) content chunks, a usage chunk and
// [DONE]. GET /v1/models answers "blaster".
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Stream {
  evhttp_request* req;
  int total;
  int sent = 0;
  bool dead = false;
};

struct Worker {
  event_base* base = nullptr;
  evhttp* http = nullptr;
  event* tick = nullptr;
  std::vector<Stream*> streams;
  int max_tokens = 256;
  std::string buf;
};

void on_close(evhttp_connection*, void* arg) { static_cast<Stream*>(arg)->dead = true; }

void handle(evhttp_request* req, void* arg) {
  auto* w = static_cast<Worker*>(arg);
  if (evhttp_request_get_command(req) == EVHTTP_REQ_GET) {
    evbuffer* b = evbuffer_new();
    evbuffer_add_printf(b, R"({"object":"list","data":[{"id":"blaster","object":"model"}]})");
    evhttp_send_reply(req, 200, "OK", b);
    evbuffer_free(b);
    return;
  }
  evbuffer* in = evhttp_request_get_input_buffer(req);
  size_t n = evbuffer_get_length(in);
  std::string body(n, '\0');
  evbuffer_copyout(in, body.data(), n);
  int tokens = w->max_tokens;
  if (auto p = body.find("\"max_tokens\":"); p != std::string::npos)
    tokens = std::min(tokens, std::atoi(body.c_str() + p + 13));
  // Small chunks must leave at once (no Nagle), as a real engine's do.
  int one = 1;
  setsockopt(
      bufferevent_getfd(evhttp_connection_get_bufferevent(evhttp_request_get_connection(req))),
      IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/event-stream");
  evhttp_send_reply_start(req, 200, "OK");
  auto* s = new Stream{req, std::max(tokens, 1)};
  evhttp_connection_set_closecb(evhttp_request_get_connection(req), &on_close, s);
  evbuffer* b = evbuffer_new();
  evbuffer_add_printf(
      b,
      "data: {\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
      "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],"
      "\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":0,\"total_tokens\":30}}\n\n");
  evhttp_send_reply_chunk(req, b);
  evbuffer_free(b);
  w->streams.push_back(s);
}

void tick(evutil_socket_t, short, void* arg) {
  auto* w = static_cast<Worker*>(arg);
  evbuffer* b = evbuffer_new();
  size_t keep = 0;
  for (Stream* s : w->streams) {
    if (s->dead) {
      delete s;
      continue;
    }
    ++s->sent;
    w->buf.clear();
    fmt::format_to(
        std::back_inserter(w->buf),
        "data: {{\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,"
        "\"delta\":{{\"content\":\" "
        "tok\"}},\"finish_reason\":{}}}],\"usage\":{{\"prompt_tokens\":30,"
        "\"completion_tokens\":{},\"total_tokens\":{}}}}}\n\n",
        s->sent == s->total ? "\"length\"" : "null", s->sent, 30 + s->sent);
    if (s->sent == s->total)
      fmt::format_to(std::back_inserter(w->buf),
                     "data: {{\"id\":\"b\",\"choices\":[],\"usage\":{{\"prompt_tokens\":30,"
                     "\"completion_tokens\":{},\"total_tokens\":{}}}}}\n\ndata: [DONE]\n\n",
                     s->total, 30 + s->total);
    evbuffer_add(b, w->buf.data(), w->buf.size());
    evhttp_send_reply_chunk(s->req, b);
    if (s->sent == s->total) {
      evhttp_connection_set_closecb(evhttp_request_get_connection(s->req), nullptr, nullptr);
      evhttp_send_reply_end(s->req);
      delete s;
      continue;
    }
    w->streams[keep++] = s;
  }
  w->streams.resize(keep);
  evbuffer_free(b);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sse_blaster: a cheap streaming load source for client benchmarks"};
  int port = 18500, threads = 1, itl_us = 10000, tokens = 256;
  app.add_option("--port", port);
  app.add_option("--threads", threads);
  app.add_option("--itl-us", itl_us, "gap between chunks of one stream");
  app.add_option("--tokens", tokens, "cap on chunks per request");
  CLI11_PARSE(app, argc, argv);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 65535) != 0) {
    std::perror("bind/listen");
    return 1;
  }
  evutil_make_socket_nonblocking(fd);
  std::vector<std::thread> ts;
  for (int i = 0; i < threads; ++i) {
    ts.emplace_back([=] {
      Worker w;
      w.max_tokens = tokens;
      w.base = event_base_new();
      w.http = evhttp_new(w.base);
      evhttp_set_gencb(w.http, &handle, &w);
      evhttp_accept_socket(w.http, fd);
      w.tick = event_new(w.base, -1, EV_PERSIST, &tick, &w);
      timeval tv{itl_us / 1000000, itl_us % 1000000};
      event_add(w.tick, &tv);
      event_base_dispatch(w.base);
    });
  }
  std::printf("sse_blaster ready on http://127.0.0.1:%d (%d threads, itl %d us, %d tokens)\n", port,
              threads, itl_us, tokens);
  std::fflush(stdout);
  for (auto& t : ts) t.join();
}

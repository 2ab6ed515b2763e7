// sim_stream_bench: drives an OpenAI-compatible server (serve-sim in exact
// mode) with N concurrent streaming chat requests from a separate process and
// records what the client sees: TTFT and inter-chunk gaps against the
// expected values (error p50/p99/max), content chunks/s and tokens/s.
// Raw non-blocking sockets + epoll, T threads, no allocation per chunk, so
// the client is cheap enough to measure the server rather than itself.
//
//   sim_stream_bench --port 8000 --streams 256 --requests-per-stream 2
//       --max-tokens 200 --expect-ttft-ms 50 --expect-itl-ms 10 --threads 1
//
// Times: CLOCK_MONOTONIC at recv() return; TTFT = first content chunk (the
// chat role chunk is not content) minus the send() of the request; ITL = gap
// between successive content chunks of one stream.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"

namespace {

struct Options {
  std::string host = "127.0.0.1";
  int port = 8000;
  int streams = 256;
  int requests_per_stream = 1;
  int warmup_rounds = 0;  // first rounds per stream not recorded
  int max_tokens = 100;
  double expect_ttft_ms = -1, expect_itl_ms = -1;
  int threads = 1;
  double stagger_ms = 0;  // spread the first sends evenly over this window
  bool busy_poll =
      false;  // never sleep in epoll_wait (no wake-up latency, no IPIs charged to the server)
  std::string out, dump_ttft;
  std::string endpoint = "/v1/chat/completions";
};

struct Conn {
  int fd = -1;
  int index = 0;
  int done_requests = 0;
  bool headers_done = false, saw_done = false;
  std::string buf;  // unconsumed bytes
  int64_t t_sent = 0, t_last_chunk = 0;
  int content_chunks = 0;
  int cum_tokens = 0;
};

struct ThreadResult {
  std::vector<double> ttft_ms, itl_ms;
  std::vector<std::array<double, 4>> ttft_detail;  // (stream, round, t_sent_ms, error_ms)
  uint64_t chunks = 0, tokens = 0, requests = 0, errors = 0;
  int64_t t_first = INT64_MAX, t_last = 0;
};

std::string make_request(const Options& o) {
  nlohmann::json body = {
      {"model", nullptr},
      {"messages", {{{"role", "user"}, {"content", "Hello, how are you?"}}}},
      {"max_tokens", o.max_tokens},
      {"ignore_eos", true},
      {"stream", true},
      {"stream_options", {{"include_usage", true}, {"continuous_usage_stats", true}}}};
  body.erase("model");
  const std::string b = body.dump();
  return "POST " + o.endpoint + " HTTP/1.1\r\nHost: " + o.host +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(b.size()) +
         "\r\n\r\n" + b;
}

bool send_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return false;
    off += size_t(n);
  }
  return true;
}

int connect_to(const Options& o) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(o.port));
  inet_pton(AF_INET, o.host.c_str(), &a.sin_addr);
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
      return fd;
    }
    usleep(20000);
  }
  close(fd);
  return -1;
}

// Consumes complete SSE events from c.buf; returns false on a protocol error.
bool consume(Conn& c, int64_t now, const Options& o, ThreadResult& r) {
  if (!c.headers_done) {
    auto end = c.buf.find("\r\n\r\n");
    if (end == std::string::npos) return true;
    if (c.buf.compare(0, 12, "HTTP/1.1 200") != 0) return false;
    c.headers_done = true;
    c.buf.erase(0, end + 4);
  }
  size_t pos = 0;
  for (;;) {
    if (c.saw_done) {
      auto term = c.buf.find("0\r\n\r\n", pos);
      if (term == std::string::npos) break;
      pos = term + 5;
      ++r.requests;
      c.buf.erase(0, pos);
      return true;  // the caller starts the next request
    }
    auto start = c.buf.find("data: ", pos);
    if (start == std::string::npos) break;
    auto end = c.buf.find("\n\n", start);
    if (end == std::string::npos) {
      pos = start;
      break;
    }
    std::string_view ev(c.buf.data() + start + 6, end - start - 6);
    pos = end + 2;
    if (ev == "[DONE]") {
      c.saw_done = true;
      continue;
    }
    const bool content = ev.find("\"delta\":{\"content\":\"") != std::string_view::npos ||
                         ev.find("\"text\":\"") != std::string_view::npos;
    if (!content) continue;
    const bool record = c.done_requests >= o.warmup_rounds;
    if (!record) {
      ++c.content_chunks;
      c.t_last_chunk = now;
      continue;
    }
    if (c.content_chunks == 0) {
      r.ttft_ms.push_back(double(now - c.t_sent) / 1e6 -
                          (o.expect_ttft_ms >= 0 ? o.expect_ttft_ms : 0));
      r.ttft_detail.push_back(
          {double(c.index), double(c.done_requests), double(c.t_sent) / 1e6, r.ttft_ms.back()});
    } else {
      r.itl_ms.push_back(double(now - c.t_last_chunk) / 1e6 -
                         (o.expect_itl_ms >= 0 ? o.expect_itl_ms : 0));
    }
    // Tokens in this chunk: the delta of the cumulative completion_tokens.
    auto u = ev.find("\"completion_tokens\":");
    const int cum = u == std::string_view::npos ? -1 : std::atoi(ev.data() + u + 20);
    r.tokens += uint64_t(cum >= 0 ? std::max(0, cum - c.cum_tokens) : 1);
    if (cum >= 0) c.cum_tokens = cum;
    ++c.content_chunks;
    ++r.chunks;
    c.t_last_chunk = now;
    r.t_first = std::min(r.t_first, now);
    r.t_last = std::max(r.t_last, now);
  }
  if (pos > 0) c.buf.erase(0, pos);
  return true;
}

void run_thread(const Options& o, int n_streams, ThreadResult& r) {
  const std::string req = make_request(o);
  int ep = epoll_create1(0);
  std::vector<Conn> conns(static_cast<size_t>(n_streams));
  auto start_request = [&](Conn& c) {
    c.headers_done = c.saw_done = false;
    c.content_chunks = 0;
    c.cum_tokens = 0;
    c.buf.clear();
    c.t_sent = l4lab::mono_ns();
    if (!send_all(c.fd, req)) ++r.errors;
  };
  for (auto& c : conns) {
    c.index = int(&c - conns.data());
    c.fd = connect_to(o);
    if (c.fd < 0) {
      ++r.errors;
      continue;
    }
    c.buf.reserve(8192);
    epoll_event ev{EPOLLIN, {.ptr = &c}};
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }
  int active = 0;
  const int64_t t_start = l4lab::mono_ns();
  for (size_t i = 0; i < conns.size(); ++i) {
    if (conns[i].fd < 0) continue;
    if (o.stagger_ms > 0) {
      const int64_t due = t_start + int64_t(o.stagger_ms * 1e6 * double(i) / double(conns.size()));
      while (l4lab::mono_ns() < due) {
      }
    }
    start_request(conns[i]);
    ++active;
  }
  std::vector<epoll_event> events(1024);
  char rbuf[65536];
  int64_t last_progress = l4lab::mono_ns();
  while (active > 0) {
    int n = epoll_wait(ep, events.data(), int(events.size()), o.busy_poll ? 0 : 30000);
    if (n == 0 && o.busy_poll && l4lab::mono_ns() - last_progress < 30'000'000'000) continue;
    last_progress = l4lab::mono_ns();
    if (n <= 0) {
      std::cerr << "sim_stream_bench: no progress for 30 s, " << active << " streams open\n";
      r.errors += uint64_t(active);
      break;
    }
    const int64_t now = l4lab::mono_ns();
    for (int i = 0; i < n; ++i) {
      Conn& c = *static_cast<Conn*>(events[i].data.ptr);
      for (;;) {
        ssize_t k = recv(c.fd, rbuf, sizeof rbuf, 0);
        if (k > 0) {
          c.buf.append(rbuf, size_t(k));
          if (size_t(k) == sizeof rbuf) continue;
        } else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
          ++r.errors;
          epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
          close(c.fd);
          c.fd = -1;
          --active;
        }
        break;
      }
      if (c.fd < 0) continue;
      const uint64_t before = r.requests;
      if (!consume(c, now, o, r)) {
        ++r.errors;
        epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
        close(c.fd);
        c.fd = -1;
        --active;
        continue;
      }
      if (r.requests > before) {
        if (++c.done_requests < o.requests_per_stream) {
          start_request(c);
        } else {
          epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
          close(c.fd);
          c.fd = -1;
          --active;
        }
      }
    }
  }
  close(ep);
}

nlohmann::json summary(std::vector<double> v) {
  if (v.empty()) return nullptr;
  std::vector<double> a(v.size());
  std::transform(v.begin(), v.end(), a.begin(), [](double x) { return std::fabs(x); });
  std::sort(v.begin(), v.end());
  std::sort(a.begin(), a.end());
  auto q = [](const std::vector<double>& s, double p) {
    return s[std::min(s.size() - 1, size_t(p * double(s.size() - 1) + 0.5))];
  };
  return {{"n", v.size()},          {"signed_p50", q(v, 0.5)}, {"signed_min", v.front()},
          {"signed_max", v.back()}, {"abs_p50", q(a, 0.5)},    {"abs_p99", q(a, 0.99)},
          {"abs_max", a.back()}};
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"sim_stream_bench: streaming-client timing and throughput of serve-sim"};
  app.add_option("--host", o.host);
  app.add_option("--port", o.port)->required();
  app.add_option("--streams", o.streams, "concurrent connections");
  app.add_option("--requests-per-stream", o.requests_per_stream);
  app.add_option("--warmup-rounds", o.warmup_rounds, "first requests of each stream not recorded");
  app.add_option("--max-tokens", o.max_tokens);
  app.add_option("--expect-ttft-ms", o.expect_ttft_ms, "report TTFT minus this");
  app.add_option("--expect-itl-ms", o.expect_itl_ms, "report gaps minus this");
  app.add_option("--threads", o.threads);
  app.add_option("--stagger-ms", o.stagger_ms, "spread each thread's first sends over this window");
  app.add_flag("--busy-poll", o.busy_poll, "spin on epoll_wait(0) instead of sleeping");
  app.add_option("--endpoint", o.endpoint);
  app.add_option("--out", o.out, "write the JSON summary here too");
  app.add_option("--dump-ttft", o.dump_ttft,
                 "write thread,stream,round,t_sent_ms,error_ms per request");
  CLI11_PARSE(app, argc, argv);
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);

  std::vector<ThreadResult> results(size_t(o.threads));
  std::vector<std::thread> threads;
  const int64_t t0 = l4lab::mono_ns();
  for (int t = 0; t < o.threads; ++t) {
    const int n = o.streams / o.threads + (t < o.streams % o.threads ? 1 : 0);
    threads.emplace_back([&, t, n] { run_thread(o, n, results[size_t(t)]); });
  }
  for (auto& t : threads) t.join();
  const int64_t t1 = l4lab::mono_ns();
  ThreadResult all;
  for (auto& r : results) {
    all.ttft_ms.insert(all.ttft_ms.end(), r.ttft_ms.begin(), r.ttft_ms.end());
    all.itl_ms.insert(all.itl_ms.end(), r.itl_ms.begin(), r.itl_ms.end());
    all.chunks += r.chunks;
    all.tokens += r.tokens;
    all.requests += r.requests;
    all.errors += r.errors;
    all.t_first = std::min(all.t_first, r.t_first);
    all.t_last = std::max(all.t_last, r.t_last);
  }
  const double chunk_window_s = double(all.t_last - all.t_first) / 1e9;
  nlohmann::json j = {
      {"streams", o.streams},
      {"threads", o.threads},
      {"stagger_ms", o.stagger_ms},
      {"warmup_rounds", o.warmup_rounds},
      {"busy_poll", o.busy_poll},
      {"max_tokens", o.max_tokens},
      {"requests_completed", all.requests},
      {"errors", all.errors},
      {"wall_s", double(t1 - t0) / 1e9},
      {"content_chunks", all.chunks},
      {"tokens", all.tokens},
      {"chunks_per_s", chunk_window_s > 0 ? double(all.chunks) / chunk_window_s : 0},
      {"tokens_per_s", chunk_window_s > 0 ? double(all.tokens) / chunk_window_s : 0},
      {"expect_ttft_ms", o.expect_ttft_ms},
      {"expect_itl_ms", o.expect_itl_ms},
      {"ttft_error_ms", summary(all.ttft_ms)},
      {"itl_error_ms", summary(all.itl_ms)}};
  std::cout << j.dump(2) << "\n";
  if (!o.dump_ttft.empty()) {
    std::ofstream d(o.dump_ttft);
    for (size_t t = 0; t < results.size(); ++t)
      for (const auto& x : results[t].ttft_detail)
        d << t << "," << x[0] << "," << x[1] << "," << std::fixed << x[2] << "," << x[3] << "\n";
  }
  if (!o.out.empty()) std::ofstream(o.out) << j.dump(2) << "\n";
  return all.errors == 0 ? 0 : 1;
}

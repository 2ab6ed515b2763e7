// The kernel's floor for serve-sim's streaming: how much CPU one core spends
// to put one small SSE chunk on one loopback TCP connection, with nothing of
// serve-sim around it. A sender (pin it to one core) accepts N connections and
// every --interval-us sends one --bytes message on each (one round); a
// receiver process (other cores) reads and discards. Modes:
//   send   one send() per message (what serve-sim does)
//   uring  one io_uring SQE per message, one io_uring_enter per batch
// Prints one JSON line: messages, wall and CPU (user/sys) of the sender over
// the sending phase, CPU per message. A result, not a test: no assertions.
//
//   loopback_floor --role recv --port P --conns N --threads T [--busy-poll]
//   loopback_floor --role send --port P --conns N --mode send|uring ...
#include <arpa/inet.h>
#include <fcntl.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double cpu_s(int who, bool user) {
  rusage ru{};
  getrusage(who, &ru);
  const timeval& t = user ? ru.ru_utime : ru.ru_stime;
  return double(t.tv_sec) + double(t.tv_usec) / 1e6;
}

int run_recv(int port, int conns, int threads, bool busy) {
  std::vector<int> fds;
  for (int i = 0; i < conns; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      std::perror("loopback_floor: connect");
      return 1;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    fds.push_back(fd);
  }
  std::atomic<uint64_t> bytes{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      const int ep = epoll_create1(0);
      int open = 0;
      for (int i = t; i < conns; i += threads) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fds[size_t(i)];
        epoll_ctl(ep, EPOLL_CTL_ADD, fds[size_t(i)], &ev);
        ++open;
      }
      std::vector<char> buf(1 << 16);
      std::vector<epoll_event> evs(512);
      uint64_t mine = 0;
      while (open > 0) {
        const int n = epoll_wait(ep, evs.data(), int(evs.size()), busy ? 0 : 100);
        for (int k = 0; k < n; ++k) {
          const ssize_t r = read(evs[size_t(k)].data.fd, buf.data(), buf.size());
          if (r > 0) {
            mine += uint64_t(r);
          } else if (r == 0 || (r < 0 && errno != EAGAIN)) {
            epoll_ctl(ep, EPOLL_CTL_DEL, evs[size_t(k)].data.fd, nullptr);
            --open;
          }
        }
      }
      bytes += mine;
    });
  }
  for (auto& t : ts) t.join();
  std::printf("{\"role\":\"recv\",\"bytes\":%llu}\n",
              static_cast<unsigned long long>(bytes.load()));
  return 0;
}

int run_send(int port, int conns, const std::string& mode, int interval_us, double seconds,
             int bytes, unsigned ring_entries) {
  const int lfd = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(lfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(lfd, 65535) != 0) {
    std::perror("loopback_floor: bind/listen");
    return 1;
  }
  std::fprintf(stderr, "ready\n");
  std::vector<int> fds;
  while (int(fds.size()) < conns) {
    const int fd = accept(lfd, nullptr, nullptr);
    if (fd < 0) continue;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    fds.push_back(fd);
  }
  // An SSE content chunk as serve-sim sends it with continuous usage, inside
  // HTTP/1.1 chunked framing: the size only matters, the bytes are filler.
  std::string msg(size_t(bytes), 'x');
  msg[msg.size() - 2] = '\r';
  msg.back() = '\n';

  io_uring ring{};
  const bool uring = mode == "uring";
  if (uring) {
    io_uring_params p{};
    p.flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER;
    const int rc = io_uring_queue_init_params(ring_entries, &ring, &p);
    if (rc != 0) {
      std::fprintf(stderr, "loopback_floor: io_uring_queue_init_params: %s\n", std::strerror(-rc));
      return 1;
    }
  } else if (mode != "send") {
    std::fprintf(stderr, "loopback_floor: unknown --mode %s\n", mode.c_str());
    return 2;
  }

  uint64_t sent = 0, eagain = 0, partial = 0, errors = 0, rounds = 0, submits = 0;
  auto reap = [&] {
    io_uring_cqe* cqe = nullptr;
    unsigned head = 0, n = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      ++n;
      if (cqe->res == int(msg.size()))
        ++sent;
      else if (cqe->res == -EAGAIN)
        ++eagain;
      else if (cqe->res >= 0)
        ++partial;
      else
        ++errors;
    }
    io_uring_cq_advance(&ring, n);
  };

  const double u0 = cpu_s(RUSAGE_SELF, true), s0 = cpu_s(RUSAGE_SELF, false), t0 = now_s();
  const double interval = interval_us / 1e6;
  double next = t0;
  while (now_s() - t0 < seconds) {
    while (now_s() < next) {
    }  // pace rounds (a sleep would hide nothing: the wait is outside the CPU per message)
    next += interval;
    ++rounds;
    if (!uring) {
      for (int fd : fds) {
        const ssize_t r = send(fd, msg.data(), msg.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (r == ssize_t(msg.size()))
          ++sent;
        else if (r < 0 && errno == EAGAIN)
          ++eagain;
        else if (r >= 0)
          ++partial;
        else
          ++errors;
      }
    } else {
      for (int fd : fds) {
        io_uring_sqe* sqe = io_uring_get_sqe(&ring);
        if (!sqe) {
          io_uring_submit(&ring);
          ++submits;
          reap();
          sqe = io_uring_get_sqe(&ring);
        }
        io_uring_prep_send(sqe, fd, msg.data(), msg.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      }
      io_uring_submit(&ring);
      ++submits;
      reap();
    }
  }
  const double t1 = now_s(), u1 = cpu_s(RUSAGE_SELF, true), s1 = cpu_s(RUSAGE_SELF, false);
  // The busy-wait pacing burns user CPU that is not message work: measure it
  // apart by subtracting nothing and reporting sys separately; the rounds are
  // back to back when the sender cannot keep up (then pacing costs nothing).
  for (int fd : fds) close(fd);
  close(lfd);
  const double wall = t1 - t0;
  std::printf(
      "{\"role\":\"send\",\"mode\":\"%s\",\"conns\":%d,\"interval_us\":%d,\"bytes\":%d,"
      "\"rounds\":%llu,\"sent\":%llu,\"eagain\":%llu,\"partial\":%llu,\"errors\":%llu,"
      "\"submits\":%llu,\"wall_s\":%.3f,\"user_s\":%.3f,\"sys_s\":%.3f,"
      "\"msgs_per_s\":%.0f,\"sys_us_per_msg\":%.3f,\"cpu_us_per_msg\":%.3f,"
      "\"rounds_per_s_asked\":%.1f,\"rounds_per_s_done\":%.1f}\n",
      mode.c_str(), conns, interval_us, bytes, static_cast<unsigned long long>(rounds),
      static_cast<unsigned long long>(sent), static_cast<unsigned long long>(eagain),
      static_cast<unsigned long long>(partial), static_cast<unsigned long long>(errors),
      static_cast<unsigned long long>(submits), wall, u1 - u0, s1 - s0, double(sent) / wall,
      1e6 * (s1 - s0) / double(sent ? sent : 1),
      1e6 * (u1 - u0 + s1 - s0) / double(sent ? sent : 1), 1e6 / interval_us,
      double(rounds) / wall);
  if (uring) io_uring_queue_exit(&ring);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"loopback_floor: CPU per small loopback TCP send, send() vs io_uring"};
  std::string role = "send", mode = "send";
  int port = 18700, conns = 1000, threads = 4, interval_us = 10000, bytes = 330;
  double seconds = 5;
  unsigned ring_entries = 4096;
  bool busy = false;
  app.add_option("--role", role)->check(CLI::IsMember({"send", "recv"}));
  app.add_option("--mode", mode)->check(CLI::IsMember({"send", "uring"}));
  app.add_option("--port", port);
  app.add_option("--conns", conns);
  app.add_option("--threads", threads);
  app.add_option("--interval-us", interval_us);
  app.add_option("--seconds", seconds);
  app.add_option("--bytes", bytes);
  app.add_option("--ring-entries", ring_entries);
  app.add_flag("--busy-poll", busy);
  CLI11_PARSE(app, argc, argv);
  if (role == "recv") return run_recv(port, conns, threads, busy);
  return run_send(port, conns, mode, interval_us, seconds, bytes, ring_entries);
}

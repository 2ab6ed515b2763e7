#include "engine/engine_session.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/files.h"
#include "engine/engine_log.h"
#include "engine/http_client.h"
#include "engine/process_registry.h"

namespace l4lab::engine {

namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int bind_port(const std::string& host, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  // TIME_WAIT leftovers do not make a port busy; a listener does.
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &a.sin_addr) != 1)
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

Status EngineSession::start(const std::vector<std::string>& argv,
                            const std::map<std::string, std::string>& env, const std::string& host,
                            int port, const std::string& log_path) {
  host_ = host;
  port_ = port;
  log_path_ = log_path;
  SpawnOptions o;
  o.argv = argv;
  o.env_add = env;
  o.log_path = log_path;
  auto c = ChildProcess::spawn(o);
  if (!c.ok()) return c.error();
  child_ = std::move(*c);
  return Status::Ok();
}

std::string EngineSession::base_url() const {
  return "http://" + host_ + ":" + std::to_string(port_);
}

std::string EngineSession::log_text() const {
  auto t = read_file(log_path_);
  return t.ok() ? *t : std::string();
}

bool EngineSession::alive() { return child_.running() && !child_.poll(); }

ReadyOutcome EngineSession::wait_ready(double timeout_s) {
  ReadyOutcome r;
  const auto t0 = std::chrono::steady_clock::now();
  std::string last_error = "no answer yet";
  while (true) {
    if (interrupted()) {
      r.status = "interrupted";
      r.reason = "l4lab was interrupted during start-up";
      return r;
    }
    if (auto st = child_.poll()) {
      const std::string log = log_text();
      auto death = classify_death(*st, log, "start_failed");
      r.status = death.status;
      r.reason = "the engine exited during start-up (" + st->describe() + ")";
      r.evidence = "engine.log tail:\n" + tail_lines(log, 20);
      r.startup_s = since(t0);
      return r;
    }
    auto h = http_get(base_url() + "/health", 2);
    if (h.ok() && h->status == 200) {
      auto m = http_get(base_url() + "/v1/models", 5);
      if (m.ok() && m->status == 200) {
        r.status = "ready";
        r.startup_s = since(t0);
        r.models_json = m->body;
        try {
          auto j = nlohmann::json::parse(m->body);
          if (j.contains("data") && !j["data"].empty())
            r.served_model = j["data"][0].value("id", "");
        } catch (const std::exception&) {
        }
        return r;
      }
      last_error =
          m.ok() ? "/v1/models answered HTTP " + std::to_string(m->status) : m.error().message();
    } else {
      last_error =
          h.ok() ? "/health answered HTTP " + std::to_string(h->status) : h.error().message();
    }
    if (since(t0) > timeout_s) {
      r.status = "start_timeout";
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", timeout_s);
      r.reason =
          std::string("the engine was not healthy within ") + buf + " s (last: " + last_error + ")";
      r.evidence = "engine.log tail:\n" + tail_lines(log_text(), 20);
      r.startup_s = since(t0);
      return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Status EngineSession::warm_up(const std::string& model, int requests) {
  nlohmann::json body = {{"model", model},
                         {"messages", {{{"role", "user"}, {"content", "Say hello."}}}},
                         {"max_tokens", 8},
                         {"stream", false}};
  for (int i = 0; i < requests; ++i) {
    auto r = http_post(base_url() + "/v1/chat/completions", body.dump(), 300);
    if (!r.ok()) return Error("warm-up request " + std::to_string(i) + ": " + r.error().message());
    if (r->status != 200)
      return Error("warm-up request " + std::to_string(i) + ": HTTP " + std::to_string(r->status) +
                   ": " + r->body.substr(0, 300));
  }
  return Status::Ok();
}

ExitStatus EngineSession::stop(double grace_s) { return child_.stop_group(grace_s); }

Result<int> pick_free_port(const std::string& host) {
  int fd = bind_port(host, 0);
  if (fd < 0) return Error("cannot bind a free port on " + host);
  sockaddr_in a{};
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return static_cast<int>(ntohs(a.sin_port));
}

bool port_free(const std::string& host, int port) {
  int fd = bind_port(host, port);
  if (fd < 0) return false;
  close(fd);
  return true;
}

bool wait_port_free(const std::string& host, int port, double timeout_s) {
  const auto t0 = std::chrono::steady_clock::now();
  while (!port_free(host, port)) {
    if (since(t0) > timeout_s) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

}  // namespace l4lab::engine

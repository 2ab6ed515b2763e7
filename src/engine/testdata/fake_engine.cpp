// A stand-in engine for the matrix's tests: an OpenAI-shaped HTTP server
// (libevent's evhttp) whose failure modes are chosen by flags. Launched by
// argv from test configs in src/engine/testdata/. Not a simulator: it exists
// to provoke each outcome the matrix must classify.
//
//   --port N --host H --model M --max-num-seqs N   accepted and reported
//   --ignored-flag V      accepted, never applied (not in "non-default args")
//   --exit-during-startup exit 3 before listening
//   --oom-during-startup  print a CUDA OOM error and exit 1
//   --never-healthy       listen, but /health answers 503 forever
//   --die-after-requests N abort() on the N-th chat request
//   --help                list the flags above
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

namespace {

struct State {
  std::string model = "fake-model";
  bool never_healthy = false;
  int die_after = -1;
  int chat_requests = 0;
  long prompt_tokens_total = 0;
  long generation_tokens_total = 0;
};
State g;

void reply(evhttp_request* req, int code, const std::string& body, const char* type) {
  evbuffer* b = evbuffer_new();
  evbuffer_add(b, body.data(), body.size());
  evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", type);
  evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", b);
  evbuffer_free(b);
}

void on_request(evhttp_request* req, void*) {
  std::string uri = evhttp_request_get_uri(req);
  if (uri == "/health") {
    reply(req, g.never_healthy ? 503 : 200, g.never_healthy ? "starting" : "", "text/plain");
  } else if (uri == "/v1/models") {
    reply(req, 200,
          "{\"object\":\"list\",\"data\":[{\"id\":\"" + g.model + "\",\"object\":\"model\"}]}",
          "application/json");
  } else if (uri == "/metrics") {
    std::string m =
        "# HELP vllm:num_requests_running Running requests.\n"
        "# TYPE vllm:num_requests_running gauge\n"
        "vllm:num_requests_running{model_name=\"" +
        g.model +
        "\"} 0\n"
        "# TYPE vllm:prompt_tokens_total counter\n"
        "vllm:prompt_tokens_total{model_name=\"" +
        g.model + "\"} " + std::to_string(g.prompt_tokens_total) +
        "\n"
        "vllm:generation_tokens_total{model_name=\"" +
        g.model + "\"} " + std::to_string(g.generation_tokens_total) + "\n";
    reply(req, 200, m, "text/plain; version=0.0.4");
  } else if (uri == "/v1/chat/completions") {
    ++g.chat_requests;
    if (g.die_after > 0 && g.chat_requests >= g.die_after) {
      std::fprintf(stderr, "fake_engine: dying on chat request %d as told\n", g.chat_requests);
      std::fflush(stderr);
      std::abort();
    }
    g.prompt_tokens_total += 10;
    g.generation_tokens_total += 4;
    reply(
        req, 200,
        "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"" + g.model +
            "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"a b c "
            "d\"},\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":10,"
            "\"completion_tokens\":4,\"total_tokens\":14}}",
        "application/json");
  } else {
    reply(req, 404, "{\"error\":\"not found\"}", "application/json");
  }
}

const char* kHelp =
    "usage: fake_engine [options]\n"
    "  --port PORT\n  --host HOST\n  --model MODEL\n  --max-num-seqs N\n"
    "  --ignored-flag VALUE   accepted and ignored\n"
    "  --exit-during-startup\n  --oom-during-startup\n  --never-healthy\n"
    "  --die-after-requests N\n";

}  // namespace

int main(int argc, char** argv) {
  int port = 8000;
  std::string host = "127.0.0.1";
  std::map<std::string, std::string> non_default;
  bool exit_early = false, oom = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "error: argument %s: expected one argument\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--help") {
      std::fputs(kHelp, stdout);
      return 0;
    } else if (a == "--port") {
      port = std::atoi(value().c_str());
      non_default["port"] = std::to_string(port);
    } else if (a == "--host") {
      host = value();
    } else if (a == "--model") {
      g.model = value();
      non_default["model"] = "'" + g.model + "'";
    } else if (a == "--max-num-seqs") {
      non_default["max_num_seqs"] = value();
    } else if (a == "--ignored-flag") {
      value();  // accepted, never applied: the point of scenario (e)
    } else if (a == "--exit-during-startup") {
      exit_early = true;
    } else if (a == "--oom-during-startup") {
      oom = true;
    } else if (a == "--never-healthy") {
      g.never_healthy = true;
    } else if (a == "--die-after-requests") {
      g.die_after = std::atoi(value().c_str());
    } else {
      std::fprintf(stderr, "%sfake_engine: error: unrecognized arguments: %s\n", kHelp, a.c_str());
      return 2;
    }
  }
  std::string nd = "{";
  for (const auto& [k, v] : non_default) nd += (nd.size() > 1 ? ", '" : "'") + k + "': " + v;
  nd += "}";
  std::printf("INFO fake_engine non-default args: %s\n", nd.c_str());
  std::fflush(stdout);
  if (exit_early) {
    std::fprintf(stderr, "fake_engine: exiting during start-up as told\n");
    return 3;
  }
  if (oom) {
    std::fprintf(stderr,
                 "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n");
    return 1;
  }
  event_base* base = event_base_new();
  evhttp* http = evhttp_new(base);
  if (evhttp_bind_socket(http, host.c_str(), static_cast<uint16_t>(port)) != 0) {
    std::fprintf(stderr, "fake_engine: cannot bind %s:%d\n", host.c_str(), port);
    return 4;
  }
  evhttp_set_gencb(http, on_request, nullptr);
  std::printf("INFO fake_engine ready on http://%s:%d\n", host.c_str(), port);
  std::fflush(stdout);
  event_base_dispatch(base);
  return 0;
}

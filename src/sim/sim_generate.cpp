// Admitting a generation request (/v1/chat/completions, /v1/completions):
// parse, draw faults, check the context length, and submit it to the engine
// model as a Stream (stream_session.h).
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fmt/format.h>

#include <algorithm>

#include "sim/http_socket_io.h"
#include "sim/seeded_rng.h"
#include "sim/sim_worker.h"

namespace l4lab::sim {

// ---- generation --------------------------------------------------------
void SimServer::Impl::generate(evhttp_request* req, Endpoint endpoint) {
  auto parsed = parse_generate_request(request_body(req), endpoint);
  if (!parsed) return reply_error(req, 400, parsed.error().message());
  GenerateRequest& r = *parsed;
  const uint64_t index = workers->next_index.fetch_add(1);
  ++generate_requests;
  FaultSet faults = draw_faults(opt.profile.faults, opt.seed, index);
  if (const char* h = evhttp_find_header(evhttp_request_get_input_headers(req), "x-l4lab-fault")) {
    auto extra = parse_fault_list(h);
    if (!extra) return reply_error(req, 400, "header x-l4lab-fault: " + extra.error().message());
    faults.merge(*extra);
  }
  if (faults.status)
    return reply_error(
        req, faults.status,
        "injected fault status:" + std::to_string(faults.status) + " (l4lab serve-sim, simulated)");
  if (!check_model(req, r.model)) return;
  std::vector<workload::TokenId> ids;
  if (endpoint == Endpoint::kChat) {
    auto c = chat_ids(r.messages);
    if (!c) return reply_error(req, 400, c.error().message());
    ids = std::move(*c);
  } else if (r.prompt_is_ids) {
    ids = r.prompt_ids;
  } else {
    ids = text_ids(r.prompt, r.add_special_tokens);
  }
  const int max_len = opt.profile.engine.max_model_len;
  const int prompt_tokens = int(ids.size());
  if (prompt_tokens > max_len || (r.max_tokens && prompt_tokens + *r.max_tokens > max_len) ||
      (!r.max_tokens && prompt_tokens >= max_len))
    return reply_error(req, 400, context_length_message(max_len, prompt_tokens, r.max_tokens));
  const int max_tokens = r.max_tokens ? *r.max_tokens : max_len - prompt_tokens;

  auto s = std::make_unique<Stream>();
  s->id = index;
  s->owner = this;
  s->req = req;
  s->conn = evhttp_request_get_connection(req);
  s->endpoint = endpoint;
  s->stream = r.stream;
  s->include_usage = r.stream && r.include_usage;
  s->continuous_usage = s->include_usage && r.continuous_usage;  // as vLLM: needs include_usage
  s->prompt_tokens = prompt_tokens;
  s->seed = r.seed ? mix64(*r.seed, 0x5eed) : mix64(opt.seed, index);
  s->faults = faults;
  s->output_tokens = max_tokens;
  if (!r.ignore_eos && unit_double(mix64(s->seed, 0xe05)) < opt.profile.eos_probability) {
    s->output_tokens = 1 + int(mix64(s->seed, 0xe05e) % uint64_t(max_tokens));
    s->finish_reason = "stop";
  }
  if (faults.zero_completion) {
    s->output_tokens = 1;  // one engine step; nothing of it is shown
    s->finish_reason = "stop";
  }
  s->fault_after_chunks = std::max(1, s->output_tokens / 2);
  const std::string rid =
      fmt::format("{}-{:016x}", endpoint == Endpoint::kChat ? "chatcmpl" : "cmpl",
                  mix64(opt.seed, index, 0x1d));
  s->fmt.emplace(endpoint, rid, created_s, model_id);
  s->arrival_model_ns = int64_t(double(arrival_mono_ns() - t0_ns) * opt.time_scale);
  // The connection guard reports the client's close (on_client_closed).
  if (s->conn) by_conn[s->conn] = index;
  if (s->stream) {
    add_common_headers(req, "text/event-stream; charset=utf-8");
    evhttp_add_header(evhttp_request_get_output_headers(req), "cache-control", "no-cache");
    evhttp_send_reply_start(req, 200, "OK");
    flush_queued_headers(s->conn);
    metrics.on_http(200);
  }
  // The driver first runs the model up to the arrival (what fell due before
  // it is delivered below), so the model never sees time go backwards.
  emits.clear();
  s->arrival_model_ns =
      engine->submit({index, prompt_tokens, s->output_tokens, s->seed}, s->arrival_model_ns, emits);
  streams.emplace(index, std::move(s));
  for (const auto& e : emits) on_emit(e);
  schedule_tick();
}

}  // namespace l4lab::sim

// A Stream's life after admission: the engine's emissions become metrics and
// SSE chunks (or one whole body), until the reply ends or the client closes.
#include <event2/http.h>

#include "common/clock.h"
#include "sim/http_socket_io.h"
#include "sim/sim_worker.h"

namespace l4lab::sim {

void SimServer::Impl::on_client_closed(evhttp_connection* conn) {
  std::lock_guard lock(mu);
  auto it = by_conn.find(conn);
  if (it == by_conn.end()) return;
  const uint64_t id = it->second;
  by_conn.erase(it);
  auto s = streams.find(id);
  if (s == streams.end()) return;
  if (!s->second->engine_done) {
    engine->abort(id);
    metrics.on_aborted();
  }
  // libevent detaches an unfinished request from a connection the client
  // closed and leaves it to us to free.
  if (evhttp_request_get_connection(s->second->req) == nullptr) evhttp_request_free(s->second->req);
  streams.erase(s);
  schedule_tick();
}

void SimServer::Impl::finish(Stream& s) {
  if (s.conn) {
    by_conn.erase(s.conn);
  }
  streams.erase(s.id);  // destroys s
}

void SimServer::Impl::on_emit(const TokenEmit& e) {
  auto it = streams.find(e.id);
  if (it == streams.end()) return;
  Stream& s = *it->second;
  if (s.first_token_model_ns < 0) {
    s.first_token_model_ns = e.t_ns;
    metrics.on_ttft(double(e.t_ns - s.arrival_model_ns) / 1e9);
    metrics.on_prompt(s.prompt_tokens);
  } else {
    metrics.on_itl(double(e.t_ns - s.last_emit_model_ns) / 1e9);
  }
  s.last_emit_model_ns = e.t_ns;
  metrics.on_tokens(e.n_tokens);
  s.engine_tokens += e.n_tokens;
  if (e.finished) {
    s.engine_done = true;
    const int64_t sched = e.first_scheduled_ns >= 0 ? e.first_scheduled_ns : s.arrival_model_ns;
    RequestTimesS t;
    t.ttft = double(s.first_token_model_ns - s.arrival_model_ns) / 1e9;
    t.e2e = double(e.t_ns - s.arrival_model_ns) / 1e9;
    t.queue = double(sched - s.arrival_model_ns) / 1e9;
    t.prefill = double(s.first_token_model_ns - sched) / 1e9;
    t.decode = double(e.t_ns - s.first_token_model_ns) / 1e9;
    metrics.on_finished(t, s.finish_reason, s.prompt_tokens, s.output_tokens);
  }
  if (!s.cut) deliver(s);
}

// Sends what the engine produced for s, unless a stall fault holds it.
void SimServer::Impl::deliver(Stream& s) {
  const int64_t now = mono_ns();
  if (s.faults.stall_first_token_ms > 0 && !s.first_stall_done) {
    s.first_stall_done = true;
    s.hold_until_ns = now + int64_t(s.faults.stall_first_token_ms) * 1'000'000;
  }
  if (now < s.hold_until_ns) {
    arm_hold(s);
    return;
  }
  const int n = s.engine_tokens - s.sent_tokens;
  if (!s.stream) {
    if (s.engine_done) finish_whole(s);
    return;
  }
  if (n > 0 || s.engine_done) write_stream(s, n);
}

void SimServer::Impl::write_stream(Stream& s, int n) {
  out.clear();
  const bool zero = s.faults.zero_completion;
  Usage u{s.prompt_tokens, 0};
  if (s.content_chunks == 0 && s.endpoint == Endpoint::kChat)
    s.fmt->role_chunk(out, s.continuous_usage ? &u : nullptr);
  text.clear();
  if (!zero) filler->append(text, s.seed, uint64_t(s.sent_tokens), n);
  s.sent_tokens += n;
  ++s.content_chunks;
  u.completion_tokens = zero ? 0 : s.sent_tokens;
  // A cut stream never completes, even when its tokens came in fewer chunks than planned.
  const bool cut = (s.faults.reset_mid_stream || s.faults.close_mid_stream) &&
                   (s.content_chunks >= s.fault_after_chunks || s.engine_done);
  const bool done = s.engine_done && !cut;
  s.fmt->content_chunk(out, text, done ? s.finish_reason : nullptr,
                       s.continuous_usage ? &u : nullptr);
  if (s.content_chunks == 1) {
    if (s.faults.malformed_sse) out += "l4lab fault: this line is not an SSE field\n\n";
    if (s.faults.malformed_json)
      out += "data: {\"id\":\"l4lab-fault\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\n\n";
    if (s.faults.stall_between_chunks_ms > 0 && !s.between_stall_done) {
      s.between_stall_done = true;
      s.hold_until_ns = mono_ns() + int64_t(s.faults.stall_between_chunks_ms) * 1'000'000;
    }
  }
  if (done) {
    if (s.include_usage && !s.faults.missing_usage) s.fmt->usage_chunk(out, u);
    ChunkFormatter::done(out);
  }
  send_http_chunk(s.req, s.conn, out, done);
  if (cut) return cut_connection(s);
  if (done) {
    guard->reply_sent(s.conn);
    evhttp_send_reply_end(s.req);
    finish(s);
  }
}

void SimServer::Impl::finish_whole(Stream& s) {
  text.clear();
  const bool zero = s.faults.zero_completion;
  if (!zero) filler->append(text, s.seed, 0, s.engine_tokens);
  Usage u{s.prompt_tokens, zero ? 0 : s.engine_tokens};
  if (s.faults.reset_mid_stream || s.faults.close_mid_stream) return cut_connection(s);
  std::string body = s.fmt->full_body(text, s.finish_reason, s.faults.missing_usage ? nullptr : &u);
  if (s.faults.malformed_json) body.resize(body.size() / 2);
  evhttp_request* req = s.req;
  finish(s);
  reply(req, 200, body);
}

}  // namespace l4lab::sim

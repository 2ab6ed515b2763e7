// serve-sim's HTTP routing, the small endpoints (/health, /v1/models, /metrics,
// /tokenize, /detokenize) and the replies every handler sends.
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sim/sim_worker.h"

namespace l4lab::sim {

std::string request_path(evhttp_request* req) {
  std::string uri = evhttp_request_get_uri(req) ? evhttp_request_get_uri(req) : "";
  if (auto q = uri.find('?'); q != std::string::npos) uri.resize(q);
  return uri;
}

std::string request_body(evhttp_request* req) {
  evbuffer* in = evhttp_request_get_input_buffer(req);
  const size_t n = evbuffer_get_length(in);
  std::string s(n, '\0');
  if (n) evbuffer_copyout(in, s.data(), n);
  return s;
}

// ---- responses -------------------------------------------------------
void SimServer::Impl::add_common_headers(evhttp_request* req, const char* content_type) {
  evkeyvalq* h = evhttp_request_get_output_headers(req);
  evhttp_add_header(h, "x-l4lab-simulated", "true");
  evhttp_add_header(h, "content-type", content_type);
}

void SimServer::Impl::reply(evhttp_request* req, int status, const std::string& body,
                            const char* content_type) {
  add_common_headers(req, content_type);
  evbuffer* b = evbuffer_new();
  evbuffer_add(b, body.data(), body.size());
  guard->reply_sent(evhttp_request_get_connection(req));
  evhttp_send_reply(req, status, nullptr, b);
  evbuffer_free(b);
  metrics.on_http(status);
}

void SimServer::Impl::reply_error(evhttp_request* req, int status, const std::string& message) {
  reply(req, status, error_body(message, error_type_for_status(status), status));
}

// ---- routing -----------------------------------------------------------
void SimServer::Impl::on_request(evhttp_request* req, void* arg) {
  auto* self = static_cast<Impl*>(arg);
  // /metrics reads every worker (each under its own lock, one at a time),
  // before this worker takes its own: no worker ever holds two locks.
  std::string metrics_page;
  if (evhttp_request_get_command(req) == EVHTTP_REQ_GET && request_path(req) == "/metrics")
    metrics_page = self->render_all();
  std::lock_guard lock(self->mu);
  self->guard->request_read(evhttp_request_get_connection(req));
  try {
    self->route(req, metrics_page);
  } catch (const std::exception& e) {
    self->reply_error(req, 500, std::string("serve-sim internal error: ") + e.what());
  }
}

std::string SimServer::Impl::render_all() {
  SimMetrics total;
  std::vector<EngineStats> stats;
  std::vector<uint64_t> served;
  std::vector<int> open;
  for (Impl* w : workers->all) {
    std::lock_guard lock(w->mu);
    total.merge(w->metrics);
    stats.push_back(w->engine->stats());
    served.push_back(w->generate_requests);
    open.push_back(w->guard->open());
  }
  std::string page = total.render(sum_stats(stats), model_id, opt.time_scale);
  page +=
      "# HELP l4lab_sim_worker_requests_total Generation requests each serve-sim worker "
      "received (--workers; simulated)\n# TYPE l4lab_sim_worker_requests_total counter\n";
  for (size_t i = 0; i < served.size(); ++i)
    page += fmt::format("l4lab_sim_worker_requests_total{{worker=\"{}\"}} {}\n", i, served[i]);
  page +=
      "# HELP l4lab_sim_open_connections HTTP connections each serve-sim worker holds open "
      "(--max-connections)\n# TYPE l4lab_sim_open_connections gauge\n";
  for (size_t i = 0; i < open.size(); ++i)
    page += fmt::format("l4lab_sim_open_connections{{worker=\"{}\"}} {}\n", i, open[i]);
  return page;
}

void SimServer::Impl::route(evhttp_request* req, const std::string& metrics_page) {
  const std::string path = request_path(req);
  const auto cmd = evhttp_request_get_command(req);
  const bool get = cmd == EVHTTP_REQ_GET, post = cmd == EVHTTP_REQ_POST;
  auto method_ok = [&](bool ok) {
    if (!ok) reply(req, 405, R"({"detail":"Method Not Allowed"})");
    return ok;
  };
  if (path == "/health") {
    if (method_ok(get)) reply(req, 200, "", "text/plain");
  } else if (path == "/v1/models") {
    if (method_ok(get)) models(req);
  } else if (path == "/metrics") {
    if (method_ok(get)) reply(req, 200, metrics_page, "text/plain; version=0.0.4; charset=utf-8");
  } else if (path == "/tokenize") {
    if (method_ok(post)) tokenize(req);
  } else if (path == "/detokenize") {
    if (method_ok(post)) detokenize(req);
  } else if (path == "/v1/chat/completions") {
    if (method_ok(post)) generate(req, Endpoint::kChat);
  } else if (path == "/v1/completions") {
    if (method_ok(post)) generate(req, Endpoint::kCompletion);
  } else {
    reply(req, 404, R"({"detail":"Not Found"})");
  }
}

void SimServer::Impl::models(evhttp_request* req) {
  nlohmann::json m = {{"id", model_id},
                      {"object", "model"},
                      {"created", created_s},
                      {"owned_by", "l4lab-serve-sim (simulated)"},
                      {"root", model_id},
                      {"parent", nullptr},
                      {"max_model_len", opt.profile.engine.max_model_len},
                      {"permission", nlohmann::json::array()}};
  reply(req, 200, nlohmann::json{{"object", "list"}, {"data", {m}}}.dump());
}

bool SimServer::Impl::check_model(evhttp_request* req, const std::string& model) {
  if (model.empty() || model == model_id) return true;
  reply_error(req, 404, "The model `" + model + "` does not exist.");
  return false;
}

Result<std::vector<workload::TokenId>> SimServer::Impl::chat_ids(
    const workload::Conversation& conv) {
  return tmpl->encode(conv);
}

std::vector<workload::TokenId> SimServer::Impl::text_ids(const std::string& text, bool add_bos) {
  std::vector<workload::TokenId> ids;
  if (add_bos) ids.push_back(tok->piece_id("<s>"));
  auto body = tok->encode(text);
  ids.insert(ids.end(), body.begin(), body.end());
  return ids;
}

void SimServer::Impl::tokenize(evhttp_request* req) {
  auto r = parse_tokenize_request(request_body(req));
  if (!r) return reply_error(req, 400, r.error().message());
  if (!check_model(req, r->model)) return;
  std::vector<workload::TokenId> ids;
  if (r->chat) {
    auto c = chat_ids(r->messages);
    if (!c) return reply_error(req, 400, c.error().message());
    ids = std::move(*c);
  } else {
    ids = text_ids(r->prompt, r->add_special_tokens);
  }
  nlohmann::json strs = nlohmann::json::array();
  for (workload::TokenId id : ids) strs.push_back(tok->id_to_piece(id));
  reply(req, 200,
        nlohmann::json{{"count", ids.size()},
                       {"max_model_len", opt.profile.engine.max_model_len},
                       {"tokens", ids},
                       {"token_strs", strs}}
            .dump());
}

void SimServer::Impl::detokenize(evhttp_request* req) {
  auto ids = parse_detokenize_request(request_body(req));
  if (!ids) return reply_error(req, 400, ids.error().message());
  for (workload::TokenId id : *ids)
    if (id < 0 || id >= tok->vocab_size())
      return reply_error(req, 400, "token id " + std::to_string(id) + " is out of vocabulary");
  reply(req, 200, nlohmann::json{{"prompt", tok->decode(*ids)}}.dump());
}

}  // namespace l4lab::sim

#include "sim/virtual_run.h"

#include <algorithm>

namespace l4lab::sim {

Result<VirtualRunResult> run_virtual(const SimProfile& profile,
                                     const std::vector<VirtualRequest>& requests,
                                     const VirtualClient& client, int64_t scrape_interval_ns) {
  L4_TRY_STATUS(validate_profile(profile));
  auto costs = derive_costs(profile);
  if (!costs) return costs.error();
  if (!client.open_loop && client.concurrency < 1)
    return Error("virtual run: concurrency must be >= 1");
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    if (r.prompt_tokens < 1 || r.output_tokens < 1)
      return Error("virtual run: request " + std::to_string(i) +
                   " needs prompt and output tokens >= 1");
    if (r.prompt_tokens + r.output_tokens > profile.engine.max_model_len)
      return Error("virtual run: request " + std::to_string(i) + " (" +
                   std::to_string(r.prompt_tokens) + " + " + std::to_string(r.output_tokens) +
                   " tokens) exceeds max_model_len " +
                   std::to_string(profile.engine.max_model_len));
    if (client.open_loop && i > 0 && r.arrival_ns < requests[i - 1].arrival_ns)
      return Error("virtual run: open-loop arrivals must be sorted (request " + std::to_string(i) +
                   ")");
  }
  VirtualRunResult res;
  res.requests.resize(requests.size());
  size_t done = 0;
  EngineDriver driver(make_engine(profile, *costs), [&](const RequestTimeline& tl) {
    res.requests[tl.id] = tl;
    ++done;
  });
  std::vector<TokenEmit> out;
  size_t next = 0;                 // next request to send
  std::vector<int64_t> slot_free;  // closed loop: times at which a slot sends again
  auto send = [&](int64_t t) {
    const VirtualRequest& r = requests[next];
    driver.submit({next, r.prompt_tokens, r.output_tokens, r.seed}, t, out);
    ++next;
  };
  if (!client.open_loop)
    slot_free.assign(size_t(std::min<size_t>(size_t(client.concurrency), requests.size())), 0);
  int64_t next_scrape = 0;
  while (done < requests.size()) {
    // The next event: a send, an engine event or a scrape.
    int64_t t_send = kNever;
    if (next < requests.size()) {
      if (client.open_loop) {
        t_send = requests[next].arrival_ns;
      } else if (!slot_free.empty()) {
        t_send = *std::min_element(slot_free.begin(), slot_free.end());
      }
    }
    const int64_t t_engine = driver.next_event_ns();
    const int64_t t = std::min({t_send, t_engine, next_scrape});
    if (t == kNever) return Error("virtual run: the engine stalled with requests outstanding");
    out.clear();
    if (t == next_scrape) {
      driver.advance(t, out);
      const EngineStats st = driver.stats();
      res.scrapes.push_back({t, st.running, st.waiting, st.kv_usage});
      next_scrape += scrape_interval_ns;
    } else if (t == t_send) {
      if (!client.open_loop) {
        auto it = std::min_element(slot_free.begin(), slot_free.end());
        *it = kNever;  // busy until its request finishes
      }
      send(t);
    } else {
      driver.advance(t, out);
    }
    for (const auto& e : out) {
      res.end_ns = std::max(res.end_ns, e.t_ns);
      if (e.finished && !client.open_loop) {
        auto it = std::find(slot_free.begin(), slot_free.end(), kNever);
        if (it != slot_free.end()) *it = e.t_ns + client.client_gap_ns;
      }
    }
  }
  res.final_stats = driver.stats();
  return res;
}

}  // namespace l4lab::sim

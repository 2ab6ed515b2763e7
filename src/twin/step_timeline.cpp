#include "twin/step_timeline.h"

#include <algorithm>
#include <deque>
#include <tuple>

namespace l4lab::twin {

std::vector<StepInterval> reconstruct_steps(const std::vector<MeasuredRequest>& requests,
                                            const StepTimelineOptions& opt) {
  // (time, request, tokens) of every chunk, in time order.
  std::vector<std::tuple<int64_t, size_t, int>> ev;
  for (size_t i = 0; i < requests.size(); ++i)
    for (const auto& [t, n] : requests[i].chunks) ev.emplace_back(t, i, n);
  std::sort(ev.begin(), ev.end());
  std::vector<StepInterval> out;
  if (ev.empty()) return out;
  // Clusters: start time and steps (the most tokens one request got in it).
  std::vector<int64_t> start;
  std::vector<int> steps;
  std::vector<std::pair<size_t, int>> in_cluster;  // (request, tokens) of the open cluster
  auto close_cluster = [&] {
    std::sort(in_cluster.begin(), in_cluster.end());
    int most = 1;
    for (size_t a = 0; a < in_cluster.size();) {
      size_t b = a;
      int sum = 0;
      while (b < in_cluster.size() && in_cluster[b].first == in_cluster[a].first)
        sum += in_cluster[b++].second;
      most = std::max(most, sum);
      a = b;
    }
    steps.push_back(most);
    in_cluster.clear();
  };
  int64_t prev = std::get<0>(ev[0]);
  start.push_back(prev);
  for (const auto& [t, i, n] : ev) {
    if (t - prev > opt.cluster_gap_ns) {
      close_cluster();
      start.push_back(t);
    }
    in_cluster.emplace_back(i, n);
    prev = t;
  }
  close_cluster();
  const size_t k_n = start.size();
  out.resize(k_n > 0 ? k_n - 1 : 0);
  for (size_t k = 1; k < k_n; ++k) {
    StepInterval& s = out[k - 1];
    s.t_end_ns = start[k];
    s.dt_ms = double(start[k] - start[k - 1]) / 1e6;
    s.steps = steps[k];
  }
  // Decoding requests per interval, and the context they hold: interval j
  // runs from cluster j to cluster j+1; a request decodes in it when its
  // first token came in cluster j or earlier and its last in j+1 or later.
  auto cluster_of = [&](int64_t t) {
    return size_t(std::upper_bound(start.begin(), start.end(), t) - start.begin()) - 1;
  };
  for (const auto& r : requests) {
    if (r.chunks.empty()) continue;
    const size_t j0 = cluster_of(r.chunks.front().first), jl = cluster_of(r.chunks.back().first);
    size_t c = 0;
    long received = 0;
    for (size_t j = j0; j < jl; ++j) {
      while (c < r.chunks.size() && r.chunks[c].first < start[j + 1])
        received += r.chunks[c++].second;
      ++out[j].decode_seqs;
      out[j].kv_tokens += double(r.prompt_tokens + received);
    }
  }
  // Requests between their send and their first token, per interval.
  for (const auto& r : requests) {
    if (r.chunks.empty()) continue;
    // Intervals j with t_sent < start[j+1] and first token >= start[j+1].
    size_t j = size_t(std::upper_bound(start.begin(), start.end(), r.t_sent_ns) - start.begin());
    for (; j < k_n && start[j] <= r.chunks.front().first; ++j)
      if (j >= 1) ++out[j - 1].awaiting_first_token;
  }
  // Prefill: FCFS packing into each step's budget after the decodes.
  std::vector<size_t> order;
  for (size_t i = 0; i < requests.size(); ++i)
    if (requests[i].prompt_tokens > 0 && !requests[i].chunks.empty()) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return requests[a].t_first_byte_ns < requests[b].t_first_byte_ns;
  });
  std::deque<std::pair<size_t, int>> queue;  // (request, prompt tokens left)
  size_t next = 0;
  for (size_t k = 0; k < out.size(); ++k) {
    const int64_t from = start[k];
    while (next < order.size() && requests[order[next]].t_first_byte_ns < from) {
      queue.emplace_back(order[next], requests[order[next]].prompt_tokens);
      ++next;
    }
    StepInterval& s = out[k];
    double budget = double(opt.token_budget - s.decode_seqs) * s.steps;
    while (budget > 0 && !queue.empty()) {
      auto& [i, left] = queue.front();
      const int take = int(std::min<double>(left, budget));
      const double a = requests[i].prompt_tokens - left, b = a + take;
      s.prefill_tokens += take;
      s.attn_positions += (b * b - a * a) / 2.0;
      budget -= take;
      left -= take;
      if (left == 0) queue.pop_front();
    }
  }
  return out;
}

}  // namespace l4lab::twin

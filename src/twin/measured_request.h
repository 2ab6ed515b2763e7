// One traced request of a real run, reduced to what the twin fits and checks:
// when it was sent, when each chunk of tokens arrived, its sizes. Filled at
// the edge (run_evidence.cpp) from traces.jsonl; everything in src/twin that
// fits or compares works on these plain structs.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace l4lab::twin {

struct MeasuredRequest {
  std::string request_id;
  bool measured = true;  // phase == measured (warm-up and cool-down are false)
  int64_t t_sent_ns = 0;
  int64_t t_first_byte_ns = 0;  // response headers: the engine accepted it
  int64_t t_first_token_ns = 0;
  int64_t t_end_ns = 0;
  int prompt_tokens = 0;
  int completion_tokens = 0;
  std::vector<std::pair<int64_t, int>> chunks;  // (arrival ns, tokens)
};

}  // namespace l4lab::twin

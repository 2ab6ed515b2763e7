// The request bodies serve-sim reads from any client (sim/openai_request).
// The first byte picks the endpoint.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/openai_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      (void)l4lab::sim::parse_generate_request(body, l4lab::sim::Endpoint::kChat);
      break;
    case 1:
      (void)l4lab::sim::parse_generate_request(body, l4lab::sim::Endpoint::kCompletion);
      break;
    case 2:
      (void)l4lab::sim::parse_tokenize_request(body);
      break;
    default:
      (void)l4lab::sim::parse_detokenize_request(body);
      break;
  }
  return 0;
}

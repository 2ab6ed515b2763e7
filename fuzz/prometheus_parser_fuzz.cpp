// An engine's /metrics text (telemetry/prometheus_parser).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "telemetry/prometheus_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = l4lab::telemetry::parse_prometheus(text);
  if (r) (void)l4lab::telemetry::sum_samples(*r, "vllm:num_requests_running");
  return 0;
}

// One SSE data payload decoded by client/stream_event (simdjson on-demand):
// any bytes, including invalid UTF-8 and truncated JSON.
#include <cstddef>
#include <cstdint>
#include <string>

#include "client/stream_event.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static l4lab::client::StreamEventDecoder decoder;
  std::string payload(reinterpret_cast<const char*>(data), size);
  l4lab::client::StreamEvent ev;
  std::string why;
  decoder.decode(payload, ev, why);
  return 0;
}

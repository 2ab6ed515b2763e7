// SSE framing (client/sse_parser) and each event's JSON (client/stream_event),
// as the client sees an engine's stream. The first byte picks how the rest is
// cut into reads; the events must not depend on the cut (a CRLF or a UTF-8
// sequence may be split anywhere by TCP).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/sse_parser.h"
#include "client/stream_event.h"
#include "fuzz_util.h"

namespace {

struct Collect : l4lab::client::SseParser::Sink {
  std::vector<std::string> events;
  l4lab::client::StreamEventDecoder decoder;
  bool on_event(std::string& data) override {
    events.push_back(data);
    l4lab::client::StreamEvent ev;
    std::string why;
    decoder.decode(data, ev, why);
    return true;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t step = size_t(data[0] % 17) + 1;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

  l4lab::client::SseParser whole;
  Collect a;
  const bool ok_whole = whole.feed(bytes, a);

  l4lab::client::SseParser pieces;
  Collect b;
  bool ok_pieces = true;
  for (size_t pos = 0; pos < bytes.size() && ok_pieces; pos += step)
    ok_pieces = pieces.feed(bytes.substr(pos, step), b);

  L4LAB_FUZZ_CHECK(ok_whole == ok_pieces);
  if (ok_whole) {
    L4LAB_FUZZ_CHECK(a.events == b.events);
    L4LAB_FUZZ_CHECK(whole.has_partial() == pieces.has_partial());
  }
  return 0;
}

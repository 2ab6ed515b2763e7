// traces.jsonl as written by another machine or version, or torn by a kill.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "traces/trace_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto f = l4lab::traces::parse_traces(text, "fuzz.jsonl");
  for (const auto& e : f.errors) L4LAB_FUZZ_CHECK(e.line >= 1 && !e.message.empty());
  return 0;
}

// An engine config YAML (engine/engine_config).
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/engine_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)l4lab::engine::parse_engine_config(text, "fuzz.yaml");
  return 0;
}

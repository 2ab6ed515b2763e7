// A study plan YAML (matrix/plan).
#include <cstddef>
#include <cstdint>
#include <string>

#include "matrix/plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)l4lab::matrix::parse_plan(text, "fuzz.yaml");
  return 0;
}

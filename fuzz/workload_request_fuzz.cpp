// One prompts.jsonl line (workload/workload_io). A request that parses must
// survive the writer and parse back to the same request (the file is
// byte-stable: docs/FORMATS.md).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "workload/workload_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto r = l4lab::workload::parse_workload_request(line);
  if (!r) {
    L4LAB_FUZZ_CHECK(!r.error().message().empty());
    return 0;
  }
  const std::string once = l4lab::workload::workload_request_to_json(*r);
  auto back = l4lab::workload::parse_workload_request(once);
  L4LAB_FUZZ_CHECK(back.ok());
  L4LAB_FUZZ_CHECK(l4lab::workload::workload_request_to_json(*back) == once);
  return 0;
}

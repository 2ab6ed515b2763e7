// A user's CSV corpus (workload/csv_reader, libcsv underneath).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "workload/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = l4lab::workload::parse_csv(text, "fuzz.csv");
  if (t) {
    L4LAB_FUZZ_CHECK(t->rows.size() == t->row_lines.size());
    for (const auto& row : t->rows) (void)row;
  }
  return 0;
}

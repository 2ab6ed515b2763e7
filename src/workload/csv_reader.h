// RFC 4180 CSV through libcsv (Debian libcsv-dev): quoted fields with commas,
// doubled quotes and newlines; strict, so a stray quote is an error. Fields
// keep their spaces. Every row remembers the line it starts on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace l4lab::workload {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> row_lines;  // 1-based line of each row's first byte

  // Index of a header column, or -1.
  int column(std::string_view name) const;
};

// `name` (the file path) prefixes every error: "data.csv:12: ...".
Result<CsvTable> parse_csv(std::string_view text, const std::string& name);

}  // namespace l4lab::workload

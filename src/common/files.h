// Small file helpers that return errors naming the path.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace l4lab {

Result<std::string> read_file(const std::string& path);
Status write_file(const std::string& path, std::string_view content);
// Writes to path.tmp then renames, so readers never see a half-written file.
Status write_file_atomic(const std::string& path, std::string_view content);
std::string sha256_hex(std::string_view data);
Result<std::string> sha256_file(const std::string& path);
// ISO-8601 UTC with milliseconds, e.g. 2026-11-27T22:35:33.123Z.
std::string iso8601_utc(int64_t wall_ns);

}  // namespace l4lab

// Append-only JSONL writer. Each line is written with a single write(2) and
// fsync'd on request, so a killed process leaves only whole lines behind
// (the last line is either complete or absent) and a resumed run can trust
// everything it reads back.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace l4lab {

class JsonlWriter {
 public:
  JsonlWriter() = default;
  ~JsonlWriter();
  JsonlWriter(const JsonlWriter&) = delete;
  JsonlWriter& operator=(const JsonlWriter&) = delete;

  // append=true keeps existing lines (resume); a trailing partial line left
  // by a crash is truncated away first.
  Status open(const std::string& path, bool append);
  // `line` must not contain a newline; one is added.
  Status write_line(std::string_view line);
  Status sync();
  void close();
  const std::string& path() const { return path_; }
  bool is_open() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  std::string path_;
  std::string buf_;
};

}  // namespace l4lab

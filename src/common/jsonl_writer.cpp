#include "common/jsonl_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace l4lab {

JsonlWriter::~JsonlWriter() { close(); }

Status JsonlWriter::open(const std::string& path, bool append) {
  close();
  path_ = path;
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? 0 : O_TRUNC);
  fd_ = ::open(path.c_str(), flags, 0644);
  if (fd_ < 0) return Error(path + ": cannot open for writing: " + std::strerror(errno));
  if (append) {
    // Drop a torn last line (no trailing newline) left by a killed writer.
    struct stat st {};
    if (fstat(fd_, &st) == 0 && st.st_size > 0) {
      int rfd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (rfd >= 0) {
        off_t end = st.st_size;
        off_t keep = 0;
        char buf[4096];
        off_t pos = end;
        bool found = false;
        while (pos > 0 && !found) {
          off_t n = std::min<off_t>(pos, sizeof buf);
          pos -= n;
          if (pread(rfd, buf, size_t(n), pos) != n) break;
          for (off_t i = n - 1; i >= 0; --i) {
            if (buf[i] == '\n') {
              keep = pos + i + 1;
              found = true;
              break;
            }
          }
        }
        ::close(rfd);
        if (keep != end && ftruncate(fd_, keep) != 0)
          return Error(path + ": cannot truncate torn line: " + std::strerror(errno));
      }
    }
    lseek(fd_, 0, SEEK_END);
  }
  return Status::Ok();
}

Status JsonlWriter::write_line(std::string_view line) {
  if (fd_ < 0) return Error(path_ + ": writer not open");
  buf_.assign(line);
  buf_.push_back('\n');
  const char* p = buf_.data();
  size_t left = buf_.size();
  const off_t start = lseek(fd_, 0, SEEK_CUR);
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      // A full disk (or file size limit) can take part of the line: cut it
      // off again, so the file keeps only whole lines (shrinking needs no
      // space).
      if (start >= 0 && left < buf_.size() && ftruncate(fd_, start) == 0)
        lseek(fd_, start, SEEK_SET);
      return Error(path_ + ": write failed: " + std::strerror(err));
    }
    p += n;
    left -= size_t(n);
  }
  return Status::Ok();
}

Status JsonlWriter::sync() {
  if (fd_ >= 0 && fdatasync(fd_) != 0) return Error(path_ + ": fsync failed");
  return Status::Ok();
}

void JsonlWriter::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace l4lab

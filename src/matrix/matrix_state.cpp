#include "matrix/matrix_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "matrix/slurm_plan.h"

namespace l4lab::matrix {

namespace {

// An fd holding a write lock on the whole file; closing it releases the lock.
class LockedFile {
 public:
  ~LockedFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status open(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) return Error(path + ": open: " + std::strerror(errno));
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    while (fcntl(fd_, F_SETLKW, &fl) != 0)
      if (errno != EINTR) return Error(path + ": lock: " + std::strerror(errno));
    return Status::Ok();
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

}  // namespace

Status MatrixState::open(const std::string& path) {
  path_ = path;
  last_.clear();
  tasks_.clear();
  LockedFile f;
  L4_TRY_STATUS(f.open(path));
  std::string text;
  char buf[65536];
  if (lseek(f.fd(), 0, SEEK_SET) < 0) return Error(path + ": seek: " + std::strerror(errno));
  for (;;) {
    const ssize_t n = ::read(f.fd(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error(path + ": read: " + std::strerror(errno));
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) {
      // A torn last line (a writer killed mid-write): cut it off.
      if (ftruncate(f.fd(), static_cast<off_t>(pos)) != 0)
        return Error(path + ": truncate: " + std::strerror(errno));
      break;
    }
    ++line_no;
    try {
      auto j = nlohmann::json::parse(text.substr(pos, nl - pos));
      last_[{j.at("config").get<std::string>(), j.at("trial").get<int>()}] = j.value("status", "");
      if (j.contains("slurm_task")) tasks_.insert(j["slurm_task"].get<std::string>());
    } catch (const std::exception& e) {
      return Error(path + ":" + std::to_string(line_no) + ": " + e.what());
    }
    pos = nl + 1;
  }
  return Status::Ok();
}

std::string MatrixState::status(const std::string& config, int trial) const {
  auto it = last_.find({config, trial});
  return it == last_.end() ? "" : it->second;
}

bool MatrixState::finished(const std::string& config, int trial) const {
  auto it = last_.find({config, trial});
  return it != last_.end() && !redo_status(it->second);
}

size_t MatrixState::finished_count() const {
  size_t n = 0;
  for (const auto& [k, s] : last_) n += redo_status(s) ? 0 : 1;
  return n;
}

Status MatrixState::record(const std::string& config, int trial, const std::string& status,
                           const std::string& dir, const std::string& ended_at,
                           const std::string& slurm_task) {
  nlohmann::json j = {{"config", config},
                      {"trial", trial},
                      {"status", status},
                      {"dir", dir},
                      {"ended_at", ended_at}};
  if (!slurm_task.empty()) j["slurm_task"] = slurm_task;
  const std::string line = j.dump() + "\n";
  LockedFile f;
  L4_TRY_STATUS(f.open(path_));
  const ssize_t n = ::write(f.fd(), line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size()))
    return Error(path_ + ": write: " + (n < 0 ? std::strerror(errno) : "short write"));
  if (fsync(f.fd()) != 0) return Error(path_ + ": fsync: " + std::strerror(errno));
  last_[{config, trial}] = status;
  if (!slurm_task.empty()) tasks_.insert(slurm_task);
  return Status::Ok();
}

}  // namespace l4lab::matrix

#include "common/files.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace l4lab {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(path + ": cannot open for reading: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Error(path + ": read error");
  return ss.str();
}

Status write_file(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error(path + ": cannot open for writing: " + std::strerror(errno));
  out.write(content.data(), std::streamsize(content.size()));
  out.flush();
  if (!out) return Error(path + ": write error");
  return Status::Ok();
}

Status write_file_atomic(const std::string& path, std::string_view content) {
  // A name of its own per process and host: Slurm tasks on several nodes
  // rewrite the same file (same bytes) in a shared runs folder at once.
  char host[64] = {0};
  gethostname(host, sizeof host - 1);
  std::string tmp = path + ".tmp." + host + "." + std::to_string(getpid());
  auto st = write_file(tmp, content);
  if (!st.ok()) return st;
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Error(path + ": rename failed: " + ec.message());
  return Status::Ok();
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  return out;
}

Result<std::string> sha256_file(const std::string& path) {
  auto content = read_file(path);
  if (!content.ok()) return content.error();
  return sha256_hex(*content);
}

std::string iso8601_utc(int64_t wall_ns) {
  time_t secs = time_t(wall_ns / 1'000'000'000);
  int ms = int((wall_ns / 1'000'000) % 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

}  // namespace l4lab

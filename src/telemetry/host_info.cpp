#include "telemetry/host_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "common/files.h"
#include "engine/http_client.h"

namespace l4lab::telemetry {

namespace {

std::string trim(std::string s) {
  size_t a = s.find_first_not_of(" \t\"");
  size_t b = s.find_last_not_of(" \t\"\r");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::string after_slash(const std::string& s) {
  auto p = s.rfind('/');
  return p == std::string::npos ? s : s.substr(p + 1);
}

}  // namespace

std::string cpu_model_from_cpuinfo(const std::string& cpuinfo) {
  std::istringstream in(cpuinfo);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto c = line.find(':');
      if (c != std::string::npos) return trim(line.substr(c + 1));
    }
  }
  return "";
}

CpuIdentity cpu_identity_from_cpuinfo(const std::string& cpuinfo) {
  CpuIdentity id;
  std::istringstream in(cpuinfo);
  std::string line;
  while (std::getline(in, line)) {
    const auto c = line.find(':');
    if (c == std::string::npos) {
      if (trim(line).empty() && id.family >= 0) break;  // end of the first processor
      continue;
    }
    const std::string key = trim(line.substr(0, c));
    const std::string val = trim(line.substr(c + 1));
    try {
      if (key == "cpu family")
        id.family = std::stoi(val);
      else if (key == "model")
        id.model = std::stoi(val);
      else if (key == "stepping")
        id.stepping = std::stoi(val);
      else if (key == "cpu MHz")
        id.mhz = std::stod(val);
    } catch (const std::exception&) {  // "unknown" and the like: left unreported
    }
    if (key == "flags") {
      std::istringstream fl(val);
      std::vector<std::string> have;
      for (std::string f; fl >> f;) have.push_back(f);
      for (const auto& want : kCpuFlagsOfInterest)
        if (std::find(have.begin(), have.end(), want) != have.end()) id.flags.push_back(want);
    }
  }
  return id;
}

long mem_total_mib_from_meminfo(const std::string& meminfo) {
  std::istringstream in(meminfo);
  std::string key;
  long kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemTotal:") return kb / 1024;
  return 0;
}

std::string pretty_name_from_os_release(const std::string& os_release) {
  std::istringstream in(os_release);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("PRETTY_NAME=", 0) == 0) return trim(line.substr(12));
  return "";
}

HostInfo read_host_info() {
  HostInfo h;
  if (auto t = read_file("/proc/cpuinfo"); t.ok()) {
    h.cpu = cpu_model_from_cpuinfo(*t);
    h.cpu_id = cpu_identity_from_cpuinfo(*t);
  }
  h.cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  if (auto t = read_file("/proc/meminfo"); t.ok()) h.mem_total_mib = mem_total_mib_from_meminfo(*t);
  if (auto t = read_file("/etc/os-release"); t.ok()) h.os = pretty_name_from_os_release(*t);
  utsname u{};
  if (uname(&u) == 0) {
    h.kernel = std::string(u.sysname) + " " + u.release;
    h.hostname = u.nodename;
  }
  h.cpu_probe = run_cpu_probe();
  return h;
}

std::optional<CloudInfo> read_cloud_info(double timeout_s) {
  const std::string base = "http://169.254.169.254/computeMetadata/v1/instance/";
  auto r = engine::http_get(base + "machine-type", timeout_s, {"Metadata-Flavor: Google"});
  if (!r.ok() || r->status != 200 || r->body.empty()) return std::nullopt;
  CloudInfo c;
  c.provider = "gcp";
  c.machine_type = after_slash(trim(r->body));  // projects/N/machineTypes/g2-standard-8
  auto z = engine::http_get(base + "zone", timeout_s, {"Metadata-Flavor: Google"});
  if (z.ok() && z->status == 200) c.zone = after_slash(trim(z->body));
  return c;
}

}  // namespace l4lab::telemetry

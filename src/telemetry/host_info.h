// The machine a run happened on, for run_manifest.json: host (CPU model,
// cores, memory, OS, kernel) and the cloud machine type where a metadata
// service answers (GCP, short timeout; absent otherwise).
#pragma once

#include <optional>
#include <string>

namespace l4lab::telemetry {

struct HostInfo {
  std::string cpu;
  int cores = 0;
  long mem_total_mib = 0;
  std::string os;
  std::string kernel;
  std::string hostname;
};

HostInfo read_host_info();

// Pure parsers for the /proc and /etc texts (tested on literal text).
std::string cpu_model_from_cpuinfo(const std::string& cpuinfo);
long mem_total_mib_from_meminfo(const std::string& meminfo);
std::string pretty_name_from_os_release(const std::string& os_release);

struct CloudInfo {
  std::string provider;
  std::string machine_type;
  std::string zone;
};
// GCP metadata server (169.254.169.254, header Metadata-Flavor: Google) with
// a timeout of timeout_s; nullopt when nothing answers like GCP.
std::optional<CloudInfo> read_cloud_info(double timeout_s = 0.3);

}  // namespace l4lab::telemetry

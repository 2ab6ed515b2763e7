// The machine a run happened on, for run_manifest.json: host (CPU model,
// cores, memory, OS, kernel) and the cloud machine type where a metadata
// service answers (GCP, short timeout; absent otherwise).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "telemetry/cpu_probe.h"

namespace l4lab::telemetry {

// The first processor's identity in /proc/cpuinfo. Virtual machines often
// report a generic model name; family/model/stepping still tell CPU
// generations apart (e.g. family 6 model 143 is Sapphire Rapids).
struct CpuIdentity {
  int family = -1;  // -1: not reported
  int model = -1;
  int stepping = -1;
  double mhz = 0;                  // "cpu MHz" as reported (0: absent)
  std::vector<std::string> flags;  // those of kCpuFlagsOfInterest present, in that order
};

// Instruction-set flags that mark CPU generations and matter to inference
// front-ends (tokenizers, samplers): recorded when present.
inline const std::vector<std::string> kCpuFlagsOfInterest = {
    "avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8"};

struct HostInfo {
  std::string cpu;
  CpuIdentity cpu_id;
  CpuProbe cpu_probe;  // run by read_host_info(), on its thread
  int cores = 0;
  long mem_total_mib = 0;
  std::string os;
  std::string kernel;
  std::string hostname;
};

// Reads /proc, /etc/os-release and uname, and runs the CPU probe (about
// 0.2-0.5 s): call it before an engine starts, not while one serves.
HostInfo read_host_info();

// Pure parsers for the /proc and /etc texts (tested on literal text).
std::string cpu_model_from_cpuinfo(const std::string& cpuinfo);
CpuIdentity cpu_identity_from_cpuinfo(const std::string& cpuinfo);
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

#include "telemetry/gpu_source.h"

#include <dlfcn.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace l4lab::telemetry {

const char* const kSmiQuery =
    "index,name,memory.used,memory.total,utilization.gpu,power.draw,clocks.sm,temperature.gpu";

std::string GpuSample::to_json_line() const {
  nlohmann::json j;
  j["t_ns"] = t_ns;
  j["gpu"] = gpu;
  j["name"] = name;
  auto put = [&j](const char* k, const std::optional<double>& v) {
    j[k] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  put("mem_used_mib", mem_used_mib);
  put("mem_total_mib", mem_total_mib);
  put("util_pct", util_pct);
  put("power_w", power_w);
  put("sm_clock_mhz", sm_clock_mhz);
  put("temp_c", temp_c);
  j["source"] = source;
  return j.dump();
}

Result<GpuSample> parse_smi_line(const std::string& line, int64_t t_ns) {
  std::vector<std::string> f;
  size_t start = 0;
  while (true) {
    size_t c = line.find(',', start);
    std::string part = line.substr(start, c == std::string::npos ? std::string::npos : c - start);
    size_t a = part.find_first_not_of(" \t\r");
    size_t b = part.find_last_not_of(" \t\r");
    f.push_back(a == std::string::npos ? "" : part.substr(a, b - a + 1));
    if (c == std::string::npos) break;
    start = c + 1;
  }
  if (f.size() != 8)
    return Error("nvidia-smi line has " + std::to_string(f.size()) + " fields, want 8: '" + line +
                 "'");
  auto num = [](const std::string& s) -> std::optional<double> {
    if (s.empty() || s[0] == '[') return std::nullopt;  // [N/A], [Not Supported]
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str()) return std::nullopt;
    return v;
  };
  GpuSample s;
  s.t_ns = t_ns;
  auto idx = num(f[0]);
  if (!idx) return Error("nvidia-smi line without a GPU index: '" + line + "'");
  s.gpu = static_cast<int>(*idx);
  s.name = f[1];
  s.mem_used_mib = num(f[2]);
  s.mem_total_mib = num(f[3]);
  s.util_pct = num(f[4]);
  s.power_w = num(f[5]);
  s.sm_clock_mhz = num(f[6]);
  s.temp_c = num(f[7]);
  s.source = "nvidia-smi";
  return s;
}

namespace {

// The NVML C ABI, declared here so the lab builds without NVIDIA's headers.
using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st*;
struct nvmlMemory_t {
  unsigned long long total, free, used;
};
struct nvmlMemory_v2_t {
  unsigned int version;
  unsigned long long total, reserved, free, used;
};
struct nvmlUtilization_t {
  unsigned int gpu, memory;
};
constexpr int kNvmlClockSm = 1;
constexpr int kNvmlTemperatureGpu = 0;
constexpr unsigned kNvmlMemoryV2 = sizeof(nvmlMemory_v2_t) | (2u << 24);

class NvmlSourceImpl : public GpuSource {
 public:
  ~NvmlSourceImpl() override {
    if (shutdown_) shutdown_();
    if (lib_) dlclose(lib_);
  }
  std::string name() const override { return "nvml"; }

  template <typename F>
  bool load(F& fn, const char* sym) {
    fn = reinterpret_cast<F>(dlsym(lib_, sym));
    return fn != nullptr;
  }

  Result<bool> init(void* lib, const std::string& path) {
    lib_ = lib;
    path_ = path;
    nvmlReturn_t (*init_v2)() = nullptr;
    if (!load(init_v2, "nvmlInit_v2")) return Error(path + ": no symbol nvmlInit_v2");
    load(error_string_, "nvmlErrorString");
    if (!load(count_, "nvmlDeviceGetCount_v2") || !load(handle_, "nvmlDeviceGetHandleByIndex_v2") ||
        !load(dev_name_, "nvmlDeviceGetName") || !load(mem_, "nvmlDeviceGetMemoryInfo") ||
        !load(util_, "nvmlDeviceGetUtilizationRates") || !load(power_, "nvmlDeviceGetPowerUsage") ||
        !load(clock_, "nvmlDeviceGetClockInfo") || !load(temp_, "nvmlDeviceGetTemperature"))
      return Error(path + ": missing an NVML symbol");
    load(mem_v2_, "nvmlDeviceGetMemoryInfo_v2");
    load(driver_, "nvmlSystemGetDriverVersion");
    load(uuid_, "nvmlDeviceGetUUID");
    load(cuda_, "nvmlSystemGetCudaDriverVersion");
    load(shutdown_, "nvmlShutdown");
    nvmlReturn_t rc = init_v2();
    if (rc != 0) {
      shutdown_ = nullptr;
      return Error(path + ": nvmlInit_v2 failed: " + err(rc));
    }
    unsigned n = 0;
    if ((rc = count_(&n)) != 0) return Error("nvmlDeviceGetCount_v2: " + err(rc));
    if (n == 0) return Error(path + ": NVML sees no GPU");
    for (unsigned i = 0; i < n; ++i) {
      nvmlDevice_t d = nullptr;
      if ((rc = handle_(i, &d)) != 0) return Error("nvmlDeviceGetHandleByIndex_v2: " + err(rc));
      char buf[96] = {0};
      dev_name_(d, buf, sizeof buf);
      devices_.push_back(d);
      names_.push_back(buf);
    }
    return true;
  }

  GpuInfo info() override {
    GpuInfo g;
    g.count = static_cast<int>(devices_.size());
    g.source = "nvml (" + path_ + ")";
    if (devices_.empty()) return g;
    g.name = names_[0];
    auto s = read(0, 0);
    g.mem_total_mib = s.mem_total_mib;
    char buf[96] = {0};
    if (driver_ && driver_(buf, sizeof buf) == 0) g.driver = buf;
    char ubuf[96] = {0};
    if (uuid_ && uuid_(devices_[0], ubuf, sizeof ubuf) == 0) g.uuid = ubuf;
    int cuda = 0;
    if (cuda_ && cuda_(&cuda) == 0)
      g.cuda = std::to_string(cuda / 1000) + "." + std::to_string((cuda % 1000) / 10);
    return g;
  }

  Result<std::vector<GpuSample>> sample() override {
    std::vector<GpuSample> out;
    for (size_t i = 0; i < devices_.size(); ++i) out.push_back(read(i, mono_ns()));
    return out;
  }

 private:
  std::string err(nvmlReturn_t rc) const {
    return error_string_ ? std::string(error_string_(rc)) : "NVML error " + std::to_string(rc);
  }

  GpuSample read(size_t i, int64_t t) {
    GpuSample s;
    s.t_ns = t;
    s.gpu = static_cast<int>(i);
    s.name = names_[i];
    s.source = "nvml";
    nvmlDevice_t d = devices_[i];
    constexpr double kMiB = 1024.0 * 1024.0;
    // v2 "used" excludes memory the driver reserves, as nvidia-smi reports it.
    nvmlMemory_v2_t m2{};
    m2.version = kNvmlMemoryV2;
    nvmlMemory_t m{};
    if (mem_v2_ && mem_v2_(d, &m2) == 0) {
      s.mem_used_mib = m2.used / kMiB;
      s.mem_total_mib = m2.total / kMiB;
    } else if (mem_(d, &m) == 0) {
      s.mem_used_mib = m.used / kMiB;
      s.mem_total_mib = m.total / kMiB;
    }
    nvmlUtilization_t u{};
    if (util_(d, &u) == 0) s.util_pct = u.gpu;
    unsigned v = 0;
    if (power_(d, &v) == 0) s.power_w = v / 1000.0;
    if (clock_(d, kNvmlClockSm, &v) == 0) s.sm_clock_mhz = v;
    if (temp_(d, kNvmlTemperatureGpu, &v) == 0) s.temp_c = v;
    return s;
  }

  void* lib_ = nullptr;
  std::string path_;
  std::vector<nvmlDevice_t> devices_;
  std::vector<std::string> names_;
  const char* (*error_string_)(nvmlReturn_t) = nullptr;
  nvmlReturn_t (*count_)(unsigned*) = nullptr;
  nvmlReturn_t (*handle_)(unsigned, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*dev_name_)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*mem_)(nvmlDevice_t, nvmlMemory_t*) = nullptr;
  nvmlReturn_t (*mem_v2_)(nvmlDevice_t, nvmlMemory_v2_t*) = nullptr;
  nvmlReturn_t (*util_)(nvmlDevice_t, nvmlUtilization_t*) = nullptr;
  nvmlReturn_t (*power_)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlReturn_t (*clock_)(nvmlDevice_t, int, unsigned*) = nullptr;
  nvmlReturn_t (*temp_)(nvmlDevice_t, int, unsigned*) = nullptr;
  nvmlReturn_t (*driver_)(char*, unsigned) = nullptr;
  nvmlReturn_t (*uuid_)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*cuda_)(int*) = nullptr;
  nvmlReturn_t (*shutdown_)() = nullptr;
};

class SyntheticSource : public GpuSource {
 public:
  std::string name() const override { return "synthetic"; }
  GpuInfo info() override { return {1, "synthetic (no GPU)", 24576.0, "", "", "synthetic", ""}; }
  Result<std::vector<GpuSample>> sample() override {
    GpuSample s;
    s.t_ns = mono_ns();
    s.name = "synthetic (no GPU)";
    s.mem_used_mib = 1000;
    s.mem_total_mib = 24576;
    s.util_pct = 0;
    s.power_w = 0;
    s.sm_clock_mhz = 0;
    s.temp_c = 0;
    s.source = "synthetic";
    return std::vector<GpuSample>{s};
  }
};

}  // namespace

Result<std::unique_ptr<GpuSource>> open_nvml() {
  std::string tried;
  for (const char* path : {"libnvidia-ml.so.1", "/usr/local/nvidia/lib64/libnvidia-ml.so.1",
                           "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1"}) {
    void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* e = dlerror();
      tried += std::string(tried.empty() ? "" : "; ") + (e ? e : path);
      continue;
    }
    auto src = std::make_unique<NvmlSourceImpl>();
    auto ok = src->init(lib, path);
    if (!ok.ok()) {
      tried += std::string(tried.empty() ? "" : "; ") + ok.error().message();
      continue;  // src's destructor dlcloses
    }
    return std::unique_ptr<GpuSource>(std::move(src));
  }
  return Error("NVML unavailable: " + tried);
}

std::unique_ptr<GpuSource> make_synthetic_source() { return std::make_unique<SyntheticSource>(); }

}  // namespace l4lab::telemetry

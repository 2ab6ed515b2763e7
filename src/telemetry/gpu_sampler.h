// Samples every GPU at a fixed rate on its own thread and appends the
// samples to gpu_samples.jsonl, stamped with mono_ns() like the traces.
// Source choice ("auto"): NVML, else `nvidia-smi -lms`, else none, in which
// case the file stays empty and reason() says why ("no GPU").
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/jsonl_writer.h"
#include "common/result.h"
#include "telemetry/gpu_source.h"

namespace l4lab::telemetry {

struct GpuSamplerStats {
  std::string source;  // nvml | nvidia-smi | synthetic | none
  std::string reason;  // why none / why a fallback was used
  long samples = 0;    // lines written (one per GPU per tick)
  long ticks = 0;
  long errors = 0;
  double wall_s = 0;
  double thread_cpu_s = 0;  // CPU time of the sampling thread (and nvidia-smi's is not counted)
};

class GpuSampler {
 public:
  GpuSampler() = default;
  ~GpuSampler();
  // source: auto | nvml | nvidia-smi | synthetic | none
  static GpuInfo probe_info(const std::string& source, std::string* reason);
  Status start(const std::string& out_path, double hz, const std::string& source);
  GpuSamplerStats stop();
  const GpuInfo& info() const { return info_; }

 private:
  void run_source();
  void run_smi();
  bool wait_tick(int64_t deadline_ns);

  std::unique_ptr<GpuSource> src_;
  GpuInfo info_;
  JsonlWriter out_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  double hz_ = 10;
  int smi_pgid_ = -1;
  int smi_fd_ = -1;
  GpuSamplerStats stats_;
  int64_t t0_ = 0;
};

// `nvidia-smi` for manifests when NVML is absent: name, memory, driver, CUDA.
Result<GpuInfo> smi_info();

}  // namespace l4lab::telemetry

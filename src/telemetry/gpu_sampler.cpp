#include "telemetry/gpu_sampler.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

#include "common/clock.h"
#include "engine/child_process.h"
#include "engine/process_registry.h"

namespace l4lab::telemetry {

namespace {

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

}  // namespace

Result<GpuInfo> smi_info() {
  auto r = engine::run_capture({"nvidia-smi", "--query-gpu=name,memory.total,driver_version",
                                "--format=csv,noheader,nounits"},
                               10);
  if (!r.ok()) return r.error();
  if (!r->status.success()) return Error("nvidia-smi: " + r->status.describe() + ": " + r->output);
  GpuInfo g;
  g.source = "nvidia-smi";
  std::string first = r->output.substr(0, r->output.find('\n'));
  for (char c : r->output) g.count += c == '\n';
  auto c1 = first.find(','), c2 = first.rfind(',');
  if (c1 == std::string::npos || c1 == c2) return Error("nvidia-smi: unexpected '" + first + "'");
  g.name = first.substr(0, c1);
  g.mem_total_mib = std::strtod(first.substr(c1 + 1, c2 - c1 - 1).c_str(), nullptr);
  g.driver = first.substr(c2 + 2);
  auto hdr = engine::run_capture({"nvidia-smi"}, 10);
  if (hdr.ok()) {
    auto p = hdr->output.find("CUDA Version:");
    if (p != std::string::npos) {
      auto s = hdr->output.substr(p + 13);
      size_t a = s.find_first_not_of(' ');
      size_t b = s.find_first_of(" |\n", a);
      g.cuda = s.substr(a, b - a);
    }
  }
  return g;
}

GpuInfo GpuSampler::probe_info(const std::string& source, std::string* reason) {
  if (source == "synthetic") return make_synthetic_source()->info();
  if (source == "auto" || source == "nvml") {
    auto n = open_nvml();
    if (n.ok()) return (*n)->info();
    if (reason) *reason = n.error().message();
    if (source == "nvml") return {};
  }
  if (source == "auto" || source == "nvidia-smi") {
    auto s = smi_info();
    if (s.ok()) return *s;
    if (reason) *reason += (reason->empty() ? "" : "; ") + s.error().message();
  }
  return {};
}

GpuSampler::~GpuSampler() {
  if (thread_.joinable()) stop();
}

Status GpuSampler::start(const std::string& out_path, double hz, const std::string& source) {
  hz_ = hz > 0 ? hz : 10;
  L4_TRY_STATUS(out_.open(out_path, false));
  std::string why;
  if (source == "synthetic") {
    src_ = make_synthetic_source();
  } else if (source == "auto" || source == "nvml") {
    auto n = open_nvml();
    if (n.ok())
      src_ = std::move(*n);
    else
      why = n.error().message();
  }
  t0_ = mono_ns();
  if (src_) {
    info_ = src_->info();
    stats_.source = src_->name();
    thread_ = std::thread([this] { run_source(); });
    return Status::Ok();
  }
  if (source == "auto" || source == "nvidia-smi") {
    auto info = smi_info();
    if (info.ok()) {
      int fds[2];
      if (pipe2(fds, O_CLOEXEC) != 0) return Error("pipe2 failed for nvidia-smi");
      const int period_ms = static_cast<int>(1000.0 / hz_);
      auto child = engine::ChildProcess::spawn(
          {.argv = {"nvidia-smi", std::string("--query-gpu=") + kSmiQuery,
                    "--format=csv,noheader,nounits", "-lms", std::to_string(period_ms)},
           .stdout_fd = fds[1]});
      close(fds[1]);
      if (child.ok()) {
        info_ = *info;
        stats_.source = "nvidia-smi";
        stats_.reason = why;
        smi_fd_ = fds[0];
        smi_pgid_ = child->pgid();
        // The ChildProcess object is released: the sampler stops the group by id.
        thread_ =
            std::thread([this, c = std::make_shared<engine::ChildProcess>(std::move(*child))] {
              run_smi();
              c->stop_group(2);
            });
        return Status::Ok();
      }
      close(fds[0]);
      why += "; nvidia-smi: " + child.error().message();
    } else {
      why += (why.empty() ? "" : "; ") + info.error().message();
    }
  }
  stats_.source = "none";
  stats_.reason = "no GPU: " + (why.empty() ? "source " + source : why);
  return Status::Ok();
}

bool GpuSampler::wait_tick(int64_t deadline_ns) {
  std::unique_lock<std::mutex> lock(mu_);
  const auto until = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(deadline_ns));
  return !cv_.wait_until(lock, until, [this] { return stop_; });
}

void GpuSampler::run_source() {
  // Absolute deadlines on the monotonic clock: a slow read delays one sample,
  // never the whole series (no drift). steady_clock is CLOCK_MONOTONIC here.
  const int64_t period = static_cast<int64_t>(1e9 / hz_);
  int64_t next = mono_ns();
  do {
    auto s = src_->sample();
    ++stats_.ticks;
    if (!s.ok()) {
      ++stats_.errors;
    } else {
      for (const auto& x : *s) {
        if (out_.write_line(x.to_json_line()).ok())
          ++stats_.samples;
        else
          ++stats_.errors;
      }
    }
    next += period;
    const int64_t now = mono_ns();
    if (next < now) next = now;  // fell behind: skip, don't burst
  } while (wait_tick(next));
  stats_.thread_cpu_s = thread_cpu_s();
}

void GpuSampler::run_smi() {
  std::string buf;
  char chunk[4096];
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) break;
    }
    pollfd p{smi_fd_, POLLIN, 0};
    int r = ::poll(&p, 1, 100);
    if (r <= 0) continue;
    ssize_t n = read(smi_fd_, chunk, sizeof chunk);
    if (n <= 0) break;  // nvidia-smi exited
    const int64_t t = mono_ns();
    buf.append(chunk, static_cast<size_t>(n));
    size_t nl;
    while ((nl = buf.find('\n')) != std::string::npos) {
      std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      if (line.empty()) continue;
      auto s = parse_smi_line(line, t);
      if (s.ok() && out_.write_line(s->to_json_line()).ok()) {
        ++stats_.samples;
        if (s->gpu == 0) ++stats_.ticks;
      } else {
        ++stats_.errors;
      }
    }
  }
  close(smi_fd_);
  smi_fd_ = -1;
  stats_.thread_cpu_s = thread_cpu_s();
}

GpuSamplerStats GpuSampler::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  stats_.wall_s = (mono_ns() - t0_) * 1e-9;
  out_.close();
  return stats_;
}

}  // namespace l4lab::telemetry

#include "twin/profile_transfer.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace l4lab::twin {

TransferredProfile transfer_profile(const sim::SimProfile& calibrated,
                                    const sim::HardwareShape& target) {
  TransferredProfile out;
  sim::SimProfile p = calibrated;
  const sim::HardwareShape& from = calibrated.hardware;
  p.hardware.name = target.name;
  p.hardware.memory_gib = target.memory_gib;
  p.hardware.memory_bandwidth_gbps = target.memory_bandwidth_gbps;
  p.hardware.tensor_tflops_bf16 = target.tensor_tflops_bf16;
  p.hardware.tensor_tflops_fp8 = target.tensor_tflops_fp8;
  p.hardware.pcie_gbps = target.pcie_gbps;
  if (p.costs.attn_ms_per_token_pos && target.tensor_tflops_bf16 > 0)
    *p.costs.attn_ms_per_token_pos *= from.tensor_tflops_bf16 / target.tensor_tflops_bf16;
  p.name = calibrated.name + "-to-" + target.name;
  for (auto& c : p.name)
    if (c == ' ') c = '-';
  p.approximates = fmt::format("{} carried from {} to {} by published figures (PREDICTED)",
                               calibrated.approximates, from.name, target.name);
  p.calibration.validation_error.clear();
  p.calibration.validation_error_by_config.clear();
  p.calibration.validation_note = fmt::format("transferred from {} to {}: not validated on {}",
                                              from.name, target.name, target.name);
  auto& a = out.assumptions;
  a.push_back(
      fmt::format("memory bandwidth reaches {:.3f} of the datasheet {} GB/s as on {} ({} GB/s)",
                  p.hardware.bandwidth_efficiency, target.memory_bandwidth_gbps, from.name,
                  from.memory_bandwidth_gbps));
  a.push_back(fmt::format("BF16 GEMMs reach {:.3f} of the datasheet {} TFLOPS as on {}",
                          p.hardware.compute_efficiency, target.tensor_tflops_bf16, from.name));
  if (p.hardware.compute_efficiency_fp8)
    a.push_back(fmt::format("FP8 GEMMs reach {:.3f} of the datasheet {} TFLOPS as on {}",
                            *p.hardware.compute_efficiency_fp8, target.tensor_tflops_fp8,
                            from.name));
  a.push_back(fmt::format(
      "the fixed costs stay as measured on {}: {:.3f} ms per step, {:.4f} ms per sequence, "
      "{:.2f} ms per request{}{}{}",
      from.name, p.overheads.step_ms, p.overheads.per_seq_ms, p.overheads.request_ms,
      p.overheads.request_per_inflight_ms != 0
          ? fmt::format(" (+ {:.3f} ms per request already in the engine)",
                        p.overheads.request_per_inflight_ms)
          : std::string(),
      p.overheads.fp8_weights_step_ms != 0
          ? fmt::format(", {:.3f} ms per fp8 step", p.overheads.fp8_weights_step_ms)
          : std::string(),
      p.calibration.eager_config.empty()
          ? std::string()
          : fmt::format(", {:.3f} ms per eager step", p.overheads.eager_extra_ms)));
  a.push_back(fmt::format("attention time scales with BF16 tensor throughput ({} -> {} TFLOPS)",
                          from.tensor_tflops_bf16, target.tensor_tflops_bf16));
  a.push_back(fmt::format("{:.2f} GiB of activations and graphs outside the KV cache, as on {}",
                          p.hardware.activation_reserve_gib, from.name));
  // The calibration section as written travels with the profile: drop its
  // held-out errors (they were measured on the other GPU) and say what was
  // done, so a written and re-read transferred profile stays "not validated".
  if (p.calibration.present) {
    YAML::Node c = YAML::Load(p.calibration.yaml);
    if (!c.IsMap()) c = YAML::Node(YAML::NodeType::Map);
    c.remove("validation");
    c["validation"]["note"] = p.calibration.validation_note;
    YAML::Node t;
    t["from_profile"] = calibrated.name;
    t["from_gpu"] = from.name;
    t["to_gpu"] = target.name;
    for (const auto& s : a) t["assumptions"].push_back(s);
    c["transfer"] = t;
    YAML::Emitter em;
    em << c;
    p.calibration.yaml = em.c_str();
  }
  out.profile = std::move(p);
  return out;
}

}  // namespace l4lab::twin

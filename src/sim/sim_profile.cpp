#include "sim/sim_profile.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "common/files.h"

namespace l4lab::sim {

namespace {

// Reads `key` of map `node` into `out` when present; names file, line and field on error.
template <typename T>
Status read_field(const YAML::Node& node, const char* key, T& out, const std::string& where) {
  const YAML::Node v = node[key];
  if (!v || v.IsNull()) return Status::Ok();
  try {
    out = v.as<T>();
  } catch (const YAML::Exception&) {
    return Error(where + ":" + std::to_string(v.Mark().line + 1) + ": field '" + key +
                 "' has the wrong type");
  }
  return Status::Ok();
}

Status check_keys(const YAML::Node& node, std::initializer_list<const char*> known,
                  const std::string& where, const std::string& section) {
  if (!node) return Status::Ok();
  if (!node.IsMap()) return Error(where + ": '" + section + "' must be a map");
  std::set<std::string> k(known.begin(), known.end());
  for (const auto& kv : node) {
    auto name = kv.first.as<std::string>();
    if (!k.count(name))
      return Error(where + ":" + std::to_string(kv.first.Mark().line + 1) + ": unknown field '" +
                   (section.empty() ? name : section + "." + name) + "'");
  }
  return Status::Ok();
}

#define L4_FIELD(node, key, out, where) L4_TRY_STATUS(read_field(node, key, out, where))

// An optional number: set (to the value, or 0 when it is null) whenever the
// key is there.
template <typename T>
Status read_optional(const YAML::Node& node, const char* key, std::optional<T>& out,
                     const std::string& where) {
  if (!node[key]) return Status::Ok();
  T v = 0;
  L4_FIELD(node, key, v, where);
  out = v;
  return Status::Ok();
}

// name, approximates, mode and step_model (the top level's scalars).
Status parse_top(const YAML::Node& root, SimProfile& p, const std::string& where) {
  L4_FIELD(root, "name", p.name, where);
  L4_FIELD(root, "approximates", p.approximates, where);
  std::string mode = "modelled";
  L4_FIELD(root, "mode", mode, where);
  if (mode == "exact") {
    p.mode = SimMode::kExact;
  } else if (mode == "queue") {
    p.mode = SimMode::kQueue;
  } else if (mode != "modelled") {
    return Error(where + ": mode must be 'modelled', 'exact' or 'queue', not '" + mode + "'");
  }
  std::string step_model = "roofline";
  L4_FIELD(root, "step_model", step_model, where);
  if (step_model == "additive") {
    p.step_model = StepModel::kAdditive;
  } else if (step_model != "roofline") {
    return Error(where + ": step_model must be 'roofline' or 'additive', not '" + step_model + "'");
  }
  return Status::Ok();
}

Status parse_model(const YAML::Node& m, ModelShape& model, const std::string& where) {
  L4_TRY_STATUS(
      check_keys(m, {"params", "layers", "hidden_size", "kv_heads", "head_dim", "dtype_bytes"},
                 where, "model"));
  L4_FIELD(m, "params", model.params, where);
  L4_FIELD(m, "layers", model.layers, where);
  L4_FIELD(m, "hidden_size", model.hidden_size, where);
  L4_FIELD(m, "kv_heads", model.kv_heads, where);
  L4_FIELD(m, "head_dim", model.head_dim, where);
  L4_FIELD(m, "dtype_bytes", model.dtype_bytes, where);
  return Status::Ok();
}

Status parse_hardware(const YAML::Node& h, HardwareShape& hw, const std::string& where) {
  L4_TRY_STATUS(check_keys(h,
                           {"name", "memory_gib", "memory_bandwidth_gbps", "bandwidth_efficiency",
                            "tensor_tflops_bf16", "tensor_tflops_fp8", "compute_efficiency",
                            "compute_efficiency_fp8", "activation_reserve_gib", "pcie_gbps"},
                           where, "hardware"));
  L4_FIELD(h, "name", hw.name, where);
  L4_FIELD(h, "memory_gib", hw.memory_gib, where);
  L4_FIELD(h, "memory_bandwidth_gbps", hw.memory_bandwidth_gbps, where);
  L4_FIELD(h, "bandwidth_efficiency", hw.bandwidth_efficiency, where);
  L4_FIELD(h, "tensor_tflops_bf16", hw.tensor_tflops_bf16, where);
  L4_FIELD(h, "tensor_tflops_fp8", hw.tensor_tflops_fp8, where);
  L4_FIELD(h, "compute_efficiency", hw.compute_efficiency, where);
  L4_TRY_STATUS(read_optional(h, "compute_efficiency_fp8", hw.compute_efficiency_fp8, where));
  L4_FIELD(h, "activation_reserve_gib", hw.activation_reserve_gib, where);
  L4_FIELD(h, "pcie_gbps", hw.pcie_gbps, where);
  return Status::Ok();
}

// speculative_config: a YAML map becomes JSON text, the form vLLM's flag
// takes; a string is taken as it is.
Status parse_speculative_config(const YAML::Node& e, std::string& out, const std::string& where) {
  const YAML::Node sc = e["speculative_config"];
  if (!sc || !sc.IsMap()) return read_field(e, "speculative_config", out, where);
  nlohmann::json j = nlohmann::json::object();
  for (const auto& kv : sc) {
    const auto s = kv.second.as<std::string>();
    try {
      j[kv.first.as<std::string>()] = nlohmann::json::parse(s);
    } catch (const nlohmann::json::exception&) {
      j[kv.first.as<std::string>()] = s;
    }
  }
  out = j.dump();
  return Status::Ok();
}

Status parse_engine(const YAML::Node& e, EngineArgs& engine, const std::string& where) {
  L4_TRY_STATUS(check_keys(
      e,
      {"max_model_len", "gpu_memory_utilization", "max_num_seqs", "max_num_batched_tokens",
       "enable_chunked_prefill", "enforce_eager", "kv_cache_dtype", "quantization",
       "speculative_config", "cpu_offload_gb", "block_size", "preemption"},
      where, "engine"));
  L4_FIELD(e, "max_model_len", engine.max_model_len, where);
  L4_FIELD(e, "gpu_memory_utilization", engine.gpu_memory_utilization, where);
  L4_FIELD(e, "max_num_seqs", engine.max_num_seqs, where);
  L4_FIELD(e, "max_num_batched_tokens", engine.max_num_batched_tokens, where);
  L4_FIELD(e, "enable_chunked_prefill", engine.enable_chunked_prefill, where);
  L4_FIELD(e, "enforce_eager", engine.enforce_eager, where);
  L4_FIELD(e, "kv_cache_dtype", engine.kv_cache_dtype, where);
  L4_FIELD(e, "quantization", engine.quantization, where);
  L4_TRY_STATUS(parse_speculative_config(e, engine.speculative_config, where));
  L4_FIELD(e, "cpu_offload_gb", engine.cpu_offload_gb, where);
  L4_FIELD(e, "block_size", engine.block_size, where);
  L4_FIELD(e, "preemption", engine.preemption, where);
  return Status::Ok();
}

// overheads, exact, queue, costs, speculation and output: flat sections of
// numbers.
Status parse_numbers(const YAML::Node& root, SimProfile& p, const std::string& where) {
  if (auto o = root["overheads"]) {
    L4_TRY_STATUS(check_keys(o,
                             {"step_ms", "eager_extra_ms", "per_seq_ms", "request_ms",
                              "request_per_inflight_ms", "fp8_weights_step_ms"},
                             where, "overheads"));
    L4_FIELD(o, "fp8_weights_step_ms", p.overheads.fp8_weights_step_ms, where);
    L4_FIELD(o, "step_ms", p.overheads.step_ms, where);
    L4_FIELD(o, "request_ms", p.overheads.request_ms, where);
    L4_FIELD(o, "request_per_inflight_ms", p.overheads.request_per_inflight_ms, where);
    L4_FIELD(o, "eager_extra_ms", p.overheads.eager_extra_ms, where);
    L4_FIELD(o, "per_seq_ms", p.overheads.per_seq_ms, where);
  }
  if (auto x = root["exact"]) {
    L4_TRY_STATUS(check_keys(x, {"ttft_ms", "itl_ms"}, where, "exact"));
    L4_FIELD(x, "ttft_ms", p.exact.ttft_ms, where);
    L4_FIELD(x, "itl_ms", p.exact.itl_ms, where);
  }
  if (auto q = root["queue"]) {
    L4_TRY_STATUS(check_keys(q, {"slots", "service_mean_ms", "ttft_ms", "itl_ms"}, where, "queue"));
    L4_FIELD(q, "slots", p.queue.slots, where);
    L4_FIELD(q, "service_mean_ms", p.queue.service_mean_ms, where);
    L4_FIELD(q, "ttft_ms", p.queue.ttft_ms, where);
    L4_FIELD(q, "itl_ms", p.queue.itl_ms, where);
  }
  if (auto c = root["costs"]) {
    L4_TRY_STATUS(check_keys(
        c,
        {"kv_capacity_tokens", "prefill_ms_per_token", "decode_base_ms", "attn_ms_per_token_pos"},
        where, "costs"));
    L4_TRY_STATUS(read_optional(c, "attn_ms_per_token_pos", p.costs.attn_ms_per_token_pos, where));
    L4_TRY_STATUS(read_optional(c, "kv_capacity_tokens", p.costs.kv_capacity_tokens, where));
    L4_TRY_STATUS(read_optional(c, "prefill_ms_per_token", p.costs.prefill_ms_per_token, where));
    L4_TRY_STATUS(read_optional(c, "decode_base_ms", p.costs.decode_base_ms, where));
  }
  if (auto s = root["speculation"]) {
    L4_TRY_STATUS(check_keys(s, {"ngram_mean_accepted_tokens"}, where, "speculation"));
    L4_FIELD(s, "ngram_mean_accepted_tokens", p.ngram_mean_accepted_tokens, where);
  }
  if (auto o = root["output"]) {
    L4_TRY_STATUS(check_keys(o, {"eos_probability"}, where, "output"));
    L4_FIELD(o, "eos_probability", p.eos_probability, where);
  }
  return Status::Ok();
}

// metric -> relative error, in the file's order.
Status read_errors(const YAML::Node& e, const std::string& what, CalibrationInfo::Errors& out,
                   const std::string& where) {
  if (!e.IsMap())
    return Error(where + ":" + std::to_string(e.Mark().line + 1) + ": '" + what +
                 "' must be a map");
  for (const auto& kv : e) {
    double x = 0;
    L4_FIELD(e, kv.first.as<std::string>().c_str(), x, where);
    out.emplace_back(kv.first.as<std::string>(), x);
  }
  return Status::Ok();
}

// The calibration section (l4lab calibrate): kept whole as YAML, with the
// fields serve-sim and predict read.
Status parse_calibration(const YAML::Node& c, CalibrationInfo& cal, const std::string& where) {
  if (!c.IsMap()) return Error(where + ": 'calibration' must be a map");
  cal.present = true;
  YAML::Emitter em;
  em << c;
  cal.yaml = em.c_str();
  L4_FIELD(c, "fitted_config", cal.fitted_config, where);
  L4_FIELD(c, "client_gap_ms", cal.client_gap_ms, where);
  L4_FIELD(c, "eager_config", cal.eager_config, where);
  const YAML::Node v = c["validation"];
  if (!v) return Status::Ok();
  if (!v.IsMap()) return Error(where + ": 'calibration.validation' must be a map");
  L4_FIELD(v, "note", cal.validation_note, where);
  if (auto e = v["relative_error"])
    L4_TRY_STATUS(
        read_errors(e, "calibration.validation.relative_error", cal.validation_error, where));
  if (auto b = v["relative_error_by_config"]) {
    if (!b.IsMap())
      return Error(where + ": 'calibration.validation.relative_error_by_config' must be a map");
    for (const auto& kv : b) {
      cal.validation_error_by_config.emplace_back(kv.first.as<std::string>(),
                                                  CalibrationInfo::Errors{});
      L4_TRY_STATUS(read_errors(kv.second, "relative_error_by_config",
                                cal.validation_error_by_config.back().second, where));
    }
  }
  return Status::Ok();
}

Status parse_faults(const YAML::Node& f, std::vector<FaultRule>& faults, const std::string& where) {
  if (!f.IsSequence()) return Error(where + ": 'faults' must be a list");
  for (const auto& item : f) {
    std::string at = where + ":" + std::to_string(item.Mark().line + 1);
    L4_TRY_STATUS(check_keys(item, {"kind", "rate"}, where, "faults[]"));
    std::string kind;
    double rate = 0;
    L4_FIELD(item, "kind", kind, where);
    L4_FIELD(item, "rate", rate, where);
    auto fault = parse_fault(kind);
    if (!fault) return fault.error().context(at);
    if (rate < 0 || rate > 1) return Error(at + ": fault rate must be in [0, 1]");
    faults.push_back({*fault, rate});
  }
  return Status::Ok();
}

}  // namespace

Result<SimProfile> parse_sim_profile(const std::string& yaml_text, const std::string& where) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Error(where + ": " + e.what());
  }
  if (!root.IsMap()) return Error(where + ": a profile is a YAML map");
  SimProfile p;
  p.source_path = where;
  L4_TRY_STATUS(check_keys(
      root,
      {"schema", "name", "approximates", "mode", "model", "hardware", "engine", "overheads",
       "exact", "queue", "costs", "speculation", "output", "faults", "calibration", "step_model"},
      where, ""));
  L4_TRY_STATUS(parse_top(root, p, where));
  if (auto m = root["model"]) L4_TRY_STATUS(parse_model(m, p.model, where));
  if (auto h = root["hardware"]) L4_TRY_STATUS(parse_hardware(h, p.hardware, where));
  if (auto e = root["engine"]) L4_TRY_STATUS(parse_engine(e, p.engine, where));
  L4_TRY_STATUS(parse_numbers(root, p, where));
  if (auto c = root["calibration"]) L4_TRY_STATUS(parse_calibration(c, p.calibration, where));
  if (auto f = root["faults"]) L4_TRY_STATUS(parse_faults(f, p.faults, where));
  return p;
}

Result<SimProfile> load_sim_profile(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_sim_profile(*text, path);
}

Status validate_profile(const SimProfile& p) {
  const auto& e = p.engine;
  if (e.max_model_len <= 0) return Error("max_model_len must be > 0");
  if (e.max_num_seqs <= 0) return Error("max_num_seqs must be > 0");
  if (e.max_num_batched_tokens <= 0) return Error("max_num_batched_tokens must be > 0");
  if (e.block_size <= 0) return Error("block_size must be > 0");
  if (!e.enable_chunked_prefill && e.max_num_batched_tokens < e.max_model_len)
    return Error("max_num_batched_tokens (" + std::to_string(e.max_num_batched_tokens) +
                 ") is smaller than max_model_len (" + std::to_string(e.max_model_len) +
                 "). This effectively limits the maximum sequence length to "
                 "max_num_batched_tokens and makes vLLM reject longer sequences. Please increase "
                 "max_num_batched_tokens or decrease max_model_len.");
  if (e.gpu_memory_utilization <= 0 || e.gpu_memory_utilization > 1)
    return Error("gpu_memory_utilization must be in (0, 1]");
  if (e.kv_cache_dtype != "auto" && e.kv_cache_dtype != "fp8" && e.kv_cache_dtype != "fp8_e4m3" &&
      e.kv_cache_dtype != "fp8_e5m2")
    return Error("kv_cache_dtype must be auto, fp8, fp8_e4m3 or fp8_e5m2, not '" +
                 e.kv_cache_dtype + "'");
  if (!e.quantization.empty() && e.quantization != "fp8")
    return Error("quantization: serve-sim models only 'fp8', not '" + e.quantization + "'");
  if (p.mode == SimMode::kExact && (p.exact.ttft_ms < 0 || p.exact.itl_ms < 0))
    return Error("exact.ttft_ms and exact.itl_ms must be >= 0");
  if (p.mode == SimMode::kQueue && (p.queue.slots < 1 || !(p.queue.service_mean_ms > 0) ||
                                    p.queue.ttft_ms < 0 || p.queue.itl_ms < 0))
    return Error(
        "queue.slots must be >= 1, queue.service_mean_ms > 0, queue.ttft_ms and "
        "queue.itl_ms >= 0");
  auto d = derive_costs(p);
  if (!d) return d.error();
  if (p.mode == SimMode::kModelled && d->kv_capacity_tokens < e.max_model_len)
    return Error("the modelled KV cache holds " + std::to_string(d->kv_capacity_tokens) +
                 " tokens, less than max_model_len " + std::to_string(e.max_model_len) +
                 " (vLLM refuses to start in this case)");
  return Status::Ok();
}

Result<DerivedCosts> derive_costs(const SimProfile& p) {
  DerivedCosts d;
  const auto& m = p.model;
  const auto& h = p.hardware;
  const auto& e = p.engine;
  const bool fp8_weights = e.quantization == "fp8";
  const bool fp8_kv = e.kv_cache_dtype != "auto";
  const double gib = 1024.0 * 1024 * 1024;
  const double weight_bytes = m.params * (fp8_weights ? 1.0 : m.dtype_bytes);
  const double offload_bytes = std::min(weight_bytes, e.cpu_offload_gb * gib);
  d.weight_bytes_on_gpu = weight_bytes - offload_bytes;
  d.kv_bytes_per_token = 2.0 * m.layers * m.kv_heads * m.head_dim * (fp8_kv ? 1.0 : m.dtype_bytes);
  const double bw = h.memory_bandwidth_gbps * 1e9 * h.bandwidth_efficiency;  // bytes/s
  const double flops = fp8_weights ? h.tensor_tflops_fp8 * 1e12 *
                                         h.compute_efficiency_fp8.value_or(h.compute_efficiency)
                                   : h.tensor_tflops_bf16 * 1e12 * h.compute_efficiency;
  const double free_bytes = h.memory_gib * gib * e.gpu_memory_utilization - d.weight_bytes_on_gpu -
                            h.activation_reserve_gib * gib;
  d.kv_capacity_tokens = p.costs.kv_capacity_tokens
                             ? *p.costs.kv_capacity_tokens
                             : long(std::max(0.0, free_bytes / d.kv_bytes_per_token)) /
                                   std::max(1, e.block_size) * std::max(1, e.block_size);
  // Offloaded weights cross PCIe every step (vLLM's --cpu-offload-gb).
  d.decode_base_ms = p.costs.decode_base_ms ? *p.costs.decode_base_ms
                                            : 1e3 * d.weight_bytes_on_gpu / bw +
                                                  1e3 * offload_bytes / (h.pcie_gbps * 1e9);
  d.kv_read_ms_per_token = 1e3 * d.kv_bytes_per_token / bw;
  d.compute_ms_per_token =
      p.costs.prefill_ms_per_token ? *p.costs.prefill_ms_per_token : 1e3 * 2.0 * m.params / flops;
  // QK^T and PV: 2 matmuls x 2 FLOPs x hidden per layer per earlier position.
  d.attn_ms_per_token_pos = p.costs.attn_ms_per_token_pos
                                ? *p.costs.attn_ms_per_token_pos
                                : 1e3 * 4.0 * m.layers * m.hidden_size / flops;
  d.step_overhead_ms = p.overheads.step_ms + (e.enforce_eager ? p.overheads.eager_extra_ms : 0) +
                       (fp8_weights ? p.overheads.fp8_weights_step_ms : 0);
  d.per_seq_ms = p.overheads.per_seq_ms;
  d.request_overhead_ms = p.overheads.request_ms;
  d.request_overhead_per_inflight_ms = p.overheads.request_per_inflight_ms;
  if (!e.speculative_config.empty()) {
    nlohmann::json sc;
    try {
      sc = nlohmann::json::parse(e.speculative_config);
    } catch (const nlohmann::json::exception& ex) {
      return Error(std::string("speculative_config is not JSON: ") + ex.what());
    }
    if (!sc.is_object()) return Error("speculative_config must be a JSON object");
    const auto method = sc.value("method", std::string());
    if (method != "ngram")
      return Error("speculative_config: serve-sim models only method 'ngram', not '" + method +
                   "'");
    d.num_speculative_tokens = sc.value("num_speculative_tokens", 0);
    if (d.num_speculative_tokens <= 0)
      return Error("speculative_config: num_speculative_tokens must be > 0");
    d.mean_accepted_tokens =
        std::min(double(d.num_speculative_tokens), std::max(0.0, p.ngram_mean_accepted_tokens));
  }
  return d;
}

}  // namespace l4lab::sim

namespace l4lab::sim {

std::string sim_profile_yaml(const SimProfile& p) {
  YAML::Emitter y;
  y.SetDoublePrecision(10);
  y << YAML::BeginMap;
  y << YAML::Key << "schema" << YAML::Value << "l4lab.sim_profile/1";
  y << YAML::Key << "name" << YAML::Value << p.name;
  if (!p.approximates.empty()) y << YAML::Key << "approximates" << YAML::Value << p.approximates;
  y << YAML::Key << "mode" << YAML::Value
    << (p.mode == SimMode::kExact   ? "exact"
        : p.mode == SimMode::kQueue ? "queue"
                                    : "modelled");
  y << YAML::Key << "step_model" << YAML::Value
    << (p.step_model == StepModel::kAdditive ? "additive" : "roofline");
  const auto& m = p.model;
  y << YAML::Key << "model" << YAML::Value << YAML::BeginMap << YAML::Key << "params" << YAML::Value
    << m.params << YAML::Key << "layers" << YAML::Value << m.layers << YAML::Key << "hidden_size"
    << YAML::Value << m.hidden_size << YAML::Key << "kv_heads" << YAML::Value << m.kv_heads
    << YAML::Key << "head_dim" << YAML::Value << m.head_dim << YAML::Key << "dtype_bytes"
    << YAML::Value << m.dtype_bytes << YAML::EndMap;
  const auto& h = p.hardware;
  y << YAML::Key << "hardware" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "name" << YAML::Value << h.name;
  y << YAML::Key << "memory_gib" << YAML::Value << h.memory_gib;
  y << YAML::Key << "memory_bandwidth_gbps" << YAML::Value << h.memory_bandwidth_gbps;
  y << YAML::Key << "bandwidth_efficiency" << YAML::Value << h.bandwidth_efficiency;
  y << YAML::Key << "tensor_tflops_bf16" << YAML::Value << h.tensor_tflops_bf16;
  y << YAML::Key << "tensor_tflops_fp8" << YAML::Value << h.tensor_tflops_fp8;
  y << YAML::Key << "compute_efficiency" << YAML::Value << h.compute_efficiency;
  if (h.compute_efficiency_fp8)
    y << YAML::Key << "compute_efficiency_fp8" << YAML::Value << *h.compute_efficiency_fp8;
  y << YAML::Key << "activation_reserve_gib" << YAML::Value << h.activation_reserve_gib;
  y << YAML::Key << "pcie_gbps" << YAML::Value << h.pcie_gbps;
  y << YAML::EndMap;
  const auto& e = p.engine;
  y << YAML::Key << "engine" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "max_model_len" << YAML::Value << e.max_model_len;
  y << YAML::Key << "gpu_memory_utilization" << YAML::Value << e.gpu_memory_utilization;
  y << YAML::Key << "max_num_seqs" << YAML::Value << e.max_num_seqs;
  y << YAML::Key << "max_num_batched_tokens" << YAML::Value << e.max_num_batched_tokens;
  y << YAML::Key << "enable_chunked_prefill" << YAML::Value << e.enable_chunked_prefill;
  y << YAML::Key << "enforce_eager" << YAML::Value << e.enforce_eager;
  y << YAML::Key << "kv_cache_dtype" << YAML::Value << e.kv_cache_dtype;
  y << YAML::Key << "quantization" << YAML::Value << e.quantization;
  y << YAML::Key << "speculative_config" << YAML::Value << e.speculative_config;
  y << YAML::Key << "cpu_offload_gb" << YAML::Value << e.cpu_offload_gb;
  y << YAML::Key << "block_size" << YAML::Value << e.block_size;
  y << YAML::Key << "preemption" << YAML::Value << e.preemption;
  y << YAML::EndMap;
  const auto& o = p.overheads;
  y << YAML::Key << "overheads" << YAML::Value << YAML::BeginMap << YAML::Key << "step_ms"
    << YAML::Value << o.step_ms << YAML::Key << "eager_extra_ms" << YAML::Value << o.eager_extra_ms
    << YAML::Key << "per_seq_ms" << YAML::Value << o.per_seq_ms << YAML::Key << "request_ms"
    << YAML::Value << o.request_ms;
  // Written only when fitted, so profiles without it read back byte for byte.
  if (o.request_per_inflight_ms != 0)
    y << YAML::Key << "request_per_inflight_ms" << YAML::Value << o.request_per_inflight_ms;
  y << YAML::Key << "fp8_weights_step_ms" << YAML::Value << o.fp8_weights_step_ms << YAML::EndMap;
  y << YAML::Key << "exact" << YAML::Value << YAML::BeginMap << YAML::Key << "ttft_ms"
    << YAML::Value << p.exact.ttft_ms << YAML::Key << "itl_ms" << YAML::Value << p.exact.itl_ms
    << YAML::EndMap;
  if (p.mode == SimMode::kQueue) {
    const auto& q = p.queue;
    y << YAML::Key << "queue" << YAML::Value << YAML::BeginMap << YAML::Key << "slots"
      << YAML::Value << q.slots << YAML::Key << "service_mean_ms" << YAML::Value
      << q.service_mean_ms << YAML::Key << "ttft_ms" << YAML::Value << q.ttft_ms << YAML::Key
      << "itl_ms" << YAML::Value << q.itl_ms << YAML::EndMap;
  }
  const auto& c = p.costs;
  if (c.kv_capacity_tokens || c.prefill_ms_per_token || c.decode_base_ms ||
      c.attn_ms_per_token_pos) {
    y << YAML::Key << "costs" << YAML::Value << YAML::BeginMap;
    if (c.kv_capacity_tokens)
      y << YAML::Key << "kv_capacity_tokens" << YAML::Value << *c.kv_capacity_tokens;
    if (c.prefill_ms_per_token)
      y << YAML::Key << "prefill_ms_per_token" << YAML::Value << *c.prefill_ms_per_token;
    if (c.decode_base_ms) y << YAML::Key << "decode_base_ms" << YAML::Value << *c.decode_base_ms;
    if (c.attn_ms_per_token_pos)
      y << YAML::Key << "attn_ms_per_token_pos" << YAML::Value << *c.attn_ms_per_token_pos;
    y << YAML::EndMap;
  }
  y << YAML::Key << "speculation" << YAML::Value << YAML::BeginMap << YAML::Key
    << "ngram_mean_accepted_tokens" << YAML::Value << p.ngram_mean_accepted_tokens << YAML::EndMap;
  y << YAML::Key << "output" << YAML::Value << YAML::BeginMap << YAML::Key << "eos_probability"
    << YAML::Value << p.eos_probability << YAML::EndMap;
  if (p.calibration.present) {
    y << YAML::Key << "calibration" << YAML::Value << YAML::Load(p.calibration.yaml);
  }
  y << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

}  // namespace l4lab::sim

#include "matrix/workload_ref.h"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "common/files.h"

namespace l4lab::matrix {

namespace {

template <typename F>
Status each_line(const std::string& path, const std::string& text, F&& fn) {
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    ++line_no;
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) continue;
    try {
      fn(line, nlohmann::json::parse(line));
    } catch (const std::exception& e) {
      return Error(path + ":" + std::to_string(line_no) + ": " + e.what());
    }
  }
  return Status::Ok();
}

void read_manifest_beside(const std::string& path, WorkloadRef& w) {
  auto dir = std::filesystem::path(path).parent_path();
  auto m = read_file((dir / "prompts.manifest.json").string());
  if (!m.ok()) return;
  try {
    auto j = nlohmann::json::parse(*m);
    if (j.contains("seed") && j["seed"].is_number_integer()) w.seed = j["seed"].get<long>();
    if (j.contains("tokenizer") && w.tokenizer_id.empty()) {
      w.tokenizer_id = j["tokenizer"].value("id", "");
      w.tokenizer_sha256 = j["tokenizer"].value("sha256", "");
    }
  } catch (const std::exception&) {
  }
}

}  // namespace

Result<WorkloadRef> describe_workload(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  WorkloadRef w;
  w.path = path;
  w.sha256 = sha256_hex(*text);
  auto st = each_line(path, *text, [&](const std::string&, const nlohmann::json& j) {
    ++w.count;
    if (w.tokenizer_id.empty() && j.contains("tokenizer") && j["tokenizer"].is_object()) {
      w.tokenizer_id = j["tokenizer"].value("id", "");
      w.tokenizer_sha256 = j["tokenizer"].value("sha256", "");
    }
  });
  if (!st.ok()) return st.error();
  read_manifest_beside(path, w);
  return w;
}

Result<WorkloadRef> write_subset(const std::string& source, int per_cell,
                                 const std::string& out_path) {
  auto text = read_file(source);
  if (!text.ok()) return text.error();
  std::map<std::string, int> taken;
  std::string out;
  auto st = each_line(source, *text, [&](const std::string& line, const nlohmann::json& j) {
    const std::string cell =
        j.at("task").get<std::string>() + "/" + j.at("bucket").get<std::string>();
    if (taken[cell]++ < per_cell) out += line + "\n";
  });
  if (!st.ok()) return st.error();
  L4_TRY_STATUS(write_file_atomic(out_path, out));
  auto w = describe_workload(out_path);
  if (!w.ok()) return w.error();
  w->source_path = source;
  w->source_sha256 = sha256_hex(*text);
  w->per_cell = per_cell;
  WorkloadRef full;
  read_manifest_beside(source, full);
  if (full.seed) w->seed = full.seed;
  return w;
}

}  // namespace l4lab::matrix

#include "workload/workload_io.h"

#include <nlohmann/json.hpp>

#include "common/files.h"

namespace l4lab::workload {
namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

const json* field(const json& j, const char* name) {
  auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

Error missing(const std::string& f) { return Error("field " + f + ": missing"); }
Error wrong(const std::string& f, const char* want) {
  return Error("field " + f + ": must be " + want);
}

Result<std::string> get_string(const json& j, const char* name, const std::string& path) {
  const json* f = field(j, name);
  if (!f) return missing(path);
  if (!f->is_string()) return wrong(path, "a string");
  return f->get<std::string>();
}

Result<int> get_int(const json& j, const char* name) {
  const json* f = field(j, name);
  if (!f) return missing(name);
  if (!f->is_number_integer()) return wrong(name, "an integer");
  auto v = f->get<int64_t>();
  if (v < 0 || v > (1 << 30)) return wrong(name, "a non-negative integer");
  return int(v);
}

}  // namespace

std::string bucket_of(int n) {
  if (n <= kBucketSMax) return "S";
  if (n <= kBucketMMax) return "M";
  if (n <= kBucketLMax) return "L";
  return "";
}

std::string workload_request_to_json(const WorkloadRequest& r) {
  ojson j;
  j["id"] = r.id;
  j["task"] = r.task;
  j["bucket"] = r.bucket;
  ojson msgs = ojson::array();
  for (const auto& m : r.messages) {
    ojson o;
    o["role"] = m.role;
    o["content"] = m.content;
    msgs.push_back(std::move(o));
  }
  j["messages"] = std::move(msgs);
  j["max_new_tokens"] = r.max_new_tokens;
  j["request_prompt_tokens"] = r.request_prompt_tokens;
  j["target_prompt_tokens"] = r.target_prompt_tokens;
  ojson tok;
  tok["id"] = r.tokenizer_id;
  tok["sha256"] = r.tokenizer_sha256;
  j["tokenizer"] = std::move(tok);
  ojson src;
  src["primary"] = r.primary_source;
  src["distractors"] = r.distractor_sources;
  j["sources"] = std::move(src);
  return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

Result<WorkloadRequest> parse_workload_request(std::string_view line) {
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded()) return Error("not valid JSON");
  if (!j.is_object()) return Error("not a JSON object");
  WorkloadRequest r;
  auto id = get_string(j, "id", "id");
  if (!id) return id.error();
  r.id = *id;
  auto task = get_string(j, "task", "task");
  if (!task) return task.error();
  if (*task != "summarisation" && *task != "qa" && *task != "dialogue")
    return Error("field task: '" + *task + "' is not one of summarisation, qa, dialogue");
  r.task = *task;
  auto bucket = get_string(j, "bucket", "bucket");
  if (!bucket) return bucket.error();
  if (*bucket != "S" && *bucket != "M" && *bucket != "L")
    return Error("field bucket: '" + *bucket + "' is not one of S, M, L");
  r.bucket = *bucket;
  const json* msgs = field(j, "messages");
  if (!msgs) return missing("messages");
  if (!msgs->is_array() || msgs->empty()) return wrong("messages", "a non-empty array");
  for (size_t i = 0; i < msgs->size(); ++i) {
    const json& m = (*msgs)[i];
    std::string at = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) return wrong(at, "an object");
    auto role = get_string(m, "role", at + ".role");
    if (!role) return role.error();
    auto content = get_string(m, "content", at + ".content");
    if (!content) return content.error();
    r.messages.push_back({*role, *content});
  }
  auto mnt = get_int(j, "max_new_tokens");
  if (!mnt) return mnt.error();
  if (*mnt < 1) return wrong("max_new_tokens", ">= 1");
  r.max_new_tokens = *mnt;
  auto rpt = get_int(j, "request_prompt_tokens");
  if (!rpt) return rpt.error();
  if (*rpt < 1) return wrong("request_prompt_tokens", ">= 1");
  r.request_prompt_tokens = *rpt;
  auto tpt = get_int(j, "target_prompt_tokens");
  if (!tpt) return tpt.error();
  r.target_prompt_tokens = *tpt;
  const json* tok = field(j, "tokenizer");
  if (!tok) return missing("tokenizer");
  if (!tok->is_object()) return wrong("tokenizer", "an object");
  auto tid = get_string(*tok, "id", "tokenizer.id");
  if (!tid) return tid.error();
  auto tsha = get_string(*tok, "sha256", "tokenizer.sha256");
  if (!tsha) return tsha.error();
  r.tokenizer_id = *tid;
  r.tokenizer_sha256 = *tsha;
  const json* src = field(j, "sources");
  if (!src) return missing("sources");
  if (!src->is_object()) return wrong("sources", "an object");
  auto prim = get_string(*src, "primary", "sources.primary");
  if (!prim) return prim.error();
  r.primary_source = *prim;
  const json* d = field(*src, "distractors");
  if (!d) return missing("sources.distractors");
  if (!d->is_array()) return wrong("sources.distractors", "an array of strings");
  for (const auto& s : *d) {
    if (!s.is_string()) return wrong("sources.distractors", "an array of strings");
    r.distractor_sources.push_back(s.get<std::string>());
  }
  return r;
}

Result<std::vector<WorkloadRequest>> read_workload(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  std::vector<WorkloadRequest> out;
  std::string_view all = *text;
  size_t line_no = 0;
  while (!all.empty()) {
    size_t nl = all.find('\n');
    std::string_view line = all.substr(0, nl);
    all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
    ++line_no;
    std::string where = path + ":" + std::to_string(line_no);
    if (line.empty()) return Error(where + ": empty line");
    auto r = parse_workload_request(line);
    if (!r) return r.error().context(where);
    out.push_back(std::move(*r));
  }
  if (out.empty()) return Error(path + ": no requests (empty workload)");
  return out;
}

}  // namespace l4lab::workload

#include "workload/workload_checker.h"

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "common/files.h"
#include "workload/chat_template.h"
#include "workload/prompt_counter.h"
#include "workload/tokenizer_locator.h"
#include "workload/workload_io.h"

namespace l4lab::workload {

namespace {

void problem(CheckReport& rep, size_t line, const std::string& id, const std::string& inv,
             const std::string& detail) {
  rep.problems.push_back({line, id, inv, detail});
}

// The manifest beside the file, when there is one (null when absent or not
// an object: the latter is a problem).
Result<nlohmann::json> read_manifest(const std::string& mpath, CheckReport& rep) {
  nlohmann::json manifest;
  if (!std::filesystem::exists(mpath)) return manifest;
  auto mt = read_file(mpath);
  if (!mt) return mt.error();
  manifest = nlohmann::json::parse(*mt, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object()) {
    problem(rep, 0, "", "manifest", mpath + ": not a JSON object");
    manifest = nlohmann::json();
  }
  return manifest;
}

// One line of the file: parsed at the edge, then re-counted.
struct Line {
  size_t no;
  Result<WorkloadRequest> req = Error("");
  Result<std::vector<TokenId>> ids = Error("");
};

std::vector<Line> parse_lines(std::string_view all) {
  std::vector<Line> lines;
  size_t no = 0;
  while (!all.empty()) {
    size_t nl = all.find('\n');
    std::string_view l = all.substr(0, nl);
    all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
    ++no;
    Line x{no};
    x.req = l.empty() ? Result<WorkloadRequest>(Error("empty line")) : parse_workload_request(l);
    lines.push_back(std::move(x));
  }
  return lines;
}

// Re-counts every parsed line's messages, `threads` lines at a time.
void count_lines(std::vector<Line>& lines, const ChatTemplate& counter, int threads) {
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      for (size_t i = size_t(t); i < lines.size(); i += size_t(threads))
        if (lines[i].req) lines[i].ids = counter.encode(lines[i].req->messages);
    });
  }
  for (auto& th : ts) th.join();
}

// Every invariant of one counted request; the request with its exact count
// when the count could be made.
std::optional<WorkloadRequest> check_line(const Line& x, const Tokenizer& tok,
                                          const CheckOptions& o, std::set<std::string>& ids,
                                          CheckReport& rep) {
  const WorkloadRequest& r = *x.req;
  auto bad = [&](const std::string& inv, const std::string& detail) {
    problem(rep, x.no, r.id, inv, detail);
  };
  if (!ids.insert(r.id).second) bad("unique_id", "id appears more than once");
  if (r.id.rfind(r.task + "-" + r.bucket + "-", 0) != 0)
    bad("id_format", "id does not start with task-bucket- (" + r.task + "-" + r.bucket + "-)");
  if (r.tokenizer_sha256 != tok.sha256())
    bad("tokenizer", "tokenizer.sha256 " + r.tokenizer_sha256.substr(0, 12) +
                         "... differs from the checking tokenizer's " + tok.sha256().substr(0, 12) +
                         "... (" + tok.path() + ")");
  if (r.primary_source.empty()) bad("sources", "sources.primary is empty");
  if (!x.ids) {
    bad("chat_template", x.ids.error().message());
    return std::nullopt;
  }
  const int n = int(x.ids->size());
  if (n != r.request_prompt_tokens)
    bad("exact_count", "request_prompt_tokens is " + std::to_string(r.request_prompt_tokens) +
                           " but the messages re-tokenise to " + std::to_string(n));
  if (bucket_of(n) != r.bucket)
    bad("bucket", std::to_string(n) + " prompt tokens belong in bucket '" + bucket_of(n) +
                      "', the line says '" + r.bucket + "'");
  if (n + r.max_new_tokens > rep.max_context)
    bad("context", std::to_string(n) + " prompt + " + std::to_string(r.max_new_tokens) +
                       " max_new_tokens > max_context " + std::to_string(rep.max_context));
  if (std::abs(n - r.target_prompt_tokens) > o.tolerance)
    bad("landing", std::to_string(n) + " tokens is more than " + std::to_string(o.tolerance) +
                       " from target_prompt_tokens " + std::to_string(r.target_prompt_tokens));
  WorkloadRequest counted = r;
  counted.request_prompt_tokens = n;
  return counted;
}

// The manifest's hash and count against the file.
void check_manifest(const nlohmann::json& manifest, const std::string& mpath,
                    const std::string& text, size_t lines, CheckReport& rep) {
  std::string want = manifest.value("prompts_sha256", "");
  std::string got = sha256_hex(text);
  if (want != got)
    problem(rep, 0, "", "manifest_sha256",
            mpath + ": prompts_sha256 " + want.substr(0, 12) + "... but the file hashes to " +
                got.substr(0, 12) + "...");
  if (manifest.value("count", size_t(0)) != lines)
    problem(rep, 0, "", "manifest_count",
            mpath + ": count " + std::to_string(manifest.value("count", size_t(0))) +
                " but the file has " + std::to_string(lines) + " lines");
}

}  // namespace

void check_workload_lines(std::string_view text, const std::string& source, const Tokenizer& tok,
                          const ChatTemplate& counter, const CheckOptions& o, CheckReport& rep) {
  std::vector<Line> lines = parse_lines(text);
  if (lines.empty()) problem(rep, 0, "", "non_empty", source + ": no requests");
  count_lines(lines, counter,
              o.threads > 0 ? o.threads : int(std::max(1u, std::thread::hardware_concurrency())));
  std::set<std::string> ids;
  std::vector<WorkloadRequest> good;
  for (const auto& x : lines) {
    if (!x.req) {
      problem(rep, x.no, "", "format", x.req.error().message());
      continue;
    }
    if (auto counted = check_line(x, tok, o, ids, rep)) good.push_back(std::move(*counted));
  }
  rep.count = lines.size();
  rep.cells = cell_stats(good);
}

Result<CheckReport> check_workload(const std::string& path, const CheckOptions& o) {
  auto text = read_file(path);
  if (!text) return text.error();
  CheckReport rep;
  const std::string mpath = manifest_path_for(path);
  auto manifest = read_manifest(mpath, rep);
  if (!manifest) return manifest.error();
  rep.max_context = o.max_context > 0 ? o.max_context
                    : manifest->is_object() && manifest->value("max_context", 0) > 0
                        ? manifest->value("max_context", 0)
                        : 8192;

  auto tok = load_tokenizer(o.tokenizer, {.cache = !o.uncached});
  if (!tok) return tok.error();
  rep.tokenizer_id = (*tok)->id();
  auto made = make_prompt_counter(**tok, o.count_with, o.count_with_model);
  if (!made) return made.error();
  check_workload_lines(*text, path, **tok, **made, o, rep);
  if (manifest->is_object()) check_manifest(*manifest, mpath, *text, rep.count, rep);
  return rep;
}

}  // namespace l4lab::workload

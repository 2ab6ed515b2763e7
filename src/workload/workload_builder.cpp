#include "workload/workload_builder.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/files.h"
#include "common/random.h"
#include "common/version.h"
#include "workload/chat_template.h"
#include "workload/prompt_counter.h"
#include "workload/prompt_packer.h"
#include "workload/synthetic_corpus.h"
#include "workload/tokenizer_locator.h"
#include "workload/workload_io.h"

namespace l4lab::workload {
namespace {

using ojson = nlohmann::ordered_json;

struct BucketRange {
  int lo, hi;
};

Result<BucketRange> range_of(const std::string& bucket, int mnt, const BuildOptions& o) {
  int lo = bucket == "S" ? o.s_min : bucket == "M" ? kBucketSMax + 1 : kBucketMMax + 1;
  int cap = bucket == "S" ? kBucketSMax : bucket == "M" ? kBucketMMax : kBucketLMax;
  int hi = std::min(cap, o.max_context - mnt);
  if (hi < lo)
    return Error("--max-context " + std::to_string(o.max_context) + " is too small: bucket " +
                 bucket + " needs prompts of at least " + std::to_string(lo) +
                 " tokens plus max_new_tokens " + std::to_string(mnt) + " = " +
                 std::to_string(lo + mnt));
  return BucketRange{lo, hi};
}

// n targets spread evenly over [lo, hi] (one per stratum, jittered), in a
// seeded order: uniform over the bucket, never piled at an edge.
std::vector<int> spread_targets(int n, int lo, int hi, uint64_t seed) {
  Rng rng(seed);
  std::vector<int> t(static_cast<size_t>(n));
  const double width = double(hi - lo + 1) / n;
  for (int i = 0; i < n; ++i) t[size_t(i)] = std::min(hi, lo + int((i + rng.unit()) * width));
  rng.shuffle(t.begin(), t.end());
  return t;
}

Result<Corpus> load_corpus(const BuildOptions& o) {
  Corpus c = make_synthetic_corpus(o.seed, o.synthetic_items);
  if (o.files.empty()) return c;
  std::string desc;
  for (const auto& task : workload_tasks()) {
    auto it = o.files.find(task);
    if (it == o.files.end()) {
      desc += (desc.empty() ? "" : "; ") + task + ": built-in synthetic";
      continue;
    }
    auto items = read_corpus_file(task, it->second, o.columns);
    if (!items) return items.error();
    auto sha = sha256_file(it->second);
    if (!sha) return sha.error();
    c.inputs.push_back({it->second, *sha, task});
    (task == "summarisation" ? c.summarisation
     : task == "qa"          ? c.qa
                             : c.dialogue) = std::move(*items);
    desc += (desc.empty() ? "" : "; ") + task + ": " + std::to_string(c.of(task).size()) +
            " items from " + it->second;
  }
  c.kind = o.files.size() == workload_tasks().size() ? "files" : "mixed";
  c.description = desc;
  return c;
}

}  // namespace

std::string manifest_path_for(const std::string& p) {
  const std::string suf = ".jsonl";
  if (p.size() > suf.size() && p.compare(p.size() - suf.size(), suf.size(), suf) == 0)
    return p.substr(0, p.size() - suf.size()) + ".manifest.json";
  return p + ".manifest.json";
}

std::map<std::string, CellStats> cell_stats(const std::vector<WorkloadRequest>& requests) {
  std::map<std::string, std::vector<const WorkloadRequest*>> by;
  for (const auto& r : requests) by[r.task + "/" + r.bucket].push_back(&r);
  std::map<std::string, CellStats> out;
  for (auto& [key, rs] : by) {
    std::vector<int> n;
    CellStats s;
    long err = 0;
    for (const auto* r : rs) {
      n.push_back(r->request_prompt_tokens);
      s.max_new_tokens = std::max(s.max_new_tokens, r->max_new_tokens);
      int e = std::abs(r->request_prompt_tokens - r->target_prompt_tokens);
      s.max_abs_error = std::max(s.max_abs_error, e);
      err += e;
    }
    std::sort(n.begin(), n.end());
    s.count = int(n.size());
    s.min = n.front();
    s.max = n.back();
    s.median = n[(n.size() - 1) / 2];  // lower median: an actual request's length
    s.mean_abs_error = double(err) / double(n.size());
    out[key] = s;
  }
  return out;
}

Result<BuildResult> build_workload(const BuildOptions& o) {
  if (o.per_cell < 1) return Error("--per-cell must be >= 1");
  for (const auto& [task, n] : o.max_new_tokens)
    if (n < 1)
      return Error("--max-new-tokens " + task + "=" + std::to_string(n) + ": must be >= 1");
  auto tok = load_tokenizer(o.tokenizer);
  if (!tok) return tok.error();
  auto made = make_prompt_counter(**tok, o.count_with, o.count_with_model);
  if (!made) return made.error();
  const ChatTemplate& counter = **made;

  std::map<std::string, BucketRange> ranges;
  for (const auto& task : workload_tasks()) {
    for (const auto& b : workload_buckets()) {
      auto r = range_of(b, o.max_new_tokens.at(task), o);
      if (!r) return r.error().context("task " + task);
      ranges[task + "/" + b] = *r;
    }
  }
  auto corpus = load_corpus(o);
  if (!corpus) return corpus.error();
  const int threads =
      o.threads > 0 ? o.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  DistractorPool pool = make_distractor_pool(*corpus, **tok, threads);
  PromptPacker packer(**tok, counter, *corpus, pool);

  std::vector<PackRequest> jobs;
  for (const auto& task : workload_tasks()) {
    for (const auto& b : workload_buckets()) {
      const BucketRange& br = ranges[task + "/" + b];
      auto targets =
          spread_targets(o.per_cell, br.lo, br.hi, mix_seed(o.seed, "targets/" + task + "/" + b));
      for (int i = 0; i < o.per_cell; ++i) {
        PackRequest p;
        p.task = task;
        p.bucket = b;
        p.index = i;
        p.target = targets[size_t(i)];
        p.min_prompt = br.lo;
        p.max_prompt = br.hi;
        p.max_new_tokens = o.max_new_tokens.at(task);
        p.seed = mix_seed(o.seed, "request/" + task + "/" + b, uint64_t(i));
        jobs.push_back(p);
      }
    }
  }
  std::vector<std::optional<Result<WorkloadRequest>>> results(jobs.size());
  std::vector<std::thread> pool_threads;
  for (int t = 0; t < threads; ++t) {
    pool_threads.emplace_back([&, t] {
      for (size_t i = size_t(t); i < jobs.size(); i += size_t(threads))
        results[i] = packer.pack(jobs[i]);
    });
  }
  for (auto& th : pool_threads) th.join();

  BuildResult out;
  for (auto& r : results) {
    if (!r->ok()) return r->error();
    out.requests.push_back(std::move(r->value()));
  }
  for (const auto& r : out.requests) {
    out.jsonl += workload_request_to_json(r);
    out.jsonl += '\n';
  }
  out.cells = cell_stats(out.requests);

  ojson m;
  m["schema"] = "l4lab.workload_manifest/1";
  m["lab"] = {{"version", lab_version()}};
  ojson inputs = ojson::array();
  for (const auto& in : corpus->inputs)
    inputs.push_back({{"path", in.path}, {"sha256", in.sha256}, {"kind", in.kind}});
  m["inputs"] = inputs;
  m["corpus"] = {{"kind", corpus->kind}, {"description", corpus->description}};
  m["seed"] = o.seed;
  m["max_context"] = o.max_context;
  m["per_cell"] = o.per_cell;
  ojson mnt;
  for (const auto& task : workload_tasks()) mnt[task] = o.max_new_tokens.at(task);
  m["max_new_tokens"] = mnt;
  m["tokenizer"] = {{"id", (*tok)->id()}, {"sha256", (*tok)->sha256()}, {"path", (*tok)->path()}};
  m["counted_with"] = !o.count_with.empty()
                          ? "engine /tokenize at " + o.count_with
                          : "lab Mistral v3 chat template (mistral-common layout)";
  ojson cells;
  for (const auto& task : workload_tasks()) {
    for (const auto& b : workload_buckets()) {
      const std::string key = task + "/" + b;
      const CellStats& s = out.cells[key];
      cells[key] = {{"count", s.count},
                    {"min", s.min},
                    {"median", s.median},
                    {"max", s.max},
                    {"max_new_tokens", s.max_new_tokens},
                    {"target_range", {ranges[key].lo, ranges[key].hi}},
                    {"max_abs_target_error", s.max_abs_error}};
    }
  }
  m["cells"] = cells;
  m["prompts_sha256"] = sha256_hex(out.jsonl);
  m["count"] = out.requests.size();
  out.manifest_json = m.dump(2) + "\n";
  out.manifest_path = manifest_path_for(o.out);
  return out;
}

Status write_build(const BuildResult& r, const std::string& out) {
  std::error_code ec;
  auto dir = std::filesystem::path(out).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  if (ec) return Error(dir.string() + ": cannot create folder: " + ec.message());
  L4_TRY_STATUS(write_file_atomic(out, r.jsonl));
  L4_TRY_STATUS(write_file_atomic(manifest_path_for(out), r.manifest_json));
  return Status::Ok();
}

}  // namespace l4lab::workload

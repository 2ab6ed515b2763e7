#include "workload/tokenizer_locator.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <system_error>

#include "workload/cached_tokenizer.h"
#include "workload/sentencepiece_tokenizer.h"

namespace l4lab::workload {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMistralCommonRel =
    "mistral_common/data/mistral_instruct_tokenizer_240323.model.v3";
constexpr const char* kModelFolderFiles[] = {"tokenizer.model.v3", "tokenizer.model"};

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}
bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// Subfolders of `dir` whose name starts with `prefix`, sorted (deterministic).
std::vector<fs::path> subdirs(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!is_dir(dir)) return out;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) == 0 && is_dir(it->path())) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Search {
  std::vector<std::string> looked;
  std::optional<fs::path> found;
  bool try_file(const fs::path& p) {
    if (found) return true;
    looked.push_back(p.string());
    if (is_file(p)) found = p;
    return found.has_value();
  }
  bool try_model_folder(const fs::path& dir) {
    for (const char* f : kModelFolderFiles)
      if (try_file(dir / f)) return true;
    return false;
  }
  // <venv>/lib/python3*/site-packages/<rel>
  bool try_venv(const fs::path& venv) {
    looked.push_back((venv / "lib/python3*/site-packages" / kMistralCommonRel).string());
    for (const auto& py : subdirs(venv / "lib", "python3")) {
      fs::path p = py / "site-packages" / kMistralCommonRel;
      if (is_file(p)) {
        found = p;
        return true;
      }
    }
    return false;
  }
  std::string where() const {
    std::string s;
    for (const auto& l : looked) s += "\n  looked in: " + l;
    return s;
  }
};

std::string family_of(const fs::path& p) {
  std::string name = p.filename().string();
  auto ends = [&](const std::string& suf) {
    return name.size() >= suf.size() &&
           name.compare(name.size() - suf.size(), suf.size(), suf) == 0;
  };
  if (ends(".model.v3")) return "mistral-v3";
  if (ends(".model.v2")) return "mistral-v2";
  if (ends(".model.v1")) return "mistral-v1";
  return "sentencepiece";
}

fs::path hf_hub_cache() {
  if (auto c = env("HF_HUB_CACHE"); !c.empty()) return c;
  if (auto h = env("HF_HOME"); !h.empty()) return fs::path(h) / "hub";
  if (auto x = env("XDG_CACHE_HOME"); !x.empty()) return fs::path(x) / "huggingface" / "hub";
  return fs::path(env("HOME")) / ".cache" / "huggingface" / "hub";
}

bool looks_like_hub_id(const std::string& spec) {
  auto slash = spec.find('/');
  return slash != std::string::npos && slash > 0 && slash + 1 < spec.size() &&
         spec.find('/', slash + 1) == std::string::npos && spec[0] != '.' && !fs::exists(spec);
}

Result<std::pair<fs::path, std::string>> resolve(const std::string& spec) {
  Search s;
  if (spec.empty()) {
    if (auto e = env("L4LAB_TOKENIZER"); !e.empty()) {
      if (is_dir(e)) {
        s.try_file(fs::path(e) / fs::path(kMistralCommonRel).filename());
        s.try_model_folder(e);
      } else {
        s.try_file(e);
      }
    }
    std::vector<fs::path> starts;
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) starts.push_back(exe.parent_path());
    fs::path cwd = fs::current_path(ec);
    if (!ec) starts.push_back(cwd);
    // Every PYTHONPATH entry (a `pip install --target` folder, as on an
    // offline GPU host), then the active virtual environment.
    if (auto pp = env("PYTHONPATH"); !pp.empty()) {
      for (size_t b = 0; b <= pp.size() && !s.found;) {
        size_t e = pp.find(':', b);
        if (e == std::string::npos) e = pp.size();
        if (e > b) s.try_file(fs::path(pp.substr(b, e - b)) / kMistralCommonRel);
        b = e + 1;
      }
    }
    if (auto v = env("VIRTUAL_ENV"); !v.empty() && !s.found) s.try_venv(v);
    for (const auto& start : starts) {
      for (fs::path d = start; !s.found; d = d.parent_path()) {
        s.try_venv(d / ".venv");
        if (d == d.parent_path()) break;
      }
    }
    if (!s.found) {
      for (const char* base : {"/usr/local/lib", "/usr/lib"}) {
        for (const auto& py : subdirs(base, "python3")) {
          for (const char* sp : {"site-packages", "dist-packages"}) {
            if (s.try_file(py / sp / kMistralCommonRel)) break;
          }
        }
      }
      s.try_file(fs::path("/usr/lib/python3/dist-packages") / kMistralCommonRel);
      if (auto home = env("HOME"); !home.empty()) {
        for (const auto& py : subdirs(fs::path(home) / ".local/lib", "python3"))
          s.try_file(py / "site-packages" / kMistralCommonRel);
      }
    }
    if (!s.found) {
      return Error(
          "default tokenizer (Mistral v3 from the PyPI package mistral-common) not found; run "
          "scripts/setup.sh, set L4LAB_TOKENIZER, or pass --tokenizer FILE|FOLDER|org/name" +
          s.where());
    }
    return std::make_pair(*s.found, "mistral-v3:" + s.found->filename().string());
  }
  if (is_file(spec))
    return std::make_pair(fs::path(spec),
                          family_of(spec) + ":" + fs::path(spec).filename().string());
  if (is_dir(spec)) {
    if (s.try_model_folder(spec))
      return std::make_pair(*s.found, family_of(*s.found) + ":" + s.found->filename().string());
    return Error("tokenizer folder " + spec + " holds no SentencePiece model" + s.where());
  }
  if (looks_like_hub_id(spec)) {
    std::string org = spec.substr(0, spec.find('/')), name = spec.substr(spec.find('/') + 1);
    fs::path repo = hf_hub_cache() / ("models--" + org + "--" + name) / "snapshots";
    s.looked.push_back(repo.string() + "/*/");
    for (const auto& snap : subdirs(repo, "")) {
      if (s.try_model_folder(snap))
        return std::make_pair(
            *s.found, family_of(*s.found) + ":" + spec + "/" + s.found->filename().string());
    }
    return Error("tokenizer for Hugging Face id " + spec +
                 " not in the local cache (nothing is downloaded; set HF_HUB_CACHE or HF_HOME)" +
                 s.where());
  }
  s.looked.push_back(spec);
  return Error("tokenizer " + spec + ": no such file or folder, and not an org/name hub id" +
               s.where());
}

}  // namespace

Result<std::string> locate_tokenizer(const std::string& spec) {
  auto r = resolve(spec);
  if (!r) return r.error();
  return r->first.string();
}

Result<std::unique_ptr<Tokenizer>> load_tokenizer(const std::string& spec,
                                                  TokenizerOptions options) {
  auto r = resolve(spec);
  if (!r) return r.error();
  const std::string path = r->first.string();
  if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0)
    return Error(path + ": tekken (.json) tokenizers are not supported; use a SentencePiece model");
  auto t = SentencePieceTokenizer::load(path, r->second);
  if (!t) return t.error();
  if (options.cache)
    return make_cached_tokenizer(std::move(*t), options.cache_max_entries
                                                    ? options.cache_max_entries
                                                    : kDefaultTokenizerCacheEntries);
  return std::unique_ptr<Tokenizer>(std::move(*t));
}

}  // namespace l4lab::workload

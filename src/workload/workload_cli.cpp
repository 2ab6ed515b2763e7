#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "common/files.h"
#include "workload/chat_template.h"
#include "workload/tokenizer_locator.h"
#include "workload/workload_builder.h"
#include "workload/workload_checker.h"

namespace l4lab::cli {
namespace {

struct TokenizeOptions {
  std::string tokenizer;
  bool text_mode = false;
  bool json = true;
};

// Hidden debug/oracle command: one JSON object per input line,
// {"messages":[...]} (or {"text":"..."} with --text) -> {"ids":[...]} or
// {"error":"..."}. The Python oracle test drives it.
int run_tokenize(const TokenizeOptions& o) {
  auto tok = load_tokenizer(o.tokenizer);
  if (!tok) {
    std::cerr << "l4lab workload tokenize: " << tok.error().message() << "\n";
    return 2;
  }
  auto tmpl = MistralV3ChatTemplate::create(**tok);
  if (!tmpl) {
    std::cerr << "l4lab workload tokenize: " << tmpl.error().message() << "\n";
    return 2;
  }
  std::string line;
  size_t line_no = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    nlohmann::json out;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      std::cerr << "stdin:" << line_no << ": not a JSON object\n";
      return 2;
    }
    if (o.text_mode) {
      out["ids"] = (*tok)->encode(j.value("text", std::string()));
    } else {
      Conversation conv;
      for (const auto& m : j.value("messages", nlohmann::json::array()))
        conv.push_back({m.value("role", std::string()), m.value("content", std::string())});
      auto ids = tmpl->encode(conv);
      if (ids)
        out["ids"] = *ids;
      else
        out["error"] = ids.error().message();
    }
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return 0;
}

void print_cells(const std::map<std::string, CellStats>& cells) {
  std::printf("%-16s %6s %6s %7s %6s %8s %9s\n", "cell", "count", "min", "median", "max", "max_new",
              "max|err|");
  for (const auto& task : workload_tasks()) {
    for (const auto& b : workload_buckets()) {
      auto it = cells.find(task + "/" + b);
      if (it == cells.end()) continue;
      const CellStats& s = it->second;
      std::printf("%-16s %6d %6d %7d %6d %8d %9d\n", it->first.c_str(), s.count, s.min, s.median,
                  s.max, s.max_new_tokens, s.max_abs_error);
    }
  }
}

struct BuildCli {
  BuildOptions o;
  std::vector<std::string> max_new, columns;
  std::string summarisation, qa, dialogue;
};

int run_build(BuildCli& c) {
  for (const auto& spec : c.max_new) {
    auto eq = spec.find('=');
    std::string task = spec.substr(0, eq);
    if (eq == std::string::npos || !c.o.max_new_tokens.count(task)) {
      std::cerr << "l4lab workload build: --max-new-tokens " << spec
                << ": expected TASK=N with TASK one of summarisation, qa, dialogue\n";
      return 2;
    }
    try {
      size_t used = 0;
      int n = std::stoi(spec.substr(eq + 1), &used);
      if (used != spec.size() - eq - 1) throw std::invalid_argument("trailing");
      c.o.max_new_tokens[task] = n;
    } catch (const std::exception&) {
      std::cerr << "l4lab workload build: --max-new-tokens " << spec << ": N must be an integer\n";
      return 2;
    }
  }
  for (const auto& spec : c.columns) {
    auto st = add_column_mapping(c.o.columns, spec);
    if (!st.ok()) {
      std::cerr << "l4lab workload build: " << st.error().message() << "\n";
      return 2;
    }
  }
  if (!c.summarisation.empty()) c.o.files["summarisation"] = c.summarisation;
  if (!c.qa.empty()) c.o.files["qa"] = c.qa;
  if (!c.dialogue.empty()) c.o.files["dialogue"] = c.dialogue;
  auto t0 = std::chrono::steady_clock::now();
  auto r = build_workload(c.o);
  if (!r) {
    std::cerr << "l4lab workload build: " << r.error().message() << "\n";
    return 2;
  }
  auto st = write_build(*r, c.o.out);
  if (!st.ok()) {
    std::cerr << "l4lab workload build: " << st.error().message() << "\n";
    return 2;
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  print_cells(r->cells);
  std::printf("wrote %zu requests to %s (sha256 %s) and %s in %.2f s\n", r->requests.size(),
              c.o.out.c_str(), sha256_hex(r->jsonl).c_str(), r->manifest_path.c_str(), s);
  return 0;
}

int run_check(const std::string& file, const CheckOptions& o) {
  auto rep = check_workload(file, o);
  if (!rep) {
    std::cerr << "l4lab workload check: " << rep.error().message() << "\n";
    return 2;
  }
  print_cells(rep->cells);
  if (rep->problems.empty()) {
    std::printf(
        "OK: %zu requests in %s; every invariant holds (exact_count, bucket, context <= %d, "
        "landing, "
        "tokenizer %s, manifest)\n",
        rep->count, file.c_str(), rep->max_context, rep->tokenizer_id.c_str());
    return 0;
  }
  const CheckProblem& p = rep->problems.front();
  std::string where = p.line ? file + ":" + std::to_string(p.line) : file;
  std::fprintf(stderr, "FAIL: %s%s: invariant %s: %s\n", where.c_str(),
               p.request_id.empty() ? "" : (" (" + p.request_id + ")").c_str(), p.invariant.c_str(),
               p.detail.c_str());
  size_t shown = 1;
  for (size_t i = 1; i < rep->problems.size() && shown < 10; ++i, ++shown) {
    const CheckProblem& q = rep->problems[i];
    std::fprintf(stderr, "  also %s:%zu: %s: %s\n", file.c_str(), q.line, q.invariant.c_str(),
                 q.detail.c_str());
  }
  std::fprintf(stderr, "%zu problem(s) in %zu requests\n", rep->problems.size(), rep->count);
  return 1;
}

}  // namespace

void register_workload_commands(CLI::App& app) {
  auto* wl = app.add_subcommand("workload", "Build and check the fixed workload (prompts.jsonl)");
  wl->require_subcommand(1);

  auto bc = std::make_shared<BuildCli>();
  auto* b = wl->add_subcommand(
      "build", "Build prompts.jsonl + prompts.manifest.json (default: 1800 requests)");
  b->add_option("--out", bc->o.out, "output prompts.jsonl (manifest written beside it)")
      ->capture_default_str();
  b->add_option("--seed", bc->o.seed, "seed for corpus, targets and packing")
      ->capture_default_str();
  b->add_option("--per-cell", bc->o.per_cell, "requests per task x bucket cell")
      ->capture_default_str();
  b->add_option(
      "--tokenizer", bc->o.tokenizer,
      "tokenizer file, model folder or HF id org/name (default: Mistral v3 from mistral-common)");
  b->add_option("--count-with", bc->o.count_with,
                "count prompt tokens with this engine's /tokenize (chat form)");
  b->add_option("--count-with-model", bc->o.count_with_model, "model name sent to /tokenize");
  b->add_option("--max-context", bc->o.max_context,
                "engine context; prompt + max_new_tokens stays within it")
      ->capture_default_str();
  b->add_option("--max-new-tokens", bc->max_new,
                "TASK=N (defaults summarisation=256 qa=64 dialogue=128)");
  b->add_option("--summarisation", bc->summarisation, "summarisation corpus (.csv/.jsonl/.json)");
  b->add_option("--qa", bc->qa, "QA corpus (.csv/.jsonl/.json)");
  b->add_option("--dialogue", bc->dialogue, "dialogue corpus (.csv/.jsonl/.json, ShareGPT JSON)");
  b->add_option("--column", bc->columns, "TASK.FIELD=COLUMN, e.g. summarisation.article=text");
  b->add_option("--s-min", bc->o.s_min, "shortest target in bucket S")->capture_default_str();
  b->add_option("--threads", bc->o.threads, "worker threads (0 = all cores)")
      ->capture_default_str();
  b->callback([bc] { exit_code = run_build(*bc); });

  auto cf = std::make_shared<std::string>();
  auto co = std::make_shared<CheckOptions>();
  auto* ck = wl->add_subcommand(
      "check", "Re-tokenise every request of a prompts.jsonl and validate every invariant");
  ck->add_option("file", *cf, "prompts.jsonl")->required();
  ck->add_option("--tokenizer", co->tokenizer,
                 "tokenizer spec (default: Mistral v3 from mistral-common)");
  ck->add_option("--count-with", co->count_with, "count with this engine's /tokenize instead");
  ck->add_option("--count-with-model", co->count_with_model, "model name sent to /tokenize");
  ck->add_option("--max-context", co->max_context, "override the manifest's max_context");
  ck->add_option("--tolerance", co->tolerance, "allowed |prompt - target| tokens")
      ->capture_default_str();
  ck->add_flag("--uncached", co->uncached, "encode with plain libsentencepiece (no word cache)");
  ck->add_option("--threads", co->threads, "worker threads (0 = all cores)");
  ck->callback([cf, co] { exit_code = run_check(*cf, *co); });

  auto tk = std::make_shared<TokenizeOptions>();
  auto* tok =
      wl->add_subcommand("tokenize", "Debug: JSON lines of messages on stdin -> chat-template ids");
  tok->group("");  // hidden
  tok->add_option("--tokenizer", tk->tokenizer,
                  "tokenizer file, folder or org/name (default: Mistral v3)");
  tok->add_flag("--text", tk->text_mode,
                "lines are {\"text\":...}: encode plain text, no template");
  tok->add_flag("--json", tk->json, "output JSON lines (the only format)");
  tok->callback([tk] { exit_code = run_tokenize(*tk); });
}

}  // namespace l4lab::cli

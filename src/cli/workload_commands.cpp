// `l4lab workload build|check|tokenize`: options into workload/workload_command.h.
#include <memory>

#include "cli/commands.h"
#include "workload/workload_command.h"

namespace l4lab::cli {

void register_workload_commands(CLI::App& app, int& status) {
  auto* wl = app.add_subcommand("workload", "Build and check the fixed workload (prompts.jsonl)");
  wl->require_subcommand(1);

  auto bc = std::make_shared<workload::WorkloadBuildOptions>();
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
  b->callback([bc, &status] { status = workload::run_workload_build(*bc); });

  auto cf = std::make_shared<std::string>();
  auto co = std::make_shared<workload::CheckOptions>();
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
  ck->callback([cf, co, &status] { status = workload::run_workload_check(*cf, *co); });

  auto tk = std::make_shared<workload::WorkloadTokenizeOptions>();
  auto* tok =
      wl->add_subcommand("tokenize", "Debug: JSON lines of messages on stdin -> chat-template ids");
  tok->group("");  // hidden
  tok->add_option("--tokenizer", tk->tokenizer,
                  "tokenizer file, folder or org/name (default: Mistral v3)");
  tok->add_flag("--text", tk->text_mode,
                "lines are {\"text\":...}: encode plain text, no template");
  tok->add_flag("--json", tk->json, "output JSON lines (the only format)");
  tok->callback([tk, &status] { status = workload::run_workload_tokenize(*tk); });
}

}  // namespace l4lab::cli

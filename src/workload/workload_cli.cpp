#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "workload/chat_template.h"
#include "workload/tokenizer_locator.h"

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

}  // namespace

void register_workload_commands(CLI::App& app) {
  auto* wl = app.add_subcommand("workload", "Build and check the fixed workload (prompts.jsonl)");
  wl->require_subcommand(1);

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

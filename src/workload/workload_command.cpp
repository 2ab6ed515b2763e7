// `l4lab workload build|check|tokenize`: each command's work, given its
// options; returns the exit status (0 ok, 1 a check failed, 2 bad input).
#include "workload/workload_command.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "common/files.h"
#include "workload/chat_template.h"
#include "workload/tokenizer_locator.h"
#include "workload/workload_builder.h"
#include "workload/workload_checker.h"

namespace l4lab::workload {

int run_workload_tokenize(const WorkloadTokenizeOptions& o) {
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

namespace {

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

}  // namespace

int run_workload_build(const WorkloadBuildOptions& c_in) {
  WorkloadBuildOptions c = c_in;
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

int run_workload_check(const std::string& file, const CheckOptions& o) {
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

}  // namespace l4lab::workload

// `l4lab bench`: options into client/bench_options.h.
#include <memory>
#include <string>

#include "cli/commands.h"
#include "client/bench_options.h"

namespace l4lab::cli {

void register_bench_commands(CLI::App& app, int& status) {
  auto o = std::make_shared<client::BenchOptions>();
  auto endpoint_type = std::make_shared<std::string>("chat");
  CLI::App* b =
      app.add_subcommand("bench",
                         "Stream the workload to an OpenAI-compatible server; write traces.jsonl, "
                         "schedule.jsonl and bench.json into --out (see docs/BENCH.md)");
  b->add_option("--endpoint", o->endpoint, "server base URL, e.g. http://127.0.0.1:8000")
      ->required();
  b->add_option("--workload", o->workload, "prompts.jsonl")->required();
  b->add_option("--out", o->out_dir, "run folder")->required();
  auto* conc = b->add_option("--concurrency", o->concurrency, "closed loop: requests in flight");
  auto* rate = b->add_option("--rate", o->rate, "open loop: requests per second");
  auto* sched = b->add_option("--schedule", o->schedule_file,
                              "replay a schedule (JSONL {id|i, t_offset_ns} or CSV)");
  conc->excludes(rate)->excludes(sched);
  rate->excludes(sched);
  b->add_option("--arrival", o->arrival, "open-loop arrivals: constant|poisson|gamma")
      ->check(CLI::IsMember({"constant", "poisson", "gamma"}));
  b->add_option("--burstiness", o->burstiness, "gamma shape (1 = Poisson, < 1 burstier)");
  b->add_option("--seed", o->seed, "schedule (and sampling) seed");
  auto no_shuffle = std::make_shared<bool>(false);
  b->add_flag("--no-shuffle", *no_shuffle, "send in workload file order (default: seeded shuffle)");
  b->add_option("--warmup-requests", o->warmup_requests, "first N scheduled requests are warmup");
  b->add_option("--warmup-s", o->warmup_s, "requests scheduled in the first S seconds are warmup");
  b->add_option("--ramp-up-s", o->ramp_up_s,
                "closed loop: open the concurrency slots one by one, evenly over S seconds "
                "(default 0: all at once)")
      ->check(CLI::NonNegativeNumber);
  b->add_option("--cooldown-requests", o->cooldown_requests,
                "last N scheduled requests are cooldown");
  b->add_option("--limit", o->limit, "send only the first N scheduled requests");
  b->add_option("--model", o->model, "model name (default: first of GET /v1/models)");
  b->add_option("--endpoint-type", *endpoint_type, "chat | completions")
      ->check(CLI::IsMember({"chat", "completions"}));
  b->add_option("--tokenizer", o->tokenizer,
                "completions: tokenizer for the chat template (default: the study's Mistral v3)");
  b->add_option("--header", o->headers, "extra request header 'Name: value' (repeatable)");
  b->add_option("--api-key-env", o->api_key_env,
                "env var holding the API key, sent as Bearer (default OPENAI_API_KEY if set)");
  b->add_option("--timeout-connect-s", o->timeout_connect_s, "connect timeout");
  b->add_option("--timeout-first-token-s", o->timeout_first_token_s, "0 = none");
  b->add_option("--timeout-idle-s", o->timeout_idle_s, "between content chunks; 0 = none");
  b->add_option("--timeout-total-s", o->timeout_total_s, "0 = none");
  b->add_option("--max-failures", o->max_failures,
                "failure budget: a count (>= 1) or a fraction of the schedule (< 1)");
  b->add_flag("--ignore-eos", o->ignore_eos, "ask the server to ignore EOS");
  b->add_option("--temperature", o->temperature, "sampling temperature (default 0)");
  b->add_flag("--insecure", o->insecure, "skip TLS certificate verification");
  b->add_flag("--resume", o->resume, "keep traces.jsonl; skip requests already traced");
  b->add_flag("--quiet", o->quiet, "no live view");
  b->add_option("--cpus", o->cpus,
                "pin the client to these CPUs, e.g. 0,2-3 (sched_setaffinity; keep them free of "
                "the engine and other load)");
  b->add_flag("--realtime", o->realtime,
              "run the client at SCHED_FIFO priority 10 where permitted (else a note, and on at "
              "normal priority); bench.json records what was applied");
  b->callback([o, endpoint_type, no_shuffle, b, &status]() {
    o->shuffle = !*no_shuffle;
    o->endpoint_type = *endpoint_type == "completions" ? client::EndpointType::completions
                                                       : client::EndpointType::chat;
    o->argv.clear();
    o->argv.push_back("l4lab");
    o->argv.push_back("bench");
    for (const auto* opt : b->get_options()) {
      if (opt->count() == 0 || opt->get_name() == "--help") continue;
      for (const auto& v : opt->results()) {
        o->argv.push_back(opt->get_name());
        if (opt->get_name() == "--header") {
          // Header values may carry credentials: keep only the name.
          auto colon = v.find(':');
          o->argv.push_back(v.substr(0, colon) + ": <redacted>");
        } else if (opt->get_expected_min() > 0) {
          o->argv.push_back(v);
        }
      }
    }
    status = client::run_bench(*o);
  });
}

}  // namespace l4lab::cli

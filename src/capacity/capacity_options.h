// Everything `l4lab capacity` was asked to do, as parsed from the command line.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "capacity/rate_search.h"

namespace l4lab::capacity {

struct CapacityOptions {
  std::string url;                // server base URL (or plan)
  std::string plan;               // a matrix plan: each configuration's engine started in turn
  std::vector<std::string> only;  // with plan: these configurations only
  std::string workload;           // prompts.jsonl (the mix each step sends)
  std::string out_dir;
  std::vector<std::string> slos;  // --slo texts
  SearchOptions search;
  double step_s = 60;    // measured part of each step
  double warmup_s = 10;  // left out of each step's data
  double pause_s = 2;    // between steps, so the server drains
  uint64_t seed = 1;
  std::string model;
  std::string endpoint_type = "chat";
  bool ignore_eos = false;
  std::string l4lab_exe;  // for the per-step `l4lab bench` (argv, never a shell)
  std::vector<std::string> argv;
};

// 0 the search ran to an answer (see capacity.json); 1 it could not finish
// (a step's bench failed, the client could not offer the load); 2 bad input.
int run_capacity(const CapacityOptions& o);

// Prints "l4lab capacity: MSG" on stderr; returns 2 (bad input).
int bad_input(const std::string& msg);

// With `plan`: each configuration's engine started, searched and stopped in
// turn (capacity_plan_command.cpp); OUT/capacity_plan.json. 0 every search
// ran to an answer; 1 one could not (engine did not start, search stopped);
// 2 bad input; 128+signal interrupted.
int run_capacity_plan(const CapacityOptions& o);

}  // namespace l4lab::capacity

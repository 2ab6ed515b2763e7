// The workload a plan runs: its hash, count, tokenizer and seed (read from
// prompts.jsonl and prompts.manifest.json, docs/FORMATS.md), and the quick
// subset: the first N requests of every task x bucket cell, in file order,
// so a short plan still covers all nine cells with the same requests.
#pragma once

#include <string>

#include "common/result.h"
#include "matrix/run_manifest.h"

namespace l4lab::matrix {

// Reads `path` (and the manifest beside it, if any).
Result<WorkloadRef> describe_workload(const std::string& path);

// Writes the subset to out_path (byte-identical lines) and describes it.
// Errors name the line of prompts.jsonl at fault.
Result<WorkloadRef> write_subset(const std::string& source, int per_cell,
                                 const std::string& out_path);

}  // namespace l4lab::matrix

// One request of the fixed workload: a line of prompts.jsonl (docs/FORMATS.md).
#pragma once

#include <string>
#include <vector>

#include "workload/chat.h"

namespace l4lab::workload {

struct WorkloadRequest {
  std::string id;      // "summarisation-S-0000": task-bucket-index
  std::string task;    // summarisation | qa | dialogue
  std::string bucket;  // S (<= 512) | M (513-2048) | L (2049-8192)
  Conversation messages;
  int max_new_tokens = 0;
  int request_prompt_tokens = 0;  // exact chat-template count (the engine's)
  int target_prompt_tokens = 0;   // what packing aimed for
  std::string tokenizer_id, tokenizer_sha256;
  std::string primary_source;                   // e.g. "synthetic:summarisation:17"
  std::vector<std::string> distractor_sources;  // source ids of DISTRACTOR text
};

}  // namespace l4lab::workload

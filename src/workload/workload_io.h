// prompts.jsonl <-> WorkloadRequest (docs/FORMATS.md). Parsing happens here,
// at the edge; the rest of the lab sees only WorkloadRequest.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "workload/workload_request.h"

namespace l4lab::workload {

// Bucket limits by request-level prompt tokens.
constexpr int kBucketSMax = 512;
constexpr int kBucketMMax = 2048;
constexpr int kBucketLMax = 8192;

// "S", "M" or "L" for a prompt length; "" when it is above L.
std::string bucket_of(int prompt_tokens);

// One JSON object, no newline, keys in the FORMATS.md order; byte-stable.
std::string workload_request_to_json(const WorkloadRequest& r);

// Parses one line; errors name the field ("field max_new_tokens: ...").
Result<WorkloadRequest> parse_workload_request(std::string_view line);

// Reads a whole prompts.jsonl; errors name "path:line: field ...".
Result<std::vector<WorkloadRequest>> read_workload(const std::string& path);

}  // namespace l4lab::workload

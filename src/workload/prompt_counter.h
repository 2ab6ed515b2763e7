// The one place that chooses how a workload's prompt tokens are counted
// (`workload build` and `workload check` both): the engine's own /tokenize
// when --count-with URL is given (RemoteTokenizeCounter), else the lab's
// Mistral v3 chat template over the loaded tokenizer.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "workload/chat_template.h"
#include "workload/tokenizer.h"

namespace l4lab::workload {

// `tokenizer` must outlive the counter. An error only when the local template
// is the one chosen and the tokenizer lacks its control tokens.
Result<std::unique_ptr<ChatTemplate>> make_prompt_counter(const Tokenizer& tokenizer,
                                                          const std::string& count_with,
                                                          const std::string& count_with_model);

}  // namespace l4lab::workload

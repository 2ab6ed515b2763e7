#include "workload/prompt_counter.h"

#include "workload/remote_tokenize_counter.h"

namespace l4lab::workload {

Result<std::unique_ptr<ChatTemplate>> make_prompt_counter(const Tokenizer& tokenizer,
                                                          const std::string& count_with,
                                                          const std::string& count_with_model) {
  if (!count_with.empty())
    return std::unique_ptr<ChatTemplate>(
        std::make_unique<RemoteTokenizeCounter>(count_with, count_with_model));
  auto v3 = MistralV3ChatTemplate::create(tokenizer);
  if (!v3) return v3.error();
  return std::unique_ptr<ChatTemplate>(std::make_unique<MistralV3ChatTemplate>(std::move(*v3)));
}

}  // namespace l4lab::workload

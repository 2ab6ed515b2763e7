// GET {base}/v1/models: the first model id the server serves.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace l4lab::client {

Result<std::string> probe_model(const std::string& models_url,
                                const std::vector<std::string>& headers, bool insecure,
                                long timeout_ms);

}  // namespace l4lab::client

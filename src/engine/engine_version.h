// The installed engine's own version (e.g. "vllm 0.25.0"), as the manifest
// and capacity's engine.json record it: the last output line of the
// config's version argv (engine_config.h version_argv); serve-sim is the
// lab's own version. "" when it cannot be found (the argv fails or is none).
#pragma once

#include <string>

#include "engine/engine_config.h"

namespace l4lab::engine {

std::string installed_engine_version(const EngineConfig& c, const ArgvContext& ctx);

}  // namespace l4lab::engine

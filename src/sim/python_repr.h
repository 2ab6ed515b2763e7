// Python-literal renderings for the startup line vLLM prints
// ("non-default args: {'max_model_len': 8192, 'enforce_eager': True}"), which
// the matrix checks to prove a flag was applied.
#pragma once

#include <string>

namespace l4lab::sim {

// A command-line value: an int or float stays bare, anything else is quoted.
std::string python_repr_of_scalar(const std::string& value);
// A JSON text as a Python dict/list literal; not JSON -> a quoted string.
std::string python_repr_of_json(const std::string& json_text);

}  // namespace l4lab::sim

// `l4lab transfer CALIBRATED --hardware HW --out PROFILE` as a function
// (docs/TWIN.md#transfer): src/cli/twin_commands.cpp parses the command line
// into TransferOptions.
#pragma once

#include <string>

namespace l4lab::twin {

struct TransferOptions {
  std::string profile, hardware, out, name;
};

// 0 written; 2 unusable input or a write error.
int run_transfer(const TransferOptions& o);

}  // namespace l4lab::twin

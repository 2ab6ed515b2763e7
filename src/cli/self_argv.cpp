#include "cli/commands.h"
#include "common/files.h"

namespace l4lab::cli {

std::vector<std::string> self_argv() {
  std::vector<std::string> argv;
  auto t = read_file("/proc/self/cmdline");
  if (!t.ok()) return argv;
  std::string cur;
  for (char ch : *t) {
    if (ch == '\0') {
      argv.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  return argv;
}

}  // namespace l4lab::cli

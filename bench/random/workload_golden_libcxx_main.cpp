// Standalone libc++ check of the default workload's golden sha256
// (WorkloadBuilder.GoldenSha256OfTheDefaultWorkload): the lab's workload code
// built with clang + libc++, SentencePiece through spm_c_shim.h.
#include <cstdio>

#include "common/files.h"
#include "workload/workload_builder.h"

// With an argument, also writes the workload's JSONL there (to diff against gcc's).
int main(int argc, char** argv) {
  auto a = l4lab::workload::build_workload(l4lab::workload::BuildOptions{});
  if (!a.ok()) {
    std::fprintf(stderr, "build_workload: %s\n", a.error().message().c_str());
    return 1;
  }
  if (argc > 1 && !l4lab::write_file(argv[1], a->jsonl).ok()) return 1;
  std::printf("workload %zu requests %s\n", a->requests.size(),
              l4lab::sha256_hex(a->jsonl).c_str());
  return 0;
}

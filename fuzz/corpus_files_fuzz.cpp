// A user's corpus file (workload/corpus_files): CSV, JSONL or a JSON array,
// for each task, with ShareGPT / OpenAI / SAMSum / DailyDialog dialogue forms.
// The reader takes a path, so the input is written to a scratch file; byte 0
// picks the format, byte 1 the task.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "workload/corpus_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  static const char* const kExt[] = {".csv", ".jsonl", ".json"};
  static const char* const kTask[] = {"summarisation", "qa", "dialogue"};
  const std::string path = "/tmp/l4lab_corpus_fuzz_" + std::to_string(getpid()) + kExt[data[0] % 3];
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data + 2, 1, size - 2, f);
  std::fclose(f);
  (void)l4lab::workload::read_corpus_file(kTask[data[1] % 3], path, {});
  std::remove(path.c_str());
  return 0;
}

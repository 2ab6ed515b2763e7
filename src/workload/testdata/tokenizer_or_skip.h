// For tests that need the default tokenizer (Mistral's v3 file from the PyPI
// package mistral-common, which scripts/setup.sh installs into .venv): where
// it is absent they skip, saying why, instead of failing or crashing.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "workload/tokenizer_locator.h"

namespace l4lab::workload::testing {

// "" if the default tokenizer is found; otherwise why not (first line only).
inline std::string default_tokenizer_absent() {
  auto where = locate_tokenizer("");
  if (where.ok()) return "";
  const std::string m = where.error().message();
  return m.substr(0, m.find('\n'));
}

}  // namespace l4lab::workload::testing

// In a test body or a fixture's SetUp: skip the test when the default
// tokenizer is absent.
#define L4LAB_SKIP_WITHOUT_DEFAULT_TOKENIZER()                                           \
  do {                                                                                   \
    if (const std::string why_ = ::l4lab::workload::testing::default_tokenizer_absent(); \
        !why_.empty())                                                                   \
      GTEST_SKIP() << "needs the default tokenizer: " << why_;                           \
  } while (0)

// Shared by the libFuzzer targets: a trap that turns a broken invariant into
// a crash libFuzzer keeps (assert is off in some builds; this is not).
#pragma once

#include <cstdio>
#include <cstdlib>

#define L4LAB_FUZZ_CHECK(cond)                                                               \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

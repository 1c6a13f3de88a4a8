#pragma once
// FUZZ_CHECK: an invariant of the code under test. A violation prints what was expected and
// aborts, which libFuzzer reports as a crash and saves the input as an artifact.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

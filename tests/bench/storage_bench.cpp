// What storing one image costs on the filesystem the worker writes to: the same call the worker
// makes (worker/local_storage.cpp), a 5.2 KB PNG-sized buffer, a new name each time. The CPU
// column is the number that matters: scripts/bench prints it before every cell, because on a
// filesystem that recently deleted many files (ext4 without a journal skips recently freed
// inodes, scanning for them) it varies several-fold and with it every cell's result.
// IMAGEGEN_BENCH_STORAGE_DIR picks the folder (default: a new one under the temp folder).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "worker/local_storage.h"

namespace imagegen {
namespace {

void BM_StoreImage(benchmark::State& state) {
  const char* chosen = std::getenv("IMAGEGEN_BENCH_STORAGE_DIR");
  const bool own_dir = chosen == nullptr || *chosen == '\0';
  const std::filesystem::path root =
      own_dir ? std::filesystem::temp_directory_path() /
                    ("imagegen-storage-bench-" + std::to_string(::getpid()))
              : std::filesystem::path(chosen);
  const std::filesystem::path dir = root / "u" / "generated";
  std::filesystem::create_directories(dir);
  const std::string bytes(5200, '\x42');
  static long next = 0;
  for (auto _ : state) {
    auto stored = worker::write_file_atomically(
        dir / ("generated_bench_" + std::to_string(next++) + ".png"), bytes);
    if (!stored) state.SkipWithError(stored.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations());
  std::error_code ignored;
  if (own_dir) std::filesystem::remove_all(root, ignored);
}
// A fixed count, so every probe creates the same number of files.
BENCHMARK(BM_StoreImage)->Iterations(2000);

}  // namespace
}  // namespace imagegen

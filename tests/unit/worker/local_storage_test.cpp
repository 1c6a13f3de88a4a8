#include "worker/local_storage.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>

#include "tests/unit/image/test_images.h"
#include "tests/unit/worker/temp_dir.h"
#include "tests/unit/worker/test_http_server.h"
#include "worker/http_client.h"

namespace imagegen::worker {
namespace {

namespace asio = boost::asio;
using testing::TempDir;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> files_under(const std::filesystem::path& root) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) out.push_back(std::filesystem::relative(e.path(), root).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

asio::awaitable<void> store_into(Storage& s, std::string user, std::string job, int index,
                                 GeneratedImage img, std::optional<Result<std::string>>& out) {
  auto info = image::probe_image(img.bytes);
  if (!info) {
    out.emplace(info.error());
    co_return;
  }
  const auto now = std::chrono::steady_clock::now();
  out.emplace(co_await s.store(user, job, index, img, *info, now + std::chrono::minutes(1), now));
}

Result<std::string> run_store(LocalStorage& s, const std::string& user, const std::string& job,
                              int index, const std::string& bytes) {
  asio::io_context io;
  std::optional<Result<std::string>> out;
  testing::run_until_done(io,
                          store_into(s, user, job, index, GeneratedImage{bytes, "image/png"}, out));
  return std::move(*out);
}

TEST(ObjectPath, FollowsTheFixedLayout) {
  EXPECT_EQ(object_path("user-1", "job_9", 0, "png").value(),
            "user-1/generated/generated_job_9_0.png");
  EXPECT_EQ(object_path("u", "j", 3, "jpg").value(), "u/generated/generated_j_3.jpg");
  EXPECT_EQ(object_path("u", "j", 12, "webp").value(), "u/generated/generated_j_12.webp");
}

TEST(ObjectPath, RefusesIdsThatCouldEscapeTheirFolder) {
  for (const char* bad : {"", ".", "..", "a/b", "../etc", "a\\b", "x y", "a\nb"}) {
    EXPECT_FALSE(object_path(bad, "job", 0, "png")) << bad;
    EXPECT_FALSE(object_path("user", bad, 0, "png")) << bad;
  }
  EXPECT_FALSE(object_path("u", "j", -1, "png"));
  EXPECT_FALSE(object_path("u", "j", 0, "gif"));
}

TEST(LocalStorage, WritesTheFileAtTheExactPathCreatingFolders) {
  TempDir dir;
  LocalStorage storage(dir.path() / "root");
  const std::string png = testing::make_png(3, 2);
  auto stored = run_store(storage, "user-42", "job-123", 1, png);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(*stored, "user-42/generated/generated_job-123_1.png");
  EXPECT_EQ(read_file(dir.path() / "root" / *stored), png);
  EXPECT_EQ(files_under(dir.path()),
            std::vector<std::string>{"root/user-42/generated/generated_job-123_1.png"});
}

TEST(LocalStorage, EveryStoredImageIsReportedInASyncPass) {
  TempDir dir;
  std::mutex mu;
  std::size_t images = 0;
  std::size_t passes = 0;
  {
    LocalStorage storage(dir.path(), [&](const GroupCommitPass& pass) {
      std::lock_guard lock(mu);
      images += pass.files;
      ++passes;
      EXPECT_TRUE(pass.ok);
    });
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE(run_store(storage, "u", "j", i, testing::make_png(2, 2)));
    EXPECT_EQ(storage.sync_passes(), 3u);  // one at a time: each store waited for its own pass
  }
  std::lock_guard lock(mu);
  EXPECT_EQ(passes, 3u);
  EXPECT_EQ(images, 3u);
}

// store_many for the images of one job, from first_index on; the images stay alive here.
std::vector<Result<std::string>> run_store_many(LocalStorage& s, const std::string& job,
                                                int first_index,
                                                const std::vector<std::string>& pngs) {
  std::vector<GeneratedImage> images;
  std::vector<image::ImageInfo> infos;
  for (const auto& bytes : pngs) {
    images.push_back(GeneratedImage{bytes, "image/png"});
    infos.push_back(image::probe_image(bytes).value());
  }
  std::vector<ImageRef> refs;
  for (std::size_t i = 0; i < images.size(); ++i) refs.push_back(ImageRef{&images[i], &infos[i]});
  asio::io_context io;
  std::vector<Result<std::string>> out;
  const auto now = std::chrono::steady_clock::now();
  testing::run_until_done(io, [&]() -> asio::awaitable<void> {
    out = co_await s.store_many("u", job, first_index, refs, now + std::chrono::minutes(1), now);
  }());
  return out;
}

TEST(LocalStorage, AJobsImagesAreOneWriterOfOneSyncPass) {
  TempDir dir;
  std::mutex mu;
  std::vector<std::pair<std::size_t, std::size_t>> passes;  // writers and files of each pass
  const std::vector<std::string> pngs = {testing::make_png(2, 2), testing::make_png(3, 3),
                                         testing::make_png(4, 4), testing::make_png(5, 5)};
  {
    LocalStorage storage(dir.path(), [&](const GroupCommitPass& pass) {
      std::lock_guard lock(mu);
      passes.emplace_back(pass.writers, pass.files);
    });
    auto stored = run_store_many(storage, "j", 2, pngs);
    ASSERT_EQ(stored.size(), 4u);
    for (std::size_t i = 0; i < stored.size(); ++i) {
      ASSERT_TRUE(stored[i]) << stored[i].error().message;
      EXPECT_EQ(*stored[i], "u/generated/generated_j_" + std::to_string(2 + i) + ".png");
      EXPECT_EQ(read_file(dir.path() / *stored[i]), pngs[i]);
    }
  }
  std::lock_guard lock(mu);
  using Pass = std::pair<std::size_t, std::size_t>;
  EXPECT_EQ(passes, std::vector<Pass>{Pass(1, 4)}) << "one pass, the job its one writer of 4 files";
}

TEST(LocalStorage, AFileThatCannotBeWrittenFailsItsImageAloneInAStoreMany) {
  TempDir dir;
  LocalStorage storage(dir.path());
  // A folder where image 1's file should go: neither the link nor the rename can replace it.
  std::filesystem::create_directories(dir.path() / "u" / "generated" / "generated_j_1.png" / "x");
  auto stored = run_store_many(
      storage, "j", 0, {testing::make_png(2, 2), testing::make_png(3, 3), testing::make_png(4, 4)});
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_TRUE(stored[0]);
  ASSERT_FALSE(stored[1]);
  EXPECT_EQ(stored[1].error().code, Errc::kUnavailable) << stored[1].error().message;
  EXPECT_TRUE(stored[2]);
  EXPECT_EQ(read_file(dir.path() / "u/generated/generated_j_2.png"), testing::make_png(4, 4));
}

TEST(LocalStorage, ExtensionComesFromTheBytesNotTheDeclaredMime) {
  TempDir dir;
  LocalStorage storage(dir.path());
  auto stored = run_store(storage, "u", "j", 0, testing::make_jpeg_header(10, 10));
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(*stored, "u/generated/generated_j_0.jpg");
}

TEST(LocalStorage, RewritingTheSameIndexReplacesItAndLeavesNoTempFiles) {
  TempDir dir;
  LocalStorage storage(dir.path());
  const std::string first = testing::make_png(4, 4);
  const std::string second = testing::make_png(5, 5);
  ASSERT_TRUE(run_store(storage, "u", "j", 0, first));
  auto again = run_store(storage, "u", "j", 0, second);
  ASSERT_TRUE(again);
  EXPECT_EQ(read_file(dir.path() / *again), second);
  EXPECT_EQ(files_under(dir.path()), std::vector<std::string>{"u/generated/generated_j_0.png"});
}

TEST(LocalStorage, RefusesUnsafeIdsWithoutWriting) {
  TempDir dir;
  LocalStorage storage(dir.path() / "root");
  auto stored = run_store(storage, "../evil", "j", 0, testing::make_png(2, 2));
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error().code, Errc::kInvalidArgument);
  EXPECT_TRUE(files_under(dir.path()).empty());
}

TEST(LocalStorage, ReportsFilesystemErrorsAsUnavailable) {
  TempDir dir;
  std::ofstream(dir.path() / "blocker") << "a file where a folder should be";
  LocalStorage storage(dir.path() / "blocker");
  auto stored = run_store(storage, "u", "j", 0, testing::make_png(2, 2));
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error().code, Errc::kUnavailable) << stored.error().message;
}

TEST(WriteFileAtomically, CreatesParentsAndWritesBytes) {
  TempDir dir;
  const auto p = dir.path() / "a" / "b" / "c.bin";
  ASSERT_TRUE(write_file_atomically(p, std::string("x\0y", 3)));
  EXPECT_EQ(read_file(p), std::string("x\0y", 3));
}

TEST(MakeStorage, ParsesTheEnvironmentSpec) {
  asio::io_context io;
  HttpClient http(io);
  auto local = make_storage("local:/tmp/imagegen-x", http);
  ASSERT_TRUE(local);
  EXPECT_EQ((*local)->name(), "local");
  EXPECT_FALSE(make_storage("s3:bucket", http));
  EXPECT_FALSE(make_storage("local:", http));
  EXPECT_FALSE(make_storage("supabase", http));  // no URL, key or bucket: refuse at start
}

}  // namespace
}  // namespace imagegen::worker

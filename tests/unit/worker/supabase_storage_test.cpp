#include "worker/supabase_storage.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <optional>

#include "tests/unit/image/test_images.h"
#include "tests/unit/worker/test_http_server.h"

namespace imagegen::worker {
namespace {

namespace asio = boost::asio;

TEST(SupabaseUpload, RequestShape) {
  const SupabaseSettings s{"https://proj.supabase.co", "service-key", "images"};
  const HttpRequest req =
      supabase_upload_request(s, "u1/generated/generated_j1_0.png", "image/png", "BYTES");
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url,
            "https://proj.supabase.co/storage/v1/object/images/u1/generated/generated_j1_0.png");
  EXPECT_EQ(req.headers, (HeaderList{{"Authorization", "Bearer service-key"},
                                     {"apikey", "service-key"},
                                     {"Content-Type", "image/png"},
                                     {"x-upsert", "true"}}));
  EXPECT_EQ(req.body, "BYTES");
}

asio::awaitable<void> store_into(Storage& s, std::string user, std::string job, int index,
                                 GeneratedImage img, std::optional<Result<std::string>>& out,
                                 std::chrono::steady_clock::time_point deadline) {
  auto info = image::probe_image(img.bytes);
  EXPECT_TRUE(info.ok());
  Result<std::string> r =
      co_await s.store(user, job, index, img, *info, deadline, std::chrono::steady_clock::now());
  out = std::move(r);
}

struct Harness {
  asio::io_context io;
  HttpClient http{io};
  std::optional<Result<std::string>> result;

  void store(SupabaseStorage& storage, const std::string& jpeg, int index = 1,
             std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::now() +
                                                              std::chrono::minutes(5)) {
    testing::run_until_done(io, store_into(storage, "user-1", "job-9", index,
                                           GeneratedImage{jpeg, "image/jpeg"}, result, deadline));
  }
  static SupabaseStorageOptions options(const std::string& base) {
    SupabaseStorageOptions o;
    o.settings = {base + "/", "srk", "bucket-a"};
    o.retry.base_delay = std::chrono::milliseconds(1);
    return o;
  }
};

TEST(SupabaseStorage, UploadsAndReturnsTheObjectPath) {
  Harness h;
  const std::string jpeg = testing::make_jpeg_header(64, 48);
  testing::TestHttpServer server(h.io, [](const TestRequest&) {
    return TestReply{
        200, {}, R"({"Key":"bucket-a/user-1/generated/generated_job-9_1.jpg"})", false};
  });
  SupabaseStorage storage(h.http, Harness::options(server.base_url()), [] { return 0.5; });
  h.store(storage, jpeg);
  ASSERT_TRUE(h.result && h.result->ok()) << (h.result ? h.result->error().message : "none");
  EXPECT_EQ(**h.result, "user-1/generated/generated_job-9_1.jpg");
  ASSERT_EQ(server.requests().size(), 1u);
  const TestRequest& r = server.requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/storage/v1/object/bucket-a/user-1/generated/generated_job-9_1.jpg");
  EXPECT_EQ(r.header("authorization"), "Bearer srk");
  EXPECT_EQ(r.header("apikey"), "srk");
  EXPECT_EQ(r.header("content-type"), "image/jpeg");
  EXPECT_EQ(r.header("x-upsert"), "true");
  EXPECT_EQ(r.body, jpeg);
}

TEST(SupabaseStorage, RetriesA5xxThenSucceeds) {
  Harness h;
  int calls = 0;
  testing::TestHttpServer server(h.io, [&](const TestRequest&) {
    return ++calls == 1 ? TestReply{503, {}, "unavailable", false}
                        : TestReply{200, {}, "{}", false};
  });
  SupabaseStorage storage(h.http, Harness::options(server.base_url()), [] { return 0.5; });
  h.store(storage, testing::make_png(4, 4), 0);
  ASSERT_TRUE(h.result && h.result->ok());
  EXPECT_EQ(**h.result, "user-1/generated/generated_job-9_0.png");
  EXPECT_EQ(calls, 2);
}

TEST(SupabaseStorage, GivesUpAfterBoundedRetries) {
  Harness h;
  testing::TestHttpServer server(h.io, [](const TestRequest&) {
    return TestReply{500, {}, "down", false};
  });
  SupabaseStorage storage(h.http, Harness::options(server.base_url()), [] { return 0.5; });
  h.store(storage, testing::make_png(4, 4));
  ASSERT_TRUE(h.result);
  EXPECT_FALSE(h.result->ok());
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST(SupabaseStorage, ClientErrorsAreNotRetried) {
  Harness h;
  testing::TestHttpServer server(h.io, [](const TestRequest&) {
    return TestReply{400, {}, R"({"statusCode":"404","error":"Bucket not found"})", false};
  });
  SupabaseStorage storage(h.http, Harness::options(server.base_url()), [] { return 0.5; });
  h.store(storage, testing::make_png(4, 4));
  ASSERT_TRUE(h.result);
  ASSERT_FALSE(h.result->ok());
  EXPECT_NE(h.result->error().message.find("Bucket not found"), std::string::npos);
  EXPECT_EQ(h.result->error().message.find("srk"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(SupabaseStorage, NeverUploadsPastTheJobDeadline) {
  Harness h;
  testing::TestHttpServer server(h.io, [](const TestRequest&) {
    return TestReply{200, {}, "{}", false};
  });
  SupabaseStorage storage(h.http, Harness::options(server.base_url()), [] { return 0.5; });
  // The job's deadline has passed: its own 90 s budget does not let it try anyway.
  h.store(storage, testing::make_png(4, 4), 0, std::chrono::steady_clock::now());
  ASSERT_TRUE(h.result);
  ASSERT_FALSE(h.result->ok());
  EXPECT_EQ(h.result->error().code, Errc::kTimeout);
  EXPECT_EQ(server.requests().size(), 0u);
}

TEST(SupabaseStorage, RetriesStopAtTheJobDeadline) {
  Harness h;
  int calls = 0;
  testing::TestHttpServer server(h.io, [&](const TestRequest&) {
    ++calls;
    return TestReply{503, {}, "unavailable", false};
  });
  SupabaseStorageOptions o = Harness::options(server.base_url());
  o.retry.max_attempts = 1000;  // only the deadline can end this
  o.retry.base_delay = std::chrono::milliseconds(400);
  o.retry.max_delay = std::chrono::milliseconds(400);
  o.retry.min_attempt_time = std::chrono::milliseconds(0);
  // Full jitter at draw 0.999 waits ~400 ms; a 600 ms deadline leaves room for at most two tries.
  SupabaseStorage storage(h.http, o, [] { return 0.999; });
  h.store(storage, testing::make_png(4, 4), 0,
          std::chrono::steady_clock::now() + std::chrono::milliseconds(600));
  ASSERT_TRUE(h.result);
  EXPECT_FALSE(h.result->ok());
  EXPECT_GE(calls, 1);
  EXPECT_LE(calls, 2);
}

}  // namespace
}  // namespace imagegen::worker

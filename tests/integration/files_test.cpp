// GET /api/v1/files/{filePath} through the real binaries: the owner gets the bytes the worker
// stored (ETag, 304, Range, 416); anyone else, a bad path or no token gets nothing.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/integration/stack.h"

namespace imagegen::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

HttpResult get_with(Stack& stack, const std::string& path, const std::vector<std::string>& h) {
  return http_request("GET", stack.api_url(path), "", h, std::chrono::seconds(10));
}

TEST(Files, TheOwnerDownloadsWhatTheWorkerStored) {
  Stack stack;
  auto user = stack.create_user("pro", 1000);
  auto r = stack.post_generate(user.api_key, R"({"prompt":"a cat","model":"gpt-image-1"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string path = json_string(r.body, "/results/0/filePath");
  const std::string url = json_string(r.body, "/results/0/url");
  ASSERT_EQ(url, "/api/v1/files/" + path);
  const std::string on_disk = read_file(stack.images_dir() + "/" + path);
  ASSERT_FALSE(on_disk.empty());

  const std::string auth = "Authorization: Bearer " + user.api_key;
  auto got = get_with(stack, url, {auth});
  ASSERT_EQ(got.status, 200) << got.body << got.error;
  EXPECT_EQ(got.body, on_disk);
  EXPECT_EQ(got.headers["content-type"], "image/png");
  EXPECT_EQ(got.headers["content-length"], std::to_string(on_disk.size()));
  EXPECT_EQ(got.headers["cache-control"].rfind("private", 0), 0u);
  const std::string etag = got.headers["etag"];
  ASSERT_FALSE(etag.empty());

  auto not_modified = get_with(stack, url, {auth, "If-None-Match: " + etag});
  EXPECT_EQ(not_modified.status, 304) << not_modified.error;
  EXPECT_TRUE(not_modified.body.empty());

  auto part = get_with(stack, url, {auth, "Range: bytes=0-9"});
  // The transport error, if any, says which side gave up (seen once: status 0 here).
  ASSERT_EQ(part.status, 206) << part.body << part.error;
  EXPECT_EQ(part.body, on_disk.substr(0, 10));
  EXPECT_EQ(part.headers["content-range"], "bytes 0-9/" + std::to_string(on_disk.size()));

  auto beyond =
      get_with(stack, url, {auth, "Range: bytes=" + std::to_string(on_disk.size()) + "-"});
  EXPECT_EQ(beyond.status, 416) << beyond.error;
  EXPECT_EQ(beyond.headers["content-range"], "bytes */" + std::to_string(on_disk.size()));
}

TEST(Files, StrangersBadPathsAndNoTokenGetNothing) {
  Stack stack;
  auto owner = stack.create_user("pro", 1000);
  auto other = stack.create_user("pro", 1000);
  auto r = stack.post_generate(owner.api_key, R"({"prompt":"a dog","model":"gpt-image-1"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string url = json_string(r.body, "/results/0/url");
  EXPECT_EQ(stack.get(url).status, 401);
  EXPECT_EQ(stack.get(url, other.api_key).status, 404);
  const std::string mine = "/api/v1/files/" + owner.user_id;
  for (const std::string& bad :
       {mine + "/generated/..%2f..%2fetc%2fpasswd", mine + "/generated/%2e%2e/x.png",
        mine + "/../../etc/passwd", std::string("/api/v1/files//etc/passwd"),
        mine + "/generated/generated_abc_0.png%00", mine + "\\generated\\x.png",
        mine + "/generated/generated_ffff_0.png"}) {
    const long status = stack.get(bad, owner.api_key).status;
    EXPECT_TRUE(status == 400 || status == 404) << bad << " -> " << status;
  }
}

TEST(Files, SupabaseStorageAnswersWithASignedUrl) {
  StackOptions o;
  o.supabase_bucket = "generated-images";
  Stack stack(o);
  auto user = stack.create_user("pro", 1000);
  auto r = stack.post_generate(user.api_key, R"({"prompt":"a bird","model":"gpt-image-1"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string url = json_string(r.body, "/results/0/url");
  auto redirect = stack.get(url, user.api_key);
  ASSERT_EQ(redirect.status, 302) << redirect.body;
  const std::string location = redirect.headers["location"];
  ASSERT_EQ(location.rfind(stack.sim_url() + "/storage/v1/object/sign/generated-images/", 0), 0u)
      << location;
  auto image = http_request("GET", location);
  EXPECT_EQ(image.status, 200);
  EXPECT_EQ(image.body.substr(1, 3), "PNG");
  EXPECT_EQ(stack.get(url).status, 401);
}

}  // namespace
}  // namespace imagegen::testing

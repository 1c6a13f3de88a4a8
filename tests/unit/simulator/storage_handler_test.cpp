#include "simulator/storage_handler.h"

#include <gtest/gtest.h>

#include "handler_fixture.h"
#include "simulator/router.h"

namespace imagegen::sim {
namespace {

constexpr std::string_view kPath = "/storage/v1/object/images/u1/generated/generated_j1_0.png";

class SimStorageHandler : public ::testing::Test {
 protected:
  SimResponse upload(std::string_view path, std::string bytes, bool upsert = false,
                     std::string auth = "Bearer service-key") {
    HeaderList headers{{"Content-Type", "image/png"}};
    if (!auth.empty()) headers.emplace_back("Authorization", auth);
    if (upsert) headers.emplace_back("x-upsert", "true");
    return handle_storage(testing::post(std::string(path), std::move(bytes), headers), f_.context);
  }
  SimResponse download(std::string_view path, HeaderList headers = {{"apikey", "service-key"}}) {
    return handle_storage(testing::get(std::string(path), std::move(headers)), f_.context);
  }
  simdjson::dom::element json(const SimResponse& r) { return f_.parse(r); }

  testing::HandlerFixture f_;
};

TEST_F(SimStorageHandler, UploadAnswersKeyAndIdAndGetReturnsTheBytes) {
  const SimResponse r = upload(kPath, "\x89PNG fake bytes");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(std::string_view(json(r)["Key"]), "images/u1/generated/generated_j1_0.png");
  EXPECT_EQ(std::string_view(json(r)["Id"]).size(), 36u);
  const SimResponse got = download(kPath);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "\x89PNG fake bytes");
  EXPECT_EQ(testing::header_value(got, "Content-Type"), "image/png");
}

TEST_F(SimStorageHandler, DuplicateWithoutUpsertIs409InA400) {
  ASSERT_EQ(upload(kPath, "one").status, 200);
  const SimResponse dup = upload(kPath, "two");
  EXPECT_EQ(dup.status, 400);
  EXPECT_EQ(std::string_view(json(dup)["statusCode"]), "409");
  EXPECT_EQ(std::string_view(json(dup)["error"]), "Duplicate");
  EXPECT_EQ(std::string_view(json(dup)["message"]), "The resource already exists");
  EXPECT_EQ(download(kPath).body, "one");
  EXPECT_EQ(upload(kPath, "three", true).status, 200);
  EXPECT_EQ(download(kPath).body, "three");
}

TEST_F(SimStorageHandler, NeedsAKeyForUploadAndDownload) {
  const SimResponse r = upload(kPath, "x", false, "");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(std::string_view(json(r)["statusCode"]), "403");
  ASSERT_EQ(upload(kPath, "x").status, 200);
  EXPECT_EQ(download(kPath, {}).status, 400);
  EXPECT_EQ(download(kPath, {{"Authorization", "Bearer k"}}).status, 200);
}

TEST_F(SimStorageHandler, UnknownObjectIsNotFound) {
  const SimResponse r = download("/storage/v1/object/images/nope.png");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(std::string_view(json(r)["statusCode"]), "404");
}

TEST_F(SimStorageHandler, FailOncePathFailsTheFirstUploadOnly) {
  const std::string path = "/storage/v1/object/images/u1/sim-fail-once/a.png";
  const SimResponse first = upload(path, "x");
  EXPECT_EQ(first.status, 503);
  EXPECT_EQ(std::string_view(json(first)["statusCode"]), "503");
  EXPECT_EQ(download(path).status, 400);  // nothing was stored
  EXPECT_EQ(upload(path, "x").status, 200);
  EXPECT_EQ(download(path).body, "x");
}

TEST_F(SimStorageHandler, EvictsTheLeastRecentlyUsedPastTheByteBound) {
  SimSettings settings;
  settings.storage_max_bytes = 10;
  SimServices services(settings);
  HandlerContext context{f_.json, services, {}, 0};
  const auto put = [&](std::string path, std::string bytes) {
    return handle_storage(testing::post(path, std::move(bytes), {{"apikey", "k"}}), context).status;
  };
  const auto get = [&](std::string path) {
    return handle_storage(testing::get(path, {{"apikey", "k"}}), context);
  };
  ASSERT_EQ(put("/storage/v1/object/b/one", "aaaa"), 200);
  ASSERT_EQ(put("/storage/v1/object/b/two", "bbbb"), 200);
  EXPECT_EQ(get("/storage/v1/object/b/one").body, "aaaa");  // "one" is now the most recent
  ASSERT_EQ(put("/storage/v1/object/b/three", "cccc"), 200);
  EXPECT_EQ(get("/storage/v1/object/b/two").status, 400);
  EXPECT_EQ(get("/storage/v1/object/b/one").status, 200);
  EXPECT_EQ(services.objects.total_bytes(), 8u);
  EXPECT_EQ(put("/storage/v1/object/b/huge", std::string(11, 'x')), 413);
}

TEST_F(SimStorageHandler, StorageFailRateAnswers503AndFaultRateDoesNotApply) {
  SimSettings settings;
  settings.storage_fail_rate = 1.0;
  SimServices services(settings);
  Router router({.fault_rate = 0.0}, services);
  EXPECT_EQ(
      router.dispatch(testing::post(std::string(kPath), "x", {{"apikey", "k"}}), f_.json).status,
      503);

  SimServices healthy;
  Router faulty({.fault_rate = 1.0}, healthy);
  EXPECT_EQ(
      faulty.dispatch(testing::post(std::string(kPath), "x", {{"apikey", "k"}}), f_.json).status,
      200);
  EXPECT_EQ(faulty.dispatch(testing::get(std::string(kPath), {{"apikey", "k"}}), f_.json).body,
            "x");
}

TEST_F(SimStorageHandler, SignedUrlServesTheObjectWithoutOtherCredentials) {
  constexpr std::string_view kSign =
      "/storage/v1/object/sign/images/u1/generated/generated_j1_0.png";
  // Unknown object: nothing to sign.
  EXPECT_EQ(upload(kSign, R"({"expiresIn":60})").status, 400);
  ASSERT_EQ(upload(kPath, "signed bytes").status, 200);
  const SimResponse r = upload(kSign, R"({"expiresIn":60})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string signed_url(std::string_view(json(r)["signedURL"]));
  ASSERT_TRUE(signed_url.starts_with("/object/sign/images/u1/generated/generated_j1_0.png?token="));
  const SimResponse got = download("/storage/v1" + signed_url, {});
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "signed bytes");
  EXPECT_EQ(download(std::string(kSign) + "?token=forged", {}).status, 400);
  EXPECT_EQ(upload(kSign, "{}", false, "").status, 400);  // signing needs the service key
}

}  // namespace
}  // namespace imagegen::sim

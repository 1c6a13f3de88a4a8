// Every model of the catalog, end to end: real api + worker + imagegen-sim + Redis. For each key
// a pro user asks for two images at a supported ratio and resolution and gets them stored at the
// dimensions the family maps to; a [sim:moderated] prompt is a 422 with every credit refunded.
// Plus the Supabase Storage backend, including an upload that fails once and is retried.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/catalog.h"
#include "common/image/image_probe.h"
#include "simulator/image_sizes.h"
#include "tests/integration/stack.h"
#include "worker/providers/bfl.h"
#include "worker/providers/byteplus.h"
#include "worker/providers/dashscope.h"
#include "worker/providers/kling.h"
#include "worker/providers/openai.h"
#include "worker/providers/runway.h"
#include "worker/providers/xai.h"

namespace imagegen::testing {
namespace {

const Catalog& catalog() {
  static const Catalog c = [] {
    auto loaded = Catalog::load_file(std::string(IMAGEGEN_SOURCE_DIR) + "/config/models.json");
    if (!loaded) throw std::runtime_error(loaded.error().message);
    return *loaded;
  }();
  return c;
}

std::vector<std::string> model_keys() {
  std::vector<std::string> keys;
  for (const ModelInfo& m : catalog().models()) keys.push_back(m.key);
  return keys;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool allows(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

struct Ask {
  std::string aspect;
  std::string resolution;
};

// 16:9 and 1K where the model has them (the most common non-square request), else its first.
Ask ask_for(const ModelInfo& m) {
  return Ask{allows(m.aspect_ratios, "16:9") ? "16:9" : m.aspect_ratios.front(),
             allows(m.resolutions, "1K") ? "1K" : m.resolutions.front()};
}

// The pixels the family produces for `ask`: what our adapter asks for where the request names
// pixels (bfl, byteplus, dashscope, runway), what the upstream (the simulator) makes of the
// ratio/size vocabulary we send where it does not.
sim::Dimensions expected_size(const ModelInfo& m, const Ask& a) {
  using namespace worker;
  const std::uint32_t side = a.resolution == "2K" ? 2048 : 1024;
  auto px = [](PixelSize s) {
    return sim::Dimensions{static_cast<std::uint32_t>(s.width),
                           static_cast<std::uint32_t>(s.height)};
  };
  if (m.provider == "gemini" || m.provider == "sourceful") {
    return *sim::gemini_dimensions(a.aspect, a.resolution);
  }
  if (m.provider == "openai") return *sim::openai_dimensions(openai_size_for(a.aspect));
  if (m.provider == "xai") return *sim::ratio_dimensions(xai_aspect_ratio(a.aspect), side);
  if (m.provider == "kling") return *sim::ratio_dimensions(kling_aspect_ratio(a.aspect), side);
  if (m.provider == "midjourney") return *sim::ratio_dimensions(a.aspect, 1024, 8);
  if (m.provider == "runway") return *sim::parse_pixel_size(runway_ratio(a.aspect), ':');
  if (m.provider == "bfl") return px(bfl_dimensions(a.aspect, a.resolution));
  if (m.provider == "byteplus") {
    return px(byteplus_size(a.aspect, a.resolution, !allows(m.resolutions, "1K")));
  }
  if (m.provider == "dashscope") return px(dashscope_size(a.aspect));
  ADD_FAILURE() << "no expected size for family " << m.provider;
  return {};
}

std::string body_for(const std::string& prompt, const ModelInfo& m, const Ask& a, int count) {
  return R"({"prompt":")" + prompt + R"(","model":")" + m.key + R"(","aspectRatio":")" + a.aspect +
         R"(","resolution":")" + a.resolution + R"(","count":)" + std::to_string(count) + "}";
}

class AllModels : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    StackOptions o;
    o.wait_timeout_ms = 60000;  // async families poll every 2 s for a few rounds
    stack_ = new Stack(o);
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  static Stack* stack_;
};
Stack* AllModels::stack_ = nullptr;

TEST_P(AllModels, TwoImagesAtTheMappedSizeAndModerationRefundsAll) {
  Stack& stack = *stack_;
  const ModelInfo& m = *catalog().find(GetParam());
  const Ask ask = ask_for(m);
  const std::int64_t credits = 100000;
  const DemoUser user = stack.create_user("pro", credits);

  if (m.requires_reference_images) {
    const HttpResult r = stack.post_generate(user.api_key, body_for("a fox", m, ask, 1));
    EXPECT_EQ(r.status, 400) << r.body;
    std::string lower = r.body;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    EXPECT_NE(lower.find("reference"), std::string::npos) << r.body;
    EXPECT_EQ(stack.user_number(user.user_id, "balance"), credits);
    return;
  }

  const int count = 2;
  const std::string prompt = "all models: a red fox in snow (" + m.key + ")";
  const HttpResult r = stack.post_generate(user.api_key, body_for(prompt, m, ask, count));
  ASSERT_EQ(r.status, 200) << m.key << ": " << r.body;
  EXPECT_EQ(json_string(r.body, "/provider"), m.provider);
  ASSERT_EQ(json_array_size(r.body, "/results"), static_cast<std::size_t>(count)) << r.body;
  const sim::Dimensions want = expected_size(m, ask);
  const std::string job_id = json_string(r.body, "/jobId");
  for (int i = 0; i < count; ++i) {
    const std::string path = json_string(r.body, "/results/" + std::to_string(i) + "/filePath");
    EXPECT_EQ(
        path.rfind(user.user_id + "/generated/generated_" + job_id + "_" + std::to_string(i) + ".",
                   0),
        0u)
        << path;
    const std::string bytes = read_file(stack.images_dir() + "/" + path);
    auto info = image::probe_image(bytes);
    ASSERT_TRUE(info.ok()) << m.key << " " << path << ": " << info.error().message;
    EXPECT_EQ(info->width, want.width) << m.key << " " << ask.aspect << " " << ask.resolution;
    EXPECT_EQ(info->height, want.height) << m.key << " " << ask.aspect << " " << ask.resolution;
    EXPECT_EQ(r.body.find("http"), std::string::npos) << "an upstream URL leaked: " << r.body;
  }
  const std::int64_t cost = *m.credits_for(ask.resolution) * count;
  EXPECT_EQ(json_int(r.body, "/creditsCharged"), cost);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), credits - cost);

  const HttpResult blocked = stack.post_generate(
      user.api_key, body_for("[sim:moderated] a fox (" + m.key + ")", m, ask, count));
  EXPECT_EQ(blocked.status, 422) << m.key << ": " << blocked.body;
  EXPECT_EQ(json_string(blocked.body, "/code"), "CONTENT_BLOCKED") << blocked.body;
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), credits - cost);
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
}

INSTANTIATE_TEST_SUITE_P(Catalog, AllModels, ::testing::ValuesIn(model_keys()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(SupabaseStorage, ImagesLandInTheBucketEvenWhenAnUploadFailsOnce) {
  StackOptions o;
  // The simulator fails the first upload of every path containing "sim-fail-once" with a 503.
  o.supabase_bucket = "images-sim-fail-once";
  Stack stack(o);
  const DemoUser user = stack.create_user("pro", 1000);
  const HttpResult r = stack.post_generate(
      user.api_key,
      R"({"prompt":"a lighthouse","model":"gpt-image-1","aspectRatio":"3:2","count":2})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(json_array_size(r.body, "/results"), 2u);
  const std::string job_id = json_string(r.body, "/jobId");
  for (int i = 0; i < 2; ++i) {
    const std::string path = json_string(r.body, "/results/" + std::to_string(i) + "/filePath");
    EXPECT_EQ(path,
              user.user_id + "/generated/generated_" + job_id + "_" + std::to_string(i) + ".png");
    const HttpResult object = http_request(
        "GET", stack.sim_url() + "/storage/v1/object/images-sim-fail-once/" + path, "",
        {"Authorization: Bearer sim-service-role-key", "apikey: sim-service-role-key"});
    ASSERT_EQ(object.status, 200) << path << ": " << object.body.substr(0, 200);
    auto info = image::probe_image(object.body);
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->width, 1536u);
    EXPECT_EQ(info->height, 1024u);
  }
  EXPECT_TRUE(std::filesystem::is_empty(stack.images_dir()));  // nothing went to local disk
  // Each path's first upload was refused with a 503 and the worker retried it.
  const std::string log = stack.worker(0).read_log();
  EXPECT_NE(log.find("supabase_upload_failed"), std::string::npos);
  EXPECT_EQ(log.find("sim-service-role-key"), std::string::npos);  // the key is never logged
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 1000 - 2 * 12);
}

// The simulator flags money-or-output-altering defaults our requests must switch off.
TEST(UpstreamDefaults, OurRequestsTurnOffWatermarkAndPromptRewriting) {
  StackOptions o;
  o.start_worker = false;
  Stack stack(o);
  const worker::ProviderEndpoint byteplus_ep{stack.sim_url(), "sim-key"};
  JobSpec job;
  job.job_id = "j";
  job.user_id = "u";
  job.prompt = "a harbour";
  job.aspect_ratio = "16:9";
  job.resolution = "2K";
  job.count = 1;
  auto send = [](const worker::HttpRequest& req) {
    std::vector<std::string> headers;
    for (const auto& [k, v] : req.headers) headers.push_back(k + ": " + v);
    return http_request(req.method, req.url, req.body, headers);
  };
  const HttpResult seedream = send(
      worker::BytePlusFamily().build_request(*catalog().find("seedream-4-5"), job, 1, byteplus_ep));
  EXPECT_EQ(seedream.status, 200) << seedream.body.substr(0, 300);
  EXPECT_EQ(seedream.headers.count("x-sim-watermarked"), 0u);
  job.resolution = "1K";
  const HttpResult wan = send(worker::dashscope_family().build_request(
      *catalog().find("wan-2-6-image"), job, 1, byteplus_ep));
  EXPECT_EQ(wan.status, 200) << wan.body.substr(0, 300);
  EXPECT_EQ(wan.headers.count("x-sim-prompt-extended"), 0u);
}

TEST(DashScopeAsync, WanThroughTheTaskEndpointWhenSwitchedOn) {
  StackOptions o;
  o.worker_env["DASHSCOPE_ASYNC"] = "1";
  Stack stack(o);
  const DemoUser user = stack.create_user("free", 1000);
  const HttpResult r = stack.post_generate(
      user.api_key,
      R"({"prompt":"a pagoda","model":"wan-2-6-image","aspectRatio":"21:9","count":3})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(json_array_size(r.body, "/results"), 3u);
  for (int i = 0; i < 3; ++i) {
    const std::string path = json_string(r.body, "/results/" + std::to_string(i) + "/filePath");
    auto info = image::probe_image(read_file(stack.images_dir() + "/" + path));
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->width, 2016u);
    EXPECT_EQ(info->height, 864u);
  }
}

}  // namespace
}  // namespace imagegen::testing

#pragma once
// Catalog entries, jobs and upstream response bodies shared by the worker tests. Models are built
// by hand (the catalog loader belongs to another library).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/base64.h"
#include "common/catalog.h"
#include "common/job_spec.h"

namespace imagegen::testing {

inline const std::vector<std::string> kTenRatios{"1:1", "16:9", "9:16", "4:3", "3:4",
                                                 "2:3", "3:2",  "4:5",  "5:4", "21:9"};

inline ModelInfo nano_banana() {
  ModelInfo m;
  m.key = "nano-banana";
  m.provider = "gemini";
  m.upstream_id = "gemini-2.5-flash-image";
  m.required_tier = Tier::kFree;
  m.credits = {{"1K", 5}};
  m.resolutions = {"1K"};
  m.aspect_ratios = kTenRatios;
  m.seed = true;
  m.negative_prompt = true;
  m.max_images_per_call = 1;
  return m;
}

inline ModelInfo nano_banana_pro() {
  ModelInfo m = nano_banana();
  m.key = "nano-banana-pro";
  m.upstream_id = "gemini-3-pro-image-preview";
  m.required_tier = Tier::kPro;
  m.credits = {{"1K", 15}, {"2K", 15}, {"4K", 25}};
  m.resolutions = {"1K", "2K", "4K"};
  return m;
}

inline ModelInfo gpt_image_1() {
  ModelInfo m;
  m.key = "gpt-image-1";
  m.provider = "openai";
  m.upstream_id = "gpt-image-1";
  m.credits = {{"1K", 12}};
  m.resolutions = {"1K"};
  m.aspect_ratios = kTenRatios;
  m.max_images_per_call = 10;
  m.max_prompt_chars = 32000;
  return m;
}

inline std::int64_t unix_ms_from_now(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             (std::chrono::system_clock::now() + d).time_since_epoch())
      .count();
}

inline JobSpec make_job(const std::string& model, int count) {
  JobSpec j;
  j.job_id = "job-123";
  j.user_id = "user-42";
  j.model = model;
  j.prompt = "A sunset over mountains";
  j.aspect_ratio = "1:1";
  j.resolution = "1K";
  j.count = count;
  j.cost_per_image = 5;
  j.deadline_ms = unix_ms_from_now(std::chrono::seconds(20));
  return j;
}

// What the golden request tests set on make_job's job; the rest is make_job's.
struct JobText {
  std::string prompt = "A sunset over mountains";
  std::string negative_prompt = "";
  std::optional<std::uint32_t> seed = std::nullopt;
  std::string aspect_ratio = "1:1";
  std::string resolution = "1K";
};

inline JobSpec make_job(const std::string& model, int count, const JobText& text) {
  JobSpec j = make_job(model, count);
  j.prompt = text.prompt;
  j.negative_prompt = text.negative_prompt;
  j.seed = text.seed;
  j.aspect_ratio = text.aspect_ratio;
  j.resolution = text.resolution;
  return j;
}

inline std::string gemini_image_body(const std::string& image_bytes,
                                     const std::string& mime = "image/png") {
  return R"({"candidates":[{"content":{"role":"model","parts":[{"text":"Here you go"},)"
         R"({"inlineData":{"mimeType":")" +
         mime + R"(","data":")" + imagegen::base64_encode(image_bytes) +
         R"("}}]},"finishReason":"STOP","index":0}],"usageMetadata":{"totalTokenCount":1300}})";
}

inline std::string openai_images_body(const std::vector<std::string>& images) {
  std::string body = R"({"created":1700000000,"data":[)";
  for (std::size_t i = 0; i < images.size(); ++i) {
    if (i) body += ",";
    body += R"({"b64_json":")" + imagegen::base64_encode(images[i]) + R"("})";
  }
  body += R"(],"output_format":"png","size":"1024x1024","usage":{"total_tokens":100}})";
  return body;
}

}  // namespace imagegen::testing

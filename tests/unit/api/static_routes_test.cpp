// The playground, the API document and the model list, as pure functions (no sockets).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "api/routes/http_cache.h"
#include "api/routes/models_route.h"
#include "api/routes/static_assets.h"

namespace imagegen::api {
namespace {

std::string read_source(const std::string& rel) {
  std::ifstream in(std::string(IMAGEGEN_SOURCE_DIR) + "/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string header(const ApiResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

const Catalog& catalog() {
  static Catalog c = Catalog::load_file(IMAGEGEN_SOURCE_DIR "/config/models.json").value();
  return c;
}

TEST(HttpCache, IfNoneMatchComparesWeaklyAndTakesLists) {
  const std::string tag = strong_etag("hello");
  EXPECT_EQ(tag.front(), '"');
  EXPECT_EQ(tag.back(), '"');
  EXPECT_NE(tag, strong_etag("hello!"));
  EXPECT_TRUE(etag_matches(tag, tag));
  EXPECT_TRUE(etag_matches("W/" + tag, tag));
  EXPECT_TRUE(etag_matches("\"other\", " + tag, tag));
  EXPECT_TRUE(etag_matches(" * ", tag));
  EXPECT_FALSE(etag_matches("\"other\"", tag));
  EXPECT_FALSE(etag_matches("", tag));
  EXPECT_FALSE(etag_matches(tag.substr(1), tag));  // unquoted is another tag
}

TEST(StaticAssets, ServesEachFileExactlyAsInTheTreeWithTypeCspAndEtag) {
  struct Case {
    const char* path;
    const char* file;
    const char* type;
  };
  for (const Case& c : {Case{"/", "api/static/index.html", "text/html; charset=utf-8"},
                        Case{"/app.js", "api/static/app.js", "text/javascript; charset=utf-8"},
                        Case{"/app.css", "api/static/app.css", "text/css; charset=utf-8"},
                        Case{"/openapi.json", "api/static/openapi.json", "application/json"}}) {
    SCOPED_TRACE(c.path);
    ASSERT_TRUE(is_static_asset(c.path));
    auto r = static_asset(c.path, "");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->content_type, c.type);
    EXPECT_EQ(r->body, read_source(c.file));
    EXPECT_EQ(header(*r, "Content-Security-Policy"), kPlaygroundCsp);
    EXPECT_EQ(header(*r, "ETag"), strong_etag(r->body));

    auto again = static_asset(c.path, header(*r, "ETag"));
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->status, 304);
    EXPECT_TRUE(again->body.empty());
    EXPECT_EQ(header(*again, "ETag"), header(*r, "ETag"));
    EXPECT_EQ(static_asset(c.path, "\"stale\"")->status, 200);
  }
  EXPECT_FALSE(static_asset("/index.html", "").has_value());
  EXPECT_FALSE(static_asset("/api/v1/models", "").has_value());
  EXPECT_FALSE(is_static_asset("/app.js/"));
}

// The CSP forbids inline code and other origins: the page must not need either.
TEST(StaticAssets, PlaygroundNeedsNothingTheCspForbids) {
  const std::string html = static_asset("/", "")->body;
  for (const char* id :
       {"id=\"token\"", "id=\"prompt\"", "<select id=\"model\"", "id=\"aspectRatio\"",
        "id=\"resolution\"", "id=\"count\"", "<button id=\"generate\"", "id=\"results\""}) {
    EXPECT_NE(html.find(id), std::string::npos) << id;
  }
  EXPECT_EQ(html.find("<script>"), std::string::npos) << "inline script";
  EXPECT_EQ(html.find("<style"), std::string::npos) << "inline style element";
  EXPECT_EQ(html.find(" style="), std::string::npos) << "style attribute";
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(\son[a-z]+\s*=)"))) << "inline event handler";
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  for (const char* path : {"/", "/app.js", "/app.css"}) {
    const std::string body = static_asset(path, "")->body;
    EXPECT_EQ(body.find("http://"), std::string::npos) << path;
    EXPECT_EQ(body.find("https://"), std::string::npos) << path;
    EXPECT_EQ(body.find("//cdn"), std::string::npos) << path;
  }
  const std::string js = static_asset("/app.js", "")->body;
  EXPECT_EQ(js.find("eval("), std::string::npos);
  EXPECT_EQ(js.find("console.log"), std::string::npos) << "the token must never reach a log";
  EXPECT_EQ(js.find("localStorage"), std::string::npos) << "sessionStorage at most";
}

TEST(StaticAssets, OpenApiDocumentIsOpenApi31Json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const std::string body = static_asset("/openapi.json", "")->body;
  ASSERT_EQ(parser.parse(body).get(doc), simdjson::SUCCESS);
  std::string_view version;
  ASSERT_EQ(doc["openapi"].get(version), simdjson::SUCCESS);
  EXPECT_TRUE(version.starts_with("3.1."));
  for (const char* path :
       {"/api/v1/generate-image", "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/cancel",
        "/api/v1/webhooks/secret", "/api/v1/models", "/api/v1/files/{filePath}", "/healthz",
        "/readyz", "/openapi.json", "/"}) {
    simdjson::dom::element e;
    EXPECT_EQ(doc["paths"][path].get(e), simdjson::SUCCESS) << path;
  }
}

TEST(ModelsRoute, ListsEveryCatalogModelWithTierPriceAndAvailability) {
  auto r = models_response(
      catalog(), [](const ModelInfo& m) { return m.key != "flux-2-pro"; }, "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=60");
  EXPECT_EQ(header(r, "ETag"), strong_etag(r.body));

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(r.body).get(doc), simdjson::SUCCESS);
  simdjson::dom::array list;
  ASSERT_EQ(doc["models"].get(list), simdjson::SUCCESS);
  ASSERT_EQ(list.size(), catalog().models().size());
  std::size_t i = 0;
  for (simdjson::dom::element m : list) {
    const ModelInfo& info = catalog().models()[i++];
    SCOPED_TRACE(info.key);
    EXPECT_EQ(std::string_view(m["model"]), info.key);
    EXPECT_EQ(std::string_view(m["provider"]), info.provider);
    EXPECT_EQ(std::string_view(m["requiredTier"]), tier_display_name(info.required_tier));
    for (const auto& [res, credits] : info.credits) {
      EXPECT_EQ(int64_t(m["credits"][res]), credits);
    }
    EXPECT_EQ(simdjson::dom::array(m["resolutions"]).size(), info.resolutions.size());
    EXPECT_EQ(simdjson::dom::array(m["aspectRatios"]).size(), info.aspect_ratios.size());
    EXPECT_EQ(bool(m["seed"]), info.seed);
    EXPECT_EQ(bool(m["negativePrompt"]), info.negative_prompt);
    EXPECT_EQ(int64_t(m["maxCount"]), 4);
    EXPECT_EQ(bool(m["available"]), info.key != "flux-2-pro");
  }
}

TEST(ModelsRoute, EtagFollowsAvailabilityAndAnswers304) {
  auto all = models_response(catalog(), nullptr, "");
  auto some = models_response(
      catalog(), [](const ModelInfo& m) { return m.provider != "openai"; }, "");
  EXPECT_NE(all.body.find("\"available\":true"), std::string::npos);
  EXPECT_NE(header(all, "ETag"), header(some, "ETag"));
  auto cached = models_response(catalog(), nullptr, header(all, "ETag"));
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  EXPECT_EQ(header(cached, "ETag"), header(all, "ETag"));
  EXPECT_EQ(models_response(catalog(), nullptr, header(some, "ETag")).status, 200);
}

}  // namespace
}  // namespace imagegen::api

namespace imagegen::api {
namespace {

TEST(ModelsRoute, AvailabilityIsNotDisabledAndServedWhenWorkersAreRequired) {
  const ModelInfo& banana = *catalog().find("nano-banana");  // gemini
  const ModelInfo& gpt = *catalog().find("gpt-image-1");     // openai
  auto avail = availability({"gpt-image-1"}, {"gemini", "openai"}, true);
  EXPECT_TRUE(avail(banana));
  EXPECT_FALSE(avail(gpt)) << "disabled by an operator";
  auto no_openai = availability({}, {"gemini"}, true);
  EXPECT_TRUE(no_openai(banana));
  EXPECT_FALSE(no_openai(gpt)) << "no live worker serves openai";
  EXPECT_TRUE(availability({}, {}, false)(gpt)) << "IMAGEGEN_REQUIRE_WORKER=0";
  EXPECT_FALSE(availability({"gpt-image-1"}, {}, false)(gpt));
}

}  // namespace
}  // namespace imagegen::api

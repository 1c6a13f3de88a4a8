#include "api/file_request.h"

#include <gtest/gtest.h>

#include "api/routes/http_cache.h"

namespace imagegen::api {
namespace {

TEST(FilePath, AcceptsOnlyWhatAWorkerWrites) {
  auto f = parse_file_path("0b6a-u1/generated/generated_abc123_0.png");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->user_id, "0b6a-u1");
  EXPECT_EQ(f->content_type, "image/png");
  EXPECT_EQ(parse_file_path("u1/generated/generated_abc_3.jpg")->content_type, "image/jpeg");
  EXPECT_EQ(parse_file_path("u1/generated/generated_abc_12.webp")->content_type, "image/webp");
}

TEST(FilePath, RefusesTraversalEncodingsAndStrangers) {
  for (const char* bad : {
           "../etc/passwd",
           "u1/generated/../../etc/passwd",
           "u1/generated/generated_abc_0.png/..",
           "u1/generated/%2e%2e/generated_abc_0.png",
           "%2e%2e/generated/generated_abc_0.png",
           "/u1/generated/generated_abc_0.png",
           "u1\\generated\\generated_abc_0.png",
           "u1/generated/generated_ABC_0.png",
           "u1/generated/generated_abc_0.gif",
           "u1/generated/generated_abc_x.png",
           "u1/generated/generated__0.png",
           "u1/other/generated_abc_0.png",
           "",
           "u1",
       }) {
    EXPECT_FALSE(parse_file_path(bad)) << bad;
  }
  std::string with_nul = "u1/generated/generated_abc_0.png";
  with_nul[3] = '\0';
  EXPECT_FALSE(parse_file_path(with_nul));
}

TEST(Range, OneRangeIsHonoured) {
  auto r = parse_range("bytes=0-99", 1000);
  ASSERT_EQ(r.kind, RangeRequest::Kind::kPartial);
  EXPECT_EQ(r.range.first, 0u);
  EXPECT_EQ(r.range.last, 99u);
  auto open = parse_range("bytes=900-", 1000);
  EXPECT_EQ(open.range.first, 900u);
  EXPECT_EQ(open.range.last, 999u);
  auto suffix = parse_range("bytes=-10", 1000);
  EXPECT_EQ(suffix.range.first, 990u);
  EXPECT_EQ(suffix.range.length(), 10u);
  auto clipped = parse_range("bytes=990-5000", 1000);
  EXPECT_EQ(clipped.range.last, 999u);
}

TEST(Range, UnsatisfiableAndIgnoredCases) {
  EXPECT_EQ(parse_range("bytes=1000-", 1000).kind, RangeRequest::Kind::kUnsatisfiable);
  EXPECT_EQ(parse_range("bytes=-0", 1000).kind, RangeRequest::Kind::kUnsatisfiable);
  EXPECT_EQ(parse_range("", 1000).kind, RangeRequest::Kind::kWhole);
  EXPECT_EQ(parse_range("items=0-1", 1000).kind, RangeRequest::Kind::kWhole);
  EXPECT_EQ(parse_range("bytes=0-1,5-6", 1000).kind, RangeRequest::Kind::kWhole);
  EXPECT_EQ(parse_range("bytes=9-3", 1000).kind, RangeRequest::Kind::kWhole);
  EXPECT_EQ(parse_range("bytes=abc", 1000).kind, RangeRequest::Kind::kWhole);
}

TEST(ETag, StrongTagsAndIfNoneMatchLists) {
  const auto tag = make_etag(1234, 5678);
  EXPECT_EQ(tag, "\"1234-5678\"");
  EXPECT_TRUE(etag_matches(tag, tag));
  EXPECT_TRUE(etag_matches("\"x\", W/" + tag, tag));
  EXPECT_TRUE(etag_matches("*", tag));
  EXPECT_FALSE(etag_matches("\"1234-5679\"", tag));
}

}  // namespace
}  // namespace imagegen::api

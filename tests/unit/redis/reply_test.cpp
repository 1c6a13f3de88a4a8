#include "common/redis/reply.h"

#include <gtest/gtest.h>

namespace imagegen::redis {
namespace {

TEST(Reply, PairsViewAFlatArrayInOrder) {
  Reply r = Reply::array({Reply::string("a"), Reply::string("1"), Reply::string("b"),
                          Reply::integer(2), Reply::string("dangling")});
  const auto p = r.pairs();
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].first, "a");
  EXPECT_EQ(p[0].second, "1");
  EXPECT_EQ(p[1].first, "b");
  EXPECT_EQ(p[1].second, "");  // an integer has no bytes
  EXPECT_TRUE(Reply::string("x").pairs().empty());
}

TEST(Reply, DefaultIsNil) {
  Reply r;
  EXPECT_TRUE(r.is_nil());
  EXPECT_EQ(r.as_string(), "");
  EXPECT_FALSE(r.as_int());
  EXPECT_TRUE(r.elements().empty());
}

TEST(Reply, AsIntReadsIntegersAndNumericStrings) {
  EXPECT_EQ(Reply::integer(-42).as_int(), -42);
  EXPECT_EQ(Reply::string("1234567890123").as_int(), 1234567890123);
  EXPECT_FALSE(Reply::string("12x").as_int());
  EXPECT_FALSE(Reply::string("").as_int());
  EXPECT_FALSE(Reply::status("OK").as_int());
  EXPECT_FALSE(Reply::nil().as_int());
}

TEST(Reply, KeepsBinaryStrings) {
  std::string bytes("a\0b\xff", 4);
  Reply r = Reply::string(bytes);
  EXPECT_EQ(r.as_string().size(), 4u);
  EXPECT_EQ(r.as_string(), bytes);
}

TEST(Reply, ErrorCodeIsTheFirstWord) {
  Reply r = Reply::error("NOSCRIPT No matching script. Please use EVAL.");
  EXPECT_TRUE(r.is_error());
  EXPECT_EQ(r.error_code(), "NOSCRIPT");
  EXPECT_EQ(Reply::error("ERR").error_code(), "ERR");
  EXPECT_EQ(Reply::string("NOSCRIPT x").error_code(), "");
}

TEST(Reply, ToMapReadsFieldValuePairs) {
  Reply r = Reply::array({Reply::string("status"), Reply::string("queued"), Reply::string("count"),
                          Reply::string("3"), Reply::string("n"), Reply::integer(7)});
  auto map = r.to_map();
  ASSERT_TRUE(map) << map.error().message;
  EXPECT_EQ(map->size(), 3u);
  EXPECT_EQ(map->at("status"), "queued");
  EXPECT_EQ(map->at("count"), "3");
  EXPECT_EQ(map->at("n"), "7");
}

TEST(Reply, ToMapOfEmptyArrayOrNilIsEmpty) {
  auto empty = Reply::array({}).to_map();
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  auto nil = Reply::nil().to_map();
  ASSERT_TRUE(nil);
  EXPECT_TRUE(nil->empty());
}

TEST(Reply, ToMapRefusesMalformedReplies) {
  EXPECT_EQ(Reply::array({Reply::string("lonely")}).to_map().error().code, Errc::kProtocol);
  EXPECT_EQ(Reply::array({Reply::nil(), Reply::string("v")}).to_map().error().code,
            Errc::kProtocol);
  EXPECT_EQ(Reply::status("OK").to_map().error().code, Errc::kProtocol);
  EXPECT_EQ(Reply::error("WRONGTYPE x").to_map().error().code, Errc::kProtocol);
}

TEST(Reply, DebugStringShowsStructureAndTruncatesBigValues) {
  Reply r = Reply::array({Reply::status("OK"), Reply::integer(3), Reply::nil(), Reply::string("v"),
                          Reply::error("ERR bad")});
  EXPECT_EQ(r.debug_string(), "[OK, 3, nil, \"v\", (error) ERR bad]");
  std::string big(10000, 'x');
  auto shown = Reply::string(big).debug_string();
  EXPECT_LT(shown.size(), 200u);
  EXPECT_NE(shown.find("10000 bytes"), std::string::npos);
}

TEST(Reply, ComparesByValue) {
  EXPECT_EQ(Reply::array({Reply::string("a")}), Reply::array({Reply::string("a")}));
  EXPECT_NE(Reply::string("a"), Reply::status("a"));
}

}  // namespace
}  // namespace imagegen::redis

#include "common/json_writer.h"

#include <gtest/gtest.h>

namespace imagegen {
namespace {

TEST(JsonWriter, WritesNestedContainersWithCommas) {
  JsonWriter w;
  w.begin_object()
      .key("a")
      .value(1)
      .key("b")
      .begin_array()
      .value("x")
      .value(true)
      .begin_object()
      .end_object()
      .end_array()
      .key("c")
      .begin_object()
      .key("d")
      .value(-5)
      .end_object()
      .end_object();
  EXPECT_EQ(w.str(), R"({"a":1,"b":["x",true,{}],"c":{"d":-5}})");
}

TEST(JsonWriter, EscapesStrings) {
  std::string out;
  append_json_string(out, "q\"b\\n\n\r\t\b\f\x01\x1f ok \xc3\xa9 \xf0\x9f\x8c\x85");
  EXPECT_EQ(out, "\"q\\\"b\\\\n\\n\\r\\t\\b\\f\\u0001\\u001f ok \xc3\xa9 \xf0\x9f\x8c\x85\"");
}

TEST(JsonWriter, EscapesKeys) {
  JsonWriter w;
  w.begin_object().key("a\"b").value("").end_object();
  EXPECT_EQ(w.str(), R"({"a\"b":""})");
}

// Moved from the simulator's tests with its writer.
TEST(JsonWriter, PlacesCommasAroundNullsDoublesAndFields) {
  JsonWriter w;
  w.begin_object()
      .field("a", 1)
      .key("b")
      .begin_array()
      .value("x\"y")
      .null()
      .value(0.15)
      .end_array();
  w.key("c").begin_object().end_object().key("d").value(false).end_object();
  EXPECT_EQ(w.take(), R"({"a":1,"b":["x\"y",null,0.15],"c":{},"d":false})");
}

TEST(JsonWriter, WritesEveryIntegerTypeAsANumber) {
  JsonWriter w;
  w.begin_array()
      .value(std::int64_t{-9223372036854775807 - 1})
      .value(std::uint64_t{18446744073709551615u})
      .value(std::uint32_t{7})
      .value(std::size_t{3})
      .value(true)
      .end_array();
  EXPECT_EQ(w.str(), "[-9223372036854775808,18446744073709551615,7,3,true]");
}

TEST(JsonWriter, RawAndStringFields) {
  JsonWriter w;
  const std::string s = "text";
  w.begin_object().field("s", s).field("v", std::string_view("sv")).key("r").raw("[1]");
  w.end_object();
  EXPECT_EQ(w.str(), R"({"s":"text","v":"sv","r":[1]})");
}

}  // namespace
}  // namespace imagegen

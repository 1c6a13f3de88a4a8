#include "common/json_writer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>

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

// JSON's escaping rules (RFC 8259 section 7) byte by byte, written as a table rather than the
// writer's switch: the reference for its block scan.
std::string escape_one_by_one(std::string_view s) {
  static const std::map<unsigned char, std::string> kShort{
      {'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {'\r', "\\r"},
      {'\t', "\\t"}, {'\b', "\\b"},  {'\f', "\\f"}};
  std::string out = "\"";
  for (unsigned char c : s) {
    if (auto it = kShort.find(c); it != kShort.end()) {
      out += it->second;
    } else if (c < 0x20) {
      char u[8];
      std::snprintf(u, sizeof u, "\\u%04x", c);
      out += u;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

TEST(JsonWriter, EscapesEveryByteAtEveryPositionOfLongStrings) {
  // Every byte value at every offset of blocks, block tails and the scalar tail, alone and
  // next to a second escape; bytes >= 0x80 (UTF-8) pass through untouched.
  for (std::size_t length : {1u, 15u, 16u, 17u, 31u, 33u, 47u}) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int c = 0; c < 256; ++c) {
        std::string s(length, 'a');
        s[at] = static_cast<char>(c);
        if (at + 3 < length) s[at + 3] = '"';
        std::string out;
        append_json_string(out, s);
        ASSERT_EQ(out, escape_one_by_one(s))
            << "length " << length << " at " << at << " byte " << c;
      }
    }
  }
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

#include "worker/providers/json_writer.h"

#include <gtest/gtest.h>

namespace imagegen::worker {
namespace {

TEST(JsonWriter, WritesNestedContainersWithCommas) {
  JsonWriter w;
  w.begin_object()
      .key("a")
      .number(1)
      .key("b")
      .begin_array()
      .string("x")
      .boolean(true)
      .begin_object()
      .end_object()
      .end_array()
      .key("c")
      .begin_object()
      .key("d")
      .number(-5)
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
  w.begin_object().key("a\"b").string("").end_object();
  EXPECT_EQ(w.str(), R"({"a\"b":""})");
}

}  // namespace
}  // namespace imagegen::worker

#include "common/log_format.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace imagegen {
namespace {

std::string field(const std::string& json, const char* pointer) {
  simdjson::dom::parser p;
  std::string_view s;
  if (p.parse(json).at_pointer(pointer).get_string().get(s)) return "<absent>";
  return std::string(s);
}

TEST(LogFormat, PairsBecomeFieldsTheRestStaysInMsg) {
  auto f = split_log_fields(R"(job_run_finished job=ab12 user= status=succeeded error="a b=c" ok)");
  EXPECT_EQ(f.msg, "job_run_finished ok");
  ASSERT_EQ(f.fields.size(), 4u);
  EXPECT_EQ(f.fields[0], std::make_pair(std::string("job"), std::string("ab12")));
  EXPECT_EQ(f.fields[1], std::make_pair(std::string("user"), std::string("")));
  EXPECT_EQ(f.fields[2], std::make_pair(std::string("status"), std::string("succeeded")));
  EXPECT_EQ(f.fields[3], std::make_pair(std::string("error"), std::string("a b=c")));
}

TEST(LogFormat, QuotedValuesMayHoldQuotes) {
  auto f = split_log_fields(R"(x error="HTTP 400: {"error":"bad"}" next=1)");
  ASSERT_EQ(f.fields.size(), 2u);
  EXPECT_EQ(f.fields[0].second, R"(HTTP 400: {"error":"bad"})");
  EXPECT_EQ(f.fields[1].second, "1");
}

TEST(LogFormat, ReservedAndRepeatedKeysStayInMsg) {
  auto f = split_log_fields("event level=error job=1 job=2 msg=x");
  EXPECT_EQ(f.msg, "event level=error job=2 msg=x");
  ASSERT_EQ(f.fields.size(), 1u);
  EXPECT_EQ(f.fields[0].second, "1");
}

TEST(LogFormat, NotAKeyWhenTheNameIsNotAnIdentifier) {
  auto f = split_log_fields("fetch http://x/?a=b 1=2 serving=a,b");
  EXPECT_EQ(f.msg, "fetch http://x/?a=b 1=2");
  ASSERT_EQ(f.fields.size(), 1u);
  EXPECT_EQ(f.fields[0].second, "a,b");
}

TEST(LogFormat, JsonLineIsOneValidObject) {
  const std::string line =
      json_log_line("2025-01-01T00:00:00.000Z", "warn", "worker",
                    "provider_call_failed job=j1 error=\"line\nbreak \\ \"q\"\"");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(field(line, "/ts"), "2025-01-01T00:00:00.000Z");
  EXPECT_EQ(field(line, "/level"), "warn");
  EXPECT_EQ(field(line, "/component"), "worker");
  EXPECT_EQ(field(line, "/msg"), "provider_call_failed");
  EXPECT_EQ(field(line, "/job"), "j1");
  EXPECT_EQ(field(line, "/error"), "line\nbreak \\ \"q\"");
}

TEST(LogFormat, InvalidUtf8IsReplacedSoTheLineParses) {
  const std::string bad = std::string("upstream said \xff\xfe and \xe2\x82 then ok \xe2\x82\xac");
  const std::string line = json_log_line("t", "info", "api", bad);
  EXPECT_EQ(
      field(line, "/msg"),
      "upstream said \xEF\xBF\xBD\xEF\xBF\xBD and \xEF\xBF\xBD\xEF\xBF\xBD then ok \xe2\x82\xac");
  EXPECT_EQ(valid_utf8("plain ascii"), "plain ascii");
  EXPECT_EQ(valid_utf8("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}

}  // namespace
}  // namespace imagegen

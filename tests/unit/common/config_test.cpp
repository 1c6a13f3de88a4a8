#include "common/config.h"

#include <gtest/gtest.h>

#include <map>

namespace imagegen {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [shared](std::string_view name) -> std::optional<std::string> {
    auto it = shared->find(std::string(name));
    if (it == shared->end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

Options make() {
  Options o("prog", "summary");
  o.add({"IMAGEGEN_API_PORT", "8080", "port"});
  o.add({"OPENAI_API_KEY", "", "key", true});
  return o;
}

TEST(Config, FlagNamesFollowEnvNames) {
  EXPECT_EQ(Options::flag_for("IMAGEGEN_API_PORT"), "--api-port");
  EXPECT_EQ(Options::flag_for("OPENAI_API_KEY"), "--openai-api-key");
}

TEST(Config, DefaultsThenEnvThenFlags) {
  const char* argv[] = {"prog", "--api-port=9000"};
  Options o = make();
  ASSERT_TRUE(o.parse(1, argv, env_of({})).ok());
  EXPECT_EQ(o.get("IMAGEGEN_API_PORT"), "8080");
  Options o2 = make();
  ASSERT_TRUE(o2.parse(1, argv, env_of({{"IMAGEGEN_API_PORT", "7000"}})).ok());
  EXPECT_EQ(o2.get("IMAGEGEN_API_PORT"), "7000");
  Options o3 = make();
  ASSERT_TRUE(o3.parse(2, argv, env_of({{"IMAGEGEN_API_PORT", "7000"}})).ok());
  EXPECT_EQ(o3.get("IMAGEGEN_API_PORT"), "9000");
}

TEST(Config, FlagWithSeparateValue) {
  const char* argv[] = {"prog", "--api-port", "9001"};
  Options o = make();
  ASSERT_TRUE(o.parse(3, argv, env_of({})).ok());
  EXPECT_EQ(o.get("IMAGEGEN_API_PORT"), "9001");
}

TEST(Config, UnknownFlagAndMissingValueRefused) {
  const char* unknown[] = {"prog", "--colour=red"};
  Options o = make();
  auto r = o.parse(2, unknown, env_of({}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("--colour"), std::string::npos);
  const char* missing[] = {"prog", "--api-port"};
  Options o2 = make();
  EXPECT_FALSE(o2.parse(2, missing, env_of({})).ok());
}

TEST(Config, HelpListsEveryOption) {
  const char* argv[] = {"prog", "--help"};
  Options o = make();
  auto r = o.parse(2, argv, env_of({}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Options::Parsed::kHelp);
  EXPECT_NE(o.help_text().find("IMAGEGEN_API_PORT"), std::string::npos);
  EXPECT_NE(o.help_text().find("--openai-api-key"), std::string::npos);
}

TEST(Config, IntegersAreCheckedForRangeAndJunk) {
  Options o = make();
  const char* argv[] = {"prog"};
  ASSERT_TRUE(o.parse(1, argv, env_of({{"IMAGEGEN_API_PORT", "70000"}})).ok());
  auto r = o.get_int("IMAGEGEN_API_PORT", 1, 65535);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("IMAGEGEN_API_PORT"), std::string::npos);
  EXPECT_FALSE(parse_int("12x", 0, 100).ok());
  EXPECT_FALSE(parse_int("", 0, 100).ok());
  EXPECT_FALSE(parse_int("-1", 0, 100).ok());
  EXPECT_EQ(parse_int("42", 0, 100).value(), 42);
}

}  // namespace
}  // namespace imagegen

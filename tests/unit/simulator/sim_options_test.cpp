#include "simulator/sim_options.h"

#include <map>
#include <vector>

#include <gtest/gtest.h>

namespace imagegen::sim {
namespace {

Result<SimOptions> parse(std::vector<const char*> args, std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "imagegen-sim");
  return parse_sim_options(static_cast<int>(args.size()), args.data(),
                           [env](std::string_view name) -> std::optional<std::string> {
                             auto it = env.find(std::string(name));
                             return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
                           });
}

TEST(SimOptions, DefaultsWithNoFlagsOrEnvironment) {
  const auto o = parse({});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->port, 8090);
  EXPECT_EQ(o->bind_address, "127.0.0.1");
  EXPECT_EQ(o->latency_ms, 0u);
  EXPECT_EQ(o->fault_rate, 0.0);
  EXPECT_EQ(o->threads, 1u);
  EXPECT_FALSE(o->help);
}

TEST(SimOptions, ReadsEveryFlagInBothForms) {
  const auto o = parse({"--port", "9001", "--latency-ms=15", "--fault-rate", "0.25", "--seed=9", "--threads", "2",
                        "--bind", "::1"});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->port, 9001);
  EXPECT_EQ(o->latency_ms, 15u);
  EXPECT_EQ(o->fault_rate, 0.25);
  EXPECT_EQ(o->seed, 9u);
  EXPECT_EQ(o->threads, 2u);
  EXPECT_EQ(o->bind_address, "::1");
}

TEST(SimOptions, ReadsEnvironmentAndFlagsWin) {
  const auto o = parse({"--port", "7000"}, {{"IMAGEGEN_SIM_PORT", "6000"},
                                            {"IMAGEGEN_SIM_LATENCY_MS", "40"},
                                            {"IMAGEGEN_SIM_FAULT_RATE", "0.5"}});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->port, 7000);
  EXPECT_EQ(o->latency_ms, 40u);
  EXPECT_EQ(o->fault_rate, 0.5);
}

TEST(SimOptions, EmptyEnvironmentValueMeansDefault) {
  const auto o = parse({}, {{"IMAGEGEN_SIM_PORT", ""}});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->port, 8090);
}

TEST(SimOptions, RefusesBadValuesNamingTheFlag) {
  const std::vector<std::vector<const char*>> bad{
      {"--port", "70000"},   {"--port", "-1"},        {"--port", "80x"},       {"--latency-ms", "-5"},
      {"--fault-rate", "1.5"}, {"--fault-rate", "nan"}, {"--fault-rate", "abc"}, {"--threads", "0"},
      {"--threads", "65"},   {"--bind", "localhost"}, {"--seed", "-1"},        {"--port"},
      {"--frobnicate"},      {"extra"}};
  for (const auto& args : bad) {
    const auto o = parse(args);
    ASSERT_FALSE(o) << args[0];
    EXPECT_EQ(o.error().code, Errc::kInvalidArgument);
    EXPECT_EQ(o.error().message.find('\n'), std::string::npos);
    if (std::string_view(args[0]).starts_with("--") && std::string_view(args[0]) != "--frobnicate") {
      EXPECT_NE(o.error().message.find(args[0]), std::string::npos) << o.error().message;
    }
  }
}

TEST(SimOptions, RefusesBadEnvironmentNamingTheVariable) {
  const auto o = parse({}, {{"IMAGEGEN_SIM_FAULT_RATE", "2"}});
  ASSERT_FALSE(o);
  EXPECT_NE(o.error().message.find("IMAGEGEN_SIM_FAULT_RATE"), std::string::npos);
}

TEST(SimOptions, HelpListsEveryFlagWithItsVariable) {
  const auto o = parse({"--help"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->help);
  const std::string usage = sim_usage();
  for (const char* text : {"--port", "IMAGEGEN_SIM_PORT", "--latency-ms", "IMAGEGEN_SIM_LATENCY_MS", "--fault-rate",
                           "IMAGEGEN_SIM_FAULT_RATE", "--seed", "--threads", "--bind", "--help"}) {
    EXPECT_NE(usage.find(text), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace imagegen::sim

#include "simulator/sim_options.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace imagegen::sim {
namespace {

Result<SimOptions> parse(std::vector<const char*> args,
                         std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "imagegen-sim");
  return parse_sim_options(static_cast<int>(args.size()), args.data(),
                           [env](std::string_view name) -> std::optional<std::string> {
                             auto it = env.find(std::string(name));
                             return it == env.end() ? std::nullopt
                                                    : std::optional<std::string>(it->second);
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
  const auto o = parse({"--port", "9001", "--latency-ms=15", "--fault-rate", "0.25", "--seed=9",
                        "--threads", "2", "--bind", "::1"});
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
  const std::vector<std::vector<const char*>> bad{{"--port", "70000"},     {"--port", "-1"},
                                                  {"--port", "80x"},       {"--latency-ms", "-5"},
                                                  {"--fault-rate", "1.5"}, {"--fault-rate", "nan"},
                                                  {"--fault-rate", "abc"}, {"--threads", "0"},
                                                  {"--threads", "65"},     {"--bind", "localhost"},
                                                  {"--seed", "-1"},        {"--port"},
                                                  {"--frobnicate"},        {"extra"}};
  for (const auto& args : bad) {
    const auto o = parse(args);
    ASSERT_FALSE(o) << args[0];
    EXPECT_EQ(o.error().code, Errc::kInvalidArgument);
    EXPECT_EQ(o.error().message.find('\n'), std::string::npos);
    if (std::string_view(args[0]).starts_with("--") &&
        std::string_view(args[0]) != "--frobnicate") {
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
  for (const char* text :
       {"--port", "IMAGEGEN_SIM_PORT", "--latency-ms", "IMAGEGEN_SIM_LATENCY_MS", "--fault-rate",
        "IMAGEGEN_SIM_FAULT_RATE", "--seed", "--threads", "--bind", "--help"}) {
    EXPECT_NE(usage.find(text), std::string::npos) << text;
  }
}

TEST(SimOptions, FamilySettingsHaveDefaultsFlagsAndVariables) {
  const auto defaults = parse({});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->poll_steps, 2u);
  EXPECT_EQ(defaults->max_tasks_per_key, 24u);
  EXPECT_EQ(defaults->result_ttl_ms, 600'000u);
  EXPECT_EQ(defaults->kling_access_key, "sim-kling-access");
  EXPECT_EQ(defaults->kling_secret_key, "sim-kling-secret");
  EXPECT_EQ(defaults->storage_fail_rate, 0.0);

  const auto o = parse({"--poll-steps", "0", "--max-tasks-per-key=3", "--result-ttl-ms", "50",
                        "--kling-access-key", "ak", "--storage-fail-rate=0.5"},
                       {{"IMAGEGEN_SIM_KLING_SECRET_KEY", "sk"}, {"IMAGEGEN_SIM_POLL_STEPS", "9"}});
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->poll_steps, 0u);
  EXPECT_EQ(o->max_tasks_per_key, 3u);
  EXPECT_EQ(o->result_ttl_ms, 50u);
  EXPECT_EQ(o->kling_access_key, "ak");
  EXPECT_EQ(o->kling_secret_key, "sk");
  EXPECT_EQ(o->storage_fail_rate, 0.5);
}

TEST(SimOptions, RefusesBadFamilySettings) {
  for (const std::vector<const char*>& args :
       std::vector<std::vector<const char*>>{{"--poll-steps", "-1"},
                                             {"--max-tasks-per-key", "0"},
                                             {"--result-ttl-ms", "0"},
                                             {"--kling-access-key", ""},
                                             {"--storage-fail-rate", "2"}}) {
    EXPECT_FALSE(parse(args)) << args.front();
  }
  const std::string usage = sim_usage();
  for (const char* text :
       {"--poll-steps", "--max-tasks-per-key", "--result-ttl-ms", "--kling-access-key",
        "--kling-secret-key", "--storage-fail-rate", "IMAGEGEN_SIM_STORAGE_FAIL_RATE"}) {
    EXPECT_NE(usage.find(text), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace imagegen::sim

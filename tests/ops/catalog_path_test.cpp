#include "common/catalog_path.h"

#include <gtest/gtest.h>

#include <set>

namespace imagegen {
namespace {

TEST(CatalogPath, ConfiguredPathIsTheOnlyCandidate) {
  EXPECT_EQ(catalog_candidates("/etc/models.json", "/usr/bin/imagegen-api"),
            std::vector<std::string>{"/etc/models.json"});
}

TEST(CatalogPath, InstallPrefixBeforeWorkingDirectory) {
  EXPECT_EQ(catalog_candidates("", "/opt/imagegen/bin/imagegen-api"),
            (std::vector<std::string>{"/opt/imagegen/bin/../share/imagegen/models.json",
                                      "config/models.json"}));
  EXPECT_EQ(catalog_candidates("", "/imagegen-api"),
            (std::vector<std::string>{"/../share/imagegen/models.json", "config/models.json"}));
}

TEST(CatalogPath, UnknownExecutableLeavesTheWorkingDirectory) {
  EXPECT_EQ(catalog_candidates("", ""), std::vector<std::string>{"config/models.json"});
}

TEST(CatalogPath, FirstExistingCandidateWins) {
  std::set<std::string> files = {"b", "c"};
  auto exists = [&](const std::string& p) { return files.contains(p); };
  auto chosen = choose_catalog_path({"a", "b", "c"}, exists);
  ASSERT_TRUE(chosen);
  EXPECT_EQ(*chosen, "b");
}

TEST(CatalogPath, NothingFoundNamesEveryPlace) {
  auto chosen = choose_catalog_path({"x/models.json", "config/models.json"},
                                    [](const std::string&) { return false; });
  ASSERT_FALSE(chosen);
  EXPECT_NE(chosen.error().message.find("x/models.json, config/models.json"), std::string::npos);
  EXPECT_NE(chosen.error().message.find("IMAGEGEN_CATALOG"), std::string::npos);
}

TEST(CatalogPath, ThisTestBinaryFindsTheBuildTreeCopy) {
  // Test binaries live in <build>/bin like the servers; CMake copies the catalog beside them.
  auto found = find_catalog_path("");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_NE(found->find("/../share/imagegen/models.json"), std::string::npos) << *found;
}

TEST(CatalogPath, MissingConfiguredFileIsAnError) {
  EXPECT_FALSE(find_catalog_path("/nonexistent/models.json"));
}

}  // namespace
}  // namespace imagegen

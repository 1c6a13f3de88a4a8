#include "api/request_id.h"

#include <gtest/gtest.h>

namespace imagegen::api {
namespace {

TEST(RequestId, KeepsAWellFormedClientValue) {
  EXPECT_EQ(accept_or_make_request_id("abc-123_X.y"), "abc-123_X.y");
  EXPECT_EQ(accept_or_make_request_id(std::string(128, 'a')), std::string(128, 'a'));
}

TEST(RequestId, MakesOneOtherwise) {
  for (std::string bad : {std::string(), std::string(129, 'a'), std::string("a b"),
                          std::string("x\ny"), std::string("{\"json\"}")}) {
    auto made = accept_or_make_request_id(bad);
    EXPECT_NE(made, bad);
    EXPECT_TRUE(is_valid_request_id(made)) << made;
  }
}

}  // namespace
}  // namespace imagegen::api

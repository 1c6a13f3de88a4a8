#include "worker/providers/upstream_errors.h"

#include <gtest/gtest.h>

namespace imagegen::worker {
namespace {

TEST(UpstreamErrors, DefaultStatusMapping) {
  EXPECT_EQ(kind_for_status(400), ProviderErrorKind::kBadRequest);
  EXPECT_EQ(kind_for_status(404), ProviderErrorKind::kBadRequest);
  EXPECT_EQ(kind_for_status(401), ProviderErrorKind::kAuth);
  EXPECT_EQ(kind_for_status(403), ProviderErrorKind::kAuth);
  EXPECT_EQ(kind_for_status(408), ProviderErrorKind::kTimeout);
  EXPECT_EQ(kind_for_status(429), ProviderErrorKind::kRateLimited);
  EXPECT_EQ(kind_for_status(500), ProviderErrorKind::kTransient);
  EXPECT_EQ(kind_for_status(599), ProviderErrorKind::kTransient);
  EXPECT_EQ(kind_for_status(302), ProviderErrorKind::kMalformed);
}

TEST(UpstreamErrors, RedactsKeyShapedTokens) {
  EXPECT_EQ(redact_keys("Incorrect API key provided: sk-proj-****************abcd. See docs."),
            "Incorrect API key provided: [redacted]. See docs.");
  EXPECT_EQ(redact_keys("key AIzaSyD-abc_123 is invalid"), "key [redacted] is invalid");
  EXPECT_EQ(redact_keys("ask-me and task-list stay"), "ask-me and task-list stay");
}

TEST(UpstreamErrors, ClipsAndCleansMessages) {
  EXPECT_EQ(clip_message("a\nb\tc"), "a b c");
  EXPECT_EQ(clip_message(std::string(500, 'x'), 10), std::string(10, 'x') + "...");
  const ProviderError e = make_provider_error(ProviderErrorKind::kAuth, 401, "bad key sk-123");
  EXPECT_EQ(e.message, "bad key [redacted]");
  EXPECT_EQ(e.http_status, 401);
}

}  // namespace
}  // namespace imagegen::worker

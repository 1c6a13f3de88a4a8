#include "common/webhook_signature.h"

#include <gtest/gtest.h>

namespace imagegen::webhook {
namespace {

TEST(WebhookSignature, MatchesTheStandardWebhooksReferenceVector) {
  // The example of the Standard Webhooks specification's reference libraries.
  auto key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  ASSERT_TRUE(key);
  const std::string body = R"({"test": 2432232314})";
  EXPECT_EQ(signature(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, NewSecretsHoldTwentyFourRandomBytes) {
  const std::string a = new_webhook_secret(), b = new_webhook_secret();
  EXPECT_TRUE(a.starts_with("whsec_"));
  EXPECT_NE(a, b);
  auto key = secret_key(a);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->size(), kSecretKeyBytes);
}

TEST(WebhookSignature, RejectsWhatIsNotASecret) {
  EXPECT_FALSE(secret_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
  EXPECT_FALSE(secret_key("whsec_"));
  EXPECT_FALSE(secret_key("whsec_abc"));
}

TEST(WebhookSignature, MessageIdIsStablePerJob) {
  EXPECT_EQ(message_id("abc123"), message_id("abc123"));
  EXPECT_NE(message_id("abc123"), message_id("abc124"));
}

}  // namespace
}  // namespace imagegen::webhook

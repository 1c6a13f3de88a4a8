#include "worker/providers/http_headers.h"

#include <gtest/gtest.h>

namespace imagegen::worker {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// 1994-11-06T08:49:37Z, the RFC's own example date.
const auto kRfcExample = std::chrono::system_clock::time_point(seconds(784111777));

TEST(ParseRetryAfter, ReadsDelaySeconds) {
  EXPECT_EQ(parse_retry_after("120", kRfcExample), milliseconds(120000));
  EXPECT_EQ(parse_retry_after(" 0 ", kRfcExample), milliseconds(0));
}

TEST(ParseRetryAfter, ReadsImfFixdate) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", kRfcExample), milliseconds(30000));
}

TEST(ParseRetryAfter, ReadsObsoleteDateForms) {
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:47 GMT", kRfcExample), milliseconds(10000));
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:57 1994", kRfcExample), milliseconds(20000));
}

TEST(ParseRetryAfter, PastDateMeansNow) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", kRfcExample), milliseconds(0));
}

TEST(ParseRetryAfter, RejectsGarbage) {
  for (const char* v : {"", "soon", "-5", "1.5", "12abc", "Sun, 06 Nov 1994 25:00:00 GMT",
                        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT"}) {
    EXPECT_FALSE(parse_retry_after(v, kRfcExample)) << v;
  }
}

TEST(ParseHttpDate, MatchesUnixEpochArithmetic) {
  EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date("Tue, 29 Feb 2028 12:00:00 GMT"), 1835438400);  // leap day
}

TEST(RetryAfterFrom, PrefersMillisecondHeader) {
  HttpResponse r;
  r.headers = {{"retry-after", "5"}, {"retry-after-ms", "1500"}};
  EXPECT_EQ(retry_after_from(r, kRfcExample), milliseconds(1500));
  r.headers = {{"retry-after", "5"}};
  EXPECT_EQ(retry_after_from(r, kRfcExample), milliseconds(5000));
  r.headers = {};
  EXPECT_FALSE(retry_after_from(r, kRfcExample));
}

}  // namespace
}  // namespace imagegen::worker

#include "admin/iso_time.h"

#include <gtest/gtest.h>

namespace imagegen::admin {
namespace {

TEST(IsoTime, DatesAndTimes) {
  EXPECT_EQ(parse_iso8601_ms("1970-01-01"), 0);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01"), 1714521600000);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00Z"), 1714564800000);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01 12:00:00Z"), 1714564800000);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00Z"), 1714564800000);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00"), 1714564800000);  // no zone = UTC
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00.5Z"), 1714564800500);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00.123456Z"), 1714564800123);
  EXPECT_EQ(parse_iso8601_ms("2024-02-29T00:00:00Z"), 1709164800000);
}

TEST(IsoTime, Offsets) {
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T14:00:00+02:00"), 1714564800000);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T07:30:00-0430"), 1714564800000);
}

TEST(IsoTime, RefusesJunkAndImpossibleDates) {
  for (const char* bad :
       {"", "yesterday", "2024-5-1", "2024-13-01", "2024-00-10", "2023-02-29", "2024-04-31",
        "2024-05-01T24:00:00Z", "2024-05-01T12:60Z", "2024-05-01T12:00:61Z", "2024-05-01T12",
        "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00Zjunk", "2024-05-01T12:00:00+2",
        "2024-05-01T12:00:00+02:00x", "1714564800000", "2024-05-01x"}) {
    EXPECT_FALSE(parse_iso8601_ms(bad)) << bad;
  }
}

TEST(IsoTime, FormatsRoundTrip) {
  EXPECT_EQ(format_iso8601_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601_ms(1714564800123), "2024-05-01T12:00:00.123Z");
  for (std::int64_t ms : {0LL, 951782400000LL, 1709164800000LL, 4102444799999LL}) {
    EXPECT_EQ(parse_iso8601_ms(format_iso8601_ms(ms)), ms);
  }
}

TEST(IsoTime, StreamIds) {
  EXPECT_EQ(stream_id_ms("1714564800000-3"), 1714564800000);
  EXPECT_EQ(stream_id_ms("1714564800000"), 1714564800000);
  EXPECT_FALSE(stream_id_ms(""));
  EXPECT_FALSE(stream_id_ms("-1"));
  EXPECT_FALSE(stream_id_ms("abc-0"));
}

}  // namespace
}  // namespace imagegen::admin

// Local time helpers: offsets and where they change, the first instant a
// wall clock shows a time, and ISO 8601 with offsets both ways. Every test
// pins TZ to a named zone and restores it afterwards.

#include "messages/local_time.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include "scoped_tz.hpp"

namespace {

using wm::test::scoped_tz;

std::time_t utc(int year, int month, int day, int hour, int minute, int second = 0) {
  std::tm parts{};
  parts.tm_year = year - 1900;
  parts.tm_mon = month - 1;
  parts.tm_mday = day;
  parts.tm_hour = hour;
  parts.tm_min = minute;
  parts.tm_sec = second;
  return ::timegm(&parts);
}

wm::wall_time wall(int year, int month, int day, int hour, int minute, int second = 0) {
  return wm::wall_time{std::chrono::seconds{utc(year, month, day, hour, minute, second)}};
}

} // namespace

// -- offsets ------------------------------------------------------------------

TEST(LocalTime, OffsetFollowsTheZone) {
  scoped_tz tz("Europe/Berlin");
  EXPECT_EQ(wm::utc_offset_at(utc(2026, 1, 15, 12, 0)), 3600);
  EXPECT_EQ(wm::utc_offset_at(utc(2026, 7, 15, 12, 0)), 7200);
}

TEST(LocalTime, WallTimeAddsTheOffset) {
  scoped_tz tz("America/New_York");
  EXPECT_EQ(wm::wall_time_at(utc(2026, 7, 15, 12, 0)), wall(2026, 7, 15, 8, 0));
}

TEST(LocalTime, FindsTheSpringForwardChange) {
  scoped_tz tz("Europe/Berlin");
  const auto change = wm::next_offset_change(utc(2026, 1, 1, 0, 0), utc(2026, 6, 1, 0, 0));
  ASSERT_TRUE(change);
  EXPECT_EQ(*change, utc(2026, 3, 29, 1, 0));
}

TEST(LocalTime, FindsTheFallBackChangeInTheSouth) {
  scoped_tz tz("Australia/Sydney");
  const auto change = wm::next_offset_change(utc(2026, 1, 1, 0, 0), utc(2026, 6, 1, 0, 0));
  ASSERT_TRUE(change);
  EXPECT_EQ(*change, utc(2026, 4, 4, 16, 0));
}

TEST(LocalTime, ChangeAtTheEndOfTheRangeCounts) {
  scoped_tz tz("America/New_York");
  const std::time_t change = utc(2026, 11, 1, 6, 0);
  EXPECT_EQ(wm::next_offset_change(change - 1, change), change);
  EXPECT_EQ(wm::next_offset_change(change - 1, change - 1), std::nullopt);
  EXPECT_EQ(wm::next_offset_change(change, change + 86400), std::nullopt);
}

TEST(LocalTime, NoChangeInUtc) {
  scoped_tz tz("UTC");
  EXPECT_EQ(wm::next_offset_change(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)), std::nullopt);
}

// -- wall clock to instant ----------------------------------------------------

TEST(LocalTime, OrdinaryWallTimeHasOneInstant) {
  scoped_tz tz("Europe/Berlin");
  EXPECT_EQ(wm::first_instant_showing(wall(2026, 6, 1, 12, 0)), utc(2026, 6, 1, 10, 0));
}

TEST(LocalTime, RepeatedWallTimeTakesTheFirstPass) {
  scoped_tz tz("Europe/Berlin");
  // 02:30 shows at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
  EXPECT_EQ(wm::first_instant_showing(wall(2026, 10, 25, 2, 30)), utc(2026, 10, 25, 0, 30));
}

TEST(LocalTime, SkippedWallTimeTakesTheEndOfTheGap) {
  scoped_tz tz("Europe/Berlin");
  EXPECT_EQ(wm::first_instant_showing(wall(2026, 3, 29, 2, 30)), utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(wm::first_instant_showing(wall(2026, 3, 29, 2, 0)), utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(wm::first_instant_showing(wall(2026, 3, 29, 3, 0)), utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(wm::first_instant_showing(wall(2026, 3, 29, 1, 59)), utc(2026, 3, 29, 0, 59));
}

TEST(LocalTime, SkippedMidnight) {
  scoped_tz tz("America/Santiago");
  EXPECT_EQ(wm::first_instant_showing(wall(2026, 9, 6, 0, 0)), utc(2026, 9, 6, 4, 0));
}

// -- formatting ---------------------------------------------------------------

TEST(LocalTime, FormatsWithTheOffset) {
  {
    scoped_tz tz("Europe/Berlin");
    EXPECT_EQ(wm::format_local_iso(utc(2026, 12, 3, 18, 49, 34)), "2026-12-03T19:49:34+01:00");
    EXPECT_EQ(wm::format_local_iso(utc(2026, 7, 1, 0, 0)), "2026-07-01T02:00:00+02:00");
  }
  {
    scoped_tz tz("America/New_York");
    EXPECT_EQ(wm::format_local_iso(utc(2026, 1, 1, 4, 0)), "2025-12-31T23:00:00-05:00");
  }
  {
    scoped_tz tz("Australia/Sydney");
    EXPECT_EQ(wm::format_local_iso(utc(2026, 6, 30, 14, 0)), "2026-07-01T00:00:00+10:00");
  }
  {
    scoped_tz tz("UTC");
    EXPECT_EQ(wm::format_local_iso(0), "1970-01-01T00:00:00+00:00");
  }
}

TEST(LocalTime, FormatsOffsetsWithMinutesAndSeconds) {
  {
    scoped_tz tz("Asia/Kathmandu");
    EXPECT_EQ(wm::format_local_iso(utc(2026, 1, 1, 0, 0)), "2026-01-01T05:45:00+05:45");
  }
  {
    scoped_tz tz("America/St_Johns");
    EXPECT_EQ(wm::format_local_iso(utc(2026, 1, 1, 12, 0)), "2026-01-01T08:30:00-03:30");
  }
  {
    // Liberia kept a local mean time of -0:44:30 until 1972.
    scoped_tz tz("Africa/Monrovia");
    EXPECT_EQ(wm::format_local_iso(utc(1970, 1, 1, 12, 0)), "1970-01-01T11:15:30-00:44:30");
  }
}

// -- parsing ------------------------------------------------------------------

TEST(LocalTime, ParsesMinutesAndSeconds) {
  scoped_tz tz("UTC");
  EXPECT_EQ(wm::parse_local_iso("2026-03-29T02:30"), utc(2026, 3, 29, 2, 30));
  EXPECT_EQ(wm::parse_local_iso("2026-03-29T02:30:45"), utc(2026, 3, 29, 2, 30, 45));
  EXPECT_EQ(wm::parse_local_iso("2026-03-29 02:30"), utc(2026, 3, 29, 2, 30));
  EXPECT_EQ(wm::parse_local_iso("2024-02-29T00:00"), utc(2024, 2, 29, 0, 0));
  EXPECT_EQ(wm::parse_local_iso("2026-12-31T23:59:59"), utc(2026, 12, 31, 23, 59, 59));
}

TEST(LocalTime, ParsesInTheLocalZone) {
  scoped_tz tz("Australia/Sydney");
  EXPECT_EQ(wm::parse_local_iso("2026-07-01T10:00"), utc(2026, 7, 1, 0, 0));
  EXPECT_EQ(wm::parse_local_iso("2026-01-01T11:00"), utc(2026, 1, 1, 0, 0));
}

TEST(LocalTime, ParsingAmbiguousTimeTakesTheFirstPass) {
  scoped_tz tz("America/New_York");
  EXPECT_EQ(wm::parse_local_iso("2026-11-01T01:30"), utc(2026, 11, 1, 5, 30));
}

TEST(LocalTime, ParsingSkippedTimeTakesTheEndOfTheGap) {
  scoped_tz tz("America/New_York");
  EXPECT_EQ(wm::parse_local_iso("2026-03-08T02:30"), utc(2026, 3, 8, 7, 0));
}

TEST(LocalTime, ExplicitOffsetNamesTheInstant) {
  scoped_tz tz("Europe/Berlin");
  EXPECT_EQ(wm::parse_local_iso("2026-10-25T02:30:00+01:00"), utc(2026, 10, 25, 1, 30));
  EXPECT_EQ(wm::parse_local_iso("2026-10-25T02:30:00+02:00"), utc(2026, 10, 25, 0, 30));
  EXPECT_EQ(wm::parse_local_iso("2026-10-25T02:30Z"), utc(2026, 10, 25, 2, 30));
  EXPECT_EQ(wm::parse_local_iso("2026-01-01T00:00-05:30"), utc(2026, 1, 1, 5, 30));
}

TEST(LocalTime, FormattedTimesReadBackAsTheSameInstant) {
  scoped_tz tz("Europe/Berlin");
  // Every quarter hour across the autumn change, both passes included.
  for (std::time_t t = utc(2026, 10, 24, 22, 0); t < utc(2026, 10, 25, 4, 0); t += 900)
    EXPECT_EQ(wm::parse_local_iso(wm::format_local_iso(t)), t) << wm::format_local_iso(t);
}

TEST(LocalTime, RejectsMalformedText) {
  scoped_tz tz("UTC");
  for (const char* text :
       {"", "now", "2026-03-29", "2026-03-29T", "2026-03-29T02", "2026-3-29T02:30",
        "2026-03-29T2:30", "26-03-29T02:30", "2026/03/29T02:30", "2026-03-29X02:30",
        "2026-03-29T02:30:4", "2026-03-29T02:30:45.5", "2026-03-29T02:30x", " 2026-03-29T02:30",
        "2026-03-29T02:30 ", "2026-03-29T02:30+1", "2026-03-29T02:30+01", "2026-03-29T02:30+0100",
        "2026-03-29T02:30+24:00", "+2026-03-29T02:30", "2026-03-29T02:30ZZ"})
    EXPECT_EQ(wm::parse_local_iso(text), std::nullopt) << '"' << text << '"';
}

TEST(LocalTime, RejectsImpossibleDatesAndTimes) {
  scoped_tz tz("UTC");
  for (const char* text :
       {"2026-02-29T00:00", "2026-02-30T00:00", "2026-04-31T00:00", "2026-13-01T00:00",
        "2026-00-01T00:00", "2026-01-00T00:00", "2026-01-01T24:00", "2026-01-01T23:60",
        "2026-01-01T23:59:60", "2100-02-29T00:00"})
    EXPECT_EQ(wm::parse_local_iso(text), std::nullopt) << text;
}

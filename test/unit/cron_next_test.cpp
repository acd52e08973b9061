// `wingmate cron-next`: output format, COUNT, START in and around DST
// changes, and every error (exit code 2, a message naming the argument,
// and no time printed). Every test pins TZ and restores it afterwards.

#include "main/cron_next.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "messages/local_time.hpp"
#include "test/unit/zone_helpers.hpp"

namespace {

using wm::test::scoped_tz;
using wm::test::utc;

struct command_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

command_result run(const std::vector<std::string>& args, std::optional<std::time_t> now = {}) {
  std::ostringstream out;
  std::ostringstream err;
  command_result result;
  result.exit_code = now ? wm::cron_next_command(args, out, err, *now)
                         : wm::cron_next_command(args, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

// Checks the contract for every error: exit 2, nothing on stdout, one line
// on stderr that starts "wingmate: " and contains `mention`.
void expect_usage_error(const std::vector<std::string>& args, const std::string& mention) {
  const auto result = run(args);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_TRUE(result.err.starts_with("wingmate: ")) << result.err;
  EXPECT_NE(result.err.find(mention), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
}

} // namespace

// -- output -------------------------------------------------------------------

TEST(CronNext, PrintsOneTimeByDefault) {
  scoped_tz tz("UTC");
  const auto result = run({"*/15 * * * *", "2026-01-01T00:07"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "2026-01-01T00:15:00+00:00\n");
  EXPECT_EQ(result.err, "");
}

TEST(CronNext, PrintsCountTimes) {
  scoped_tz tz("UTC");
  const auto result = run({"0 9 * * mon-fri", "2026-05-15T08:00", "4"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "2026-05-15T09:00:00+00:00\n"
                        "2026-05-18T09:00:00+00:00\n"
                        "2026-05-19T09:00:00+00:00\n"
                        "2026-05-20T09:00:00+00:00\n");
}

TEST(CronNext, StartIsExcluded) {
  scoped_tz tz("UTC");
  EXPECT_EQ(run({"*/15 * * * *", "2026-01-01T00:15"}).out, "2026-01-01T00:30:00+00:00\n");
  EXPECT_EQ(run({"*/15 * * * *", "2026-01-01T00:15:00"}).out, "2026-01-01T00:30:00+00:00\n");
  EXPECT_EQ(run({"*/15 * * * *", "2026-01-01T00:14:59"}).out, "2026-01-01T00:15:00+00:00\n");
}

TEST(CronNext, PrintsTheLocalOffset) {
  {
    scoped_tz tz("Australia/Sydney");
    EXPECT_EQ(run({"@daily", "2026-06-30T12:00", "1"}).out, "2026-07-01T00:00:00+10:00\n");
    EXPECT_EQ(run({"@daily", "2026-12-30T12:00", "1"}).out, "2026-12-31T00:00:00+11:00\n");
  }
  {
    scoped_tz tz("America/New_York");
    EXPECT_EQ(run({"@daily", "2026-01-30T12:00"}).out, "2026-01-31T00:00:00-05:00\n");
  }
  {
    scoped_tz tz("Asia/Kolkata");
    EXPECT_EQ(run({"@hourly", "2026-01-30T12:00"}).out, "2026-01-30T13:00:00+05:30\n");
  }
}

TEST(CronNext, FollowsDaylightSaving) {
  scoped_tz tz("Europe/Berlin");
  EXPECT_EQ(run({"30 2 * * *", "2026-03-28T12:00", "2"}).out,
            "2026-03-29T03:00:00+02:00\n2026-03-30T02:30:00+02:00\n");
  EXPECT_EQ(run({"30 * * * *", "2026-10-25T01:45", "3"}).out,
            "2026-10-25T02:30:00+02:00\n2026-10-25T02:30:00+01:00\n2026-10-25T03:30:00+01:00\n");
}

TEST(CronNext, FollowsDaylightSavingInNewYork) {
  scoped_tz tz("America/New_York");
  // 2026-03-08: 02:00 EST jumps to 03:00 EDT. A fixed time in the gap runs
  // once when it ends; a wildcard job skips the missing hour.
  EXPECT_EQ(run({"30 2 * * *", "2026-03-07T12:00", "2"}).out,
            "2026-03-08T03:00:00-04:00\n2026-03-09T02:30:00-04:00\n");
  EXPECT_EQ(run({"30 * * * *", "2026-03-08T00:45", "2"}).out,
            "2026-03-08T01:30:00-05:00\n2026-03-08T03:30:00-04:00\n");
  // 2026-11-01: 02:00 EDT falls back to 01:00 EST. A fixed time in the
  // repeated hour runs once; a wildcard job runs in both passes.
  EXPECT_EQ(run({"30 1 * * *", "2026-10-31T12:00", "2"}).out,
            "2026-11-01T01:30:00-04:00\n2026-11-02T01:30:00-05:00\n");
  EXPECT_EQ(run({"*/20 1 * * *", "2026-11-01T00:59", "6"}).out,
            "2026-11-01T01:00:00-04:00\n2026-11-01T01:20:00-04:00\n"
            "2026-11-01T01:40:00-04:00\n2026-11-01T01:00:00-05:00\n"
            "2026-11-01T01:20:00-05:00\n2026-11-01T01:40:00-05:00\n");
}

TEST(CronNext, FollowsDaylightSavingInSydney) {
  scoped_tz tz("Australia/Sydney");
  // Southern hemisphere: 2026-04-05 03:00 AEDT falls back to 02:00 AEST.
  EXPECT_EQ(run({"30 2 * * *", "2026-04-04T12:00", "2"}).out,
            "2026-04-05T02:30:00+11:00\n2026-04-06T02:30:00+10:00\n");
  EXPECT_EQ(run({"30 * * * *", "2026-04-05T01:45", "3"}).out,
            "2026-04-05T02:30:00+11:00\n2026-04-05T02:30:00+10:00\n"
            "2026-04-05T03:30:00+10:00\n");
  // 2026-10-04 02:00 AEST jumps to 03:00 AEDT.
  EXPECT_EQ(run({"30 2 * * *", "2026-10-03T12:00", "2"}).out,
            "2026-10-04T03:00:00+11:00\n2026-10-05T02:30:00+11:00\n");
  EXPECT_EQ(run({"*/30 * * * *", "2026-10-04T01:15", "3"}).out,
            "2026-10-04T01:30:00+10:00\n2026-10-04T03:00:00+11:00\n"
            "2026-10-04T03:30:00+11:00\n");
}

TEST(CronNext, AmbiguousStartTakesTheFirstPass) {
  scoped_tz tz("Europe/Berlin");
  EXPECT_EQ(run({"* * * * *", "2026-10-25T02:30"}).out, "2026-10-25T02:31:00+02:00\n");
  // An explicit offset picks the second pass.
  EXPECT_EQ(run({"* * * * *", "2026-10-25T02:30+01:00"}).out, "2026-10-25T02:31:00+01:00\n");
}

TEST(CronNext, StartInAGapMeansTheEndOfTheGap) {
  scoped_tz tz("Europe/Berlin");
  // 02:30 does not exist on 2026-03-29: START is 03:00 CEST, which is
  // excluded.
  EXPECT_EQ(run({"* * * * *", "2026-03-29T02:30"}).out, "2026-03-29T03:01:00+02:00\n");
  EXPECT_EQ(run({"0 3 * * *", "2026-03-29T02:30"}).out, "2026-03-30T03:00:00+02:00\n");
}

TEST(CronNext, DefaultStartIsNow) {
  scoped_tz tz("UTC");
  const auto result = run({"0 0 * * *"}, utc(2026, 7, 4, 15, 20, 11));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "2026-07-05T00:00:00+00:00\n");
}

TEST(CronNext, WithoutNowUsesTheClock) {
  scoped_tz tz("UTC");
  const std::time_t before = std::time(nullptr);
  const auto result = run({"* * * * *"});
  ASSERT_EQ(result.exit_code, 0);
  ASSERT_EQ(result.out.size(), std::string("2026-01-01T00:00:00+00:00\n").size());
  const auto printed = wm::parse_local_iso(result.out.substr(0, result.out.size() - 1));
  ASSERT_TRUE(printed);
  EXPECT_GT(*printed, before);
  EXPECT_LE(*printed, before + 120);
  EXPECT_EQ(*printed % 60, 0);
}

TEST(CronNext, LargestCountWorks) {
  scoped_tz tz("Europe/Berlin");
  const auto result = run({"* * * * *", "2026-01-01T00:00", "10000"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 10000);
  EXPECT_TRUE(result.out.ends_with("2026-01-07T22:40:00+01:00\n"));
}

TEST(CronNext, CountMayHaveLeadingZeros) {
  scoped_tz tz("UTC");
  EXPECT_EQ(run({"@yearly", "2026-01-01T00:00", "002"}).out,
            "2027-01-01T00:00:00+00:00\n2028-01-01T00:00:00+00:00\n");
}

// -- errors -------------------------------------------------------------------

TEST(CronNext, InvalidSchedulePrintsTheParserMessage) {
  const auto result = run({"61 * * * *", "2026-01-01T00:00", "3"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "wingmate: minute field \"61\": 61 is out of range 0-59\n");

  expect_usage_error({"* * * * * *"}, "expected 5 fields");
  expect_usage_error({"@reboot"}, "unknown macro \"@reboot\"");
  expect_usage_error({""}, "the schedule is empty");
  expect_usage_error({"0 0 * * mon-sun/0"},
                     "day-of-week field \"mon-sun/0\": step must be at least 1");
}

TEST(CronNext, InvalidStartNamesTheArgument) {
  for (const char* start : {"tomorrow", "2026-02-30T10:00", "2026-01-01", "2026-01-01T25:00",
                            "", "2026-01-01T10:00:00.123"})
    expect_usage_error({"* * * * *", start}, "START \"" + std::string(start) + "\"");
}

TEST(CronNext, InvalidCountNamesTheArgument) {
  for (const char* count : {"abc", "-1", "+3", "1.5", "", " 3", "3x"})
    expect_usage_error({"* * * * *", "2026-01-01T00:00", count},
                       "COUNT \"" + std::string(count) + "\" is not a whole number");
  expect_usage_error({"* * * * *", "2026-01-01T00:00", "0"}, "COUNT must be at least 1");
  expect_usage_error({"* * * * *", "2026-01-01T00:00", "000"}, "COUNT must be at least 1");
  expect_usage_error({"* * * * *", "2026-01-01T00:00", "10001"},
                     "COUNT 10001 is too large; at most 10000");
  expect_usage_error({"* * * * *", "2026-01-01T00:00", "99999999999999999999999"},
                     "COUNT 99999999999999999999999 is too large; at most 10000");
}

TEST(CronNext, ScheduleIsCheckedFirst) {
  const auto result = run({"bad", "also bad", "worse"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(result.err.starts_with("wingmate: expected 5 fields")) << result.err;
}

TEST(CronNext, WrongNumberOfArguments) {
  expect_usage_error({}, "cron-next takes SCHEDULE [START [COUNT]], got 0 arguments");
  expect_usage_error({"*/15", "*", "*", "*", "*"},
                     "got 5 arguments; quote the schedule, like \"*/15 * * * *\"");
}

TEST(CronNext, ScheduleThatNeverFires) {
  scoped_tz tz("UTC");
  expect_usage_error({"0 0 30 2 *", "2026-01-01T00:00", "3"},
                     "schedule \"0 0 30 2 *\" never fires");
}

TEST(CronNext, RunningOutOfYears) {
  scoped_tz tz("UTC");
  expect_usage_error({"0 0 1 1 *", "9998-06-01T00:00", "3"}, "before the year 10000");
  EXPECT_EQ(run({"0 0 1 1 *", "9998-06-01T00:00", "1"}).out, "9999-01-01T00:00:00+00:00\n");
}

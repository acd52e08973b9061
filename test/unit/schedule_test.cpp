// Cron schedules: every syntax form and every error, the day-of-month /
// day-of-week rule, next_after against brute force (UTC, thousands of random
// schedules), and daylight saving in northern and southern zones, both by
// hand-picked cases and against a minute-by-minute model of Vixie cron.
// Every test that needs a zone pins TZ and restores it afterwards.

#include "messages/schedule.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "messages/local_time.hpp"
#include "test/unit/zone_helpers.hpp"

namespace {

using wm::test::scoped_tz;
using wm::test::utc;

std::tm utc_parts(std::time_t instant) {
  std::tm parts{};
  ::gmtime_r(&instant, &parts);
  return parts;
}

wm::schedule must_parse(std::string_view text) {
  auto result = wm::schedule::parse(text);
  if (!result.value) {
    ADD_FAILURE() << "\"" << text << "\" does not parse: " << result.error;
    return *wm::schedule::parse("* * * * *").value;
  }
  return *result.value;
}

std::string error_of(std::string_view text) {
  const auto result = wm::schedule::parse(text);
  EXPECT_FALSE(result.value) << "\"" << text << "\" parses";
  return result.error;
}

// The local time of an ISO string, in the zone set by the test.
std::time_t local(std::string_view text) {
  const auto instant = wm::parse_local_iso(text);
  EXPECT_TRUE(instant) << text;
  return instant.value_or(0);
}

// The next `count` fire times after `start`, formatted in the current zone.
std::vector<std::string> fire_times(std::string_view text, std::time_t start, int count) {
  const auto job = must_parse(text);
  std::vector<std::string> times;
  for (int i = 0; i < count; ++i) {
    const auto next = job.next_after(start);
    if (!next)
      break;
    times.push_back(wm::format_local_iso(*next));
    start = *next;
  }
  return times;
}

std::vector<std::string> fire_times(std::string_view text, std::string_view start, int count) {
  return fire_times(text, local(start), count);
}

// The values a field lets through, read back with matches(): the field
// under test is set in a schedule whose other fields are "*".
std::vector<int> values_of(std::string_view field_text, int field) {
  std::array<std::string, 5> fields{"*", "*", "*", "*", "*"};
  fields[static_cast<std::size_t>(field)] = std::string(field_text);
  const auto job =
    must_parse(fields[0] + " " + fields[1] + " " + fields[2] + " " + fields[3] + " " + fields[4]);

  std::tm probe = utc_parts(utc(2026, 1, 1, 0, 0));
  int* slot[] = {&probe.tm_min, &probe.tm_hour, &probe.tm_mday, &probe.tm_mon, &probe.tm_wday};
  const int first[] = {0, 0, 1, 0, 0};
  const int last[] = {59, 23, 31, 11, 6};
  const int shown[] = {0, 0, 0, 1, 0}; // tm_mon counts from 0, months from 1

  std::vector<int> values;
  for (int v = first[field]; v <= last[field]; ++v) {
    *slot[field] = v;
    if (job.matches(probe))
      values.push_back(v + shown[field]);
  }
  return values;
}

std::vector<int> minutes(std::string_view f) { return values_of(f, 0); }
std::vector<int> hours(std::string_view f) { return values_of(f, 1); }
std::vector<int> days_of_month(std::string_view f) { return values_of(f, 2); }
std::vector<int> months(std::string_view f) { return values_of(f, 3); }
std::vector<int> days_of_week(std::string_view f) { return values_of(f, 4); }

std::vector<int> range_of(int first, int last, int step = 1) {
  std::vector<int> values;
  for (int v = first; v <= last; v += step)
    values.push_back(v);
  return values;
}

using ints = std::vector<int>;
using strings = std::vector<std::string>;

} // namespace

// -- syntax -------------------------------------------------------------------

TEST(ScheduleSyntax, StarTakesTheWholeField) {
  EXPECT_EQ(minutes("*"), range_of(0, 59));
  EXPECT_EQ(hours("*"), range_of(0, 23));
  EXPECT_EQ(days_of_month("*"), range_of(1, 31));
  EXPECT_EQ(months("*"), range_of(1, 12));
  EXPECT_EQ(days_of_week("*"), range_of(0, 6));
}

TEST(ScheduleSyntax, SingleValuesListsAndRanges) {
  EXPECT_EQ(minutes("5"), ints{5});
  EXPECT_EQ(minutes("05"), ints{5});
  EXPECT_EQ(minutes("0"), ints{0});
  EXPECT_EQ(minutes("59"), ints{59});
  EXPECT_EQ(minutes("1,15,30"), (ints{1, 15, 30}));
  EXPECT_EQ(minutes("30,1,15,15"), (ints{1, 15, 30}));
  EXPECT_EQ(minutes("1-5"), (ints{1, 2, 3, 4, 5}));
  EXPECT_EQ(minutes("7-7"), ints{7});
  EXPECT_EQ(hours("0-3,22-23"), (ints{0, 1, 2, 3, 22, 23}));
  EXPECT_EQ(days_of_month("1,31"), (ints{1, 31}));
  EXPECT_EQ(days_of_month("28-31"), (ints{28, 29, 30, 31}));
  EXPECT_EQ(months("6-8"), (ints{6, 7, 8}));
}

TEST(ScheduleSyntax, StepsOnStarStartAtTheFieldsMinimum) {
  EXPECT_EQ(minutes("*/15"), (ints{0, 15, 30, 45}));
  EXPECT_EQ(minutes("*/1"), range_of(0, 59));
  EXPECT_EQ(minutes("*/59"), (ints{0, 59}));
  EXPECT_EQ(hours("*/5"), (ints{0, 5, 10, 15, 20}));
  EXPECT_EQ(days_of_month("*/10"), (ints{1, 11, 21, 31}));
  EXPECT_EQ(months("*/3"), (ints{1, 4, 7, 10}));
  EXPECT_EQ(days_of_week("*/2"), (ints{0, 2, 4, 6}));
  EXPECT_EQ(days_of_week("*/7"), ints{0});
}

TEST(ScheduleSyntax, StepsOnRangesAndSingleValues) {
  EXPECT_EQ(minutes("1-30/10"), (ints{1, 11, 21}));
  EXPECT_EQ(minutes("0-59/20"), (ints{0, 20, 40}));
  EXPECT_EQ(minutes("5/15"), (ints{5, 20, 35, 50}));
  EXPECT_EQ(hours("9-17/4"), (ints{9, 13, 17}));
  EXPECT_EQ(days_of_month("10/10"), (ints{10, 20, 30}));
  EXPECT_EQ(months("2/6"), (ints{2, 8}));
  EXPECT_EQ(days_of_week("1-7/2"), (ints{0, 1, 3, 5}));
}

TEST(ScheduleSyntax, MixedLists) {
  EXPECT_EQ(minutes("1-3,10-20/5,*/30"), (ints{0, 1, 2, 3, 10, 15, 20, 30}));
  EXPECT_EQ(days_of_week("mon,wed-fri,0"), (ints{0, 1, 3, 4, 5}));
}

TEST(ScheduleSyntax, MonthNamesInAnyCase) {
  EXPECT_EQ(months("jan"), ints{1});
  EXPECT_EQ(months("DEC"), ints{12});
  EXPECT_EQ(months("Mar-May"), (ints{3, 4, 5}));
  EXPECT_EQ(months("jan,jul"), (ints{1, 7}));
  EXPECT_EQ(months("feb-dec/2"), (ints{2, 4, 6, 8, 10, 12}));
  EXPECT_EQ(months("jan-3"), (ints{1, 2, 3}));
  const std::vector<std::string> names{"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int m = 1; m <= 12; ++m)
    EXPECT_EQ(months(names[static_cast<std::size_t>(m - 1)]), ints{m});
}

TEST(ScheduleSyntax, DayNamesInAnyCase) {
  EXPECT_EQ(days_of_week("mon-fri"), (ints{1, 2, 3, 4, 5}));
  EXPECT_EQ(days_of_week("SUN"), ints{0});
  EXPECT_EQ(days_of_week("Sat,sun"), (ints{0, 6}));
  EXPECT_EQ(days_of_week("sun-sat"), range_of(0, 6));
  const std::vector<std::string> names{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  for (int d = 0; d < 7; ++d)
    EXPECT_EQ(days_of_week(names[static_cast<std::size_t>(d)]), ints{d});
}

TEST(ScheduleSyntax, ZeroAndSevenAreSunday) {
  EXPECT_EQ(days_of_week("0"), ints{0});
  EXPECT_EQ(days_of_week("7"), ints{0});
  EXPECT_EQ(days_of_week("0,7"), ints{0});
  EXPECT_EQ(days_of_week("5-7"), (ints{0, 5, 6}));
  EXPECT_EQ(days_of_week("0-7"), range_of(0, 6));
}

TEST(ScheduleSyntax, SundayMayCloseARange) {
  EXPECT_EQ(days_of_week("fri-sun"), (ints{0, 5, 6}));
  EXPECT_EQ(days_of_week("mon-sun"), range_of(0, 6));
  EXPECT_EQ(days_of_week("5-0"), (ints{0, 5, 6}));
  EXPECT_EQ(days_of_week("sun-sun"), ints{0});
  EXPECT_EQ(days_of_week("sat-sun/1"), (ints{0, 6}));
}

TEST(ScheduleSyntax, FieldsMaySitBetweenAnyWhiteSpace) {
  const auto reference = fire_times("5 4 * * *", utc(2026, 1, 1, 0, 0), 3);
  EXPECT_EQ(fire_times("5\t4 * *\t*", utc(2026, 1, 1, 0, 0), 3), reference);
  EXPECT_EQ(fire_times("  5   4  *  *  *  ", utc(2026, 1, 1, 0, 0), 3), reference);
  EXPECT_EQ(fire_times("5 4 * * *\n", utc(2026, 1, 1, 0, 0), 3), reference);
}

TEST(ScheduleSyntax, TextIsKeptAsWritten) {
  EXPECT_EQ(must_parse("*/5  1 * * *").text(), "*/5  1 * * *");
  EXPECT_EQ(must_parse("@Daily").text(), "@Daily");
}

TEST(ScheduleSyntax, MacrosStandForTheirFields) {
  scoped_tz tz("UTC");
  const std::vector<std::pair<std::string, std::string>> macros{
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"}, {"@DAILY", "0 0 * * *"},    {"  @hourly\t", "0 * * * *"}};
  const std::time_t start = utc(2026, 5, 17, 13, 41);
  for (const auto& [macro, fields] : macros) {
    EXPECT_EQ(fire_times(macro, start, 4), fire_times(fields, start, 4)) << macro;
    EXPECT_EQ(must_parse(macro).is_wildcard_job(), must_parse(fields).is_wildcard_job())
      << macro;
  }
  EXPECT_EQ(fire_times("@weekly", start, 2),
            (strings{"2026-05-24T00:00:00+00:00", "2026-05-31T00:00:00+00:00"}));
  EXPECT_EQ(fire_times("@yearly", start, 1), strings{"2027-01-01T00:00:00+00:00"});
}

TEST(ScheduleSyntax, WildcardJobsStartMinuteOrHourWithStar) {
  EXPECT_TRUE(must_parse("* * * * *").is_wildcard_job());
  EXPECT_TRUE(must_parse("*/5 3 * * *").is_wildcard_job());
  EXPECT_TRUE(must_parse("5 * * * *").is_wildcard_job());
  EXPECT_TRUE(must_parse("30 */2 * * *").is_wildcard_job());
  EXPECT_TRUE(must_parse("@hourly").is_wildcard_job());
  EXPECT_FALSE(must_parse("5 3 * * *").is_wildcard_job());
  EXPECT_FALSE(must_parse("0-59 0-23 * * *").is_wildcard_job());
  EXPECT_FALSE(must_parse("5,*/10 3 * * *").is_wildcard_job());
  EXPECT_FALSE(must_parse("@daily").is_wildcard_job());
  EXPECT_FALSE(must_parse("@yearly").is_wildcard_job());
}

TEST(ScheduleSyntax, IsAPlainValue) {
  const auto a = must_parse("*/5 1 * * mon");
  auto b = a;
  EXPECT_EQ(a, b);
  b = must_parse("*/5 2 * * mon");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.text(), "*/5 1 * * mon");
}

// -- the two day fields -------------------------------------------------------

TEST(ScheduleDays, EitherDayFieldFiresWhenBothAreRestricted) {
  // 2026-02-13 is a Friday; 2026-02-20 a Friday; 2026-03-13 a Friday too;
  // 2026-04-13 a Monday.
  const auto job = must_parse("0 0 13 * fri");
  EXPECT_TRUE(job.matches(utc_parts(utc(2026, 2, 13, 0, 0))));
  EXPECT_TRUE(job.matches(utc_parts(utc(2026, 2, 20, 0, 0))));
  EXPECT_TRUE(job.matches(utc_parts(utc(2026, 4, 13, 0, 0))));
  EXPECT_FALSE(job.matches(utc_parts(utc(2026, 4, 14, 0, 0))));
  EXPECT_EQ(fire_times("0 0 13 * fri", utc(2026, 4, 1, 0, 0), 4),
            (strings{"2026-04-03T00:00:00+00:00", "2026-04-10T00:00:00+00:00",
                     "2026-04-13T00:00:00+00:00", "2026-04-17T00:00:00+00:00"}));
}

TEST(ScheduleDays, BothMustMatchWhenOneStartsWithStar) {
  // Odd days that are Fridays.
  const auto job = must_parse("0 0 */2 * fri");
  EXPECT_TRUE(job.matches(utc_parts(utc(2026, 4, 3, 0, 0))));
  EXPECT_FALSE(job.matches(utc_parts(utc(2026, 4, 10, 0, 0))));
  EXPECT_FALSE(job.matches(utc_parts(utc(2026, 4, 5, 0, 0))));
  EXPECT_EQ(fire_times("0 0 */2 * fri", utc(2026, 4, 1, 0, 0), 3),
            (strings{"2026-04-03T00:00:00+00:00", "2026-04-17T00:00:00+00:00",
                     "2026-05-01T00:00:00+00:00"}));

  // Day 13 that is a Sunday, Tuesday, Thursday or Saturday.
  EXPECT_EQ(fire_times("0 0 13 * */2", utc(2026, 1, 1, 0, 0), 2),
            (strings{"2026-01-13T00:00:00+00:00", "2026-06-13T00:00:00+00:00"}));
}

TEST(ScheduleDays, OnlyOneFieldRestricted) {
  EXPECT_EQ(fire_times("0 0 13 * *", utc(2026, 1, 1, 0, 0), 2),
            (strings{"2026-01-13T00:00:00+00:00", "2026-02-13T00:00:00+00:00"}));
  EXPECT_EQ(fire_times("0 0 * * mon", utc(2026, 1, 1, 0, 0), 2),
            (strings{"2026-01-05T00:00:00+00:00", "2026-01-12T00:00:00+00:00"}));
}

// -- errors -------------------------------------------------------------------

TEST(ScheduleErrors, MessagesFromTheIssue) {
  EXPECT_EQ(error_of("61 * * * *"), "minute field \"61\": 61 is out of range 0-59");
  EXPECT_EQ(error_of("0 0 * * mon-sun/0"),
            "day-of-week field \"mon-sun/0\": step must be at least 1");
  EXPECT_EQ(error_of("* * * * * *"),
            "expected 5 fields (minute hour day-of-month month day-of-week), got 6");
}

TEST(ScheduleErrors, OutOfRangeNamesTheFieldAndItsRange) {
  EXPECT_EQ(error_of("0 24 * * *"), "hour field \"24\": 24 is out of range 0-23");
  EXPECT_EQ(error_of("0 0 0 * *"), "day-of-month field \"0\": 0 is out of range 1-31");
  EXPECT_EQ(error_of("0 0 32 * *"), "day-of-month field \"32\": 32 is out of range 1-31");
  EXPECT_EQ(error_of("0 0 * 0 *"), "month field \"0\": 0 is out of range 1-12");
  EXPECT_EQ(error_of("0 0 * 13 *"), "month field \"13\": 13 is out of range 1-12");
  EXPECT_EQ(error_of("0 0 * * 8"), "day-of-week field \"8\": 8 is out of range 0-7");
  EXPECT_EQ(error_of("1,5,60 * * * *"), "minute field \"1,5,60\": 60 is out of range 0-59");
  EXPECT_EQ(error_of("0 1-25 * * *"), "hour field \"1-25\": 25 is out of range 0-23");
  EXPECT_EQ(error_of("99999999999999999999 * * * *"),
            "minute field \"99999999999999999999\": 99999999999999999999 is out of range 0-59");
}

TEST(ScheduleErrors, ReversedRanges) {
  EXPECT_EQ(error_of("5-1 * * * *"),
            "minute field \"5-1\": range 5-1 runs backwards; write the smaller value first, "
            "like 1-5");
  EXPECT_EQ(error_of("0 0 * * fri-mon"),
            "day-of-week field \"fri-mon\": range fri-mon runs backwards; write the smaller "
            "value first, like mon-fri");
  EXPECT_TRUE(error_of("0 0 * dec-jan *").starts_with("month field \"dec-jan\": range"));
  EXPECT_TRUE(error_of("0 0 20-10 * *").starts_with("day-of-month field \"20-10\": range"));
  EXPECT_TRUE(error_of("0 0 * * 6-1").starts_with("day-of-week field \"6-1\": range"));
}

TEST(ScheduleErrors, BadSteps) {
  EXPECT_EQ(error_of("*/0 * * * *"), "minute field \"*/0\": step must be at least 1");
  EXPECT_EQ(error_of("0 1-5/0 * * *"), "hour field \"1-5/0\": step must be at least 1");
  EXPECT_EQ(error_of("*/60 * * * *"), "minute field \"*/60\": step 60 is too large; at most 59");
  EXPECT_EQ(error_of("0 0 * */13 *"), "month field \"*/13\": step 13 is too large; at most 12");
  EXPECT_EQ(error_of("*/x * * * *"),
            "minute field \"*/x\": step \"x\" is not a whole number; write it like */15");
  EXPECT_EQ(error_of("*/ * * * *"),
            "minute field \"*/\": a step is missing after \"/\"; write it like */15");
  EXPECT_EQ(error_of("*/-1 * * * *"),
            "minute field \"*/-1\": step \"-1\" is not a whole number; write it like */15");
  EXPECT_EQ(error_of("1/2/3 * * * *"),
            "minute field \"1/2/3\": \"1/2/3\" has more than one \"/\"; a step is written once, "
            "like */15");
  EXPECT_EQ(error_of("/5 * * * *"),
            "minute field \"/5\": a step needs a range before \"/\", like */15 or 1-30/5");
}

TEST(ScheduleErrors, BadRangesAndLists) {
  EXPECT_EQ(error_of("1-2-3 * * * *"),
            "minute field \"1-2-3\": \"1-2-3\" has more than one \"-\"; a range is written like "
            "1-5");
  EXPECT_EQ(error_of("-5 * * * *"),
            "minute field \"-5\": range \"-5\" needs a value on each side of \"-\", like 1-5");
  EXPECT_EQ(error_of("5- * * * *"),
            "minute field \"5-\": range \"5-\" needs a value on each side of \"-\", like 1-5");
  for (const char* list : {"1,,2", ",1", "1,", ","})
    EXPECT_EQ(error_of(std::string(list) + " * * * *"),
              "minute field \"" + std::string(list) +
                "\": the list has an empty item; separate values with single commas, like "
                "1,15,30");
}

TEST(ScheduleErrors, NotAValue) {
  EXPECT_EQ(error_of("x * * * *"), "minute field \"x\": \"x\" is not a number 0-59");
  EXPECT_EQ(error_of("0 noon * * *"), "hour field \"noon\": \"noon\" is not a number 0-23");
  EXPECT_EQ(error_of("0 0 1st * *"),
            "day-of-month field \"1st\": \"1st\" is not a number 1-31");
  EXPECT_EQ(error_of("0 0 * january *"),
            "month field \"january\": \"january\" is not a month, 1-12 or jan-dec");
  EXPECT_EQ(error_of("0 0 * * monday"),
            "day-of-week field \"monday\": \"monday\" is not a day of the week, 0-7 or sun-sat");
  EXPECT_EQ(error_of("jan * * * *"), "minute field \"jan\": \"jan\" is not a number 0-59");
  EXPECT_EQ(error_of("0 0 * mon *"),
            "month field \"mon\": \"mon\" is not a month, 1-12 or jan-dec");
  EXPECT_EQ(error_of("0 0 * * jan"),
            "day-of-week field \"jan\": \"jan\" is not a day of the week, 0-7 or sun-sat");
  EXPECT_EQ(error_of("1.5 * * * *"), "minute field \"1.5\": \"1.5\" is not a number 0-59");
  EXPECT_EQ(error_of("** * * * *"), "minute field \"**\": \"**\" is not a number 0-59");
  EXPECT_EQ(error_of("*5 * * * *"), "minute field \"*5\": \"*5\" is not a number 0-59");
  EXPECT_EQ(error_of("+5 * * * *"), "minute field \"+5\": \"+5\" is not a number 0-59");
  EXPECT_EQ(error_of("*-5 * * * *"), "minute field \"*-5\": \"*\" is not a number 0-59");
  EXPECT_EQ(error_of("? * * * *"), "minute field \"?\": \"?\" is not a number 0-59");
  EXPECT_EQ(error_of("0 0 L * *"), "day-of-month field \"L\": \"L\" is not a number 1-31");
}

TEST(ScheduleErrors, TheFirstWrongFieldIsReported) {
  EXPECT_TRUE(error_of("0 25 32 13 8").starts_with("hour field \"25\""));
  EXPECT_TRUE(error_of("0 0 1 1 8").starts_with("day-of-week field \"8\""));
}

TEST(ScheduleErrors, WrongNumberOfFields) {
  const std::string expected = "expected 5 fields (minute hour day-of-month month day-of-week)";
  EXPECT_EQ(error_of("*"), expected + ", got 1");
  EXPECT_EQ(error_of("* *"), expected + ", got 2");
  EXPECT_EQ(error_of("* * * *"), expected + ", got 4");
  EXPECT_EQ(error_of("0 0 * * * /bin/true"), expected + ", got 6");
  EXPECT_EQ(error_of("0 0 1 1 * 2026"), expected + ", got 6");
  EXPECT_EQ(error_of("hello world"), expected + ", got 2");
  EXPECT_EQ(error_of("daily"), expected + ", got 1");
}

TEST(ScheduleErrors, EmptySchedule) {
  for (const char* text : {"", " ", "\t\n"})
    EXPECT_EQ(error_of(text), "the schedule is empty; expected 5 fields (minute hour "
                              "day-of-month month day-of-week) or a macro such as @daily");
}

TEST(ScheduleErrors, UnknownMacros) {
  const std::string known = "use one of @yearly @annually @monthly @weekly @daily @midnight "
                            "@hourly, or 5 fields (minute hour day-of-month month day-of-week)";
  EXPECT_EQ(error_of("@every 5m"), "unknown macro \"@every\"; " + known);
  EXPECT_EQ(error_of("@"), "unknown macro \"@\"; " + known);
  EXPECT_EQ(error_of("@day"), "unknown macro \"@day\"; " + known);
  EXPECT_EQ(error_of("@reboot"), "unknown macro \"@reboot\"; " + known +
                                   " (to run something once at start, make it a service with "
                                   "restart: never)");
}

TEST(ScheduleErrors, MacroMustStandAlone) {
  EXPECT_EQ(error_of("@daily 0 0"),
            "macro \"@daily\" stands for all 5 fields (minute hour day-of-month month "
            "day-of-week); remove what follows it, starting at \"0\"");
  EXPECT_NE(error_of("@hourly /bin/true").find("\"/bin/true\""), std::string::npos);
}

TEST(ScheduleErrors, RandomTextNeverThrowsAndAlwaysExplains) {
  std::mt19937 rng(20260329);
  const std::string alphabet = "0123456789*/-,@ \tjanmonsunJAN:xL?";
  std::uniform_int_distribution<std::size_t> length(0, 24);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (std::size_t n = length(rng); n > 0; --n)
      text += alphabet[pick(rng)];
    wm::schedule_parse_result result;
    ASSERT_NO_THROW(result = wm::schedule::parse(text)) << text;
    if (result.value) {
      EXPECT_TRUE(result.error.empty());
      static_cast<void>(result.value->ever_fires());
      continue;
    }
    EXPECT_FALSE(result.error.empty()) << text;
    const bool names_something =
      result.error.find(" field \"") != std::string::npos ||
      result.error.starts_with("expected 5 fields") || result.error.starts_with("the schedule") ||
      result.error.starts_with("unknown macro") || result.error.starts_with("macro ");
    EXPECT_TRUE(names_something) << text << " -> " << result.error;
  }
}

// -- next fire time in UTC ----------------------------------------------------

TEST(ScheduleNext, StrictlyAfterTheStart) {
  scoped_tz tz("UTC");
  const auto job = must_parse("*/15 * * * *");
  EXPECT_EQ(job.next_after(utc(2026, 1, 1, 10, 7)), utc(2026, 1, 1, 10, 15));
  EXPECT_EQ(job.next_after(utc(2026, 1, 1, 10, 14, 59)), utc(2026, 1, 1, 10, 15));
  EXPECT_EQ(job.next_after(utc(2026, 1, 1, 10, 15)), utc(2026, 1, 1, 10, 30));
  EXPECT_EQ(job.next_after(utc(2026, 1, 1, 10, 15, 1)), utc(2026, 1, 1, 10, 30));
  EXPECT_EQ(job.next_after(utc(2026, 1, 1, 23, 45)), utc(2026, 1, 2, 0, 0));
}

TEST(ScheduleNext, CarriesOverHoursDaysMonthsAndYears) {
  scoped_tz tz("UTC");
  EXPECT_EQ(must_parse("0 0 1 1 *").next_after(utc(2026, 6, 15, 12, 0)), utc(2027, 1, 1, 0, 0));
  EXPECT_EQ(must_parse("59 23 31 12 *").next_after(utc(2026, 12, 31, 23, 59)),
            utc(2027, 12, 31, 23, 59));
  EXPECT_EQ(must_parse("0 0 31 * *").next_after(utc(2026, 4, 1, 0, 0)), utc(2026, 5, 31, 0, 0));
  EXPECT_EQ(must_parse("30 9 * * mon-fri").next_after(utc(2026, 5, 15, 10, 0)),
            utc(2026, 5, 18, 9, 30));
  EXPECT_EQ(must_parse("0 12 * feb *").next_after(utc(2026, 2, 28, 12, 0)),
            utc(2027, 2, 1, 12, 0));
}

TEST(ScheduleNext, LeapDaysSkipCenturies) {
  scoped_tz tz("UTC");
  const auto job = must_parse("0 0 29 2 *");
  EXPECT_EQ(job.next_after(utc(2026, 1, 1, 0, 0)), utc(2028, 2, 29, 0, 0));
  // 2100 is not a leap year: eight years from 2096 to 2104.
  EXPECT_EQ(job.next_after(utc(2096, 3, 1, 0, 0)), utc(2104, 2, 29, 0, 0));
}

TEST(ScheduleNext, RareCombinationsAreFoundFarAhead) {
  scoped_tz tz("UTC");
  // February the 29th that is a Sunday ("*/7" is Sunday alone, and its
  // star makes both day fields count): 2032, then 28 years later.
  const auto job = must_parse("0 0 29 2 */7");
  EXPECT_EQ(job.next_after(utc(2026, 1, 1, 0, 0)), utc(2032, 2, 29, 0, 0));
  EXPECT_EQ(job.next_after(utc(2032, 3, 1, 0, 0)), utc(2060, 2, 29, 0, 0));
}

TEST(ScheduleNext, ImpossibleSchedulesReturnNothing) {
  scoped_tz tz("UTC");
  for (const char* text : {"0 0 30 2 *", "0 0 31 4,6,9,11 *", "* * 30-31 feb *",
                           "0 0 31 2 */2", "0 0 30,31 2 *"}) {
    const auto job = must_parse(text);
    EXPECT_FALSE(job.ever_fires()) << text;
    EXPECT_EQ(job.next_after(utc(2026, 1, 1, 0, 0)), std::nullopt) << text;
  }
  // With both day fields restricted the day of week still fires.
  EXPECT_TRUE(must_parse("0 0 30 2 mon").ever_fires());
  EXPECT_EQ(must_parse("0 0 30 2 mon").next_after(utc(2026, 1, 1, 0, 0)), utc(2026, 2, 2, 0, 0));
}

TEST(ScheduleNext, ImpossibleSchedulesAreRejectedQuickly) {
  scoped_tz tz("Europe/Berlin");
  const auto job = must_parse("* * 31 2,4,6,9,11 *");
  const auto begin = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(job.next_after(utc(2026, 1, 1, 0, 0) + i * 86400), std::nullopt);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds{5});
}

TEST(ScheduleNext, RunningThroughAYearIsQuick) {
  scoped_tz tz("Europe/Berlin");
  const auto job = must_parse("*/5 * * * *");
  const auto begin = std::chrono::steady_clock::now();
  std::time_t t = utc(2026, 1, 1, 0, 0);
  int fired = 0;
  while (const auto next = job.next_after(t)) {
    if (*next >= utc(2027, 1, 1, 0, 0))
      break;
    ASSERT_GT(*next, t);
    t = *next;
    ++fired;
  }
  // 365 days of 288 runs, less the 12 lost to the spring change and plus
  // the 12 the autumn change repeats; the run at the start instant itself is
  // not counted (fire times are strictly after it).
  EXPECT_EQ(fired, 365 * 288 - 1);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds{10});
}

TEST(ScheduleNext, EndsBeforeTheYear10000) {
  scoped_tz tz("UTC");
  EXPECT_EQ(must_parse("0 0 1 1 *").next_after(utc(9999, 6, 1, 0, 0)), std::nullopt);
  EXPECT_EQ(must_parse("59 23 31 12 *").next_after(utc(9999, 6, 1, 0, 0)),
            utc(9999, 12, 31, 23, 59));
  EXPECT_EQ(must_parse("* * * * *").next_after(utc(9999, 12, 31, 23, 59)), std::nullopt);
  EXPECT_EQ(must_parse("* * * * *").next_after(std::numeric_limits<std::time_t>::max()),
            std::nullopt);
  EXPECT_EQ(must_parse("* * * * *").next_after(std::numeric_limits<std::time_t>::min()),
            std::nullopt);
}

TEST(ScheduleNext, BeforeTheEpoch) {
  scoped_tz tz("UTC");
  EXPECT_EQ(must_parse("0 12 * * *").next_after(utc(1960, 5, 1, 13, 0)),
            utc(1960, 5, 2, 12, 0));
}

TEST(ScheduleNext, NextMatchingMinuteStaysWithinItsRange) {
  const auto job = must_parse("0 12 * * *");
  const wm::wall_minute from = std::chrono::local_days{std::chrono::year{2026} / 1 / 1};
  EXPECT_EQ(job.next_matching_minute(from, from + std::chrono::hours{12}),
            from + std::chrono::hours{12});
  EXPECT_EQ(job.next_matching_minute(from, from + std::chrono::minutes{719}), std::nullopt);
  EXPECT_EQ(job.next_matching_minute(from + std::chrono::minutes{1}, from), std::nullopt);
}

// -- property: next_after against brute force in UTC ----------------------------

namespace {

// Writes random but valid fields in every form the parser accepts.
class schedule_generator {
public:
  explicit schedule_generator(unsigned seed) : rng_(seed) {}

  // Any schedule at all; `star_chance` per field for "*" or "*/n".
  std::string any(double star_chance = 0.45) {
    return field(k_minute, star_chance) + " " + field(k_hour, star_chance) + " " +
           field(k_day_of_month, star_chance) + " " + field(k_month, star_chance) + " " +
           field(k_day_of_week, star_chance);
  }

  // Schedules whose hours cluster around the small hours and the hour before
  // midnight, where zones change their clocks; dates mostly unrestricted.
  std::string around_clock_changes() {
    const std::string hour = chance(0.35) ? field(k_hour, 1.0) : small_hours();
    return field(k_minute, 0.4) + " " + hour + " " + field(k_day_of_month, 0.85) + " " +
           field(k_month, 0.9) + " " + field(k_day_of_week, 0.7);
  }

private:
  struct shape {
    int min;
    int max;
    std::span<const std::string_view> names;
    int first_named;
    bool day_of_week;
  };

  static constexpr std::array<std::string_view, 12> k_months{
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  static constexpr std::array<std::string_view, 7> k_days{"sun", "mon", "tue", "wed",
                                                          "thu", "fri", "sat"};
  static constexpr shape k_minute{0, 59, {}, 0, false};
  static constexpr shape k_hour{0, 23, {}, 0, false};
  static constexpr shape k_day_of_month{1, 31, {}, 0, false};
  static constexpr shape k_month{1, 12, k_months, 1, false};
  static constexpr shape k_day_of_week{0, 7, k_days, 0, true};

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // Appends rather than writing "/" + text, which trips a false -Wrestrict
  // warning in g++ 12.
  std::string step(const shape& s) {
    const int largest = std::min(s.max, chance(0.8) ? 12 : s.max);
    std::string text = "/";
    text += std::to_string(uniform(1, largest));
    return text;
  }

  std::string value(const shape& s, int v) {
    const int index = v - s.first_named;
    if (!s.names.empty() && index >= 0 && index < static_cast<int>(s.names.size()) &&
        chance(0.4)) {
      std::string name(s.names[static_cast<std::size_t>(index)]);
      if (chance(0.3))
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      return name;
    }
    return std::to_string(v);
  }

  std::string range(const shape& s) {
    int first = uniform(s.min, s.max);
    int last = uniform(s.min, s.max);
    if (first > last)
      std::swap(first, last);
    // Sunday closing a range, written as 0 or sun.
    if (s.day_of_week && last == 7 && first > 0 && chance(0.5))
      return value(s, first) + "-" + (chance(0.5) ? "0" : "sun");
    return value(s, first) + "-" + value(s, last);
  }

  std::string item(const shape& s) {
    switch (uniform(0, 4)) {
    case 0:
      return value(s, uniform(s.min, s.max));
    case 1:
      return range(s);
    case 2:
      return range(s) + step(s);
    case 3:
      return value(s, uniform(s.min, s.max)) + step(s);
    default:
      return std::string("*").append(step(s));
    }
  }

  std::string field(const shape& s, double star_chance) {
    if (chance(star_chance))
      return chance(0.6) ? std::string("*") : std::string("*").append(step(s));
    std::string text = item(s);
    for (int n = uniform(0, 2); n > 0; --n)
      text.append(",").append(item(s));
    return text;
  }

  std::string small_hours() {
    const std::array<int, 7> near_changes{22, 23, 0, 1, 2, 3, 4};
    std::string text;
    for (int n = uniform(1, 3); n > 0; --n) {
      if (!text.empty())
        text += ",";
      const int first = near_changes[static_cast<std::size_t>(uniform(0, 6))];
      text += std::to_string(first);
      if (first < 4 && chance(0.3))
        text += "-" + std::to_string(uniform(first, 4));
    }
    return text;
  }

  std::mt19937 rng_;
};

std::time_t floor_to_minute(std::time_t t) {
  return t - ((t % 60) + 60) % 60;
}

// The first whole UTC minute after `after` that matches, checked one minute
// at a time up to `last`.
std::optional<std::time_t> brute_force_next_utc(const wm::schedule& job, std::time_t after,
                                                std::time_t last) {
  std::time_t t = floor_to_minute(after) + 60;
  while (t <= last) {
    const std::time_t midnight = t - ((t % 86400) + 86400) % 86400;
    std::tm parts = utc_parts(midnight);
    for (; t < midnight + 86400 && t <= last; t += 60) {
      parts.tm_hour = static_cast<int>((t - midnight) / 3600);
      parts.tm_min = static_cast<int>((t - midnight) / 60 % 60);
      if (job.matches(parts))
        return t;
    }
  }
  return std::nullopt;
}

} // namespace

TEST(ScheduleProperty, NextAfterAgreesWithBruteForceInUtc) {
  scoped_tz tz("UTC");
  schedule_generator generate(1234567);
  std::mt19937 rng(7654321);
  std::uniform_int_distribution<std::time_t> start_in(utc(1971, 1, 1, 0, 0),
                                                      utc(2090, 12, 31, 0, 0));
  const std::time_t horizon = 2 * 366 * 86400;

  int compared = 0;
  int beyond_horizon = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string text = generate.any();
    const auto job = must_parse(text);
    for (int j = 0; j < 2; ++j) {
      const std::time_t start = start_in(rng);
      const auto next = job.next_after(start);
      const auto expected = brute_force_next_utc(job, start, start + horizon);
      ++compared;
      if (expected) {
        ASSERT_EQ(next, expected) << text << " after " << wm::format_local_iso(start);
        continue;
      }
      ++beyond_horizon;
      if (next) {
        EXPECT_GT(*next, start + horizon) << text;
        EXPECT_TRUE(job.matches(utc_parts(*next))) << text;
        EXPECT_EQ(*next % 60, 0) << text;
      } else {
        EXPECT_FALSE(job.ever_fires()) << text;
      }
    }
  }
  // Most cases must be decided by the brute force, or the test proves little.
  EXPECT_LT(beyond_horizon, compared / 20);
}

TEST(ScheduleProperty, SuccessiveFireTimesAreExactlyTheMatchingMinutes) {
  scoped_tz tz("UTC");
  schedule_generator generate(99);
  for (int i = 0; i < 300; ++i) {
    const std::string text = generate.any(0.7);
    const auto job = must_parse(text);
    std::time_t t = utc(2026, 1, 1, 0, 0) + i * 7919;
    for (int n = 0; n < 20; ++n) {
      const auto next = job.next_after(t);
      if (!next)
        break;
      ASSERT_EQ(next, brute_force_next_utc(job, t, *next)) << text;
      t = *next;
    }
  }
}

// -- daylight saving: hand-picked cases -----------------------------------------

TEST(ScheduleDst, BerlinSpringForwardFixedTimeRunsWhenTheGapEnds) {
  scoped_tz tz("Europe/Berlin");
  // 2026-03-29: 02:00 CET becomes 03:00 CEST.
  EXPECT_EQ(fire_times("30 2 * * *", "2026-03-28T12:00", 3),
            (strings{"2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00",
                     "2026-03-31T02:30:00+02:00"}));
  // Several skipped times still run once.
  EXPECT_EQ(fire_times("0,30 2 * * *", "2026-03-29T00:00", 2),
            (strings{"2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00"}));
  // A time that also matches the first minute after the gap runs once.
  EXPECT_EQ(fire_times("0 2,3 * * *", "2026-03-29T00:00", 2),
            (strings{"2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00"}));
  // Times either side of the gap are not moved.
  EXPECT_EQ(fire_times("59 1 * * *", "2026-03-29T00:00", 1),
            strings{"2026-03-29T01:59:00+01:00"});
  EXPECT_EQ(fire_times("30 3 * * *", "2026-03-29T00:00", 1),
            strings{"2026-03-29T03:30:00+02:00"});
  EXPECT_EQ(fire_times("15 2 29 3 *", "2026-01-01T00:00", 2),
            (strings{"2026-03-29T03:00:00+02:00", "2027-03-29T02:15:00+02:00"}));
}

TEST(ScheduleDst, BerlinSpringForwardWildcardSkipsTheGap) {
  scoped_tz tz("Europe/Berlin");
  EXPECT_EQ(fire_times("*/15 * * * *", "2026-03-29T01:30", 3),
            (strings{"2026-03-29T01:45:00+01:00", "2026-03-29T03:00:00+02:00",
                     "2026-03-29T03:15:00+02:00"}));
  EXPECT_EQ(fire_times("30 * * * *", "2026-03-29T01:00", 2),
            (strings{"2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00"}));
  // Nothing at all on the day that has no 02:xx.
  EXPECT_EQ(fire_times("* 2 * * *", "2026-03-29T01:58", 3),
            (strings{"2026-03-30T02:00:00+02:00", "2026-03-30T02:01:00+02:00",
                     "2026-03-30T02:02:00+02:00"}));
}

TEST(ScheduleDst, BerlinFallBackFixedTimeRunsOnce) {
  scoped_tz tz("Europe/Berlin");
  // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:00-02:59 shows twice.
  EXPECT_EQ(fire_times("30 2 * * *", "2026-10-24T12:00", 2),
            (strings{"2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"}));
  EXPECT_EQ(fire_times("0-59/20 2 * * *", "2026-10-25T00:00", 4),
            (strings{"2026-10-25T02:00:00+02:00", "2026-10-25T02:20:00+02:00",
                     "2026-10-25T02:40:00+02:00", "2026-10-26T02:00:00+01:00"}));
  // Started during the second pass, after the first pass ran: tomorrow.
  EXPECT_EQ(fire_times("30 2 * * *", "2026-10-25T02:10:00+01:00", 1),
            strings{"2026-10-26T02:30:00+01:00"});
  EXPECT_EQ(fire_times("30 2 * * *", "2026-10-25T02:40:00+02:00", 1),
            strings{"2026-10-26T02:30:00+01:00"});
  // Started during the first pass, before the time: the first pass.
  EXPECT_EQ(fire_times("30 2 * * *", "2026-10-25T02:10:00+02:00", 1),
            strings{"2026-10-25T02:30:00+02:00"});
  // The hour after the repeat runs once, as usual.
  EXPECT_EQ(fire_times("30 3 * * *", "2026-10-25T00:00", 1),
            strings{"2026-10-25T03:30:00+01:00"});
}

TEST(ScheduleDst, BerlinFallBackWildcardRunsInBothPasses) {
  scoped_tz tz("Europe/Berlin");
  EXPECT_EQ(fire_times("30 * * * *", "2026-10-25T01:00", 4),
            (strings{"2026-10-25T01:30:00+02:00", "2026-10-25T02:30:00+02:00",
                     "2026-10-25T02:30:00+01:00", "2026-10-25T03:30:00+01:00"}));
  EXPECT_EQ(fire_times("*/20 2 * * *", "2026-10-25T00:00", 7),
            (strings{"2026-10-25T02:00:00+02:00", "2026-10-25T02:20:00+02:00",
                     "2026-10-25T02:40:00+02:00", "2026-10-25T02:00:00+01:00",
                     "2026-10-25T02:20:00+01:00", "2026-10-25T02:40:00+01:00",
                     "2026-10-26T02:00:00+01:00"}));
  EXPECT_EQ(fire_times("@hourly", "2026-10-25T01:30", 3),
            (strings{"2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00",
                     "2026-10-25T03:00:00+01:00"}));
  // Started during the first pass: the second pass is still to come.
  EXPECT_EQ(fire_times("10 * * * *", "2026-10-25T02:40:00+02:00", 2),
            (strings{"2026-10-25T02:10:00+01:00", "2026-10-25T03:10:00+01:00"}));
}

TEST(ScheduleDst, NewYorkSpringForward) {
  scoped_tz tz("America/New_York");
  // 2026-03-08: 02:00 EST becomes 03:00 EDT.
  EXPECT_EQ(fire_times("30 2 * * *", "2026-03-07T12:00", 2),
            (strings{"2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"}));
  EXPECT_EQ(fire_times("30 * * * *", "2026-03-08T01:00", 2),
            (strings{"2026-03-08T01:30:00-05:00", "2026-03-08T03:30:00-04:00"}));
  EXPECT_EQ(fire_times("0 3 * * *", "2026-03-08T00:00", 1),
            strings{"2026-03-08T03:00:00-04:00"});
}

TEST(ScheduleDst, NewYorkFallBack) {
  scoped_tz tz("America/New_York");
  // 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:00-01:59 shows twice.
  EXPECT_EQ(fire_times("30 1 * * *", "2026-10-31T12:00", 2),
            (strings{"2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"}));
  EXPECT_EQ(fire_times("30 * * * *", "2026-11-01T00:45", 3),
            (strings{"2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00",
                     "2026-11-01T02:30:00-05:00"}));
  EXPECT_EQ(fire_times("0 2 * * *", "2026-11-01T00:00", 1),
            strings{"2026-11-01T02:00:00-05:00"});
}

TEST(ScheduleDst, SydneyFallBackInApril) {
  scoped_tz tz("Australia/Sydney");
  // 2026-04-05: 03:00 AEDT becomes 02:00 AEST; 02:00-02:59 shows twice.
  EXPECT_EQ(fire_times("30 2 * * *", "2026-04-04T12:00", 2),
            (strings{"2026-04-05T02:30:00+11:00", "2026-04-06T02:30:00+10:00"}));
  EXPECT_EQ(fire_times("30 * * * *", "2026-04-05T01:45", 3),
            (strings{"2026-04-05T02:30:00+11:00", "2026-04-05T02:30:00+10:00",
                     "2026-04-05T03:30:00+10:00"}));
}

TEST(ScheduleDst, SydneySpringForwardInOctober) {
  scoped_tz tz("Australia/Sydney");
  // 2026-10-04: 02:00 AEST becomes 03:00 AEDT.
  EXPECT_EQ(fire_times("30 2 * * *", "2026-10-03T12:00", 2),
            (strings{"2026-10-04T03:00:00+11:00", "2026-10-05T02:30:00+11:00"}));
  EXPECT_EQ(fire_times("30 * * * *", "2026-10-04T01:00", 2),
            (strings{"2026-10-04T01:30:00+10:00", "2026-10-04T03:30:00+11:00"}));
}

TEST(ScheduleDst, LordHoweMovesHalfAnHour) {
  scoped_tz tz("Australia/Lord_Howe");
  // 2026-10-04: 02:00 +10:30 becomes 02:30 +11:00.
  EXPECT_EQ(fire_times("15 2 * * *", "2026-10-03T12:00", 2),
            (strings{"2026-10-04T02:30:00+11:00", "2026-10-05T02:15:00+11:00"}));
  EXPECT_EQ(fire_times("*/15 * * * *", "2026-10-04T01:40", 3),
            (strings{"2026-10-04T01:45:00+10:30", "2026-10-04T02:30:00+11:00",
                     "2026-10-04T02:45:00+11:00"}));
  // 2026-04-05: 02:00 +11:00 becomes 01:30 +10:30.
  EXPECT_EQ(fire_times("45 1 * * *", "2026-04-04T12:00", 2),
            (strings{"2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"}));
  EXPECT_EQ(fire_times("45 * * * *", "2026-04-05T01:00", 3),
            (strings{"2026-04-05T01:45:00+11:00", "2026-04-05T01:45:00+10:30",
                     "2026-04-05T02:45:00+10:30"}));
}

TEST(ScheduleDst, SkippedMidnightRunsTheDailyJobAtOne) {
  scoped_tz tz("America/Santiago");
  // 2026-09-06: 00:00 -04 becomes 01:00 -03.
  EXPECT_EQ(fire_times("@daily", "2026-09-05T12:00", 2),
            (strings{"2026-09-06T01:00:00-03:00", "2026-09-07T00:00:00-03:00"}));
  // 2026-04-04: 24:00 -03 becomes 23:00 -04; 23:00-23:59 shows twice.
  EXPECT_EQ(fire_times("30 23 * * *", "2026-04-04T12:00", 2),
            (strings{"2026-04-04T23:30:00-03:00", "2026-04-05T23:30:00-04:00"}));
  EXPECT_EQ(fire_times("30 * * * *", "2026-04-04T22:45", 3),
            (strings{"2026-04-04T23:30:00-03:00", "2026-04-04T23:30:00-04:00",
                     "2026-04-05T00:30:00-04:00"}));
}

// -- property: daylight saving against a model of Vixie cron -----------------------

namespace {

std::time_t wall_seconds(std::time_t instant) {
  std::tm parts{};
  ::localtime_r(&instant, &parts);
  return instant + parts.tm_gmtoff;
}

bool matches_wall_minute(const wm::schedule& job, std::time_t wall_minute_start) {
  return job.matches(utc_parts(wall_minute_start));
}

// Vixie cron's rule, checked one minute of real time at a time. It keeps the
// latest wall-clock minute it has seen. A wildcard job fires whenever the
// wall clock shows a matching minute. A fixed-time job fires when the clock
// reaches a minute past that mark and a matching minute lies between the two
// (normally just the current one; after a gap, the skipped ones as well).
// The walk starts a day early so the mark already knows of a repeat.
std::optional<std::time_t> vixie_next(const wm::schedule& job, std::time_t after,
                                      std::time_t last) {
  std::time_t t = floor_to_minute(after) - 86400;
  std::time_t mark = wall_seconds(t - 60);
  for (; t <= last; t += 60) {
    const std::time_t shown = wall_seconds(t);
    bool fires = false;
    if (job.is_wildcard_job()) {
      fires = matches_wall_minute(job, shown);
    } else {
      for (std::time_t m = mark + 60; m <= shown && !fires; m += 60)
        fires = matches_wall_minute(job, m);
    }
    mark = std::max(mark, shown);
    if (fires && t > after)
      return t;
  }
  return std::nullopt;
}

// Every instant in [from, to) where the UTC offset changes, found by probing
// each hour with localtime_r (independently of the code under test).
std::vector<std::time_t> offset_changes(std::time_t from, std::time_t to) {
  std::vector<std::time_t> changes;
  long previous = wall_seconds(from) - from;
  for (std::time_t t = from + 3600; t < to; t += 3600) {
    const long offset = wall_seconds(t) - t;
    if (offset != previous)
      changes.push_back(t);
    previous = offset;
  }
  return changes;
}

void expect_vixie_rule_in(const char* zone, unsigned seed) {
  scoped_tz tz(zone);
  const auto changes = offset_changes(utc(2024, 1, 1, 0, 0), utc(2029, 1, 1, 0, 0));
  ASSERT_GE(changes.size(), 8u) << zone;

  schedule_generator generate(seed);
  std::mt19937 rng(seed + 1);
  std::uniform_int_distribution<std::size_t> pick_change(0, changes.size() - 1);
  std::uniform_int_distribution<std::time_t> offset_from_change(-36 * 3600, 36 * 3600);
  const std::time_t horizon = 3 * 86400;

  for (int i = 0; i < 500; ++i) {
    const std::string text = generate.around_clock_changes();
    const auto job = must_parse(text);
    const std::time_t start = changes[pick_change(rng)] + offset_from_change(rng);
    const auto expected = vixie_next(job, start, start + horizon);
    const auto next = job.next_after(start);
    if (expected) {
      ASSERT_EQ(next, expected) << zone << " \"" << text << "\" after "
                                << wm::format_local_iso(start) << ": got "
                                << (next ? wm::format_local_iso(*next) : "nothing")
                                << ", expected " << wm::format_local_iso(*expected);
    } else if (next) {
      EXPECT_GT(*next, start + horizon) << zone << " \"" << text << "\"";
    }
  }
}

} // namespace

TEST(ScheduleDstProperty, Berlin) { expect_vixie_rule_in("Europe/Berlin", 11); }
TEST(ScheduleDstProperty, NewYork) { expect_vixie_rule_in("America/New_York", 22); }
TEST(ScheduleDstProperty, Sydney) { expect_vixie_rule_in("Australia/Sydney", 33); }
TEST(ScheduleDstProperty, LordHowe) { expect_vixie_rule_in("Australia/Lord_Howe", 44); }
TEST(ScheduleDstProperty, Santiago) { expect_vixie_rule_in("America/Santiago", 55); }

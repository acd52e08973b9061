// Durations as config files give them: seconds as a number, or a string
// with a unit.

#include <gtest/gtest.h>

#include <cmath>

#include "messages/duration.hpp"

namespace wm {
namespace {

using namespace std::chrono_literals;

std::chrono::milliseconds parsed(std::string_view text) {
  auto result = parse_duration(text);
  EXPECT_TRUE(result.value.has_value()) << text << ": " << result.error;
  return result.value.value_or(-1ms);
}

std::string error_of(std::string_view text) {
  auto result = parse_duration(text);
  EXPECT_FALSE(result.value.has_value()) << text;
  return result.error;
}

TEST(DurationParse, EveryUnit) {
  EXPECT_EQ(parsed("250ms"), 250ms);
  EXPECT_EQ(parsed("5s"), 5s);
  EXPECT_EQ(parsed("2m"), 2min);
  EXPECT_EQ(parsed("2min"), 2min);
  EXPECT_EQ(parsed("1h"), 1h);
}

TEST(DurationParse, NoUnitMeansSeconds) {
  EXPECT_EQ(parsed("30"), 30s);
  EXPECT_EQ(parsed("0"), 0ms);
  EXPECT_EQ(parsed("0.25"), 250ms);
}

TEST(DurationParse, FractionsAndTheSpellingOfOurOwnLogs) {
  EXPECT_EQ(parsed("1.5s"), 1500ms);
  EXPECT_EQ(parsed("1.5 s"), 1500ms);
  EXPECT_EQ(parsed("2.5 min"), 150s);
  EXPECT_EQ(parsed(".5s"), 500ms);
  EXPECT_EQ(parsed("0.1h"), 6min);
}

TEST(DurationParse, RoundsToTheMillisecond) {
  EXPECT_EQ(parsed("1.4ms"), 1ms);
  EXPECT_EQ(parsed("0.0016"), 2ms);
}

TEST(DurationParse, RejectsWhatIsNotADuration) {
  for (const char* text : {"", "s", "5 sec", "5x", "five", "1.2.3s", "5s5", "inf", "nan", "1e3",
                           "0x10", "+5", "5 ", " 5"}) {
    const std::string error = error_of(text);
    EXPECT_NE(error.find("is not a duration"), std::string::npos) << text << ": " << error;
  }
  EXPECT_EQ(error_of("5 sec"),
            "\"5 sec\" is not a duration; write seconds as a number (5) or a number with a "
            "unit: \"250ms\", \"5s\", \"2m\", \"1h\"");
}

TEST(DurationParse, RejectsNegativeDurations) {
  EXPECT_EQ(error_of("-1"), "\"-1\" is negative; durations are 0 or more");
  EXPECT_EQ(error_of("-5s"), "\"-5s\" is negative; durations are 0 or more");
}

TEST(DurationParse, AtMostAYear) {
  EXPECT_EQ(parsed("8760h"), k_longest_config_duration);
  EXPECT_EQ(error_of("8761h"), "\"8761h\" is longer than a year; durations are at most 8760h");
  EXPECT_NE(error_of("99999999999999999999999s").find("longer than a year"), std::string::npos);
}

TEST(DurationFromSeconds, NumbersAreSeconds) {
  EXPECT_EQ(duration_from_seconds(5).value, 5s);
  EXPECT_EQ(duration_from_seconds(0.1).value, 100ms);
  EXPECT_EQ(duration_from_seconds(0).value, 0ms);
  EXPECT_EQ(duration_from_seconds(-1).error, "-1 is negative; durations are 0 or more");
  EXPECT_EQ(duration_from_seconds(-0.5).error, "-0.5 is negative; durations are 0 or more");
  EXPECT_NE(duration_from_seconds(1e12).error.find("longer than a year"), std::string::npos);
  EXPECT_NE(duration_from_seconds(std::nan("")).error.find("not a duration"), std::string::npos);
}

TEST(DurationParse, RoundTripsWithFormatDuration) {
  for (std::chrono::milliseconds d : {0ms, 3ms, 250ms, 1500ms, 30000ms, 150000ms, 7200000ms})
    EXPECT_EQ(parsed(format_duration(d)), d) << format_duration(d);
}

} // namespace
} // namespace wm

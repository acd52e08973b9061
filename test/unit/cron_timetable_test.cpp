// The cron timetable: which job is due next, firing on time and not before,
// late runs within the limit, missed runs that are never replayed, and
// recomputing after the wall clock was set (forward, back a little, back a
// lot). All of it with instants given by the test: no sleeping.

#include "actors/cron_timetable.hpp"

#include <gtest/gtest.h>

#include "test/unit/zone_helpers.hpp"

namespace wm {
namespace {

using namespace std::chrono_literals;
using test::utc;
using run = cron_timetable::run;

schedule must_parse(std::string_view text) {
  auto parsed = schedule::parse(text);
  EXPECT_TRUE(parsed.value) << parsed.error;
  return parsed.value ? *parsed.value : *schedule::parse("* * * * *").value;
}

wall_instant at(std::time_t seconds, std::chrono::milliseconds extra = 0ms) {
  return wall_instant{std::chrono::seconds{seconds}} + extra;
}

class CronTimetable : public ::testing::Test {
protected:
  test::scoped_tz tz{"UTC"};
  cron_timetable table;
  const std::time_t t0 = utc(2026, 1, 1, 0, 0);
};

TEST_F(CronTimetable, StartComputesEachJobsFirstRunAndTheEarliestWake) {
  table.add(must_parse("0 3 * * *"));
  table.add(must_parse("* * * * *"));
  table.start(at(t0 + 30));
  EXPECT_EQ(table.next_run(0), utc(2026, 1, 1, 3, 0));
  EXPECT_EQ(table.next_run(1), t0 + 60);
  EXPECT_EQ(table.next_wake(), t0 + 60);
  EXPECT_EQ(table.next_run(7), std::nullopt);
}

TEST_F(CronTimetable, NoJobsOrNeverFiringJobsMeanNoWake) {
  table.start(at(t0));
  EXPECT_EQ(table.next_wake(), std::nullopt);
  table.add(must_parse("0 0 30 2 *"));
  table.start(at(t0));
  EXPECT_EQ(table.next_run(0), std::nullopt);
  EXPECT_EQ(table.next_wake(), std::nullopt);
  EXPECT_TRUE(table.advance(at(t0 + 86400)).fire.empty());
}

TEST_F(CronTimetable, ARunFiresWhenItsTimeIsReachedAndNotBefore) {
  table.add(must_parse("* * * * *"));
  table.start(at(t0));
  auto early = table.advance(at(t0 + 59, 999ms));
  EXPECT_TRUE(early.fire.empty());
  EXPECT_TRUE(early.rescheduled.empty());

  auto on_time = table.advance(at(t0 + 60, 1ms));
  EXPECT_EQ(on_time.fire, (std::vector<run>{{0, t0 + 60}}));
  EXPECT_TRUE(on_time.missed.empty());
  EXPECT_EQ(on_time.rescheduled, std::vector<std::size_t>{0});
  EXPECT_EQ(table.next_run(0), t0 + 120);
  // Looking again in the same minute fires nothing more.
  EXPECT_TRUE(table.advance(at(t0 + 61)).fire.empty());
}

TEST_F(CronTimetable, ExactlyOnTheSecondFires) {
  table.add(must_parse("* * * * *"));
  table.start(at(t0));
  EXPECT_EQ(table.advance(at(t0 + 60)).fire, (std::vector<run>{{0, t0 + 60}}));
  EXPECT_EQ(table.next_run(0), t0 + 120);
}

TEST_F(CronTimetable, JobsDueTogetherFireTogetherAndTheOthersWait) {
  table.add(must_parse("*/5 * * * *"));
  table.add(must_parse("0 * * * *"));
  table.add(must_parse("30 * * * *"));
  table.start(at(t0 + 10));
  EXPECT_EQ(table.next_wake(), t0 + 300);
  table.advance(at(t0 + 300));
  table.advance(at(t0 + 600));
  EXPECT_EQ(table.next_wake(), t0 + 900);
  // Minute 0 of the next hour: the first two jobs, not the third.
  for (std::time_t t = t0 + 900; t < t0 + 3600; t += 300)
    table.advance(at(t));
  auto top = table.advance(at(t0 + 3600, 200ms));
  EXPECT_EQ(top.fire, (std::vector<run>{{0, t0 + 3600}, {1, t0 + 3600}}));
  EXPECT_EQ(table.next_run(2), t0 + 3600 + 1800);
}

TEST_F(CronTimetable, ARunNoticedWithinTheLimitStillFires) {
  table.add(must_parse("0 * * * *"));
  table.start(at(t0 + 1));
  auto late = table.advance(at(t0 + 3600 + 59, 900ms));
  EXPECT_EQ(late.fire, (std::vector<run>{{0, t0 + 3600}}));
  EXPECT_TRUE(late.missed.empty());
}

TEST_F(CronTimetable, ARunNoticedTooLateIsMissedAndNotReplayed) {
  table.add(must_parse("0 * * * *"));
  table.start(at(t0 + 1));
  auto late = table.advance(at(t0 + 3600 + 60));
  EXPECT_TRUE(late.fire.empty());
  EXPECT_EQ(late.missed, (std::vector<run>{{0, t0 + 3600}}));
  EXPECT_EQ(late.rescheduled, std::vector<std::size_t>{0});
  EXPECT_EQ(table.next_run(0), t0 + 7200);
}

TEST_F(CronTimetable, AfterALongGapOnlyTheRunWithinTheLimitFires) {
  table.add(must_parse("* * * * *"));
  table.start(at(t0));
  // Noticed at 02:00:30: the 00:01 run is missed (and the 118 after it are
  // not replayed); 02:00 is 30 s ago, within the limit, so it runs.
  auto out = table.advance(at(t0 + 7200 + 30));
  EXPECT_EQ(out.missed, (std::vector<run>{{0, t0 + 60}}));
  EXPECT_EQ(out.fire, (std::vector<run>{{0, t0 + 7200}}));
  EXPECT_EQ(table.next_run(0), t0 + 7260);
}

TEST_F(CronTimetable, ClockSetForwardPastARunMissesIt) {
  table.add(must_parse("30 4 * * *"));
  table.add(must_parse("* * * * *"));
  table.start(at(t0));
  auto out = table.clock_changed(at(utc(2026, 1, 1, 6, 0, 30)));
  EXPECT_EQ(out.missed, (std::vector<run>{{0, utc(2026, 1, 1, 4, 30)}, {1, t0 + 60}}));
  EXPECT_EQ(out.fire, (std::vector<run>{{1, utc(2026, 1, 1, 6, 0)}}));
  EXPECT_EQ(table.next_run(0), utc(2026, 1, 2, 4, 30));
  EXPECT_EQ(table.next_run(1), utc(2026, 1, 1, 6, 1));
}

TEST_F(CronTimetable, ClockSetForwardBeforeARunKeepsIt) {
  table.add(must_parse("30 4 * * *"));
  table.start(at(t0));
  auto out = table.clock_changed(at(utc(2026, 1, 1, 4, 29, 50)));
  EXPECT_TRUE(out.fire.empty());
  EXPECT_TRUE(out.missed.empty());
  EXPECT_TRUE(out.rescheduled.empty());
  EXPECT_EQ(table.next_wake(), utc(2026, 1, 1, 4, 30));
}

TEST_F(CronTimetable, ClockSteppedForwardAFewSecondsOverARunStillFiresIt) {
  table.add(must_parse("0 12 * * *"));
  table.start(at(utc(2026, 1, 1, 11, 59, 58)));
  auto out = table.clock_changed(at(utc(2026, 1, 1, 12, 0, 3)));
  EXPECT_EQ(out.fire, (std::vector<run>{{0, utc(2026, 1, 1, 12, 0)}}));
}

TEST_F(CronTimetable, ClockSetBackALittleDoesNotRunAnythingTwice) {
  table.add(must_parse("* * * * *"));
  table.add(must_parse("0 12 * * *"));
  table.start(at(utc(2026, 1, 1, 11, 59, 30)));
  auto fired = table.advance(at(utc(2026, 1, 1, 12, 0), 2ms));
  ASSERT_EQ(fired.fire.size(), 2u);
  // Back by an hour: 11:00 to 12:00 comes again, but both jobs already ran
  // for 12:00, so they wait until the clock has passed it.
  auto out = table.clock_changed(at(utc(2026, 1, 1, 11, 0, 0)));
  EXPECT_TRUE(out.fire.empty());
  EXPECT_EQ(out.rescheduled.size(), 0u);
  EXPECT_EQ(table.next_run(0), utc(2026, 1, 1, 12, 1));
  EXPECT_EQ(table.next_run(1), utc(2026, 1, 2, 12, 0));
}

TEST_F(CronTimetable, ClockSetBackFarStartsTheScheduleOverFromTheNewTime) {
  table.add(must_parse("0 12 * * *"));
  table.start(at(utc(2026, 1, 1, 11, 59, 30)));
  table.advance(at(utc(2026, 1, 1, 12, 0), 2ms));
  ASSERT_EQ(table.next_run(0), utc(2026, 1, 2, 12, 0));
  // A clock that was a year ahead is corrected: the job does not wait a
  // year for the time of its last run.
  auto out = table.clock_changed(at(utc(2025, 1, 1, 8, 0)));
  EXPECT_EQ(out.rescheduled, std::vector<std::size_t>{0});
  EXPECT_EQ(table.next_run(0), utc(2025, 1, 1, 12, 0));
  EXPECT_EQ(table.next_wake(), utc(2025, 1, 1, 12, 0));
}

TEST_F(CronTimetable, ClockSetBackBeforeAnyRunRecomputesFromTheNewTime) {
  table.add(must_parse("*/10 * * * *"));
  table.start(at(t0 + 3600 + 5 * 60));
  ASSERT_EQ(table.next_run(0), t0 + 3600 + 600);
  auto out = table.clock_changed(at(t0 + 65));
  EXPECT_EQ(out.rescheduled, std::vector<std::size_t>{0});
  EXPECT_EQ(table.next_run(0), t0 + 600);
}

TEST(CronTimetableDst, FixedJobsRunOnceAcrossTheFallBackAndWildcardsTwice) {
  test::scoped_tz tz("Europe/Berlin");
  cron_timetable table;
  table.add(must_parse("30 2 * * *"));
  table.add(must_parse("30 * * * *"));
  // 2026-10-25: 03:00 CEST falls back to 02:00 CET.
  const std::time_t first_pass = utc(2026, 10, 25, 0, 30); // 02:30 CEST
  const std::time_t second_pass = utc(2026, 10, 25, 1, 30); // 02:30 CET
  table.start(at(utc(2026, 10, 25, 0, 0)));
  EXPECT_EQ(table.advance(at(first_pass)).fire,
            (std::vector<run>{{0, first_pass}, {1, first_pass}}));
  EXPECT_EQ(table.advance(at(second_pass)).fire, (std::vector<run>{{1, second_pass}}));
  EXPECT_EQ(table.next_run(0), utc(2026, 10, 26, 1, 30));
}

} // namespace
} // namespace wm

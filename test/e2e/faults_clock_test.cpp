// Fault injection, end to end with wingmate as PID 1: the wall clock moves
// forward and back by an hour while cron jobs are scheduled. The machine's
// clock is never touched: WINGMATE_TEST_CLOCK_FILE (main/test_clock.hpp)
// moves the clock cron goes by, and each move reaches wingmate the way the
// kernel's report of a set clock does. What must hold (README, "When
// the wall clock changes"): after a jump forward the missed runs are not
// replayed, after a jump back nothing runs twice for the same time, jobs
// keep firing afterwards, and the services are not touched.
//
// Cron runs on whole minutes; the clock file starts wingmate ten seconds
// before one, so that no test waits long for its first run.

#include <sys/stat.h>

#include <ctime>

#include "faults_support.hpp"

namespace wm::test {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;
using wall_time = std::chrono::time_point<system_clock, seconds>;

// The clock cron goes by: the machine's plus the offset in the file.
class moved_clock {
public:
  explicit moved_clock(const config_dir& config) : file_(config.file("clock")) {
    const auto now = std::chrono::floor<seconds>(system_clock::now());
    const auto into_minute = now.time_since_epoch().count() % 60;
    set(50 - into_minute); // the clock reads hh:mm:50
  }

  const std::string& file() const { return file_; }

  // Replaced by rename, as an editor or `date -s` would do it at once.
  void set(long long offset_seconds) {
    offset_ = offset_seconds;
    const std::string temporary = file_ + ".new";
    std::ofstream(temporary) << offset_seconds << "\n";
    std::filesystem::rename(temporary, file_);
  }
  void move_by(long long seconds_) { set(offset_ + seconds_); }

  wall_time now() const {
    return std::chrono::floor<seconds>(system_clock::now()) + seconds(offset_);
  }

  // Waits until this clock reads `when`.
  bool wait_for(wall_time when) const {
    return wait_until([&] { return now() >= when; }, std::chrono::seconds(90), 50ms);
  }

private:
  std::string file_;
  long long offset_ = 0;
};

// "2026-05-15T04:30:00+00:00" as wingmate logs it (TZ=UTC); with
// `millis`, as the status document has it.
std::string iso(wall_time t, bool millis = false) {
  const std::time_t seconds_since_epoch = t.time_since_epoch().count();
  std::tm utc{};
  ::gmtime_r(&seconds_since_epoch, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  return std::string(text) + (millis ? ".000" : "") + "+00:00";
}

wall_time minute_of(wall_time t) {
  return std::chrono::floor<std::chrono::minutes>(t);
}

// A steady service and cron jobs that stamp each run, on a moved clock.
struct clock_setup {
  clock_setup() : clock(config) {}

  void write(const json& crons) const {
    json doc;
    doc["service"]["steady"]["command"] = helper_command({"sleep"});
    doc["cron"] = crons;
    config.dir().write("wingmate.json", doc.dump(2));
  }

  json job(const std::string& name, const std::string& schedule) const {
    return {{"command", helper_command({"stamp-exit", config.file(name + ".stamps"), "0"})},
            {"schedule", schedule}};
  }

  std::size_t runs(const std::string& name) const {
    return stamps(config.file(name + ".stamps")).size();
  }

  start_options options() const {
    return with_env({{"TZ", "UTC"}, {"WINGMATE_TEST_CLOCK_FILE", clock.file()}});
  }

  config_dir config;
  moved_clock clock;
};

// The steady service is as it was: same process, never restarted.
void expect_untouched(const namespaced_wingmate& wm, const json& doc, pid_t steady) {
  EXPECT_EQ(service_named(doc, "steady")["state"], "running");
  EXPECT_EQ(service_named(doc, "steady")["restarts"], 0);
  ASSERT_TRUE(only_process(wm, "wm_test_child sleep"));
  EXPECT_EQ(only_process(wm, "wm_test_child sleep")->host_pid, steady);
}

// Whoever may change the file decides when cron jobs run: a directory
// that others may write makes wingmate ignore the hook.
TEST(FaultsClockHook, AFileOthersMayReplaceIsIgnored) {
  clock_setup setup;
  json crons;
  crons["hourly"] = setup.job("hourly", "@hourly");
  setup.write(crons);
  ::chmod(setup.config.path().c_str(), 0777);
  namespaced_wingmate wm({"-c", setup.config.path()}, setup.options());
  EXPECT_TRUE(wm.wait_for_output("WINGMATE_TEST_CLOCK_FILE is ignored: " + setup.config.path()
                                   + " may be written by other users; cron follows the "
                                     "machine's clock",
                                 5s))
    << wm.all_output();
  ASSERT_TRUE(wm.wait_for_output("cron-clock: 1 cron job scheduled", 5s)) << wm.all_output();
  EXPECT_EQ(wm.process().count_output("cron follows the test clock"), 0u) << wm.all_output();
  ::chmod(setup.config.path().c_str(), 0755);
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(10s), 0) << wm.all_output();
}

TEST(FaultsClock, AnHourForwardReplaysNoMissedRun) {
  clock_setup setup;
  json crons;
  crons["every"] = setup.job("every", "* * * * *");
  setup.write(crons);
  namespaced_wingmate wm({"-c", setup.config.path()}, setup.options());
  ASSERT_TRUE(wm.wait_for_output("cron follows the test clock in " + setup.clock.file(), 5s))
    << wm.all_output();
  ASSERT_TRUE(wait_until([&] { return setup.runs("every") == 1; }, 20s)) << wm.all_output();
  const wall_time first = minute_of(setup.clock.now());
  const pid_t steady = only_process(wm, "wm_test_child sleep")->host_pid;

  // Late in the minute, an hour forward: the runs of that hour are missed.
  ASSERT_TRUE(setup.clock.wait_for(first + seconds(45)));
  setup.clock.move_by(3600);
  ASSERT_TRUE(wm.wait_for_output("the wall clock was set and now reads " +
                                   iso(first + std::chrono::hours(1)).substr(0, 14),
                                 5s))
    << wm.all_output();
  // The one run less than a minute late still starts, the other 59 are
  // reported once and skipped.
  ASSERT_TRUE(wait_until([&] { return setup.runs("every") == 2; }, 5s)) << wm.all_output();
  EXPECT_TRUE(wm.wait_for_output("cron[every]: missed its run due at "
                                   + iso(first + std::chrono::minutes(1)),
                                 2s))
    << wm.all_output();
  EXPECT_EQ(wm.process().count_output("missed its run"), 1u) << wm.all_output();
  const wall_time next = first + std::chrono::hours(1) + std::chrono::minutes(1);
  ASSERT_GT(next, setup.clock.now());
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(setup.runs("every"), 2u) << "a missed run was replayed";

  // And it keeps to its schedule in the new hour.
  ASSERT_TRUE(setup.clock.wait_for(next));
  ASSERT_TRUE(wait_until([&] { return setup.runs("every") == 3; }, 5s)) << wm.all_output();
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(setup.runs("every"), 3u);
  const json doc = dump(wm, 1);
  const json& every = cron_named(doc, "every");
  EXPECT_EQ(every["runs"], 3) << every.dump();
  EXPECT_EQ(every["skipped_runs"], 0);
  EXPECT_EQ(every["next_run"], iso(next + std::chrono::minutes(1), true));
  expect_untouched(wm, doc, steady);
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(10s), 0) << wm.all_output();
}

TEST(FaultsClock, AnHourBackRunsNothingTwice) {
  clock_setup setup;
  // `every` runs each minute; `hourly` runs in the minute after the first
  // run of `every`, once an hour, and so has not run in the hour the clock
  // goes back to.
  const wall_time start = setup.clock.now();
  const wall_time first = minute_of(start) + std::chrono::minutes(1);
  const auto hourly_minute = (first.time_since_epoch().count() / 60 + 1) % 60;
  json crons;
  crons["every"] = setup.job("every", "* * * * *");
  crons["hourly"] = setup.job("hourly", std::to_string(hourly_minute) + " * * * *");
  setup.write(crons);
  namespaced_wingmate wm({"-c", setup.config.path()}, setup.options());
  ASSERT_TRUE(wait_until([&] { return setup.runs("every") == 1; }, 20s)) << wm.all_output();
  ASSERT_EQ(minute_of(setup.clock.now()), first);
  const pid_t steady = only_process(wm, "wm_test_child sleep")->host_pid;

  // Back an hour, late in the minute: `every` has already run for every
  // time up to `first`, so it waits until the clock passes it again;
  // `hourly` keeps to its schedule and runs at the next minute.
  ASSERT_TRUE(setup.clock.wait_for(first + seconds(45)));
  setup.clock.move_by(-3600);
  const wall_time back = first - std::chrono::hours(1);
  ASSERT_TRUE(wm.wait_for_output("the wall clock was set and now reads " +
                                   iso(back).substr(0, 14),
                                 5s))
    << wm.all_output();
  ASSERT_TRUE(setup.clock.wait_for(back + std::chrono::minutes(1)));
  ASSERT_TRUE(wait_until([&] { return setup.runs("hourly") == 1; }, 5s)) << wm.all_output();
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(setup.runs("every"), 1u) << "a time that had run ran again";
  const json doc = dump(wm, 1);
  EXPECT_EQ(cron_named(doc, "every")["next_run"], iso(first + std::chrono::minutes(1), true))
    << doc.dump(2);
  EXPECT_EQ(cron_named(doc, "every")["runs"], 1);
  EXPECT_EQ(cron_named(doc, "hourly")["runs"], 1);
  expect_untouched(wm, doc, steady);

  // The clock is put right (an hour forward): both run once, for the
  // minute just past, which neither has run for.
  setup.clock.move_by(3600);
  ASSERT_TRUE(wait_until([&] { return setup.runs("every") == 2 && setup.runs("hourly") == 2; },
                         5s))
    << wm.all_output();
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(setup.runs("every"), 2u);
  EXPECT_EQ(setup.runs("hourly"), 2u);
  EXPECT_EQ(wm.process().count_output("missed its run"), 0u) << wm.all_output();
  expect_untouched(wm, dump(wm, 2), steady);
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(10s), 0) << wm.all_output();
}

} // namespace
} // namespace wm::test

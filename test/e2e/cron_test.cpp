// Cron end to end, with wingmate as PID 1 of its own PID namespace and jobs
// from a crontab (and nothing else) in its config directory.
//
// Suite CronMinute waits for real minute boundaries, up to two minutes, so
// it has few tests that check many things at once; CTest gives it a longer
// timeout (see test/CMakeLists.txt). Suite Cron needs no boundary.

#include <signal.h>

#include <cmath>
#include <sstream>

#include "e2e_support.hpp"

namespace wm::test {
namespace {

// The wall-clock times (seconds since the epoch) that `date +%s.%N`
// printed as the output of job `name`.
std::vector<double> printed_times(const std::string& output, const std::string& name) {
  std::vector<double> times;
  std::istringstream lines(output);
  const std::string prefix = name + " | ";
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with(prefix))
      times.push_back(std::stod(line.substr(prefix.size())));
  return times;
}

double seconds_past_the_minute(double epoch_seconds) {
  return epoch_seconds - 60.0 * std::floor(epoch_seconds / 60.0);
}

TEST(Cron, AConfigWithOnlyACrontabIsValidAndBadLinesAreReported) {
  config_dir config;
  config.dir().write("crontab", "# nothing runs soon\n"
                                "@yearly /bin/true\n"
                                "61 * * * * /bin/true\n"
                                "0 0 30 2 * /bin/true\n");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("starting 2 cron jobs", 5s)) << wm.all_output();
  EXPECT_TRUE(wm.wait_for_output("crontab line 3: minute field \"61\": 61 is out of range "
                                 "0-59; the line is skipped",
                                 1s))
    << wm.all_output();
  EXPECT_TRUE(wm.wait_for_output("crontab line 4: schedule \"0 0 30 2 *\" matches no date", 1s))
    << wm.all_output();
  EXPECT_TRUE(wm.wait_for_output("cron-clock: 2 cron jobs scheduled", 1s)) << wm.all_output();
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(5s), 0);
}

TEST(Cron, ACrontabWithNoGoodLineIsAConfigError) {
  config_dir config;
  config.dir().write("crontab", "not a cron line\n");
  child_process wm({wingmate_bin(), "-c", config.path()});
  EXPECT_EQ(wm.wait_exit(5s), 2);
  EXPECT_NE(wm.err().find("crontab line 1: "), std::string::npos) << wm.err();
  EXPECT_NE(wm.err().find("has nothing to run"), std::string::npos) << wm.err();
}

// One wait for two minute boundaries, checking in turn: a job every minute
// runs within a second of each boundary; a bad line does not stop the good
// ones; a job that outlives its minute is skipped once (overlap: skip); and
// SIGTERM during that long job stops it within Docker's 10 s, although it
// ignores SIGTERM.
TEST(CronMinute, JobsRunOnTimeSkipOverlapsAndStopWithWingmate) {
  config_dir config;
  config.dir().write("crontab", "# every minute, on time\n"
                                "* * * * * date +%s.%N\n"
                                "this line is broken\n"
                                "* * * * * " + helper_bin("wm_test_child") + " ignore-term\n");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("starting 2 cron jobs", 5s)) << wm.all_output();
  EXPECT_TRUE(wm.wait_for_output("crontab line 3: ", 1s)) << wm.all_output();

  // The first boundary: both jobs start.
  ASSERT_TRUE(wm.wait_for_output("crontab:2 | ", 65s)) << wm.all_output();
  ASSERT_TRUE(wm.wait_for_output("cron[crontab:4]: started", 2s)) << wm.all_output();
  // The second: the quick job again, the long one skipped.
  ASSERT_TRUE(wm.wait_for_output("cron[crontab:4]: skipped its run", 65s)) << wm.all_output();
  ASSERT_TRUE(wait_until([&] { return printed_times(wm.all_output(), "crontab:2").size() == 2; },
                         2s))
    << wm.all_output();

  const auto times = printed_times(wm.all_output(), "crontab:2");
  for (double t : times)
    EXPECT_LT(seconds_past_the_minute(t), 1.0) << std::fixed << t;
  EXPECT_NEAR(times[1] - times[0], 60.0, 1.0);
  EXPECT_EQ(wm.process().count_output("cron[crontab:4]: started"), 1u);
  EXPECT_EQ(wm.process().count_output("cron[crontab:4]: skipped"), 1u);
  EXPECT_NE(wm.all_output().find("1 run skipped so far"), std::string::npos);
  ASSERT_EQ(wm.find("ignore-term").size(), 1u);

  const auto began = std::chrono::steady_clock::now();
  wm.signal(SIGTERM);
  ASSERT_EQ(wm.wait_exit(15s), 0) << wm.all_output();
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_GE(took, 4500ms); // it ignored SIGTERM: SIGKILL came 5 s later
  EXPECT_LT(took, 9s);
  EXPECT_NE(wm.all_output().find("cron[crontab:4]: still running 5 s after SIGTERM; sending "
                                 "SIGKILL to its process group"),
            std::string::npos)
    << wm.all_output();
  EXPECT_NE(wm.all_output().find("cron[crontab:4]: stopped (killed by SIGKILL"),
            std::string::npos)
    << wm.all_output();
}

} // namespace
} // namespace wm::test

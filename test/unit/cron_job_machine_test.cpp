// The cron job state machine: a run's life (launch, exit, result and
// duration), skip accounting with overlap: skip, side-by-side runs with
// overlap: allow, the timeout (stop signal, then SIGKILL), failed starts,
// fatal jobs, and the stop of wingmate. Pure: instants are given by the test.

#include "actors/cron_job_machine.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "test/unit/zone_helpers.hpp"

namespace wm {
namespace {

using namespace std::chrono_literals;
using actions = cron_job_machine::actions;

class CronJobMachine : public ::testing::Test {
protected:
  cron_job_machine make(overlap_policy overlap = overlap_policy::skip, millis timeout = 0ms,
                        int stop_signal = SIGTERM) {
    cron_settings settings;
    settings.overlap = overlap;
    settings.timeout = timeout;
    settings.stop_signal = stop_signal;
    return cron_job_machine("backup", "*/5 * * * *", settings);
  }

  static wall_instant wall(int seconds) {
    return wall_instant{std::chrono::seconds{t0 + seconds}};
  }
  static steady_time steady(int seconds) { return steady_time{std::chrono::seconds{seconds}}; }

  // Runs `m` through a due run that gets `pid`; returns the run number.
  static std::uint64_t start_run(cron_job_machine& m, int at, pid_t pid) {
    auto out = m.due(t0 + at, wall(at), steady(at));
    EXPECT_EQ(out.size(), 1u);
    auto* launch = out.empty() ? nullptr : std::get_if<cron_launch_action>(&out[0]);
    EXPECT_NE(launch, nullptr);
    if (!launch)
      return 0;
    m.launched(launch->run, pid);
    return launch->run;
  }

  template <class T>
  static std::vector<T> all_of(const actions& out) {
    std::vector<T> found;
    for (const auto& a : out)
      if (auto* x = std::get_if<T>(&a))
        found.push_back(*x);
    return found;
  }

  static std::string logged(const actions& out) {
    std::string text;
    for (const auto& line : all_of<log_action>(out))
      text += line.text + "\n";
    return text;
  }

  static bool reports_stopped(const actions& out) {
    return !all_of<report_action>(out).empty();
  }

  test::scoped_tz tz{"UTC"};
  static inline const std::time_t t0 = test::utc(2026, 1, 1, 0, 0);
};

TEST_F(CronJobMachine, ARunIsLaunchedLoggedAndItsResultKept) {
  auto m = make();
  auto out = m.due(t0, wall(0), steady(0));
  ASSERT_EQ(out, (actions{cron_launch_action{1}}));
  auto started = m.launched(1, 4242);
  EXPECT_EQ(logged(started), "started (pid 4242)\n");
  EXPECT_EQ(m.state().running_pids, std::vector<pid_t>{4242});
  EXPECT_EQ(m.state().runs, 1u);
  EXPECT_EQ(m.state().last_start, wall(0));

  auto ended = m.exited(4242, exit_status::exited(0), wall(2), steady(2));
  EXPECT_EQ(logged(ended), "finished: exited with code 0 after 2 s\n");
  EXPECT_EQ(all_of<log_action>(ended)[0].level, log_level::info);
  const auto state = m.state();
  EXPECT_TRUE(state.running_pids.empty());
  EXPECT_EQ(state.last_end, wall(2));
  EXPECT_EQ(state.last_duration, 2000ms);
  ASSERT_TRUE(state.last_result);
  EXPECT_TRUE(state.last_result->success());
  EXPECT_EQ(state.name, "backup");
  EXPECT_EQ(state.schedule, "*/5 * * * *");
}

TEST_F(CronJobMachine, AFailedRunIsAWarning) {
  auto m = make();
  start_run(m, 0, 10);
  auto ended = m.exited(10, exit_status::exited(3), wall(1), steady(1));
  ASSERT_EQ(all_of<log_action>(ended).size(), 1u);
  EXPECT_EQ(all_of<log_action>(ended)[0].level, log_level::warning);
  EXPECT_EQ(logged(ended), "failed: exited with code 3 after 1 s\n");
  EXPECT_EQ(m.state().last_result->describe(), "exited with code 3");
}

TEST_F(CronJobMachine, ExitsOfOtherPidsAreIgnored) {
  auto m = make();
  start_run(m, 0, 10);
  EXPECT_TRUE(m.exited(11, exit_status::exited(0), wall(1), steady(1)).empty());
  EXPECT_TRUE(m.exited(0, exit_status::exited(0), wall(1), steady(1)).empty());
  EXPECT_EQ(m.state().running_pids, std::vector<pid_t>{10});
}

TEST_F(CronJobMachine, OverlapSkipSkipsAndCountsWhileARunGoes) {
  auto m = make(overlap_policy::skip);
  start_run(m, 0, 10);
  auto skipped = m.due(t0 + 300, wall(300), steady(300));
  EXPECT_TRUE(all_of<cron_launch_action>(skipped).empty());
  EXPECT_EQ(logged(skipped),
            "skipped its run due at 2026-01-01T00:05:00+00:00: the previous run (pid 10) has "
            "been going for 5 min (overlap: skip); 1 run skipped so far\n");
  EXPECT_EQ(all_of<log_action>(skipped)[0].level, log_level::warning);
  auto again = m.due(t0 + 600, wall(600), steady(600));
  EXPECT_NE(logged(again).find("2 runs skipped so far"), std::string::npos);
  EXPECT_EQ(m.state().skipped_runs, 2u);
  EXPECT_EQ(m.state().runs, 1u);

  // Once it has ended, the next run starts.
  m.exited(10, exit_status::exited(0), wall(700), steady(700));
  EXPECT_EQ(m.due(t0 + 900, wall(900), steady(900)), (actions{cron_launch_action{2}}));
}

TEST_F(CronJobMachine, ARunStillLaunchingAlsoCountsForOverlap) {
  auto m = make();
  m.due(t0, wall(0), steady(0));
  auto skipped = m.due(t0 + 300, wall(300), steady(300));
  EXPECT_NE(logged(skipped).find("the previous run is still starting"), std::string::npos);
}

TEST_F(CronJobMachine, OverlapAllowRunsSideBySide) {
  auto m = make(overlap_policy::allow);
  start_run(m, 0, 10);
  start_run(m, 300, 11);
  EXPECT_EQ(m.state().running_pids, (std::vector<pid_t>{10, 11}));
  EXPECT_EQ(m.state().skipped_runs, 0u);
  m.exited(10, exit_status::exited(0), wall(400), steady(400));
  EXPECT_EQ(m.state().running_pids, std::vector<pid_t>{11});
}

TEST_F(CronJobMachine, ATimeoutSendsTheStopSignalThenSigkill) {
  auto m = make(overlap_policy::skip, 30s, SIGINT);
  auto out = m.due(t0, wall(0), steady(0));
  auto started = m.launched(1, 10);
  EXPECT_EQ(all_of<cron_timer_action>(started),
            (std::vector<cron_timer_action>{{cron_timer_kind::timeout, 1, 30s}}));

  auto timed_out = m.timer_fired(cron_timer_kind::timeout, 1);
  EXPECT_EQ(all_of<cron_signal_action>(timed_out),
            (std::vector<cron_signal_action>{{10, SIGINT}}));
  EXPECT_EQ(all_of<cron_timer_action>(timed_out),
            (std::vector<cron_timer_action>{{cron_timer_kind::kill, 1, 5s}}));
  EXPECT_EQ(logged(timed_out), "still running after its timeout of 30 s; sending SIGINT to "
                               "its process group (pid 10), SIGKILL in 5 s if it is still "
                               "there\n");

  auto killed = m.timer_fired(cron_timer_kind::kill, 1);
  EXPECT_EQ(all_of<cron_signal_action>(killed),
            (std::vector<cron_signal_action>{{10, SIGKILL}}));
  auto ended = m.exited(10, exit_status::killed(SIGKILL), wall(35), steady(35));
  EXPECT_EQ(logged(ended), "failed: killed by SIGKILL (timed out) after 35 s\n");
  EXPECT_TRUE(m.state().last_result->timed_out);
  EXPECT_FALSE(m.state().last_result->success());
}

TEST_F(CronJobMachine, TimersOfARunThatEndedAreIgnored) {
  auto m = make(overlap_policy::skip, 30s);
  start_run(m, 0, 10);
  m.exited(10, exit_status::exited(0), wall(1), steady(1));
  EXPECT_TRUE(m.timer_fired(cron_timer_kind::timeout, 1).empty());
  EXPECT_TRUE(m.timer_fired(cron_timer_kind::kill, 1).empty());
}

TEST_F(CronJobMachine, AFailedStartIsRecordedAndTheJobRunsAgainNextTime) {
  auto m = make();
  m.due(t0, wall(0), steady(0));
  auto out = m.launch_failed(1, "cannot execute /nope: No such file or directory", 127, wall(0));
  EXPECT_EQ(logged(out), "could not start: cannot execute /nope: No such file or directory; it "
                         "is tried again at its next run\n");
  const auto state = m.state();
  ASSERT_TRUE(state.last_result);
  EXPECT_EQ(state.last_result->status.code(), 127);
  EXPECT_FALSE(state.last_result->success());
  EXPECT_EQ(state.runs, 1u);
  EXPECT_EQ(m.due(t0 + 300, wall(300), steady(300)), (actions{cron_launch_action{2}}));
}

TEST_F(CronJobMachine, AFatalJobNeverRuns) {
  auto m = make();
  m.set_next_run(t0 + 300);
  auto out = m.fail_permanently("unknown user \"nobody2\"");
  EXPECT_EQ(logged(out), "never runs: unknown user \"nobody2\"; everything else runs on (fix "
                         "the entry and restart wingmate)\n");
  EXPECT_EQ(all_of<log_action>(out)[0].level, log_level::error);
  EXPECT_TRUE(m.due(t0 + 300, wall(300), steady(300)).empty());
  EXPECT_EQ(m.state().fatal_reason, "unknown user \"nobody2\"");
  EXPECT_EQ(m.state().next_run, std::nullopt);
  m.set_next_run(t0 + 600);
  EXPECT_EQ(m.state().next_run, std::nullopt);
  EXPECT_TRUE(reports_stopped(m.stop()));
}

TEST_F(CronJobMachine, NextRunIsKeptForTheStatus) {
  auto m = make();
  m.set_next_run(t0 + 300);
  EXPECT_EQ(m.state().next_run, wall(300));
  m.set_next_run(std::nullopt);
  EXPECT_EQ(m.state().next_run, std::nullopt);
}

TEST_F(CronJobMachine, StopWithNothingRunningReportsAtOnce) {
  auto m = make();
  auto out = m.stop();
  EXPECT_EQ(out, (actions{report_action{report_kind::stopped, 0}}));
  EXPECT_TRUE(m.stop().empty());
  // No run starts any more.
  EXPECT_TRUE(m.due(t0, wall(0), steady(0)).empty());
}

TEST_F(CronJobMachine, StopSignalsEveryRunAndReportsWhenTheLastEnds) {
  auto m = make(overlap_policy::allow);
  start_run(m, 0, 10);
  start_run(m, 300, 11);
  auto out = m.stop();
  EXPECT_EQ(all_of<cron_signal_action>(out),
            (std::vector<cron_signal_action>{{10, SIGTERM}, {11, SIGTERM}}));
  EXPECT_EQ(all_of<cron_timer_action>(out).size(), 2u);
  EXPECT_FALSE(reports_stopped(out));
  EXPECT_NE(logged(out).find("wingmate is stopping; sending SIGTERM to its process group (pid "
                             "10)"),
            std::string::npos);

  auto first = m.exited(10, exit_status::killed(SIGTERM), wall(301), steady(301));
  EXPECT_EQ(logged(first), "stopped (killed by SIGTERM after 5 min)\n");
  EXPECT_FALSE(reports_stopped(first));
  auto killed = m.timer_fired(cron_timer_kind::kill, 2);
  EXPECT_EQ(all_of<cron_signal_action>(killed),
            (std::vector<cron_signal_action>{{11, SIGKILL}}));
  EXPECT_TRUE(reports_stopped(m.exited(11, exit_status::killed(SIGKILL), wall(306), steady(306))));
}

TEST_F(CronJobMachine, ALaunchInFlightDuringStopIsStoppedWhenItReports) {
  auto m = make();
  m.due(t0, wall(0), steady(0));
  EXPECT_FALSE(reports_stopped(m.stop()));
  auto started = m.launched(1, 10);
  EXPECT_EQ(all_of<cron_signal_action>(started),
            (std::vector<cron_signal_action>{{10, SIGTERM}}));
  EXPECT_TRUE(reports_stopped(m.exited(10, exit_status::killed(SIGTERM), wall(1), steady(1))));
}

TEST_F(CronJobMachine, AFailedLaunchDuringStopReports) {
  auto m = make();
  m.due(t0, wall(0), steady(0));
  m.stop();
  EXPECT_TRUE(reports_stopped(m.launch_failed(1, "no such file", 127, wall(0))));
}

TEST_F(CronJobMachine, ARunAlreadyTimingOutIsNotSignalledAgainOnStop) {
  auto m = make(overlap_policy::skip, 10s);
  start_run(m, 0, 10);
  m.timer_fired(cron_timer_kind::timeout, 1);
  auto out = m.stop();
  EXPECT_TRUE(all_of<cron_signal_action>(out).empty());
  EXPECT_FALSE(reports_stopped(out));
  EXPECT_TRUE(reports_stopped(m.exited(10, exit_status::killed(SIGTERM), wall(11), steady(11))));
}

TEST_F(CronJobMachine, AReplacementAdoptsARunningProcess) {
  auto m = make(overlap_policy::skip, 60s);
  auto out = m.adopt(77, steady(0));
  EXPECT_NE(logged(out).find("took over its running process (pid 77)"), std::string::npos);
  EXPECT_EQ(all_of<cron_timer_action>(out),
            (std::vector<cron_timer_action>{{cron_timer_kind::timeout, 1, 60s}}));
  EXPECT_EQ(m.state().running_pids, std::vector<pid_t>{77});
  EXPECT_TRUE(all_of<cron_launch_action>(m.due(t0, wall(0), steady(0))).empty());
  m.exited(77, exit_status::exited(0), wall(5), steady(5));
  EXPECT_TRUE(m.state().running_pids.empty());
}

} // namespace
} // namespace wm

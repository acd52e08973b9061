// The cron actors in-process with real children: the supervisor, the reaper,
// the cron clock and the job actors, with the wall clock behind the test's
// own seam. The test moves that clock to just before a minute and tells the
// cron clock, as the I/O thread does when the machine's clock is set, so
// nothing here waits for a real minute to come round.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <caf/all.hpp>
#include <thread>

#include "actors/io_bridge.hpp"
#include "actors/os/wall_clock.hpp"
#include "actors/reaper.hpp"
#include "actors/signal_bridge.hpp"
#include "actors/supervisor.hpp"
#include "harness/process_harness.hpp"
#include "messages/messages.hpp"
#include "test/unit/zone_helpers.hpp"

namespace wm {
namespace {

using namespace std::chrono_literals;
using test::wait_until;

cron_spec job(const std::string& name, const std::string& when,
              std::vector<std::string> command) {
  cron_spec spec;
  spec.name = name;
  spec.source = "the test";
  spec.schedule_text = when;
  spec.when = schedule::parse(when).value;
  spec.run.command = std::move(command);
  return spec;
}

std::vector<std::string> helper(std::vector<std::string> args) {
  args.insert(args.begin(), test::helper_bin("wm_test_child"));
  return args;
}

// Our own live children, by pid.
std::vector<pid_t> live_children() {
  std::vector<pid_t> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    pid_t pid = std::atoi(entry.path().filename().c_str());
    if (pid <= 0)
      continue;
    std::string stat = test::read_file(entry.path() / "stat");
    auto close = stat.rfind(')');
    if (close != std::string::npos && stat[close + 2] != 'Z'
        && std::atoi(stat.c_str() + close + 4) == ::getpid())
      found.push_back(pid);
  }
  return found;
}

long long monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

class CronActors : public ::testing::Test {
protected:
  void start(std::vector<cron_spec> crons) {
    block_signals();
    io.start();
    cfg.set("scheduler.policy", caf::atom("sharing"));
    cfg.set("scheduler.max-threads", 2);
    system = std::make_unique<caf::actor_system>(cfg);
    reaper = spawn_reaper(*system, io, std::nullopt);
    supervisor_config config{{}, &io, std::nullopt};
    config.crons = std::move(crons);
    config.clock = clock;
    supervisor = spawn_supervisor(*system, std::move(config), reaper);
    signals = std::make_unique<signal_bridge>(*system, supervisor);
    signals->start();
  }

  void TearDown() override {
    if (!system)
      return;
    stop();
    EXPECT_TRUE(live_children().empty());
    signals.reset();
    system->registry().erase(reaper_registry_name());
    reaper = nullptr;
    supervisor = nullptr;
    system.reset();
    io.finish(200ms);
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, nullptr);
  }

  // SIGTERM, then waits for the exit code; returns how long the stop took.
  std::chrono::milliseconds stop() {
    if (stopped)
      return 0ms;
    stopped = true;
    const auto began = std::chrono::steady_clock::now();
    caf::anon_send(supervisor, os_signal{SIGTERM, 0});
    int code = -1;
    {
      caf::scoped_actor self{*system};
      self->request(supervisor, 15s, run_atom_v)
        .receive([&](int result) { code = result; }, [](const caf::error&) {});
    }
    EXPECT_EQ(code, 0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - began);
  }

  caf::actor lookup(const std::string& name) {
    caf::scoped_actor self{*system};
    caf::actor found;
    self->request(supervisor, 5s, lookup_atom_v, name)
      .receive([&](const caf::actor& a) { found = a; }, [](const caf::error&) {});
    return found;
  }

  cron_job_state state_of(const std::string& name) {
    caf::scoped_actor self{*system};
    cron_job_state state;
    self->request(lookup(name), 5s, cron_state_atom_v)
      .receive([&](const cron_job_state& s) { state = s; }, [](const caf::error&) {});
    return state;
  }

  // Moves the wall clock to `before` ahead of the next minute and tells the
  // cron clock. Whether the cron clock computed its first runs before or
  // after the move, the next run is that minute. Returns the minute and the
  // monotonic time, in ns, at which it comes.
  std::pair<wall_instant, long long> move_to_just_before_a_minute(
    std::chrono::milliseconds before) {
    const auto now = clock->now();
    const auto minute = std::chrono::floor<std::chrono::minutes>(now) + 1min;
    const long long due_ns = monotonic_ns() + std::chrono::nanoseconds(before).count();
    clock->shift_by(minute - before - now);
    caf::anon_send(lookup("cron-clock"), clock_set_atom_v);
    return {minute, due_ns};
  }

  test::scoped_tz tz{"UTC"};
  test::temp_dir files;
  std::shared_ptr<os::shifted_wall_clock> clock = std::make_shared<os::shifted_wall_clock>();
  io_bridge io;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  caf::actor reaper;
  caf::actor supervisor;
  std::unique_ptr<signal_bridge> signals;
  bool stopped = false;
};

TEST_F(CronActors, AJobRunsAtItsMinuteAndTheClockSchedulesTheNext) {
  const std::string stamps = (files / "stamps").string();
  start({job("every-minute", "* * * * *", helper({"stamp-exit", stamps, "0"}))});
  auto [minute, due_ns] = move_to_just_before_a_minute(300ms);

  ASSERT_TRUE(wait_until([&] { return state_of("every-minute").last_result.has_value(); }, 5s));
  const auto stamp = std::stoll(test::read_file(stamps));
  const double late_ms = static_cast<double>(stamp - due_ns) / 1e6;
  EXPECT_GE(late_ms, -20.0); // not before its minute (allowing for the test's own reading)
  EXPECT_LT(late_ms, 100.0);

  const auto state = state_of("every-minute");
  EXPECT_EQ(state.runs, 1u);
  EXPECT_TRUE(state.last_result->success());
  EXPECT_EQ(state.next_run, minute + 1min);
  EXPECT_EQ(state.schedule, "* * * * *");
  EXPECT_TRUE(state.running_pids.empty());
}

TEST_F(CronActors, ALongRunIsSkippedOnceAndStoppedWithWingmate) {
  start({job("long", "* * * * *", helper({"sleep"}))});
  move_to_just_before_a_minute(200ms);
  ASSERT_TRUE(wait_until([&] { return state_of("long").running_pids.size() == 1; }, 5s));
  const pid_t first = state_of("long").running_pids[0];

  move_to_just_before_a_minute(200ms);
  ASSERT_TRUE(wait_until([&] { return state_of("long").skipped_runs == 1; }, 5s));
  const auto state = state_of("long");
  EXPECT_EQ(state.runs, 1u);
  EXPECT_EQ(state.running_pids, std::vector<pid_t>{first});

  EXPECT_LT(stop(), 3s);
  EXPECT_TRUE(live_children().empty());
}

TEST_F(CronActors, OverlapAllowStartsASecondRun) {
  auto spec = job("parallel", "* * * * *", helper({"sleep"}));
  spec.overlap = overlap_policy::allow;
  start({spec});
  move_to_just_before_a_minute(100ms);
  ASSERT_TRUE(wait_until([&] { return state_of("parallel").running_pids.size() == 1; }, 5s));
  move_to_just_before_a_minute(100ms);
  ASSERT_TRUE(wait_until([&] { return state_of("parallel").running_pids.size() == 2; }, 5s));
  EXPECT_EQ(state_of("parallel").skipped_runs, 0u);
}

TEST_F(CronActors, ATimeoutStopsTheRunThenKillsIt) {
  auto polite = job("polite", "* * * * *", helper({"sleep"}));
  polite.timeout = 300ms;
  auto stubborn = job("stubborn", "* * * * *", helper({"ignore-term"}));
  stubborn.timeout = 300ms;
  start({polite, stubborn});
  move_to_just_before_a_minute(100ms);

  ASSERT_TRUE(wait_until([&] { return state_of("polite").last_result.has_value(); }, 5s));
  auto result = *state_of("polite").last_result;
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.status.signal(), SIGTERM);
  // SIGTERM is ignored: SIGKILL follows 5 s later.
  ASSERT_TRUE(wait_until([&] { return state_of("stubborn").last_result.has_value(); }, 8s));
  result = *state_of("stubborn").last_result;
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.status.signal(), SIGKILL);
  EXPECT_GE(*state_of("stubborn").last_duration, 5000ms);
}

TEST_F(CronActors, RunsMissedWhileTheClockJumpsAreNotReplayed) {
  start({job("hourly", "0 * * * *", helper({"exit", "0"}))});
  const auto now = clock->now();
  const auto hour = std::chrono::floor<std::chrono::hours>(now) + 1h;
  ASSERT_TRUE(wait_until([&] { return state_of("hourly").next_run == hour; }, 5s));
  // Jump to 90 s past the next top of the hour: that run is missed.
  clock->shift_by(hour + 90s - now);
  caf::anon_send(lookup("cron-clock"), clock_set_atom_v);
  ASSERT_TRUE(wait_until([&] { return state_of("hourly").next_run == hour + 1h; }, 5s));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(state_of("hourly").runs, 0u);
}

TEST_F(CronActors, AFatalJobNeverRunsWhileTheOthersDo) {
  const std::string stamps = (files / "stamps").string();
  auto broken = job("broken", "* * * * *", helper({"stamp-exit", stamps, "0"}));
  broken.fatal_reason = "unknown user \"nobody-here\"";
  auto bad_schedule = job("bad-schedule", "61 * * * *", helper({"stamp-exit", stamps, "0"}));
  bad_schedule.fatal_reason = "minute field \"61\": 61 is out of range 0-59";
  start({broken, bad_schedule, job("fine", "* * * * *", helper({"exit", "0"}))});
  move_to_just_before_a_minute(100ms);
  ASSERT_TRUE(wait_until([&] { return state_of("fine").runs == 1; }, 5s));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(state_of("broken").runs, 0u);
  EXPECT_EQ(state_of("broken").fatal_reason, "unknown user \"nobody-here\"");
  EXPECT_EQ(state_of("broken").next_run, std::nullopt);
  EXPECT_EQ(state_of("bad-schedule").runs, 0u);
  EXPECT_TRUE(test::read_file(stamps).empty());
}

TEST_F(CronActors, AReplacedJobActorTakesOverItsRun) {
  start({job("long", "* * * * *", helper({"sleep"}))});
  move_to_just_before_a_minute(100ms);
  ASSERT_TRUE(wait_until([&] { return state_of("long").running_pids.size() == 1; }, 5s));
  const pid_t child = state_of("long").running_pids[0];
  auto first = lookup("long");

  caf::anon_send_exit(first, caf::exit_reason::kill);
  ASSERT_TRUE(wait_until([&] {
    auto now = lookup("long");
    return now && now != first && state_of("long").running_pids == std::vector<pid_t>{child};
  }, 5s));
  // The new actor counts the run as still going: the next one is skipped.
  move_to_just_before_a_minute(100ms);
  ASSERT_TRUE(wait_until([&] { return state_of("long").skipped_runs == 1; }, 5s));
  EXPECT_LT(stop(), 3s);
}

TEST_F(CronActors, AReplacedCronClockKeepsFiring) {
  const std::string stamps = (files / "stamps").string();
  start({job("every-minute", "* * * * *", helper({"stamp-exit", stamps, "0"}))});
  auto first = lookup("cron-clock");
  ASSERT_TRUE(first);
  caf::anon_send_exit(first, caf::exit_reason::kill);
  ASSERT_TRUE(wait_until([&] {
    auto now = lookup("cron-clock");
    return now && now != first;
  }, 5s));
  move_to_just_before_a_minute(100ms);
  ASSERT_TRUE(wait_until([&] { return state_of("every-minute").runs == 1; }, 5s));
}

// Steps the machine's clock by 1 ns and back (ADJ_SETOFFSET): the time of
// day is unchanged, but the kernel reports two changes of the clock. It needs
// CAP_SYS_TIME and touches a clock other programs share, so it runs only when
// WINGMATE_TEST_STEP_CLOCK=1 asks for it.
TEST_F(CronActors, ARealChangeOfTheClockIsNoticed) {
  if (!std::getenv("WINGMATE_TEST_STEP_CLOCK"))
    GTEST_SKIP() << "set WINGMATE_TEST_STEP_CLOCK=1 to step the machine's clock by 1 ns";
  start({job("every-minute", "* * * * *", helper({"exit", "0"}))});
  const auto now = clock->now();
  const auto minute = std::chrono::floor<std::chrono::minutes>(now) + 1min;
  ASSERT_TRUE(wait_until([&] { return state_of("every-minute").next_run == minute; }, 5s));
  // Past the minute in the test's clock, unannounced: only the kernel's
  // report of the real step makes the cron clock look again.
  clock->shift_by(minute + 100ms - now);
  for (bool forward : {true, false}) {
    timex step{};
    step.modes = ADJ_SETOFFSET | ADJ_NANO;
    step.time.tv_sec = forward ? 0 : -1;
    step.time.tv_usec = forward ? 1 : 999999999; // nanoseconds with ADJ_NANO
    ASSERT_GE(::clock_adjtime(CLOCK_REALTIME, &step), 0) << std::strerror(errno);
  }
  EXPECT_TRUE(wait_until([&] { return state_of("every-minute").runs == 1; }, 2s));
}

} // namespace
} // namespace wm

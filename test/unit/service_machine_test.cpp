// The service state machine: every transition, checked through the actions
// it asks for, with a fake clock.

#include "actors/service_machine.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace wm {
namespace {

using namespace std::chrono_literals;

steady_time t0() {
  return steady_time{} + 1000s;
}

template <class T>
const T* find(const service_machine::actions& actions) {
  for (const auto& a : actions)
    if (auto* found = std::get_if<T>(&a))
      return found;
  return nullptr;
}

template <class T>
bool has(const service_machine::actions& actions) {
  return find<T>(actions) != nullptr;
}

std::string log_text(const service_machine::actions& actions) {
  std::string text;
  for (const auto& a : actions)
    if (auto* line = std::get_if<log_action>(&a))
      text += line->text + "\n";
  return text;
}

service_settings defaults() {
  return service_settings{};
}

// Boots the machine and reports its process as launched at `when`.
service_machine running_machine(service_settings settings, pid_t pid, steady_time when) {
  service_machine m{settings};
  EXPECT_TRUE(has<launch_action>(m.boot()));
  m.launched(pid, when);
  return m;
}

TEST(ServiceMachine, BootLaunchesAndStartsAsStarting) {
  service_machine m{defaults()};
  auto actions = m.boot();
  EXPECT_TRUE(has<launch_action>(actions));
  EXPECT_EQ(m.state(), service_state::starting);
  EXPECT_EQ(m.pid(), 0);

  actions = m.launched(42, t0());
  EXPECT_EQ(m.pid(), 42);
  EXPECT_EQ(m.state(), service_state::starting);
  auto* timer = find<timer_action>(actions);
  ASSERT_NE(timer, nullptr);
  EXPECT_EQ(timer->kind, timer_kind::startsecs);
  EXPECT_EQ(timer->delay, 1000ms);
  EXPECT_NE(log_text(actions).find("started (pid 42)"), std::string::npos);

  m.timer_fired(timer_kind::startsecs, timer->generation, t0() + 1s);
  EXPECT_EQ(m.state(), service_state::running);
}

TEST(ServiceMachine, AutostartFalseStaysStopped) {
  auto settings = defaults();
  settings.autostart = false;
  service_machine m{settings};
  auto actions = m.boot();
  EXPECT_FALSE(has<launch_action>(actions));
  EXPECT_EQ(m.state(), service_state::stopped);
}

TEST(ServiceMachine, GoodRunRestartsAtOnce) {
  auto m = running_machine(defaults(), 42, t0());
  auto actions = m.exited(42, exit_status::exited(0), t0() + 5s);
  EXPECT_TRUE(has<launch_action>(actions));
  EXPECT_FALSE(has<timer_action>(actions));
  EXPECT_EQ(m.state(), service_state::starting);
  EXPECT_EQ(m.restarts(), 1u);
  EXPECT_NE(log_text(actions).find("exited with code 0 after 5 s; starting it again"),
            std::string::npos);
}

TEST(ServiceMachine, ShortRunsBackOffDoublingUpToTheCap) {
  service_machine m{defaults()};
  m.boot();
  auto now = t0();
  pid_t pid = 100;
  const millis expected[] = {100ms, 200ms, 400ms, 800ms, 1600ms, 3200ms, 6400ms,
                             12800ms, 25600ms, 30000ms, 30000ms};
  for (millis delay : expected) {
    m.launched(pid, now);
    auto actions = m.exited(pid, exit_status::exited(1), now + 10ms);
    ASSERT_EQ(m.state(), service_state::backoff);
    auto* timer = find<timer_action>(actions);
    ASSERT_NE(timer, nullptr);
    EXPECT_EQ(timer->kind, timer_kind::backoff);
    EXPECT_EQ(timer->delay, delay);
    EXPECT_EQ(m.next_start(), now + 10ms + delay);
    now += 10ms + delay;
    EXPECT_TRUE(has<launch_action>(m.timer_fired(timer_kind::backoff, timer->generation, now)));
    ++pid;
  }
}

TEST(ServiceMachine, GoodRunResetsTheBackoff) {
  service_machine m{defaults()};
  m.boot();
  m.launched(1, t0());
  auto first = m.exited(1, exit_status::exited(1), t0() + 10ms);
  m.timer_fired(timer_kind::backoff, find<timer_action>(first)->generation, t0() + 1s);
  m.launched(2, t0() + 1s);
  auto second = m.exited(2, exit_status::exited(1), t0() + 1010ms);
  EXPECT_EQ(find<timer_action>(second)->delay, 200ms);
  m.timer_fired(timer_kind::backoff, find<timer_action>(second)->generation, t0() + 2s);

  m.launched(3, t0() + 2s);
  auto good = m.exited(3, exit_status::exited(1), t0() + 10s); // ran 8 s
  EXPECT_TRUE(has<launch_action>(good));
  m.launched(4, t0() + 10s);
  auto after = m.exited(4, exit_status::exited(1), t0() + 10010ms);
  EXPECT_EQ(find<timer_action>(after)->delay, 100ms);
}

TEST(ServiceMachine, LaunchFailureBacksOffWithTheReason) {
  service_machine m{defaults()};
  m.boot();
  auto actions = m.launch_failed("cannot execute /x: No such file or directory", 127, t0());
  EXPECT_EQ(m.state(), service_state::backoff);
  EXPECT_EQ(find<timer_action>(actions)->delay, 100ms);
  EXPECT_NE(log_text(actions).find("could not start: cannot execute /x"), std::string::npos);
  EXPECT_NE(log_text(actions).find("starting it again in 0.1 s"), std::string::npos);
}

TEST(ServiceMachine, OnFailureKeepsCleanExitsDown) {
  auto settings = defaults();
  settings.restart.mode = restart_mode::on_failure;
  auto m = running_machine(settings, 7, t0());
  auto actions = m.exited(7, exit_status::exited(0), t0() + 5s);
  EXPECT_FALSE(has<launch_action>(actions));
  EXPECT_EQ(m.state(), service_state::exited);

  auto failing = running_machine(settings, 8, t0());
  EXPECT_TRUE(has<launch_action>(failing.exited(8, exit_status::exited(2), t0() + 5s)));
  auto killed = running_machine(settings, 9, t0());
  EXPECT_TRUE(has<launch_action>(killed.exited(9, exit_status::killed(SIGKILL), t0() + 5s)));
}

TEST(ServiceMachine, NeverDoesNotRestart) {
  auto settings = defaults();
  settings.restart.mode = restart_mode::never;
  auto m = running_machine(settings, 7, t0());
  auto actions = m.exited(7, exit_status::exited(1), t0() + 5s);
  EXPECT_FALSE(has<launch_action>(actions));
  EXPECT_EQ(m.state(), service_state::exited);
  EXPECT_NE(log_text(actions).find("not started again (restart: never)"), std::string::npos);
}

TEST(ServiceMachine, MaxRestartsWithinTheWindowMakesItFatal) {
  auto settings = defaults();
  settings.restart.max_restarts = 2;
  settings.restart.startsecs = 0ms;
  service_machine m{settings};
  m.boot();
  m.launched(1, t0());
  EXPECT_TRUE(has<launch_action>(m.exited(1, exit_status::exited(1), t0() + 1s)));
  m.launched(2, t0() + 1s);
  EXPECT_TRUE(has<launch_action>(m.exited(2, exit_status::exited(1), t0() + 2s)));
  m.launched(3, t0() + 2s);
  auto actions = m.exited(3, exit_status::exited(1), t0() + 3s);
  EXPECT_FALSE(has<launch_action>(actions));
  EXPECT_EQ(m.state(), service_state::fatal);
  EXPECT_NE(m.fatal_reason().find("restarted 2 times within 60 s"), std::string::npos);
  EXPECT_FALSE(has<report_action>(actions)); // on_fatal: ignore
}

TEST(ServiceMachine, RestartsOutsideTheWindowDoNotCount) {
  auto settings = defaults();
  settings.restart.max_restarts = 1;
  settings.restart.restart_window = 10s;
  settings.restart.startsecs = 0ms;
  service_machine m{settings};
  m.boot();
  m.launched(1, t0());
  EXPECT_TRUE(has<launch_action>(m.exited(1, exit_status::exited(1), t0() + 20s)));
  m.launched(2, t0() + 20s);
  EXPECT_TRUE(has<launch_action>(m.exited(2, exit_status::exited(1), t0() + 40s)));
}

TEST(ServiceMachine, FatalWithShutdownReportsIt) {
  auto settings = defaults();
  settings.restart.max_restarts = 1;
  settings.restart.on_fatal = fatal_action::shutdown;
  settings.restart.startsecs = 0ms;
  service_machine m{settings};
  m.boot();
  m.launched(1, t0());
  m.exited(1, exit_status::exited(1), t0() + 1s);
  m.launched(2, t0() + 1s);
  auto actions = m.exited(2, exit_status::exited(1), t0() + 2s);
  auto* report = find<report_action>(actions);
  ASSERT_NE(report, nullptr);
  EXPECT_EQ(report->kind, report_kind::fatal_shutdown);
  EXPECT_EQ(report->code, 1);
}

TEST(ServiceMachine, StopSignalsTheGroupThenKillsAfterTheTimeout) {
  auto settings = defaults();
  settings.stop_signal = SIGINT;
  settings.stop_timeout = 3s;
  auto m = running_machine(settings, 42, t0());
  auto actions = m.stop();
  EXPECT_EQ(m.state(), service_state::stopping);
  auto* sig = find<signal_action>(actions);
  ASSERT_NE(sig, nullptr);
  EXPECT_EQ(sig->signo, SIGINT);
  EXPECT_TRUE(sig->group);
  auto* timer = find<timer_action>(actions);
  ASSERT_NE(timer, nullptr);
  EXPECT_EQ(timer->kind, timer_kind::stop_kill);
  EXPECT_EQ(timer->delay, 3s);

  auto kill = m.timer_fired(timer_kind::stop_kill, timer->generation, t0() + 3s);
  auto* sigkill = find<signal_action>(kill);
  ASSERT_NE(sigkill, nullptr);
  EXPECT_EQ(sigkill->signo, SIGKILL);
  EXPECT_TRUE(sigkill->group);
  EXPECT_NE(log_text(kill).find("still running 3 s after SIGINT"), std::string::npos);

  auto done = m.exited(42, exit_status::killed(SIGKILL), t0() + 3100ms);
  EXPECT_EQ(m.state(), service_state::stopped);
  auto* report = find<report_action>(done);
  ASSERT_NE(report, nullptr);
  EXPECT_EQ(report->kind, report_kind::stopped);
}

TEST(ServiceMachine, ExitDuringStopDoesNotRestart) {
  auto m = running_machine(defaults(), 42, t0());
  auto stop = m.stop();
  auto done = m.exited(42, exit_status::killed(SIGTERM), t0() + 1s);
  EXPECT_FALSE(has<launch_action>(done));
  EXPECT_EQ(m.state(), service_state::stopped);
  // The kill timer of a finished stop does nothing.
  auto late = m.timer_fired(timer_kind::stop_kill, find<timer_action>(stop)->generation,
                            t0() + 5s);
  EXPECT_TRUE(late.empty());
}

TEST(ServiceMachine, StopInBackoffSettlesAtOnce) {
  service_machine m{defaults()};
  m.boot();
  m.launched(1, t0());
  auto exit = m.exited(1, exit_status::exited(1), t0() + 10ms);
  auto stop = m.stop();
  EXPECT_EQ(m.state(), service_state::stopped);
  EXPECT_TRUE(has<report_action>(stop));
  EXPECT_FALSE(has<signal_action>(stop));
  // The pending backoff timer no longer starts it.
  auto fired = m.timer_fired(timer_kind::backoff, find<timer_action>(exit)->generation,
                             t0() + 1s);
  EXPECT_FALSE(has<launch_action>(fired));
}

TEST(ServiceMachine, StopWhileLaunchIsInFlightStopsOnceLaunched) {
  service_machine m{defaults()};
  m.boot();
  EXPECT_TRUE(m.stop().empty());
  auto actions = m.launched(5, t0());
  EXPECT_EQ(m.state(), service_state::stopping);
  EXPECT_TRUE(has<signal_action>(actions));
}

TEST(ServiceMachine, StopWhileLaunchIsInFlightThatFails) {
  service_machine m{defaults()};
  m.boot();
  m.stop();
  auto actions = m.launch_failed("nope", 127, t0());
  EXPECT_EQ(m.state(), service_state::stopped);
  EXPECT_TRUE(has<report_action>(actions));
}

TEST(ServiceMachine, StopOfExitedOrFatalReportsAtOnce) {
  auto settings = defaults();
  settings.restart.mode = restart_mode::never;
  auto m = running_machine(settings, 3, t0());
  m.exited(3, exit_status::exited(0), t0() + 2s);
  auto stop = m.stop();
  EXPECT_EQ(m.state(), service_state::exited);
  EXPECT_TRUE(has<report_action>(stop));
}

TEST(ServiceMachine, MainServiceReportsItsCodeAndNeverRestarts) {
  auto settings = defaults();
  settings.main = true;
  auto m = running_machine(settings, 9, t0());
  auto actions = m.exited(9, exit_status::exited(3), t0() + 1s);
  EXPECT_FALSE(has<launch_action>(actions));
  auto* report = find<report_action>(actions);
  ASSERT_NE(report, nullptr);
  EXPECT_EQ(report->kind, report_kind::main_exited);
  EXPECT_EQ(report->code, 3);

  auto killed = running_machine(settings, 10, t0());
  EXPECT_EQ(find<report_action>(killed.exited(10, exit_status::killed(9), t0()))->code, 137);

  service_machine missing{settings};
  missing.boot();
  auto failed = missing.launch_failed("not found", 127, t0());
  EXPECT_EQ(find<report_action>(failed)->code, 127);
}

TEST(ServiceMachine, ForwardOnlyReachesARunningProcess) {
  auto m = running_machine(defaults(), 42, t0());
  auto actions = m.forward(SIGHUP);
  ASSERT_EQ(actions.size(), 1u);
  auto* sig = find<signal_action>(actions);
  EXPECT_EQ(sig->signo, SIGHUP);
  EXPECT_FALSE(sig->group);

  m.exited(42, exit_status::exited(1), t0() + 10ms); // now in backoff
  EXPECT_TRUE(m.forward(SIGHUP).empty());
}

TEST(ServiceMachine, StaleExitsAndTimersAreIgnored) {
  auto m = running_machine(defaults(), 42, t0());
  EXPECT_TRUE(m.exited(41, exit_status::exited(0), t0() + 1s).empty());
  EXPECT_EQ(m.state(), service_state::starting);
  EXPECT_TRUE(m.timer_fired(timer_kind::backoff, 99, t0()).empty());
}

TEST(ServiceMachine, AdoptTakesOverARunningProcess) {
  service_machine m{defaults()};
  auto actions = m.adopt(77, t0());
  EXPECT_EQ(m.state(), service_state::running);
  EXPECT_EQ(m.pid(), 77);
  EXPECT_TRUE(has<launch_action>(m.exited(77, exit_status::exited(0), t0() + 10s)));
}

TEST(ServiceMachine, FailPermanentlyIsFatalAndNeverLaunches) {
  service_machine m{defaults()};
  auto actions = m.fail_permanently("unknown user 'nobody2'");
  EXPECT_EQ(m.state(), service_state::fatal);
  EXPECT_FALSE(has<launch_action>(actions));
  EXPECT_EQ(m.fatal_reason(), "unknown user 'nobody2'");
}

} // namespace
} // namespace wm

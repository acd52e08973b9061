// The service state machine for pidfile services: finding the daemon,
// failed starts, the daemon's end, following a successor, stopping and
// forwarding, all through the actions it asks for, with a fake clock.

#include "actors/service_machine.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace wm {
namespace {

using namespace std::chrono_literals;

const std::string k_pidfile = "/run/d.pid";

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

bool logs(const service_machine::actions& actions, const std::string& needle) {
  return log_text(actions).find(needle) != std::string::npos;
}

service_settings daemon_settings() {
  service_settings settings;
  settings.pidfile = k_pidfile;
  settings.pidfile_timeout = 5s;
  return settings;
}

/// The watcher's answer to the last pidfile_action in `asked`.
pidfile_report answer(const service_machine::actions& asked, pidfile_finding finding, pid_t pid,
                      bool leads_group = true) {
  const pidfile_action* request = find<pidfile_action>(asked);
  EXPECT_NE(request, nullptr);
  return pidfile_report{finding, request ? request->generation : 0, pid, leads_group, ""};
}

/// A pidfile service whose command (pid 10) was launched at t0.
struct launched_service {
  explicit launched_service(service_settings settings = daemon_settings()) : m(settings) {
    EXPECT_TRUE(has<launch_action>(m.boot()));
    find_request = m.launched(10, t0());
  }
  service_machine m;
  service_machine::actions find_request;
};

/// ... whose daemon, pid 20, was found 2 s after the start.
struct watched_service : launched_service {
  explicit watched_service(service_settings settings = daemon_settings(),
                           bool leads_group = true)
    : launched_service(settings) {
    m.exited(10, exit_status::exited(0), t0() + 1s);
    found = m.pidfile_reported(answer(find_request, pidfile_finding::found, 20, leads_group),
                               t0() + 2s);
  }
  service_machine::actions found;
};

TEST(ServiceMachinePidfile, LaunchAsksTheWatcherToFindTheDaemon) {
  launched_service s;
  auto* request = find<pidfile_action>(s.find_request);
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->step, pidfile_step::find);
  EXPECT_EQ(request->timeout, 5s);
  EXPECT_FALSE(has<timer_action>(s.find_request)); // startsecs waits for the daemon
  EXPECT_TRUE(logs(s.find_request, "waiting up to 5 s for its daemon to write a fresh /run/d.pid"))
    << log_text(s.find_request);
  EXPECT_EQ(s.m.state(), service_state::starting);
  EXPECT_EQ(s.m.pidfile_state(), pidfile_phase::awaiting);
  EXPECT_EQ(s.m.daemon_pid(), 0);
}

TEST(ServiceMachinePidfile, ACleanExitOfTheCommandIsNotTheEnd) {
  launched_service s;
  auto actions = s.m.exited(10, exit_status::exited(0), t0() + 1s);
  EXPECT_FALSE(has<launch_action>(actions));
  EXPECT_FALSE(has<pidfile_action>(actions)); // the watcher keeps looking
  EXPECT_EQ(s.m.state(), service_state::starting);
  EXPECT_EQ(s.m.pid(), 0);
  EXPECT_TRUE(logs(actions, "exited with code 0; waiting for its daemon to write /run/d.pid"));
}

TEST(ServiceMachinePidfile, FoundDaemonIsAdoptedAndRunsAfterStartsecs) {
  watched_service s;
  EXPECT_TRUE(logs(s.found, "found daemon pid 20 in /run/d.pid")) << log_text(s.found);
  auto* adopt = find<adopt_action>(s.found);
  ASSERT_NE(adopt, nullptr);
  EXPECT_EQ(adopt->pid, 20);
  EXPECT_EQ(s.m.daemon_pid(), 20);
  EXPECT_EQ(s.m.pid(), 20);
  EXPECT_EQ(s.m.pidfile_state(), pidfile_phase::watching);
  EXPECT_EQ(s.m.state(), service_state::starting);
  auto* timer = find<timer_action>(s.found);
  ASSERT_NE(timer, nullptr);
  EXPECT_EQ(timer->kind, timer_kind::startsecs);
  EXPECT_EQ(timer->delay, 1s);
  s.m.timer_fired(timer_kind::startsecs, timer->generation, t0() + 3s);
  EXPECT_EQ(s.m.state(), service_state::running);
}

TEST(ServiceMachinePidfile, ACommandThatWritesItsOwnPidIsTheDaemon) {
  launched_service s;
  auto found = s.m.pidfile_reported(answer(s.find_request, pidfile_finding::found, 10), t0());
  EXPECT_TRUE(logs(found, "found daemon pid 10 in /run/d.pid (the command itself)"));
  EXPECT_FALSE(has<adopt_action>(found)); // the reaper launched it
  EXPECT_EQ(s.m.daemon_pid(), 10);

  auto ended = s.m.exited(10, exit_status::exited(2), t0() + 5s);
  auto* follow = find<pidfile_action>(ended);
  ASSERT_NE(follow, nullptr);
  EXPECT_EQ(follow->step, pidfile_step::follow);
  EXPECT_EQ(follow->pid, 10);
}

TEST(ServiceMachinePidfile, ACommandThatFailsBeforeAPidfileIsAFailedStart) {
  launched_service s;
  auto actions = s.m.exited(10, exit_status::exited(3), t0() + 10ms);
  EXPECT_EQ(s.m.state(), service_state::backoff);
  EXPECT_EQ(find<pidfile_action>(actions)->step, pidfile_step::cancel);
  EXPECT_EQ(find<timer_action>(actions)->kind, timer_kind::backoff);
  EXPECT_TRUE(logs(actions, "could not start: exited with code 3 before a daemon wrote "
                            "/run/d.pid; starting it again in 0.1 s"))
    << log_text(actions);
  EXPECT_EQ(s.m.last_exit(), exit_status::exited(3));
}

TEST(ServiceMachinePidfile, NoPidfileInTimeIsAFailedStartAndRetried) {
  auto settings = daemon_settings();
  settings.restart.mode = restart_mode::on_failure; // a start without a daemon is a failure
  launched_service s(settings);
  s.m.exited(10, exit_status::exited(0), t0() + 1s);
  pidfile_report missing = answer(s.find_request, pidfile_finding::not_found, 0);
  missing.detail = "no fresh pidfile /run/d.pid 5 s after the start (it does not exist)";
  auto actions = s.m.pidfile_reported(missing, t0() + 5s);
  EXPECT_EQ(s.m.state(), service_state::backoff);
  EXPECT_TRUE(logs(actions, "could not start: no fresh pidfile /run/d.pid 5 s after the start "
                            "(it does not exist); starting it again in 0.1 s"))
    << log_text(actions);
  auto restart = s.m.timer_fired(timer_kind::backoff, find<timer_action>(actions)->generation,
                                 t0() + 6s);
  EXPECT_TRUE(has<launch_action>(restart));
}

TEST(ServiceMachinePidfile, ADaemonTheReaperWillNotHandOverIsAFailedStart) {
  watched_service s;
  ASSERT_EQ(s.m.daemon_pid(), 20);
  auto actions = s.m.adopt_refused(20, "pid 20 is the process of service other", t0() + 2s);
  EXPECT_EQ(s.m.daemon_pid(), 0);
  EXPECT_EQ(s.m.pid(), 0); // never signalled again
  EXPECT_EQ(s.m.state(), service_state::backoff);
  EXPECT_TRUE(logs(actions, "its pidfile /run/d.pid names pid 20 is the process of service "
                            "other"))
    << log_text(actions);
  // A refusal about a pid it no longer watches changes nothing.
  EXPECT_TRUE(s.m.adopt_refused(20, "late", t0() + 3s).empty());
}

TEST(ServiceMachinePidfile, NoPidfileWhileTheCommandRunsStopsTheCommandFirst) {
  auto settings = daemon_settings();
  settings.stop_timeout = 2s;
  launched_service s(settings);
  pidfile_report missing = answer(s.find_request, pidfile_finding::not_found, 0);
  missing.detail = "no fresh pidfile /run/d.pid 5 s after the start (it does not exist)";
  auto actions = s.m.pidfile_reported(missing, t0() + 5s);
  EXPECT_EQ(s.m.state(), service_state::starting);
  auto* sig = find<signal_action>(actions);
  ASSERT_NE(sig, nullptr);
  EXPECT_EQ(sig->signo, SIGTERM);
  EXPECT_TRUE(sig->group);
  EXPECT_EQ(s.m.pid(), 10);
  EXPECT_TRUE(logs(actions, "stopping its command (pid 10) with SIGTERM"));

  auto* timer = find<timer_action>(actions);
  ASSERT_NE(timer, nullptr);
  EXPECT_EQ(timer->kind, timer_kind::stop_kill);
  auto kill = s.m.timer_fired(timer_kind::stop_kill, timer->generation, t0() + 7s);
  EXPECT_EQ(find<signal_action>(kill)->signo, SIGKILL);

  auto ended = s.m.exited(10, exit_status::killed(SIGKILL), t0() + 7100ms);
  EXPECT_EQ(s.m.state(), service_state::backoff);
  EXPECT_TRUE(logs(ended, "could not start: no fresh pidfile /run/d.pid 5 s after the start"))
    << log_text(ended);
}

TEST(ServiceMachinePidfile, TheDaemonsEndIsCheckedForASuccessorThenRestarts) {
  watched_service s;
  auto ended = s.m.exited(20, exit_status::killed(SIGKILL), t0() + 7s);
  auto* follow = find<pidfile_action>(ended);
  ASSERT_NE(follow, nullptr);
  EXPECT_EQ(follow->step, pidfile_step::follow);
  EXPECT_EQ(follow->pid, 20);
  EXPECT_FALSE(has<launch_action>(ended));
  EXPECT_EQ(s.m.pidfile_state(), pidfile_phase::following);
  EXPECT_EQ(s.m.pid(), 0);
  EXPECT_EQ(s.m.daemon_pid(), 0);

  auto gone = s.m.pidfile_reported(answer(ended, pidfile_finding::gone, 20), t0() + 8s);
  EXPECT_TRUE(has<launch_action>(gone)); // a good run: at once
  EXPECT_TRUE(logs(gone, "daemon pid 20 killed by SIGKILL after 5 s; starting it again"))
    << log_text(gone);
  EXPECT_EQ(s.m.restarts(), 1u);
  EXPECT_EQ(s.m.last_exit(), exit_status::killed(SIGKILL));
  EXPECT_EQ(s.m.pidfile_state(), pidfile_phase::none);
}

TEST(ServiceMachinePidfile, ADaemonThatDiesSoonBacksOff) {
  watched_service s;
  auto ended = s.m.exited(20, exit_status::exited(1), t0() + 2200ms);
  auto gone = s.m.pidfile_reported(answer(ended, pidfile_finding::gone, 20), t0() + 3200ms);
  EXPECT_EQ(s.m.state(), service_state::backoff);
  EXPECT_TRUE(logs(gone, "after 0.2 s; starting it again in 0.1 s (it ran less than startsecs"))
    << log_text(gone);
}

TEST(ServiceMachinePidfile, RestartPolicyAndBudgetApplyToTheDaemon) {
  auto settings = daemon_settings();
  settings.restart.mode = restart_mode::never;
  watched_service once(settings);
  auto ended = once.m.exited(20, exit_status::exited(0), t0() + 9s);
  once.m.pidfile_reported(answer(ended, pidfile_finding::gone, 20), t0() + 10s);
  EXPECT_EQ(once.m.state(), service_state::exited);

  settings = daemon_settings();
  settings.restart.max_restarts = 1;
  settings.restart.startsecs = 0ms;
  watched_service budget(settings);
  auto first = budget.m.exited(20, exit_status::exited(1), t0() + 3s);
  auto restart = budget.m.pidfile_reported(answer(first, pidfile_finding::gone, 20), t0() + 4s);
  ASSERT_TRUE(has<launch_action>(restart));
  auto find_again = budget.m.launched(30, t0() + 4s);
  budget.m.pidfile_reported(answer(find_again, pidfile_finding::found, 31), t0() + 5s);
  EXPECT_EQ(budget.m.state(), service_state::running);
  auto second = budget.m.exited(31, exit_status::exited(1), t0() + 6s);
  budget.m.pidfile_reported(answer(second, pidfile_finding::gone, 31), t0() + 7s);
  EXPECT_EQ(budget.m.state(), service_state::fatal);
}

TEST(ServiceMachinePidfile, FollowsASuccessorThatTheRewrittenPidfileNames) {
  watched_service s;
  auto ended = s.m.exited(20, exit_status::exited(0), t0() + 10s);
  auto followed =
    s.m.pidfile_reported(answer(ended, pidfile_finding::found, 21), t0() + 10200ms);
  EXPECT_TRUE(
    logs(followed, "following the daemon from pid 20 to pid 21, now named by /run/d.pid"))
    << log_text(followed);
  EXPECT_EQ(find<adopt_action>(followed)->pid, 21);
  EXPECT_FALSE(has<launch_action>(followed));
  EXPECT_EQ(s.m.daemon_pid(), 21);
  EXPECT_EQ(s.m.pidfile_state(), pidfile_phase::watching);
  EXPECT_EQ(s.m.restarts(), 0u);

  auto hup = s.m.forward(SIGHUP);
  ASSERT_TRUE(has<signal_action>(hup));
  EXPECT_EQ(s.m.pid(), 21);
}

TEST(ServiceMachinePidfile, AnExitThatWasNotTheDaemonsOwnIsIgnored) {
  watched_service s;
  auto ended = s.m.exited(20, exit_status::exited(0), t0() + 3s);
  auto resumed =
    s.m.pidfile_reported(answer(ended, pidfile_finding::still_running, 20), t0() + 3s);
  EXPECT_EQ(s.m.daemon_pid(), 20);
  EXPECT_EQ(s.m.pidfile_state(), pidfile_phase::watching);
  EXPECT_EQ(find<adopt_action>(resumed)->pid, 20); // the reaper forgot it
  EXPECT_TRUE(logs(resumed, "still watching it"));
}

TEST(ServiceMachinePidfile, ADaemonThatVanishedOutOfSightCountsAsAFailure) {
  auto settings = daemon_settings();
  settings.restart.mode = restart_mode::on_failure;
  watched_service s(settings);
  // The generation of the find: the watcher has watched it since.
  auto vanished = s.m.pidfile_reported(answer(s.find_request, pidfile_finding::vanished, 20),
                                       t0() + 9s);
  ASSERT_EQ(find<pidfile_action>(vanished)->step, pidfile_step::follow);
  auto gone = s.m.pidfile_reported(answer(vanished, pidfile_finding::gone, 20), t0() + 10s);
  EXPECT_TRUE(has<launch_action>(gone));
  EXPECT_TRUE(logs(gone, "daemon pid 20 ended out of wingmate's sight after 7 s (exit status "
                         "unknown); starting it again"))
    << log_text(gone);
}

TEST(ServiceMachinePidfile, ReportsForAnEarlierRequestAreIgnored) {
  watched_service s;
  // A second "found" for the find that was already answered and followed.
  auto ended = s.m.exited(20, exit_status::exited(1), t0() + 5s);
  EXPECT_TRUE(
    s.m.pidfile_reported(answer(s.find_request, pidfile_finding::found, 99), t0() + 5s).empty());
  EXPECT_TRUE(
    s.m.pidfile_reported(answer(s.find_request, pidfile_finding::gone, 20), t0() + 5s).empty());
  EXPECT_EQ(s.m.pidfile_state(), pidfile_phase::following);
  // The launcher's exit after the daemon was found changes nothing either.
  launched_service l;
  l.m.pidfile_reported(answer(l.find_request, pidfile_finding::found, 20), t0() + 1s);
  auto late = l.m.exited(10, exit_status::exited(1), t0() + 2s);
  EXPECT_FALSE(has<launch_action>(late));
  EXPECT_EQ(l.m.daemon_pid(), 20);
  EXPECT_EQ(l.m.pidfile_state(), pidfile_phase::watching);
}

TEST(ServiceMachinePidfile, AStartsecsTimerOfAnEarlierRunDoesNotCountForTheNext) {
  watched_service s;
  auto* startsecs = find<timer_action>(s.found);
  auto ended = s.m.exited(20, exit_status::exited(1), t0() + 2100ms);
  auto gone = s.m.pidfile_reported(answer(ended, pidfile_finding::gone, 20), t0() + 2200ms);
  s.m.timer_fired(timer_kind::backoff, find<timer_action>(gone)->generation, t0() + 2300ms);
  s.m.launched(30, t0() + 2300ms);
  s.m.timer_fired(timer_kind::startsecs, startsecs->generation, t0() + 3s);
  EXPECT_EQ(s.m.state(), service_state::starting);
}

TEST(ServiceMachinePidfile, StopSendsTheStopSignalToTheDaemon) {
  auto settings = daemon_settings();
  settings.stop_signal = SIGINT;
  watched_service s(settings, false);
  auto stop = s.m.stop();
  EXPECT_EQ(s.m.state(), service_state::stopping);
  EXPECT_FALSE(has<pidfile_action>(stop)); // still watched, wherever its end is seen
  auto* sig = find<signal_action>(stop);
  ASSERT_NE(sig, nullptr);
  EXPECT_EQ(sig->signo, SIGINT);
  EXPECT_FALSE(sig->group); // it leads no process group
  EXPECT_EQ(s.m.pid(), 20);
  EXPECT_TRUE(logs(stop, "SIGINT to daemon pid 20")) << log_text(stop);

  auto kill = s.m.timer_fired(timer_kind::stop_kill, find<timer_action>(stop)->generation,
                              t0() + 10s);
  EXPECT_EQ(find<signal_action>(kill)->signo, SIGKILL);
  EXPECT_FALSE(find<signal_action>(kill)->group);

  auto done = s.m.exited(20, exit_status::killed(SIGKILL), t0() + 10100ms);
  EXPECT_EQ(s.m.state(), service_state::stopped);
  EXPECT_EQ(find<report_action>(done)->kind, report_kind::stopped);
  EXPECT_FALSE(has<launch_action>(done));
}

TEST(ServiceMachinePidfile, ADaemonSeenToVanishWhileStoppingEndsTheStop) {
  watched_service s;
  s.m.stop();
  auto done = s.m.pidfile_reported(answer(s.find_request, pidfile_finding::vanished, 20),
                                   t0() + 4s);
  EXPECT_EQ(s.m.state(), service_state::stopped);
  EXPECT_EQ(find<report_action>(done)->kind, report_kind::stopped);
  EXPECT_TRUE(
    logs(done, "stopped (daemon pid 20 ended out of wingmate's sight, exit status unknown)"))
    << log_text(done);
}

TEST(ServiceMachinePidfile, ADaemonLeadingItsGroupIsStoppedWithTheGroup) {
  watched_service s(daemon_settings(), true);
  auto stop = s.m.stop();
  EXPECT_TRUE(find<signal_action>(stop)->group);
  EXPECT_TRUE(logs(stop, "daemon pid 20 and its process group")) << log_text(stop);
}

TEST(ServiceMachinePidfile, StopWhileTheCommandStillRunsStopsTheCommand) {
  launched_service s;
  auto stop = s.m.stop();
  EXPECT_EQ(s.m.state(), service_state::stopping);
  EXPECT_TRUE(find<signal_action>(stop)->group);
  EXPECT_EQ(find<pidfile_action>(stop)->step, pidfile_step::cancel);
  EXPECT_EQ(s.m.pid(), 10);
  auto done = s.m.exited(10, exit_status::killed(SIGTERM), t0() + 1s);
  EXPECT_EQ(s.m.state(), service_state::stopped);
  EXPECT_TRUE(has<report_action>(done));
}

TEST(ServiceMachinePidfile, StopWithNoProcessToSignalSettlesAtOnce) {
  launched_service awaiting;
  awaiting.m.exited(10, exit_status::exited(0), t0() + 1s);
  auto stop = awaiting.m.stop();
  EXPECT_EQ(awaiting.m.state(), service_state::stopped);
  EXPECT_TRUE(has<report_action>(stop));
  EXPECT_FALSE(has<signal_action>(stop));
  EXPECT_EQ(find<pidfile_action>(stop)->step, pidfile_step::cancel);

  watched_service following;
  following.m.exited(20, exit_status::exited(0), t0() + 5s);
  auto stop_following = following.m.stop();
  EXPECT_EQ(following.m.state(), service_state::stopped);
  EXPECT_TRUE(has<report_action>(stop_following));
  EXPECT_FALSE(has<signal_action>(stop_following));
}

TEST(ServiceMachinePidfile, StopWhileTheLaunchIsInFlightStopsTheCommandOnceLaunched) {
  service_machine m{daemon_settings()};
  m.boot();
  EXPECT_TRUE(m.stop().empty());
  auto launched = m.launched(10, t0());
  EXPECT_EQ(m.state(), service_state::stopping);
  EXPECT_TRUE(has<signal_action>(launched));
  EXPECT_FALSE(has<pidfile_action>(launched));
  m.exited(10, exit_status::killed(SIGTERM), t0() + 1s);
  EXPECT_EQ(m.state(), service_state::stopped);
}

TEST(ServiceMachinePidfile, HupAndUsr2GoOnlyToTheDaemon) {
  launched_service s;
  EXPECT_TRUE(s.m.forward(SIGHUP).empty()); // never to the command starting it
  s.m.pidfile_reported(answer(s.find_request, pidfile_finding::found, 20), t0() + 1s);
  auto actions = s.m.forward(SIGUSR2);
  auto* sig = find<signal_action>(actions);
  ASSERT_NE(sig, nullptr);
  EXPECT_EQ(sig->signo, SIGUSR2);
  EXPECT_FALSE(sig->group);
  EXPECT_EQ(s.m.pid(), 20);
}

TEST(ServiceMachinePidfile, AMainPidfileServiceEndsTheRunWithTheDaemonsCode) {
  auto settings = daemon_settings();
  settings.main = true;
  settings.restart.mode = restart_mode::never;
  watched_service s(settings);
  auto ended = s.m.exited(20, exit_status::exited(4), t0() + 5s);
  auto gone = s.m.pidfile_reported(answer(ended, pidfile_finding::gone, 20), t0() + 6s);
  auto* report = find<report_action>(gone);
  ASSERT_NE(report, nullptr);
  EXPECT_EQ(report->kind, report_kind::main_exited);
  EXPECT_EQ(report->code, 4);
}

TEST(ServiceMachinePidfile, AReplacementActorTakesTheProcessAsTheDaemon) {
  service_machine m{daemon_settings()};
  auto actions = m.adopt(20, t0());
  EXPECT_EQ(m.daemon_pid(), 20);
  EXPECT_EQ(m.state(), service_state::running);
  EXPECT_TRUE(logs(actions, "took over its daemon (pid 20)"));
  auto ended = m.exited(20, exit_status::exited(0), t0() + 5s);
  EXPECT_EQ(find<pidfile_action>(ended)->step, pidfile_step::follow);
}

TEST(ServiceMachinePidfile, PlainServicesAreUnchanged) {
  service_machine m{service_settings{}};
  m.boot();
  auto launched = m.launched(10, t0());
  EXPECT_FALSE(has<pidfile_action>(launched));
  EXPECT_EQ(m.pidfile_state(), pidfile_phase::none);
  EXPECT_TRUE(m.pidfile_reported(pidfile_report{pidfile_finding::found, 0, 5, true, ""}, t0())
                .empty());
  auto stop = m.stop();
  EXPECT_TRUE(find<signal_action>(stop)->group);
  EXPECT_TRUE(logs(stop, "SIGTERM to its process group"));
}

} // namespace
} // namespace wm

// The status record a service actor answers with: its machine's state and
// steady-clock times turned into wall-clock times, and its spec's policies.

#include "actors/service_status_of.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace wm {
namespace {

using namespace std::chrono_literals;

steady_time s0() {
  return steady_time{} + 5000s;
}

system_time w0() {
  return std::chrono::system_clock::from_time_t(1796323774);
}

service_spec spec_named(const std::string& name) {
  service_spec spec;
  spec.name = name;
  spec.source = "service/" + name;
  spec.restart.mode = restart_mode::on_failure;
  spec.stop_signal = SIGINT;
  spec.stop_timeout = 2s;
  return spec;
}

service_settings settings_of(const service_spec& spec) {
  service_settings s;
  s.restart = spec.restart;
  s.stop_signal = spec.stop_signal;
  s.stop_timeout = spec.stop_timeout;
  s.autostart = spec.autostart;
  return s;
}

TEST(ServiceStatusOf, SteadyTimesBecomeWallClockTimes) {
  EXPECT_EQ(to_system_time(s0() - 3s, s0(), w0()), w0() - 3s);
  EXPECT_EQ(to_system_time(s0() + 250ms, s0(), w0()), w0() + 250ms);
}

TEST(ServiceStatusOf, FromTheSpecAlone) {
  auto spec = spec_named("web");
  spec.autostart = false;
  auto status = status_from_spec(spec);
  EXPECT_EQ(status.name, "web");
  EXPECT_EQ(status.source, "service/web");
  EXPECT_FALSE(status.state);
  EXPECT_FALSE(status.autostart);
  EXPECT_EQ(status.restart.mode, restart_mode::on_failure);
  EXPECT_EQ(status.stop_signal, SIGINT);
  EXPECT_EQ(status.stop_timeout, 2s);
}

TEST(ServiceStatusOf, RunningProcess) {
  auto spec = spec_named("web");
  service_machine machine{settings_of(spec)};
  machine.boot();
  machine.launched(42, s0() - 10s);
  auto status = status_of(spec, machine, s0(), w0());
  EXPECT_EQ(status.state, service_state::starting);
  EXPECT_EQ(status.pid, 42);
  EXPECT_EQ(status.pgid, 42);
  EXPECT_EQ(status.started_at, w0() - 10s);
  EXPECT_FALSE(status.last_exit);
  EXPECT_EQ(status.restarts, 0u);
}

TEST(ServiceStatusOf, BackoffAfterAFailedRun) {
  auto spec = spec_named("crash");
  service_machine machine{settings_of(spec)};
  machine.boot();
  machine.launched(42, s0() - 1s);
  machine.exited(42, exit_status::exited(3), s0() - 900ms);
  auto status = status_of(spec, machine, s0(), w0());
  EXPECT_EQ(status.state, service_state::backoff);
  EXPECT_EQ(status.pid, 0);
  EXPECT_FALSE(status.started_at); // no process runs
  EXPECT_EQ(status.restarts, 1u);
  ASSERT_TRUE(status.last_exit);
  EXPECT_EQ(status.last_exit->status, exit_status::exited(3));
  EXPECT_EQ(status.last_exit->at, w0() - 900ms);
  // The first backoff is 0.1 s after the exit.
  EXPECT_EQ(status.next_start, w0() - 800ms);
}

TEST(ServiceStatusOf, FailedStartCountsAsTheLastExit) {
  auto spec = spec_named("missing");
  service_machine machine{settings_of(spec)};
  machine.boot();
  machine.launch_failed("no such file", 127, s0());
  auto status = status_of(spec, machine, s0(), w0());
  ASSERT_TRUE(status.last_exit);
  EXPECT_EQ(status.last_exit->status, exit_status::exited(127));
  EXPECT_EQ(status.last_exit->at, w0());
}

TEST(ServiceStatusOf, FatalWithItsReason) {
  auto spec = spec_named("db");
  service_machine machine{settings_of(spec)};
  machine.fail_permanently("unknown user \"postgres\"");
  auto status = status_of(spec, machine, s0(), w0());
  EXPECT_EQ(status.state, service_state::fatal);
  EXPECT_EQ(status.fatal_reason, "unknown user \"postgres\"");
}

} // namespace
} // namespace wm

#pragma once
// The life of one service, as a pure state machine: events go in (the process
// was launched, it exited, a timer fired, a stop was asked for), actions come
// out (launch, signal, arm a timer, log, report to the supervisor). The
// service actor only carries the actions out, so every rule here is tested
// without a process, a clock or an actor.
//
//                 boot / adopt
//     stopped ───────────────> starting ──startsecs──> running
//        ^                      │    ^                    │
//        │                      │    │ backoff timer      │ exit
//        │             exit ────┼────┴─── backoff <───────┤ short run: wait
//        │                      │                         │ good run: start at once
//        │                      │                         │ policy says no: exited
//        │                      │                         │ budget spent: fatal
//        └──── stopping <───────┴──── stop ───────────────┘
//
// A stop in backoff goes straight to stopped; exited and fatal stay as they
// are. The main service never restarts: its exit is reported with its code.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "messages/exit_status.hpp"
#include "messages/log_level.hpp"
#include "messages/restart_policy.hpp"
#include "messages/service_report.hpp"
#include "messages/service_state.hpp"

namespace wm {

enum class timer_kind : std::uint8_t {
  startsecs, ///< the start has lasted long enough to count
  backoff,   ///< the wait before the next start is over
  stop_kill, ///< the stop timeout is over: SIGKILL
};

/// Start the command (the actor asks the reaper).
struct launch_action {
  friend bool operator==(const launch_action&, const launch_action&) = default;
};

/// Send `signo` to the current process, or to its whole process group.
struct signal_action {
  int signo = 0;
  bool group = false;
  friend bool operator==(const signal_action&, const signal_action&) = default;
};

/// Deliver timer_fired(kind, generation) after `delay`.
struct timer_action {
  timer_kind kind = timer_kind::backoff;
  millis delay{0};
  std::uint64_t generation = 0;
  friend bool operator==(const timer_action&, const timer_action&) = default;
};

struct log_action {
  log_level level = log_level::info;
  std::string text;
  friend bool operator==(const log_action&, const log_action&) = default;
};

/// Tell the supervisor (see service_report.hpp).
struct report_action {
  report_kind kind = report_kind::stopped;
  int code = 0;
  friend bool operator==(const report_action&, const report_action&) = default;
};

using service_action =
  std::variant<launch_action, signal_action, timer_action, log_action, report_action>;

/// The settings of a service that the machine acts on.
struct service_settings {
  restart_policy restart;
  int stop_signal = 15;
  millis stop_timeout{5000};
  bool main = false;
  bool autostart = true;
};

class service_machine {
public:
  using actions = std::vector<service_action>;

  explicit service_machine(service_settings settings);

  /// wingmate has started: launch, or stay stopped (autostart: false).
  actions boot();

  /// The service can never run (an unknown user, say): fatal, with `reason`.
  actions fail_permanently(std::string reason);

  /// A replacement actor takes over a process that is still running.
  actions adopt(pid_t pid, steady_time now);

  /// The process exists and has exec'd its program.
  actions launched(pid_t pid, steady_time now);

  /// The program could not be started; `shell_code` is 127 or 126.
  actions launch_failed(const std::string& message, int shell_code, steady_time now);

  /// The reaper saw process `pid` end.
  actions exited(pid_t pid, const exit_status& status, steady_time now);

  actions timer_fired(timer_kind kind, std::uint64_t generation, steady_time now);

  /// wingmate is stopping: stop the process, or settle at once.
  actions stop();

  /// Pass `signo` to the running process (SIGHUP, SIGUSR2); nothing is
  /// queued when no process runs.
  actions forward(int signo) const;

  service_state state() const { return state_; }
  pid_t pid() const { return pid_; }
  unsigned restarts() const { return restarts_; }
  const std::optional<exit_status>& last_exit() const { return last_exit_; }
  /// When the last exit (or failed start) happened.
  std::optional<steady_time> last_exit_at() const { return last_exit_at_; }
  std::optional<steady_time> started_at() const { return started_at_; }
  /// When the next start is due (in backoff).
  std::optional<steady_time> next_start() const { return next_start_; }
  /// Why the service is fatal.
  const std::string& fatal_reason() const { return fatal_reason_; }
  const service_settings& settings() const { return settings_; }

private:
  actions start_now();
  actions after_end(const std::string& what, bool failed_to_start, millis ran, steady_time now,
                    const exit_status& status);
  actions give_up(std::string reason);
  actions begin_stopping();
  timer_action arm(timer_kind kind, millis delay);
  bool is_current(timer_kind kind, std::uint64_t generation) const;

  service_settings settings_;
  service_state state_ = service_state::stopped;
  pid_t pid_ = 0;
  bool stop_requested_ = false;
  bool launch_in_flight_ = false;
  unsigned restarts_ = 0;
  unsigned short_runs_ = 0;
  restart_budget budget_;
  std::optional<exit_status> last_exit_;
  std::optional<steady_time> last_exit_at_;
  std::optional<steady_time> started_at_;
  std::optional<steady_time> next_start_;
  std::string fatal_reason_;
  std::uint64_t generation_[3] = {0, 0, 0};
};

} // namespace wm

#include "actors/service_machine.hpp"

#include <csignal>

#include "messages/duration.hpp"
#include "messages/signal_names.hpp"

namespace wm {

service_machine::service_machine(service_settings settings)
  : settings_(std::move(settings)),
    budget_(settings_.restart.max_restarts, settings_.restart.restart_window) {
}

service_machine::actions service_machine::boot() {
  if (!settings_.autostart)
    return {log_action{log_level::info, "not started (autostart is false)"}};
  return start_now();
}

service_machine::actions service_machine::fail_permanently(std::string reason) {
  return give_up(std::move(reason));
}

service_machine::actions service_machine::adopt(pid_t pid, steady_time now) {
  pid_ = pid;
  started_at_ = now;
  state_ = service_state::running;
  return {log_action{log_level::warning,
                     "took over its running process (pid " + std::to_string(pid)
                       + ") after wingmate restarted the actor that supervises it"}};
}

service_machine::actions service_machine::launched(pid_t pid, steady_time now) {
  if (!launch_in_flight_)
    return {};
  launch_in_flight_ = false;
  pid_ = pid;
  started_at_ = now;
  actions out{log_action{log_level::info, "started (pid " + std::to_string(pid) + ")"}};
  if (stop_requested_) {
    auto stopping = begin_stopping();
    out.insert(out.end(), stopping.begin(), stopping.end());
    return out;
  }
  if (settings_.restart.startsecs.count() <= 0) {
    state_ = service_state::running;
    return out;
  }
  state_ = service_state::starting;
  out.push_back(arm(timer_kind::startsecs, settings_.restart.startsecs));
  return out;
}

service_machine::actions service_machine::launch_failed(const std::string& message,
                                                        int shell_code, steady_time now) {
  if (!launch_in_flight_)
    return {};
  launch_in_flight_ = false;
  pid_ = 0;
  last_exit_ = exit_status::exited(shell_code);
  last_exit_at_ = now;
  if (stop_requested_) {
    state_ = service_state::stopped;
    return {log_action{log_level::warning, "could not start: " + message},
            report_action{report_kind::stopped, 0}};
  }
  if (settings_.main) {
    state_ = service_state::exited;
    return {log_action{log_level::error, "could not start: " + message
                                           + "; stopping wingmate with exit code "
                                           + std::to_string(shell_code)},
            report_action{report_kind::main_exited, shell_code}};
  }
  return after_end("could not start: " + message, true, millis{0}, now, *last_exit_);
}

service_machine::actions service_machine::exited(pid_t pid, const exit_status& status,
                                                 steady_time now) {
  if (pid == 0 || pid != pid_)
    return {};
  pid_ = 0;
  last_exit_ = status;
  last_exit_at_ = now;
  const auto ran = std::chrono::duration_cast<millis>(now - started_at_.value_or(now));

  if (state_ == service_state::stopping) {
    state_ = service_state::stopped;
    return {log_action{log_level::info, "stopped (" + status.describe() + ")"},
            report_action{report_kind::stopped, 0}};
  }
  if (settings_.main) {
    state_ = service_state::exited;
    return {log_action{status.success() ? log_level::info : log_level::warning,
                       "main command " + status.describe() + " after " + format_duration(ran)
                         + "; stopping wingmate with exit code "
                         + std::to_string(status.shell_code())},
            report_action{report_kind::main_exited, status.shell_code()}};
  }
  return after_end(status.describe() + " after " + format_duration(ran), false, ran, now,
                   status);
}

service_machine::actions service_machine::after_end(const std::string& what,
                                                    bool failed_to_start, millis ran,
                                                    steady_time now,
                                                    const exit_status& status) {
  const log_level level =
    failed_to_start || !status.success() ? log_level::warning : log_level::info;

  if (!wants_restart(settings_.restart.mode, status)) {
    state_ = service_state::exited;
    return {log_action{level, what + "; not started again (restart: "
                                + std::string(to_string(settings_.restart.mode)) + ")"}};
  }

  const bool good_run = !failed_to_start && ran >= settings_.restart.startsecs;
  short_runs_ = good_run ? 0 : short_runs_ + 1;

  if (!budget_.try_spend(now)) {
    actions out{log_action{level, what}};
    auto fatal = give_up("restarted " + std::to_string(settings_.restart.max_restarts)
                         + " times within "
                         + format_duration(settings_.restart.restart_window)
                         + " (max_restarts)");
    out.insert(out.end(), fatal.begin(), fatal.end());
    return out;
  }
  ++restarts_;

  const millis delay = backoff_delay(settings_.restart.backoff, short_runs_);
  if (delay.count() == 0) {
    actions out{log_action{level, what + "; starting it again"}};
    auto start = start_now();
    out.insert(out.end(), start.begin(), start.end());
    return out;
  }
  state_ = service_state::backoff;
  next_start_ = now + delay;
  std::string why = failed_to_start
                      ? ""
                      : " (it ran less than startsecs = "
                          + format_duration(settings_.restart.startsecs) + ")";
  return {log_action{level, what + "; starting it again in " + format_duration(delay) + why},
          arm(timer_kind::backoff, delay)};
}

service_machine::actions service_machine::timer_fired(timer_kind kind,
                                                      std::uint64_t generation,
                                                      steady_time) {
  if (!is_current(kind, generation))
    return {};
  switch (kind) {
    case timer_kind::startsecs:
      if (state_ == service_state::starting && pid_ != 0)
        state_ = service_state::running;
      return {};
    case timer_kind::backoff:
      if (state_ != service_state::backoff)
        return {};
      next_start_.reset();
      return start_now();
    case timer_kind::stop_kill:
      if (state_ != service_state::stopping || pid_ == 0)
        return {};
      return {log_action{log_level::warning,
                         "still running " + format_duration(settings_.stop_timeout) + " after "
                           + signal_name(settings_.stop_signal)
                           + "; sending SIGKILL to its process group"},
              signal_action{SIGKILL, true}};
  }
  return {};
}

service_machine::actions service_machine::stop() {
  stop_requested_ = true;
  switch (state_) {
    case service_state::starting:
      if (launch_in_flight_)
        return {}; // settled when the launch reports back
      return begin_stopping();
    case service_state::running:
      return begin_stopping();
    case service_state::backoff:
      state_ = service_state::stopped;
      next_start_.reset();
      ++generation_[static_cast<int>(timer_kind::backoff)];
      return {log_action{log_level::info, "stopped (it was waiting to start again)"},
              report_action{report_kind::stopped, 0}};
    case service_state::stopping:
      return {};
    case service_state::stopped:
    case service_state::exited:
    case service_state::fatal:
      return {report_action{report_kind::stopped, 0}};
  }
  return {};
}

service_machine::actions service_machine::forward(int signo) const {
  const bool alive = state_ == service_state::starting || state_ == service_state::running;
  if (!alive || pid_ == 0)
    return {};
  return {signal_action{signo, false}};
}

service_machine::actions service_machine::start_now() {
  state_ = service_state::starting;
  pid_ = 0;
  launch_in_flight_ = true;
  return {launch_action{}};
}

service_machine::actions service_machine::give_up(std::string reason) {
  state_ = service_state::fatal;
  pid_ = 0;
  next_start_.reset();
  fatal_reason_ = std::move(reason);
  if (settings_.restart.on_fatal == fatal_action::shutdown)
    return {log_action{log_level::error, "gave up: " + fatal_reason_
                                           + "; stopping wingmate (on_fatal: shutdown)"},
            report_action{report_kind::fatal_shutdown, 1}};
  return {log_action{log_level::error,
                     "gave up: " + fatal_reason_
                       + "; it stays down while everything else runs (on_fatal: ignore)"}};
}

service_machine::actions service_machine::begin_stopping() {
  state_ = service_state::stopping;
  return {log_action{log_level::debug,
                     "stopping: " + signal_name(settings_.stop_signal) + " to its process group"},
          signal_action{settings_.stop_signal, true},
          arm(timer_kind::stop_kill, settings_.stop_timeout)};
}

timer_action service_machine::arm(timer_kind kind, millis delay) {
  auto& generation = generation_[static_cast<int>(kind)];
  return timer_action{kind, delay, ++generation};
}

bool service_machine::is_current(timer_kind kind, std::uint64_t generation) const {
  return generation_[static_cast<int>(kind)] == generation;
}

} // namespace wm

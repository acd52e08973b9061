// The part of the service machine that only pidfile services use. The
// launched command is not the service: it starts the daemon, which writes
// its pid to the pidfile, and the pidfile watcher finds and validates it.
//
//   launched ──> awaiting ──found──> watching <──successor found, still running──┐
//                  │                     │                                      │
//                  │                     └──daemon ends──> following ───────────┘
//                  │ command fails,                           │ no successor
//                  │ no usable pidfile in time                v
//                  v                                     end of the run
//             failed start                          (restart policy applies)
//        (restart policy applies)
//
// A run counts from the moment the daemon is found: startsecs is how long
// the daemon must then stay up, pidfile_timeout how long finding it may take.

#include "actors/service_machine.hpp"

#include <iterator>

#include "messages/duration.hpp"
#include "messages/signal_names.hpp"

namespace wm {

namespace {

using actions = service_machine::actions;

// A start that produced no daemon is a failure for the restart policy
// (restart: on-failure retries it), whatever its command's exit code was; a
// daemon that ended out of wingmate's sight counts the same.
exit_status failure() {
  return exit_status::exited(1);
}

void append(actions& out, actions more) {
  out.insert(out.end(), std::make_move_iterator(more.begin()),
             std::make_move_iterator(more.end()));
}

std::string pid_text(pid_t pid) {
  return "pid " + std::to_string(pid);
}

// How a daemon ended; without a status it was not wingmate's child.
std::string describe_end(const std::optional<exit_status>& status) {
  return status ? status->describe()
                : std::string("ended out of wingmate's sight, exit status unknown");
}

} // namespace

actions service_machine::await_daemon(pid_t launcher) {
  launcher_pid_ = launcher;
  daemon_pid_ = 0;
  ended_daemon_pid_ = 0;
  abandon_reason_.clear();
  pidfile_phase_ = pidfile_phase::awaiting;
  state_ = service_state::starting;
  // A startsecs timer of an earlier run must not mark this one as up: the
  // run starts when the daemon is found.
  ++generation_[static_cast<int>(timer_kind::startsecs)];
  if (stop_requested_)
    return begin_stopping();
  return {log_action{log_level::info, "waiting up to " + format_duration(settings_.pidfile_timeout)
                                        + " for its daemon to write a fresh "
                                        + settings_.pidfile},
          ask_watcher(pidfile_step::find)};
}

actions service_machine::pidfile_process_exited(pid_t pid, const exit_status& status,
                                                steady_time now) {
  if (pid == 0)
    return {};
  if (pidfile_phase_ == pidfile_phase::watching && pid == daemon_pid_) {
    if (pid == launcher_pid_)
      launcher_pid_ = 0; // a command that wrote its own pid
    return daemon_ended(status, now);
  }
  if (pid == launcher_pid_) {
    launcher_pid_ = 0;
    return launcher_ended(status, now);
  }
  return {};
}

actions service_machine::launcher_ended(const exit_status& status, steady_time now) {
  if (pidfile_phase_ != pidfile_phase::awaiting)
    return {log_action{log_level::debug, "the command that started its daemon has ended ("
                                           + status.describe() + ")"}};
  pid_ = 0;
  if (state_ == service_state::stopping) {
    state_ = service_state::stopped;
    pidfile_phase_ = pidfile_phase::none;
    last_exit_ = status;
    return {ask_watcher(pidfile_step::cancel),
            log_action{log_level::info, "stopped (" + status.describe() + ")"},
            report_action{report_kind::stopped, 0}};
  }
  if (!abandon_reason_.empty()) {
    last_exit_ = status;
    return failed_start(abandon_reason_ + "; its command then " + status.describe(), failure(),
                        now);
  }
  if (status.success())
    return {log_action{log_level::info, "its command exited with code 0; waiting for its daemon "
                                        "to write " + settings_.pidfile}};
  last_exit_ = status;
  actions out{ask_watcher(pidfile_step::cancel)};
  append(out, failed_start(status.describe() + " before a daemon wrote " + settings_.pidfile,
                           status, now));
  return out;
}

actions service_machine::daemon_ended(const std::optional<exit_status>& status,
                                      steady_time now) {
  const pid_t ended = daemon_pid_;
  daemon_pid_ = 0;
  pid_ = 0;
  const std::string how = describe_end(status);
  if (state_ == service_state::stopping) {
    state_ = service_state::stopped;
    pidfile_phase_ = pidfile_phase::none;
    if (status)
      last_exit_ = *status;
    return {ask_watcher(pidfile_step::cancel),
            log_action{log_level::info, "stopped (daemon " + pid_text(ended) + " " + how + ")"},
            report_action{report_kind::stopped, 0}};
  }
  pidfile_phase_ = pidfile_phase::following;
  ended_daemon_pid_ = ended;
  ended_daemon_status_ = status;
  ended_daemon_at_ = now;
  return {log_action{log_level::debug, "daemon " + pid_text(ended) + " " + how + "; checking "
                                         + settings_.pidfile + " for a successor"},
          ask_watcher(pidfile_step::follow, ended)};
}

actions service_machine::pidfile_reported(const pidfile_report& report, steady_time now) {
  if (!is_pidfile_service() || report.generation != pidfile_generation_)
    return {}; // about an earlier start or watch
  switch (report.finding) {
    case pidfile_finding::found:
      if (pidfile_phase_ == pidfile_phase::awaiting && state_ == service_state::starting)
        return daemon_found(report, now);
      if (pidfile_phase_ == pidfile_phase::following)
        return successor_found(report, now);
      return {};
    case pidfile_finding::not_found:
      if (pidfile_phase_ != pidfile_phase::awaiting || state_ != service_state::starting)
        return {};
      return no_daemon(report.detail, now);
    case pidfile_finding::vanished:
      if (pidfile_phase_ != pidfile_phase::watching || report.pid != daemon_pid_)
        return {};
      return daemon_ended(std::nullopt, now);
    case pidfile_finding::still_running:
      if (pidfile_phase_ != pidfile_phase::following || report.pid != ended_daemon_pid_)
        return {};
      return daemon_still_running(report.pid);
    case pidfile_finding::gone:
      if (pidfile_phase_ != pidfile_phase::following)
        return {};
      return daemon_gone(now);
  }
  return {};
}

actions service_machine::daemon_found(const pidfile_report& report, steady_time now) {
  const bool itself = report.pid == launcher_pid_;
  daemon_since_ = now;
  actions out{log_action{log_level::info, "found daemon " + pid_text(report.pid) + " in "
                                            + settings_.pidfile
                                            + (itself ? " (the command itself)" : "")}};
  append(out, watch_daemon(report));
  if (settings_.restart.startsecs.count() <= 0)
    state_ = service_state::running;
  else
    out.push_back(arm(timer_kind::startsecs, settings_.restart.startsecs));
  return out;
}

actions service_machine::successor_found(const pidfile_report& report, steady_time now) {
  actions out{log_action{log_level::info,
                         "following the daemon from " + pid_text(ended_daemon_pid_) + " to "
                           + pid_text(report.pid) + ", now named by " + settings_.pidfile}};
  ended_daemon_pid_ = 0;
  append(out, watch_daemon(report));
  if (state_ == service_state::starting) {
    // The run goes on: only what is left of startsecs remains to wait.
    const auto up = std::chrono::duration_cast<millis>(now - daemon_since_);
    const millis left = settings_.restart.startsecs - up;
    if (left.count() <= 0)
      state_ = service_state::running;
    else
      out.push_back(arm(timer_kind::startsecs, left));
  }
  return out;
}

actions service_machine::daemon_still_running(pid_t pid) {
  ended_daemon_pid_ = 0;
  daemon_pid_ = pid;
  pid_ = pid;
  pidfile_phase_ = pidfile_phase::watching;
  // The reaper handed out an exit it had kept for an earlier process with
  // this pid, and forgot the daemon: register it again.
  return {log_action{log_level::warning,
                     "an exit was reported for daemon " + pid_text(pid)
                       + ", but the process it validated under that pid still runs (the exit was "
                         "an earlier process's); still watching it"},
          adopt_action{pid}};
}

actions service_machine::watch_daemon(const pidfile_report& report) {
  daemon_pid_ = report.pid;
  pid_ = report.pid;
  pid_leads_group_ = report.leads_group;
  pidfile_phase_ = pidfile_phase::watching;
  if (report.pid == launcher_pid_)
    return {}; // the reaper launched it: it knows it already
  return {adopt_action{report.pid}};
}

actions service_machine::adopt_refused(pid_t pid, const std::string& why, steady_time now) {
  if (pid == 0 || pid != daemon_pid_)
    return {};
  // Never signal it again: it is not ours. What is left is the command, if
  // it still runs, which leads its own group as every launch does.
  daemon_pid_ = 0;
  pid_ = launcher_pid_;
  pid_leads_group_ = true;
  // Back to awaiting, so that the command's exit ends this start as failed.
  pidfile_phase_ = pidfile_phase::awaiting;
  actions out{ask_watcher(pidfile_step::cancel)};
  append(out, no_daemon("its pidfile " + settings_.pidfile + " names " + why, now));
  return out;
}

actions service_machine::no_daemon(const std::string& detail, steady_time now) {
  if (launcher_pid_ != 0) {
    // The command still runs but gave no daemon: stop it like a service,
    // and its exit is the failed start.
    abandon_reason_ = detail;
    return {log_action{log_level::warning,
                       detail + "; stopping its command (" + pid_text(launcher_pid_) + ") with "
                         + signal_name(settings_.stop_signal)},
            signal_action{settings_.stop_signal, pid_leads_group_},
            arm(timer_kind::stop_kill, settings_.stop_timeout)};
  }
  return failed_start(detail, failure(), now);
}

actions service_machine::daemon_gone(steady_time now) {
  const auto ran = std::chrono::duration_cast<millis>(ended_daemon_at_ - daemon_since_);
  const std::string what =
    "daemon " + pid_text(ended_daemon_pid_) + " "
    + (ended_daemon_status_ ? ended_daemon_status_->describe() + " after " + format_duration(ran)
                            : "ended out of wingmate's sight after " + format_duration(ran)
                                + " (exit status unknown)");
  const exit_status status = ended_daemon_status_.value_or(failure());
  if (ended_daemon_status_)
    last_exit_ = *ended_daemon_status_;
  ended_daemon_pid_ = 0;
  pidfile_phase_ = pidfile_phase::none;
  return end_of_run(what, ran, now, status);
}

actions service_machine::adopt_daemon(pid_t pid, steady_time now) {
  // A replacement actor cannot tell the daemon from a command still
  // starting it; as the daemon, a command that exits 0 is followed to the
  // daemon its pidfile then names. Its group is unknown: signal it alone.
  pid_ = pid;
  daemon_pid_ = pid;
  pid_leads_group_ = false;
  started_at_ = now;
  daemon_since_ = now;
  state_ = service_state::running;
  pidfile_phase_ = pidfile_phase::watching;
  return {log_action{log_level::warning,
                     "took over its daemon (" + pid_text(pid)
                       + ") after wingmate restarted the actor that supervises it"}};
}

std::optional<actions> service_machine::stop_pidfile_service() {
  const bool live = state_ == service_state::starting || state_ == service_state::running;
  if (!live || launch_in_flight_)
    return std::nullopt; // the common rules apply
  actions out;
  // A watched daemon stays watched: its end, wherever it is seen, is the
  // end of the stop.
  if (pidfile_phase_ != pidfile_phase::watching)
    out.push_back(ask_watcher(pidfile_step::cancel));
  if (pid_ == 0) {
    // Its command has exited and no daemon is known (not yet, or no longer):
    // nothing to signal. A daemon that shows up later meets the final sweep.
    state_ = service_state::stopped;
    pidfile_phase_ = pidfile_phase::none;
    out.push_back(log_action{log_level::info,
                             "stopped (no daemon was running; " + settings_.pidfile
                               + " had not named one yet)"});
    out.push_back(report_action{report_kind::stopped, 0});
    return out;
  }
  append(out, begin_stopping());
  return out;
}

actions service_machine::failed_start(const std::string& what, const exit_status& status,
                                      steady_time now) {
  pidfile_phase_ = pidfile_phase::none;
  abandon_reason_.clear();
  pid_ = 0;
  if (settings_.main) {
    state_ = service_state::exited;
    return {log_action{log_level::error, "could not start: " + what
                                           + "; stopping wingmate with exit code "
                                           + std::to_string(status.shell_code())},
            report_action{report_kind::main_exited, status.shell_code()}};
  }
  return after_end("could not start: " + what, true, millis{0}, now, status);
}

actions service_machine::end_of_run(const std::string& what, millis ran, steady_time now,
                                    const exit_status& status) {
  if (settings_.main) {
    state_ = service_state::exited;
    return {log_action{status.success() ? log_level::info : log_level::warning,
                       "main " + what + "; stopping wingmate with exit code "
                         + std::to_string(status.shell_code())},
            report_action{report_kind::main_exited, status.shell_code()}};
  }
  return after_end(what, false, ran, now, status);
}

pidfile_action service_machine::ask_watcher(pidfile_step step, pid_t pid) {
  return pidfile_action{step, ++pidfile_generation_, pid, settings_.pidfile_timeout};
}

std::string service_machine::signal_target() const {
  if (!is_pidfile_service() || pid_ != daemon_pid_)
    return "its process group";
  return "daemon " + pid_text(pid_) + (pid_leads_group_ ? " and its process group" : "");
}

} // namespace wm

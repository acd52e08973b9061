#include "actors/cron_job_machine.hpp"

#include <algorithm>

#include "messages/duration.hpp"
#include "messages/local_time.hpp"
#include "messages/signal_names.hpp"

namespace wm {

namespace {

millis elapsed(steady_time since, steady_time now) {
  return std::chrono::duration_cast<millis>(now - since);
}

std::string plural(std::uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

} // namespace

cron_job_machine::cron_job_machine(std::string name, std::string schedule_text,
                                   cron_settings settings)
  : settings_(settings) {
  state_.name = std::move(name);
  state_.schedule = std::move(schedule_text);
}

cron_job_machine::actions cron_job_machine::fail_permanently(std::string reason,
                                                           const std::string& where) {
  state_.fatal_reason = std::move(reason);
  state_.next_run.reset();
  const std::string in = where.empty() ? "" : " (" + where + ")";
  return {log_action{log_level::error, "never runs: " + state_.fatal_reason + in
                                         + "; everything else runs on (fix the entry and "
                                           "restart wingmate)"}};
}

cron_job_machine::actions cron_job_machine::due(std::time_t due, wall_instant now,
                                                steady_time now_steady) {
  if (!state_.fatal_reason.empty() || stopping_)
    return {};
  if (settings_.overlap == overlap_policy::skip && !runs_.empty()) {
    ++state_.skipped_runs;
    const run_record& going = runs_.back();
    const std::string previous =
      going.pid == 0 ? "the previous run is still starting"
                     : "the previous run (pid " + std::to_string(going.pid)
                         + ") has been going for "
                         + format_duration(elapsed(going.started, now_steady));
    return {log_action{log_level::warning,
                       "skipped its run due at " + format_local_iso(due) + ": " + previous
                         + " (overlap: skip); " + plural(state_.skipped_runs, "run")
                         + " skipped so far"}};
  }
  runs_.push_back(run_record{++last_run_id_, 0, now_steady});
  ++state_.runs;
  state_.last_start = now;
  return {cron_launch_action{last_run_id_}};
}

cron_job_machine::actions cron_job_machine::launched(std::uint64_t run, pid_t pid) {
  run_record* record = find_run(run);
  if (!record)
    return {};
  record->pid = pid;
  actions out{log_action{log_level::info, "started (pid " + std::to_string(pid) + ")"}};
  if (stopping_) {
    auto stop_actions = stop_run(*record, "wingmate is stopping");
    out.insert(out.end(), stop_actions.begin(), stop_actions.end());
  } else if (settings_.timeout.count() > 0) {
    out.push_back(cron_timer_action{cron_timer_kind::timeout, run, settings_.timeout});
  }
  return out;
}

cron_job_machine::actions cron_job_machine::launch_failed(std::uint64_t run,
                                                          const std::string& message,
                                                          int shell_code, wall_instant now) {
  run_record* record = find_run(run);
  if (!record)
    return {};
  cron_run_result result;
  result.status = exit_status::exited(shell_code);
  result.start_error = message;
  return finish(*record, std::move(result), now, millis{0});
}

cron_job_machine::actions cron_job_machine::exited(pid_t pid, const exit_status& status,
                                                   wall_instant now, steady_time now_steady) {
  auto it = std::find_if(runs_.begin(), runs_.end(),
                         [pid](const run_record& r) { return pid != 0 && r.pid == pid; });
  if (it == runs_.end())
    return {};
  cron_run_result result;
  result.status = status;
  result.timed_out = it->timed_out;
  return finish(*it, std::move(result), now, elapsed(it->started, now_steady));
}

cron_job_machine::actions cron_job_machine::finish(run_record run, cron_run_result result,
                                                   wall_instant now, millis took) {
  std::erase_if(runs_, [&](const run_record& r) { return r.id == run.id; });
  std::string text;
  log_level level = log_level::info;
  if (!result.start_error.empty()) {
    level = log_level::warning;
    text = result.describe() + "; it is tried again at its next run";
  } else if (run.stop_sent && !run.timed_out) {
    text = "stopped (" + result.status.describe() + " after " + format_duration(took) + ")";
  } else {
    level = result.success() ? log_level::info : log_level::warning;
    text = std::string(result.success() ? "finished: " : "failed: ") + result.describe()
           + " after " + format_duration(took);
  }
  state_.last_end = now;
  state_.last_duration = took;
  state_.last_result = std::move(result);
  actions out{log_action{level, std::move(text)}};
  report_if_stopped(out);
  return out;
}

cron_job_machine::actions cron_job_machine::timer_fired(cron_timer_kind kind,
                                                        std::uint64_t run) {
  run_record* record = find_run(run);
  if (!record || record->pid == 0)
    return {};
  if (kind == cron_timer_kind::timeout) {
    if (record->stop_sent)
      return {};
    record->timed_out = true;
    return stop_run(*record, "still running after its timeout of "
                               + format_duration(settings_.timeout));
  }
  return {log_action{log_level::warning, "still running " + format_duration(settings_.kill_grace)
                                           + " after " + signal_name(settings_.stop_signal)
                                           + "; sending SIGKILL to its process group"},
          cron_signal_action{record->pid, SIGKILL}};
}

cron_job_machine::actions cron_job_machine::stop() {
  if (stopping_)
    return {};
  stopping_ = true;
  actions out;
  for (auto& run : runs_) {
    if (run.pid == 0 || run.stop_sent)
      continue; // a launch in flight is stopped when it reports back
    auto stop_actions = stop_run(run, "wingmate is stopping");
    out.insert(out.end(), stop_actions.begin(), stop_actions.end());
  }
  report_if_stopped(out);
  return out;
}

cron_job_machine::actions cron_job_machine::adopt(pid_t pid, steady_time now_steady) {
  runs_.push_back(run_record{++last_run_id_, pid, now_steady});
  actions out{log_action{log_level::warning,
                         "took over its running process (pid " + std::to_string(pid)
                           + ") after wingmate restarted the actor that runs this job"}};
  // The first actor's timeout timer died with it: the run gets a full
  // timeout from now.
  if (settings_.timeout.count() > 0)
    out.push_back(cron_timer_action{cron_timer_kind::timeout, last_run_id_, settings_.timeout});
  return out;
}

void cron_job_machine::set_next_run(std::optional<std::time_t> next) {
  if (next && state_.fatal_reason.empty())
    state_.next_run = to_wall_instant(*next);
  else
    state_.next_run.reset();
}

cron_job_state cron_job_machine::state() const {
  cron_job_state copy = state_;
  for (const auto& run : runs_)
    if (run.pid != 0)
      copy.running_pids.push_back(run.pid);
  return copy;
}

cron_job_machine::run_record* cron_job_machine::find_run(std::uint64_t id) {
  auto it = std::find_if(runs_.begin(), runs_.end(),
                         [id](const run_record& r) { return r.id == id; });
  return it == runs_.end() ? nullptr : &*it;
}

cron_job_machine::actions cron_job_machine::stop_run(run_record& run, const std::string& why) {
  run.stop_sent = true;
  const std::string signal = signal_name(settings_.stop_signal);
  return {log_action{run.timed_out ? log_level::warning : log_level::info,
                     why + "; sending " + signal + " to its process group (pid "
                       + std::to_string(run.pid) + "), SIGKILL in "
                       + format_duration(settings_.kill_grace) + " if it is still there"},
          cron_signal_action{run.pid, settings_.stop_signal},
          cron_timer_action{cron_timer_kind::kill, run.id, settings_.kill_grace}};
}

void cron_job_machine::report_if_stopped(actions& out) {
  if (stopping_ && runs_.empty() && !reported_stop_) {
    reported_stop_ = true;
    // The action is built with braces: clang before 16 cannot initialise an
    // aggregate from emplace's parentheses. (push_back of the variant makes
    // g++ 12 warn falsely of an uninitialised string.)
    out.emplace_back(std::in_place_type<report_action>, report_action{report_kind::stopped, 0});
  }
}

} // namespace wm

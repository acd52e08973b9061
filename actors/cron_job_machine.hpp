#pragma once
// The runs of one cron job, as a pure state machine: events go in (a run is
// due, its process started or could not, it exited, a timer fired, wingmate
// stops), actions come out (launch, signal a process group, arm a timer,
// log, report to the supervisor). The cron job actor only carries the
// actions out, so every rule here is tested without a process or a clock.
//
//   due ──overlap: skip, a run still going──> skipped (logged and counted)
//    │
//    └──> launching ──launched──> running ──exit──> result recorded
//             │                      │
//             └─ could not start     ├─ timeout ──> stop_signal ──5 s──> SIGKILL
//                                    └─ wingmate stops ──> stop_signal ──5 s──> SIGKILL
//
// Signals go to the run's process group. Once wingmate stops, no run
// starts; when no run is left the job reports that it has stopped.

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/cron_timetable.hpp"
#include "actors/service_machine.hpp"
#include "messages/cron_job_state.hpp"
#include "messages/cron_spec.hpp"

namespace wm {

/// How long a run gets between its stop signal and SIGKILL, after its
/// timeout or when wingmate stops.
inline constexpr millis k_cron_kill_grace{5000};

struct cron_settings {
  overlap_policy overlap = overlap_policy::skip;
  /// 0: no limit.
  millis timeout{0};
  int stop_signal = SIGTERM;
  millis kill_grace = k_cron_kill_grace;
};

enum class cron_timer_kind : std::uint8_t {
  timeout, ///< the run has outlived its timeout: stop it
  kill,    ///< the stop signal has had its time: SIGKILL
};

/// Start run number `run` (the actor asks the reaper).
struct cron_launch_action {
  std::uint64_t run = 0;
  friend bool operator==(const cron_launch_action&, const cron_launch_action&) = default;
};

/// Send `signo` to the process group that `pid` leads.
struct cron_signal_action {
  pid_t pid = 0;
  int signo = 0;
  friend bool operator==(const cron_signal_action&, const cron_signal_action&) = default;
};

/// Deliver timer_fired(kind, run) after `delay`.
struct cron_timer_action {
  cron_timer_kind kind = cron_timer_kind::timeout;
  std::uint64_t run = 0;
  millis delay{0};
  friend bool operator==(const cron_timer_action&, const cron_timer_action&) = default;
};

using cron_action = std::variant<cron_launch_action, cron_signal_action, cron_timer_action,
                                 log_action, report_action>;

class cron_job_machine {
public:
  using actions = std::vector<cron_action>;

  cron_job_machine(std::string name, std::string schedule_text, cron_settings settings);

  /// The job can never run (a bad schedule, an unknown user): logged once,
  /// naming `where` it was defined, and every due run is ignored.
  actions fail_permanently(std::string reason, const std::string& where = {});

  /// The run for fire time `due` is due now.
  actions due(std::time_t due, wall_instant now, steady_time now_steady);

  /// Run `run` has its process.
  actions launched(std::uint64_t run, pid_t pid);

  /// Run `run` could not be started; `shell_code` is 127 or 126.
  actions launch_failed(std::uint64_t run, const std::string& message, int shell_code,
                        wall_instant now);

  /// The reaper saw process `pid` end.
  actions exited(pid_t pid, const exit_status& status, wall_instant now, steady_time now_steady);

  actions timer_fired(cron_timer_kind kind, std::uint64_t run);

  /// wingmate is stopping: no new run, stop the running ones.
  actions stop();

  /// A replacement actor takes over a run that is still going.
  actions adopt(pid_t pid, steady_time now_steady);

  /// The cron clock computed the next run (nothing: never again).
  void set_next_run(std::optional<std::time_t> next);

  /// Everything the status dump shows about the job.
  cron_job_state state() const;

  bool stopping() const { return stopping_; }

private:
  struct run_record {
    std::uint64_t id = 0;
    pid_t pid = 0; ///< 0 while launching
    steady_time started;
    bool timed_out = false;
    bool stop_sent = false;
  };

  run_record* find_run(std::uint64_t id);
  actions stop_run(run_record& run, const std::string& why);
  actions finish(run_record run, cron_run_result result, wall_instant now, millis took);
  void report_if_stopped(actions& out);

  cron_settings settings_;
  cron_job_state state_;
  std::vector<run_record> runs_;
  std::uint64_t last_run_id_ = 0;
  bool stopping_ = false;
  bool reported_stop_ = false;
};

} // namespace wm

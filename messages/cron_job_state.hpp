#pragma once
// What is known about one cron job at a given moment: a plain value, kept by
// the job's actor and handed out for the status dump (cron_state_atom).

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/exit_status.hpp"

namespace wm {

/// How one run ended.
struct cron_run_result {
  /// The exit; for a run that could not start, the shell's 127 or 126.
  exit_status status;
  /// The run was stopped because it outlived its timeout.
  bool timed_out = false;
  /// Set when the program could not be started: what failed.
  std::string start_error;

  bool success() const { return start_error.empty() && !timed_out && status.success(); }

  /// Words for a log line or a status table: "exited with code 0",
  /// "killed by SIGTERM (timed out)", "could not start: ...".
  std::string describe() const;

  friend bool operator==(const cron_run_result&, const cron_run_result&) = default;
};

struct cron_job_state {
  using time_point = std::chrono::system_clock::time_point;

  std::string name;
  /// The schedule as written.
  std::string schedule;
  /// Set when the job can never run (a bad schedule, an unknown user).
  std::string fatal_reason;
  /// Runs started (a run that could not start counts too).
  std::uint64_t runs = 0;
  /// Runs not started because the previous one was still going
  /// (overlap: skip).
  std::uint64_t skipped_runs = 0;
  /// The processes of the runs going now (several only with overlap: allow).
  std::vector<pid_t> running_pids;
  /// Nothing when the job never runs again (or is fatal).
  std::optional<time_point> next_run;
  std::optional<time_point> last_start;
  /// When the last run that has finished ended, and how.
  std::optional<time_point> last_end;
  std::optional<std::chrono::milliseconds> last_duration;
  std::optional<cron_run_result> last_result;
};

} // namespace wm

#pragma once
// One cron job as the status file shows it: the record the cron side
// answers a status query with (one per job). Times are wall clock; 0 and
// empty strings mean "none".

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "messages/cron_spec.hpp"
#include "messages/exit_status.hpp"
#include "messages/status_time.hpp"

namespace wm {

enum class cron_state {
  waiting, ///< no run in progress; the next one is scheduled
  running, ///< a run is in progress (`pid`)
  stopped, ///< no more runs: wingmate is stopping
  fatal,   ///< it can never run (`fatal_reason`)
};

/// The most recent run: its start, and its end and result once it ended.
struct cron_run_record {
  system_time started_at;
  std::optional<system_time> ended_at;
  std::optional<exit_status> result;
};

struct cron_status {
  std::string name;
  /// Where it was defined: "crontab line 3", "wingmate.yaml".
  std::string source;
  /// The schedule as written.
  std::string schedule;
  cron_state state = cron_state::waiting;
  std::optional<system_time> next_run;
  std::optional<cron_run_record> last_run;
  /// The run in progress (with overlap: allow, the newest one).
  pid_t pid = 0;
  /// Runs started, and runs skipped because the previous one still ran.
  std::uint64_t runs = 0;
  std::uint64_t skipped_runs = 0;
  std::string fatal_reason;

  // -- from the spec --
  overlap_policy overlap = overlap_policy::skip;
  millis timeout{0};
  int stop_signal = SIGTERM;
};

} // namespace wm

#pragma once
// One service as the status file shows it: what its actor answers to a
// status query, built from its state machine and its spec. Times are wall
// clock (see status_time.hpp); 0 and empty strings mean "none".

#include <sys/types.h>

#include <csignal>
#include <optional>
#include <string>

#include "messages/exit_status.hpp"
#include "messages/restart_policy.hpp"
#include "messages/service_state.hpp"
#include "messages/status_time.hpp"

namespace wm {

/// How a process ended, and when.
struct exit_record {
  exit_status status;
  system_time at;
};

struct service_status {
  std::string name;
  /// Where it was defined: "service/web.sh", "command line".
  std::string source;
  /// Nothing when its actor did not answer the query; `error` says why.
  std::optional<service_state> state;
  std::string error;

  /// The running process, which leads its own process group `pgid`.
  pid_t pid = 0;
  pid_t pgid = 0;
  /// When the running process started.
  std::optional<system_time> started_at;
  unsigned restarts = 0;
  std::optional<exit_record> last_exit;
  /// When the next start is due (in backoff).
  std::optional<system_time> next_start;
  /// Why it is fatal.
  std::string fatal_reason;

  // -- from the spec --
  bool main = false;
  bool autostart = true;
  restart_policy restart;
  int stop_signal = SIGTERM;
  millis stop_timeout{5000};
  /// A service whose command daemonizes: its pidfile and the pid last
  /// found in it.
  std::string pidfile;
  pid_t watched_pid = 0;
};

} // namespace wm

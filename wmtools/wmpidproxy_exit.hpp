#pragma once
// How wmpidproxy turns the way the daemon (or CMD) ended into its own exit
// code, and into words for its messages. Pure functions of a wait status.

#include <optional>
#include <string>

namespace wm::pidproxy {

/// The stop signals wmpidproxy has passed on (TERM, INT, QUIT).
struct forwarded_stops {
  bool term = false;
  bool interrupt = false;
  bool quit = false;

  /// Records `signo` when it is a stop signal.
  void add(int signo);
  /// Whether `signo` is a stop signal that was passed on.
  bool contains(int signo) const;
  bool any() const { return term || interrupt || quit; }
};

/// The exit code for a process that ended with `wait_status` (as filled in
/// by waitpid; nothing when it was not our child and its status is
/// unknown): its exit code; 0 when a stop signal we passed on killed it;
/// 128+N for another signal N; for an unknown status 0 after a stop signal
/// was passed on, else 1.
int exit_code_for(std::optional<int> wait_status, const forwarded_stops& stops);

/// "exited with code 3", "was killed by SIGKILL".
std::string describe_wait_status(int wait_status);

/// "SIGTERM" for 15.
std::string signal_label(int signo);

} // namespace wm::pidproxy

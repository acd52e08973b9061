#pragma once
// How a child process ended, as waitpid(2) reported it. A plain value: it can
// be built from a raw wait status or from parts, so everything that turns
// exits into decisions and exit codes is testable without a process.

#include <string>

namespace wm {

class exit_status {
public:
  /// Default: a normal exit with code 0.
  exit_status() = default;

  /// Wraps the status word filled in by waitpid(2).
  static exit_status from_wait_status(int raw);

  /// A normal exit with `code` (0..255).
  static exit_status exited(int code);

  /// Death by signal `signo`.
  static exit_status killed(int signo, bool core_dumped = false);

  /// True for a normal exit, false for death by a signal.
  bool is_exit() const;

  /// The exit code; only meaningful when is_exit().
  int code() const;

  /// The signal that ended the process; 0 for a normal exit.
  int signal() const;

  /// True for exit code 0.
  bool success() const { return is_exit() && code() == 0; }

  /// The code a shell would report: the exit code, or 128 + the signal.
  int shell_code() const;

  /// Words for a log line: "exited with code 3", "killed by SIGKILL".
  std::string describe() const;

  /// The raw wait status, for transport in messages.
  int raw() const { return raw_; }

  friend bool operator==(const exit_status&, const exit_status&) = default;

private:
  explicit exit_status(int raw) : raw_(raw) {}
  int raw_ = 0;
};

} // namespace wm

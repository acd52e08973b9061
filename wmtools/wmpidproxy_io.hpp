#pragma once
// wmpidproxy's contact with the kernel outside the pidfd helper: the
// signalfd it takes its signals from, an inotify watch on the pidfile, and
// starting CMD.

#include <signal.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "wmtools/unique_fd.hpp"

namespace wm::pidproxy {

/// TERM, INT, QUIT, HUP, USR1 and USR2 (passed on) and CHLD (reaping),
/// blocked and read from a signalfd: no work happens in a signal handler.
class signal_channel {
public:
  /// Blocks the signals, sets SIGCHLD to its default action (an inherited
  /// "ignore" would make the kernel discard exit statuses), opens the
  /// signalfd. Nothing, with `error` set, when that fails.
  static std::optional<signal_channel> open(std::string& error);

  int fd() const { return fd_.get(); }
  /// The signal mask wmpidproxy was started with, for CMD.
  const sigset_t& original_mask() const { return original_mask_; }
  /// Every signal that is pending, in arrival order; never blocks.
  std::vector<int> drain() const;

private:
  unique_fd fd_;
  sigset_t original_mask_{};
};

/// Tells when one file may have changed, through inotify on its directory.
/// Inactive (fd() < 0) where inotify is unavailable or the directory does
/// not exist; callers then read the file on a timer instead.
class file_watch {
public:
  explicit file_watch(const std::string& path);

  bool active() const { return fd_.valid(); }
  int fd() const { return fd_.get(); }
  /// Consumes the pending events; true when one concerned the file.
  bool drain() const;

private:
  unique_fd fd_;
  std::string name_;
};

/// A started CMD, or why it could not be started.
struct started_command {
  pid_t pid = 0;
  /// errno of the failed step; 0 when CMD runs.
  int error = 0;
  /// Whether it was the exec that failed (else the pipe or the fork).
  bool exec_failed = false;
};

/// Forks and execs `command` (looked up in PATH) with `mask` as its signal
/// mask. An exec failure comes back synchronously in `error` (the child is
/// reaped); the command then never ran.
started_command start_command(const std::vector<std::string>& command, const sigset_t& mask);

} // namespace wm::pidproxy

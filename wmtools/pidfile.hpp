#pragma once
// Reading a daemon's pidfile: parsing its text (pure) and reading it from
// disk with a freshness check. A pidfile older than the start of the command
// that should write it is stale: it names a process from an earlier run and
// is never acted on. Shared by wmpidproxy and wingmate's pidfile watcher.

#include <sys/types.h>

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace wm {

/// A pid, or a message saying why the text is not one.
struct pid_result {
  std::optional<pid_t> pid;
  /// Set when there is no pid: the rest of a sentence that starts with the
  /// file's name, e.g. "holds 'abc', which is not a process id".
  std::string error;

  explicit operator bool() const { return pid.has_value(); }
};

/// Parses a pidfile's content: one positive decimal number within pid_t,
/// optionally surrounded by whitespace (a trailing newline is usual).
/// Rejects empty text, signs, zero, numbers beyond pid_t, anything that is
/// not a digit, and more than one number.
pid_result parse_pidfile(std::string_view content);

enum class pidfile_state {
  missing, ///< no such file (yet)
  stale,   ///< modified before `not_before`: left over from an earlier run
  invalid, ///< fresh, but unreadable or not a pid (perhaps half written)
  fresh,   ///< fresh and holding a pid
};

struct pidfile_reading {
  pidfile_state state = pidfile_state::missing;
  /// The pid when `state` is fresh.
  pid_t pid = 0;
  /// Why the file is not usable, to follow its name in a message ("is
  /// empty", "does not exist"); empty when fresh.
  std::string detail;
};

/// Reads the pidfile at `path`. A file whose modification time is before
/// `not_before` is stale whatever it holds.
pidfile_reading read_pidfile(const std::string& path, const timespec& not_before);

/// The current time on the clock that stamps file modification times (the
/// kernel's coarse wall clock). Take it just before starting the command
/// that writes the pidfile and pass it as `not_before`: a file the command
/// writes is then never older, which the fine-grained clock cannot promise.
timespec file_clock_now();

} // namespace wm

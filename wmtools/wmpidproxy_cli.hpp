#pragma once
// wmpidproxy's command line:
//   wmpidproxy --pid-file FILE [--pid-timeout N] -- CMD ARGS...
// plus the WINGMATE_STARTSECS grace, and the exit codes wmpidproxy itself
// uses (the daemon's own code passes through).

#include <chrono>
#include <string>
#include <vector>

#include "wmtools/tool_cli.hpp"

namespace wm {

/// wmpidproxy's own exit codes; see k_wmpidproxy_exit_codes for the rest.
namespace wmpidproxy_exit {
/// No usable pidfile appeared within --pid-timeout after CMD exited.
inline constexpr int no_pidfile = 124;
/// A bad option, a refused pidfile (PID 1, not a descendant, not running),
/// or a failed system call.
inline constexpr int own_error = 125;
/// CMD was found but cannot be executed.
inline constexpr int not_executable = 126;
/// CMD was not found (in PATH).
inline constexpr int not_found = 127;
/// The daemon ended, but not as our child, so its status is unknown.
inline constexpr int status_unknown = 1;
} // namespace wmpidproxy_exit

struct wmpidproxy_options {
  std::string pid_file;
  /// How long to wait for a fresh pidfile once CMD has exited.
  std::chrono::milliseconds pid_timeout{30'000};
  /// WINGMATE_STARTSECS: the earliest the pidfile is read, counted from
  /// CMD's start.
  std::chrono::milliseconds start_grace{1'000};
  std::vector<std::string> command;
};

/// Parses wmpidproxy's argv; `startsecs` is the value of WINGMATE_STARTSECS
/// (nullptr when unset; an unusable value is warned about in `err` and
/// replaced by the default). Never prints.
parsed_command_line<wmpidproxy_options>
parse_wmpidproxy_command_line(int argc, const char* const* argv, const char* startsecs);

} // namespace wm

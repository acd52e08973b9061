#pragma once
// Deciding whether a pid read from a pidfile may be supervised (watched and
// sent signals): it must be a running process below the supervisor in the
// process tree, never PID 1 and never the supervisor itself. A pidfile is
// only a claim; this check keeps a stale or hostile one from aiming our
// signals at an unrelated process.

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace wm {

/// What the process table says about one process.
struct process_info {
  pid_t parent = 0;
  /// The state letter of /proc/PID/stat: 'R', 'S', 'D', 'Z' (zombie) ...
  char state = '?';
};

/// Parses a /proc/PID/stat line ("PID (COMM) STATE PPID ..."); the command
/// name may itself hold spaces and parentheses. Nothing when malformed.
std::optional<process_info> process_info_from_stat(std::string_view stat_line);

/// Looks up one process; nothing when there is no such process.
using process_lookup = std::function<std::optional<process_info>(pid_t)>;

/// Reads /proc/PID/stat.
std::optional<process_info> read_process_info(pid_t pid);

/// Why `pid` must not be supervised by the process `supervisor`, or nothing
/// when it may: the reason follows "pid N", e.g. "is not running", "is the
/// init process (PID 1), ...", "is not a descendant of this supervisor ...".
/// `lookup` answers for any process and walks the parent chain;
/// `is_living_child` (may be empty) recognises the supervisor's own running
/// children directly, which also works without /proc.
std::optional<std::string> refuse_pid(pid_t pid, pid_t supervisor, const process_lookup& lookup,
                                      const std::function<bool(pid_t)>& is_living_child = {});

/// refuse_pid() against the real process table, for the calling process:
/// waitid(2) to recognise its own children, /proc for everything else.
std::optional<std::string> refuse_pid_for_self(pid_t pid);

} // namespace wm

#pragma once
// Finding the processes below wingmate, for the final sweep of a stop when
// wingmate is a subreaper rather than PID 1 (as PID 1, kill(-1) reaches them
// all and this is not needed).

#include <sys/types.h>

#include <optional>
#include <string_view>
#include <vector>

namespace wm::os {

/// The parent pid field of a /proc/PID/stat line; nothing if malformed. The
/// command name in parentheses may itself hold spaces and parentheses.
std::optional<pid_t> parent_from_stat(std::string_view stat_line);

/// Every living descendant of `root`, found through /proc: children,
/// grandchildren, and processes that moved to their own session.
std::vector<pid_t> descendants_of(pid_t root);

} // namespace wm::os

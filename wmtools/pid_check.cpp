// Validating a pid before supervising it (see pid_check.hpp).

#include "wmtools/pid_check.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>

#include "wmtools/unique_fd.hpp"

namespace wm {

namespace {

// The deepest process tree we follow; real trees are a few dozen levels.
constexpr int k_max_tree_depth = 4096;

bool is_gone(const std::optional<process_info>& info) {
  // 'Z' zombie and 'X' dead: exited, waiting to be reaped.
  return !info || info->state == 'Z' || info->state == 'X';
}

bool is_running_child_of_self(pid_t pid) {
  // A child that has not exited leaves si_pid at 0; WNOWAIT leaves the
  // status of one that has in place for the real reaper.
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0
         && info.si_pid == 0;
}

} // namespace

std::optional<process_info> process_info_from_stat(std::string_view stat_line) {
  auto close = stat_line.rfind(')');
  if (close == std::string_view::npos || close + 2 >= stat_line.size())
    return std::nullopt;
  std::string_view rest = stat_line.substr(close + 1); // " STATE PPID ..."
  if (rest.size() < 4 || rest[0] != ' ' || rest[2] != ' ')
    return std::nullopt;

  process_info info;
  info.state = rest[1];
  std::string_view parent = rest.substr(3);
  auto [end, ec] = std::from_chars(parent.data(), parent.data() + parent.size(), info.parent);
  if (ec != std::errc{} || (end != parent.data() + parent.size() && *end != ' '))
    return std::nullopt;
  return info;
}

std::optional<process_info> read_process_info(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  unique_fd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd)
    return std::nullopt;
  char buffer[1024];
  ssize_t n = ::read(fd.get(), buffer, sizeof buffer - 1);
  if (n <= 0)
    return std::nullopt;
  return process_info_from_stat(std::string_view(buffer, static_cast<std::size_t>(n)));
}

std::optional<std::string> refuse_pid(pid_t pid, pid_t supervisor, const process_lookup& lookup,
                                      const std::function<bool(pid_t)>& is_living_child) {
  if (pid <= 0)
    return "is not a process id";
  if (pid == 1)
    return "is the init process (PID 1), never a daemon to supervise";
  if (pid == supervisor)
    return "is this supervisor's own pid";

  if (is_living_child && is_living_child(pid))
    return std::nullopt;
  auto info = lookup(pid);
  if (is_gone(info))
    return "is not running";

  // Walk up the parent chain; a subreaper or PID 1 of a namespace is where
  // orphaned daemons land, so the supervisor itself may be PID 1.
  pid_t current = info->parent;
  for (int depth = 0; depth < k_max_tree_depth && current > 0; ++depth) {
    if (current == supervisor)
      return std::nullopt;
    if (current == 1)
      break;
    auto parent = lookup(current);
    if (!parent)
      break;
    current = parent->parent;
  }
  return "is not a descendant of this supervisor (pid " + std::to_string(supervisor)
         + "), so it is not the daemon it started";
}

std::optional<std::string> refuse_pid_for_self(pid_t pid) {
  return refuse_pid(pid, ::getpid(), read_process_info, is_running_child_of_self);
}

} // namespace wm

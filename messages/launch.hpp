#pragma once
// What to start and how it went: the request a service actor sends to the
// reaper, which owns every child process, and its reply.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "messages/command_spec.hpp"
#include "wmtools/identity.hpp"

namespace wm {

struct launch_spec {
  /// The service or job name: the prefix of its output lines.
  std::string name;
  /// argv; argv[0] is resolved through PATH (from `env`) when it has no '/'.
  std::vector<std::string> argv;
  /// The complete environment of the child, "KEY=VALUE".
  std::vector<std::string> env;
  /// Empty: wingmate's working directory.
  std::string working_dir;
  /// Drop to this user and group before exec.
  std::optional<identity> user;
  /// setsid() instead of a new process group.
  bool new_session = false;
  /// Take wingmate's terminal as the foreground process group, keep
  /// wingmate's stdin, stdout and stderr (interactive main command).
  bool owns_terminal = false;
  /// Keep wingmate's stdin instead of /dev/null (the main command).
  bool inherit_stdin = false;
};

struct launch_result {
  /// The child's pid; also set when exec failed (the child then exits 127).
  pid_t pid = 0;
  /// 0 when the program runs; else the errno of the step that failed.
  int error = 0;
  /// For an error: what failed, for the log ("cannot execute /bin/x: ...").
  std::string message;
  /// The shell's code for this failure: 127 (not found) or 126.
  int shell_code = 0;
};

/// The launch of `what` under `name`: the environment is `base_env` with the
/// command's `environ` applied; when it runs as another user, HOME, USER and
/// LOGNAME are that user's unless `environ` sets them itself.
launch_spec make_launch_spec(const std::string& name, const command_spec& what,
                             std::vector<std::string> base_env);

} // namespace wm

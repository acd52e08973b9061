#pragma once
// The steps of wmexec after its command line is parsed: switch to another
// identity, exec the command, and run it in a new session behind a
// signal-forwarding parent. Each step prints its own failure to stderr
// ("wmexec: ..."), saying what failed and what to do about it.

#include <optional>
#include <string>
#include <vector>

#include "wmtools/identity.hpp"

namespace wm::wmexec {

/// Drops to `id`: supplementary groups, then gid, then uid (real, effective
/// and saved), each checked, then proves that root cannot be regained.
/// Returns why it failed, or nothing on success.
std::optional<std::string> switch_identity(const identity& id);

/// Sets HOME, USER and LOGNAME for `id` where its passwd entry gives them.
void set_identity_environment(const identity& id);

/// Execs `command` (looked up in PATH). Only returns on failure, with the
/// shell's code: 127 not found, 126 cannot be executed.
int exec_command(const std::vector<std::string>& command);

/// For a process-group leader, which cannot call setsid(): forks a child
/// that becomes a session leader and execs `command`, passes TERM, INT,
/// QUIT, HUP, USR1 and USR2 on to it, and returns its status as a shell
/// code (128+N for signal N) once it has exited.
int run_in_new_session(const std::vector<std::string>& command);

} // namespace wm::wmexec

#pragma once
// wmexec's command line:
//   wmexec [-u|--user USER[:GROUP]] [-s|--setsid] -- CMD ARGS...
// and the exit codes wmexec itself uses (CMD's own code passes through).

#include <optional>
#include <string>
#include <vector>

#include "wmtools/identity.hpp"
#include "wmtools/tool_cli.hpp"

namespace wm {

/// wmexec's own exit codes, as a shell uses them.
namespace wmexec_exit {
/// A bad option, an unknown user or group, a failed privilege drop.
inline constexpr int own_error = 125;
/// CMD was found but cannot be executed.
inline constexpr int not_executable = 126;
/// CMD was not found (in PATH).
inline constexpr int not_found = 127;
} // namespace wmexec_exit

struct wmexec_options {
  /// Who to run as; nothing keeps the current user.
  std::optional<user_group_spec> user;
  /// Make CMD a session leader.
  bool new_session = false;
  /// CMD and its arguments.
  std::vector<std::string> command;
};

/// Parses wmexec's argv. Never prints: --help, --version and errors come
/// back as text with the exit code (wmexec_exit::own_error for errors).
parsed_command_line<wmexec_options> parse_wmexec_command_line(int argc,
                                                              const char* const* argv);

} // namespace wm

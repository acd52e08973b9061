#pragma once
// What to run and how: the part of a service or a cron job that becomes a
// child process. Services and cron jobs share it so that both are spawned by
// the same path with the same rules (environment, directory, identity).

#include <optional>
#include <string>
#include <vector>

#include "wmtools/identity.hpp"

namespace wm {

struct command_spec {
  /// argv; the first element is a path or a name looked up in PATH.
  std::vector<std::string> command;
  /// "KEY=VALUE" entries added to (or replacing) wingmate's environment.
  std::vector<std::string> environ;
  /// The child's working directory; empty: wingmate's own.
  std::string working_dir;
  /// `user` and `group` as written in the config (names or numbers); empty:
  /// run as wingmate's own user.
  std::string user;
  std::string group;
  /// What `user`/`group` resolved to when the config was loaded.
  std::optional<identity> run_as;
  /// Make the child a session leader instead of only a group leader.
  bool setsid = false;
};

} // namespace wm

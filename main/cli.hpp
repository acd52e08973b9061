#pragma once
// wingmate's command line, parsed with CLI11. Everything after the first
// "--" is the main command and never seen by the option parser. Besides
// running (the default), wingmate has subcommands that do one job and exit;
// each lives in its own file and registers itself here (subcommands.hpp).

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "actors/logging.hpp"
#include "messages/log_level.hpp"

namespace wm {

struct run_options {
  std::string config_dir = "/etc/wingmate";
  bool config_explicit = false;
  log::format log_format = log::format::text;
  log_level level = log_level::info;
  std::vector<std::string> command;
};

struct cli_outcome {
  /// Set when wingmate should run as the supervisor.
  std::optional<run_options> run;
  /// Set when a subcommand was chosen: runs it and returns the exit code.
  std::function<int()> subcommand;
  /// What followed "--", filled in before parsing for a subcommand that
  /// takes a command (check); such a subcommand sets
  /// `subcommand_takes_command`, and for any other one "--" is an error.
  std::vector<std::string> main_command;
  bool subcommand_takes_command = false;
  /// Otherwise exit with this (after --help, --version or a usage error,
  /// all already printed).
  int exit_code = 0;
};

/// Parses wingmate's argv. Help and the version go to `out`, usage errors to
/// `err`; a chosen subcommand only sets `subcommand`, nothing runs yet.
cli_outcome parse_command_line(int argc, const char* const* argv, std::ostream& out,
                               std::ostream& err);

} // namespace wm

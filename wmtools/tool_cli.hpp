#pragma once
// The command-line plumbing wmexec and wmpidproxy share: options before
// "--" go to a CLI11 parser, the command after it is never parsed. Parsers
// return what to print instead of printing it, so tests can check it.

#include <optional>
#include <string>
#include <string_view>

#include "wmtools/args.hpp"

namespace CLI {
class App;
}

namespace wm {

/// A command line that ends the program before it does anything.
struct tool_exit {
  int code = 0;
  /// For stdout (--help, --version).
  std::string out;
  /// For stderr (errors).
  std::string err;
};

/// The outcome of parsing a helper program's command line.
template <class Options>
struct parsed_command_line {
  /// Set when the program should run; otherwise exit with `exit_code`.
  std::optional<Options> run;
  int exit_code = 0;
  std::string out;
  /// Errors; also warnings that go with a `run`.
  std::string err;

  static parsed_command_line stop(tool_exit how) {
    return parsed_command_line{std::nullopt, how.code, std::move(how.out), std::move(how.err)};
  }
};

/// Runs `app` over `split.options` and checks that a command follows "--".
/// Returns nothing when the program should go on; else what to print and the
/// exit code: 0 for --help and --version, `usage_error` for a bad option or
/// a missing command (the message starts with "PROGRAM: " and says how to
/// get it right).
std::optional<tool_exit> parse_tool_options(CLI::App& app, const split_args& split,
                                            std::string_view program, int usage_error);

} // namespace wm

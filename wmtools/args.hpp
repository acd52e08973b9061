#pragma once
// Splitting a command line at the first "--": options before it, the command
// to run after it. Shared by wingmate, wmexec and wmpidproxy.

#include <string>
#include <vector>

namespace wm {

struct split_args {
  /// argv[0] and the options, as argc/argv for an option parser.
  std::vector<std::string> options;
  /// Everything after the first "--" (empty when there is none).
  std::vector<std::string> command;
  /// Whether a "--" was there at all (`wingmate --` with nothing after it
  /// is an error the caller can name).
  bool had_separator = false;
};

split_args split_at_double_dash(int argc, const char* const* argv);

} // namespace wm

// wmpidproxy's command line (see wmpidproxy_cli.hpp).

#include "wmtools/wmpidproxy_cli.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

namespace wm {

namespace {

constexpr const char* k_description =
  "wmpidproxy " WINGMATE_VERSION " - stand in the foreground for a daemon that forks away.\n\n"
  "Runs CMD (which starts the daemon and exits) as a child subreaper, so the daemon\n"
  "is re-parented to wmpidproxy. Once CMD has exited successfully it waits for FILE to\n"
  "hold the pid of a running descendant, written after CMD started (an older file is\n"
  "stale and ignored), then watches that process and exits when it is gone. When the\n"
  "daemon replaces itself and rewrites FILE, the new pid is followed.\n"
  "WINGMATE_STARTSECS (seconds, default 1, counted from CMD's start) delays the first\n"
  "look at FILE.";

constexpr const char* k_footer =
  "\nSignals: TERM, INT, QUIT, HUP, USR1 and USR2 are passed on to the daemon (to CMD\n"
  "while it runs; a stop signal that arrives before the pidfile is delivered once the\n"
  "daemon is known). Orphans that land on wmpidproxy are reaped.\n\n"
  "Exit codes: the daemon's own code; 0 when it was killed by a TERM, INT or QUIT that\n"
  "wmpidproxy passed on; 128+N when another signal N killed it; 1 when it ended but not\n"
  "as wmpidproxy's child (status unknown); CMD's code when CMD fails;\n"
  "124 no usable pidfile within --pid-timeout; 125 wmpidproxy's own error (bad option,\n"
  "pidfile naming PID 1, itself, a dead process or one that is not its descendant);\n"
  "126 CMD cannot be executed; 127 CMD not found.\n\n"
  "Example:\n"
  "  wmpidproxy --pid-file /run/sshd.pid -- /usr/sbin/sshd";

constexpr double k_max_seconds = 24 * 3600;

std::chrono::milliseconds to_millis(double seconds) {
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

std::optional<double> parse_seconds(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()
      || !std::isfinite(value) || value < 0 || value > k_max_seconds)
    return std::nullopt;
  return value;
}

} // namespace

parsed_command_line<wmpidproxy_options>
parse_wmpidproxy_command_line(int argc, const char* const* argv, const char* startsecs) {
  auto split = split_at_double_dash(argc, argv);
  wmpidproxy_options options;
  options.command = split.command;

  CLI::App app{k_description, "wmpidproxy"};
  app.footer(k_footer);
  app.set_version_flag("--version", "wmpidproxy " WINGMATE_VERSION);
  app.add_option("--pid-file,--pidfile", options.pid_file, "The pidfile the daemon writes")
    ->type_name("FILE")
    ->required();
  double timeout = 30;
  app.add_option("--pid-timeout", timeout, "Seconds to wait for a fresh pidfile after CMD exits")
    ->type_name("N")
    ->check(CLI::Range(0.001, k_max_seconds))
    ->capture_default_str();

  if (auto stop = parse_tool_options(app, split, "wmpidproxy", wmpidproxy_exit::own_error))
    return parsed_command_line<wmpidproxy_options>::stop(std::move(*stop));
  options.pid_timeout = to_millis(timeout);
  if (options.pid_file.empty())
    return parsed_command_line<wmpidproxy_options>::stop(
      {wmpidproxy_exit::own_error, {},
       "wmpidproxy: --pid-file is empty; give the path the daemon writes its pid to\n"});

  parsed_command_line<wmpidproxy_options> result;
  if (startsecs) {
    if (auto grace = parse_seconds(startsecs))
      options.start_grace = to_millis(*grace);
    else
      result.err = "wmpidproxy: WINGMATE_STARTSECS='" + std::string(startsecs)
                   + "' is not a number of seconds between 0 and 86400; using 1\n";
  }
  result.run = std::move(options);
  return result;
}

} // namespace wm

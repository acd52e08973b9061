// wmexec's command line (see wmexec_cli.hpp).

#include "wmtools/wmexec_cli.hpp"

#include <CLI/CLI.hpp>

namespace wm {

namespace {

constexpr const char* k_description =
  "wmexec " WINGMATE_VERSION " - run a command as another user, or as a session leader.\n\n"
  "Execs CMD in place (same pid), looked up in PATH. With --user it first drops to\n"
  "USER's supplementary groups, then the group, then the user, and checks that root\n"
  "cannot be regained; HOME, USER and LOGNAME are set from USER's passwd entry.\n"
  "USER and GROUP are names or numbers; without GROUP, USER's primary group is used\n"
  "(for a uid with no passwd entry, the gid with the same number).";

constexpr const char* k_footer =
  "\nWith --setsid, when wmexec leads its process group (a service's main process\n"
  "does), it cannot become a session leader itself: it forks, CMD runs in the new\n"
  "session, and wmexec stays in front, passing TERM, INT, QUIT, HUP, USR1 and USR2\n"
  "on to it and exiting with its status.\n\n"
  "Exit codes: CMD's own (128+N when a signal N ended it, --setsid fork only);\n"
  "125 wmexec's own error (bad option, unknown user or group, failed switch);\n"
  "126 CMD cannot be executed; 127 CMD not found.\n\n"
  "Examples:\n"
  "  wmexec --user www-data -- nginx -g 'daemon off;'\n"
  "  wmexec -u 1000:1000 --setsid -- /usr/local/bin/worker";

} // namespace

parsed_command_line<wmexec_options> parse_wmexec_command_line(int argc,
                                                              const char* const* argv) {
  auto split = split_at_double_dash(argc, argv);
  wmexec_options options;
  options.command = split.command;

  CLI::App app{k_description, "wmexec"};
  app.footer(k_footer);
  app.set_version_flag("--version", "wmexec " WINGMATE_VERSION);
  std::string user;
  app.add_option("-u,--user", user, "Run CMD as USER (and GROUP)")->type_name("USER[:GROUP]");
  app.add_flag("-s,--setsid", options.new_session, "Run CMD in a new session");

  if (auto stop = parse_tool_options(app, split, "wmexec", wmexec_exit::own_error))
    return parsed_command_line<wmexec_options>::stop(std::move(*stop));

  if (!user.empty() || app.count("--user") > 0) {
    std::string error;
    options.user = parse_user_group(user, error);
    if (!options.user)
      return parsed_command_line<wmexec_options>::stop(
        {wmexec_exit::own_error, {}, "wmexec: --user " + error + "\n"});
  }
  return {std::move(options), 0, {}, {}};
}

} // namespace wm

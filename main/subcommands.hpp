#pragma once
// The subcommands of wingmate, one registration function per subcommand
// file. Each adds itself to the command line and, when chosen, sets
// `outcome.subcommand` to the work it does.

namespace CLI {
class App;
}

namespace wm {

struct cli_outcome;

/// `wingmate cron-next SCHEDULE [START [COUNT]]` (cron_next.cpp).
void add_cron_next_command(CLI::App& app, cli_outcome& outcome);

/// `wingmate check [-c DIR] [-- CMD ARGS...]` (check_command.cpp).
void add_check_command(CLI::App& app, cli_outcome& outcome);

/// `wingmate status [--json] [--check] [--timeout SECONDS]` (status_command.cpp).
void add_status_command(CLI::App& app, cli_outcome& outcome);

} // namespace wm

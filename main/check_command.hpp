#pragma once
// `wingmate check [-c DIR] [-- CMD ARGS...]`: loads the config exactly as a
// start would (load_config, users and groups included), then prints the
// effective config as JSON on stdout and exits 0. Errors of either kind
// (structural ones, and entries that could never run) are printed on
// stderr, one per line, and make the exit code 2; with only the second
// kind the JSON is still printed, showing which entries are fatal.
// Warnings go to stderr and do not change the exit code.

#include <iosfwd>

#include "main/config.hpp"

namespace wm {

int check_command(const config_request& request, std::ostream& out, std::ostream& err,
                  const account_database& accounts = system_accounts());

} // namespace wm

#pragma once
// `wingmate cron-next SCHEDULE [START [COUNT]]`: prints the next COUNT
// (default 1) fire times of SCHEDULE strictly after START (local ISO 8601
// time, default now), one per line with the UTC offset. Reads no config and
// starts nothing; the command line wiring lives in cli.cpp.

#include <ctime>
#include <iosfwd>
#include <string>
#include <vector>

namespace wm {

/// The largest COUNT cron-next accepts.
inline constexpr unsigned k_cron_next_max_count = 10000;

/// Runs cron-next on its positional arguments (SCHEDULE [START [COUNT]]).
/// Fire times go to `out`; errors go to `err`, prefixed "wingmate: ", and
/// make the result 2 with nothing written to `out`. Returns the exit code.
int cron_next_command(const std::vector<std::string>& args, std::ostream& out,
                      std::ostream& err);

/// The same, with `now` standing for the current time when START is not
/// given (for tests).
int cron_next_command(const std::vector<std::string>& args, std::ostream& out,
                      std::ostream& err, std::time_t now);

} // namespace wm

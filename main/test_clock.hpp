#pragma once
// A test hook for changes of the wall clock, end to end: moving the
// machine's clock would disturb everything else on it, and a time namespace
// cannot move CLOCK_REALTIME.
//
// WINGMATE_TEST_CLOCK_FILE names a file that holds a number of seconds
// (negative: back in time, fractions allowed). Cron's wall clock is then the
// machine's clock plus that offset, and each rewrite of the file counts as
// a change of the wall clock: the I/O thread tells the cron clock, exactly
// as it does when the kernel reports that the time was set. Nothing but
// cron follows this clock (log lines and status times keep the machine's).
// Not for production use; wingmate warns at start when it is set, and
// ignores it when the file or its directory may be changed by a user other
// than wingmate's own or root.

#include <memory>

#include "actors/logging.hpp"

namespace wm {

class io_bridge;

namespace os {
class wall_clock;
}

/// The clock WINGMATE_TEST_CLOCK_FILE asks for, watched through `io`; null
/// when it is not set (cron then follows the machine's clock).
std::shared_ptr<const os::wall_clock> test_clock_from_environment(io_bridge& io,
                                                                  const log::logger& log);

} // namespace wm

#pragma once
// `wingmate status [--json] [--check] [--timeout SECONDS]`: asks the
// running wingmate for a fresh status document and prints it as a table (or
// as JSON). Finds wingmate through its pid file or as PID 1
// (find_wingmate.hpp), sends SIGUSR1, and waits for a document newer than
// the one already there. A user who may read the document but not signal
// wingmate gets the last one, with a warning saying how old it is.
//
// Exit codes: 0 shown (and healthy, with --check); 1 with --check, some
// service is fatal or in backoff (status_check.hpp); 2 usage error; 3 no
// wingmate found, or no document came.

#include <chrono>
#include <iosfwd>

namespace wm {

namespace status_exit {
constexpr int shown = 0;
constexpr int unhealthy = 1;
constexpr int usage = 2;
constexpr int unavailable = 3;
} // namespace status_exit

struct status_options {
  bool json = false;
  bool check = false;
  /// How long to wait for the fresh document.
  std::chrono::milliseconds timeout{5000};
};

int status_command(const status_options& options, std::ostream& out, std::ostream& err);

} // namespace wm

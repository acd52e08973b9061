#pragma once
// When a service is started again, and how long it waits first. The policy is
// a plain value (the structured config fills it in per service); the
// arithmetic is pure, so the backoff and the restart budget are tested
// without processes or clocks.

#include <chrono>
#include <deque>
#include <optional>
#include <string_view>

#include "messages/exit_status.hpp"

namespace wm {

using millis = std::chrono::milliseconds;
using steady_time = std::chrono::steady_clock::time_point;

/// Which exits are followed by a new start.
enum class restart_mode {
  always,     ///< every exit
  on_failure, ///< a non-zero exit code or death by a signal
  never,      ///< none
};

/// What happens when a service is given up on.
enum class fatal_action {
  ignore,   ///< it stays down; everything else runs on
  shutdown, ///< wingmate stops everything and exits 1
};

/// Delays between starts that each ended too soon: initial, then multiplied
/// by `multiplier` after each further short run, never above `max`.
struct backoff_settings {
  millis initial{100};
  millis max{30'000};
  double multiplier = 2.0;

  friend bool operator==(const backoff_settings&, const backoff_settings&) = default;
};

struct restart_policy {
  restart_mode mode = restart_mode::always;
  backoff_settings backoff;
  /// A run at least this long counts as a good start: the next start follows
  /// at once and the backoff begins again at `backoff.initial`.
  millis startsecs{1000};
  /// 0: never give up. Otherwise more restarts than this within
  /// `restart_window` make the service fatal.
  unsigned max_restarts = 0;
  millis restart_window{60'000};
  fatal_action on_fatal = fatal_action::ignore;
  /// on_fatal was written in the config rather than left at its default.
  /// Only a declared `ignore` marks a service as optional, so that
  /// `wingmate status --check` does not count it (see the README ("Status")).
  bool on_fatal_declared = false;

  friend bool operator==(const restart_policy&, const restart_policy&) = default;
};

std::string_view to_string(restart_mode mode);
std::optional<restart_mode> parse_restart_mode(std::string_view text);
std::string_view to_string(fatal_action action);
std::optional<fatal_action> parse_fatal_action(std::string_view text);

/// Does `mode` restart a process that ended with `status`?
bool wants_restart(restart_mode mode, const exit_status& status);

/// The wait before the next start after `short_runs` consecutive runs that
/// each ended before startsecs (1 for the first). 0 short runs: no wait.
millis backoff_delay(const backoff_settings& settings, unsigned short_runs);

/// Counts restarts inside a sliding window and says when the budget of
/// `max_restarts` is spent. With max_restarts 0 it never runs out.
class restart_budget {
public:
  restart_budget(unsigned max_restarts, millis window)
    : max_restarts_(max_restarts), window_(window) {}

  /// Records a restart at `now`; false when it would be one too many (the
  /// restart is then not recorded).
  bool try_spend(steady_time now);

  /// Restarts recorded within the window ending at `now`.
  unsigned spent(steady_time now);

private:
  void forget_before(steady_time now);

  unsigned max_restarts_;
  millis window_;
  std::deque<steady_time> restarts_;
};

} // namespace wm

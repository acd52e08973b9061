#pragma once
// When each cron job runs next, as pure logic: the cron clock actor tells it
// what the wall clock reads, and it answers which jobs are due, which runs
// were missed, and when to wake up next. No clock, timer or actor inside, so
// every rule below is tested without waiting.
//
// Rules:
// - A job's next run is the first fire time of its schedule after the
//   current time (schedule::next_after, which applies the daylight-saving
//   rules).
// - A run fires when the clock reaches it, as long as that is noticed less
//   than k_cron_late_limit after its time (a timer that fires a little late,
//   a clock stepped forward by a few seconds). A run noticed later than that
//   (the clock was set forward, the machine was suspended, wingmate was
//   frozen) is missed: reported, never replayed. (A job every minute that is
//   noticed 90 s late still runs once, for the minute that is within the
//   limit.)
// - When the wall clock is set, every next run is computed again from the
//   new time. Set back by up to k_cron_repeat_guard, a job does not run again
//   until the clock has passed its last run, so nothing runs twice for the
//   same time; set back further, the schedule simply starts over from the
//   new time.

#include <chrono>
#include <cstddef>
#include <ctime>
#include <optional>
#include <vector>

#include "messages/schedule.hpp"

namespace wm {

using wall_instant = std::chrono::system_clock::time_point;

/// The instant `seconds` after the epoch.
inline wall_instant to_wall_instant(std::time_t seconds) {
  return wall_instant{std::chrono::seconds{seconds}};
}

/// The whole seconds since the epoch at `t`, rounded down.
inline std::time_t whole_seconds(wall_instant t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

/// How late a run may still start.
inline constexpr std::chrono::seconds k_cron_late_limit{60};

/// How far the clock may go back before jobs run again for times they have
/// already run for.
inline constexpr std::chrono::hours k_cron_repeat_guard{3};

class cron_timetable {
public:
  /// A run of job `job` (its index) for fire time `due`.
  struct run {
    std::size_t job = 0;
    std::time_t due = 0;
    friend bool operator==(const run&, const run&) = default;
  };

  /// What a look at the clock found.
  struct outcome {
    /// Runs to start now.
    std::vector<run> fire;
    /// Runs noticed too late; they are not started.
    std::vector<run> missed;
    /// Jobs whose next run changed (also those in `fire` and `missed`).
    std::vector<std::size_t> rescheduled;
  };

  /// Adds a job and returns its index. Its next run is computed by start().
  std::size_t add(schedule when);

  std::size_t size() const { return jobs_.size(); }

  /// Computes every job's first run after `now`.
  void start(wall_instant now);

  /// The wall clock reads `now` (a timer fired): takes the runs that are
  /// due, and schedules the next run of those jobs.
  outcome advance(wall_instant now);

  /// The wall clock was set and now reads `now`: takes the runs that are
  /// due as advance() does, then computes every next run again.
  outcome clock_changed(wall_instant now);

  /// The earliest next run of any job; nothing when no job ever runs again.
  std::optional<std::time_t> next_wake() const;

  /// The next run of job `job`; nothing when it never runs again.
  std::optional<std::time_t> next_run(std::size_t job) const;

private:
  struct entry {
    schedule when;
    std::optional<std::time_t> next;
    std::optional<std::time_t> last_due;
  };

  std::optional<std::time_t> next_after_reference(const entry& e, std::time_t now) const;
  void take_due(wall_instant now, outcome& out);

  std::vector<entry> jobs_;
};

} // namespace wm

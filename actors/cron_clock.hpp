#pragma once
// The cron clock: one actor that knows when every cron job runs next (a
// cron_timetable) and sleeps until the earliest of those times with a
// single timer. There is no periodic polling: an idle wingmate with cron
// jobs wakes only when a job is due.
//
// CAF's timers follow the monotonic clock, while fire times are wall-clock
// times, so the two can drift apart when the time of day is set or the
// machine sleeps. Two things keep them together:
// - the I/O thread reports every change of the wall clock (clock_set_atom),
//   and the clock computes every next run again from the new time;
// - when its timer fires, the clock reads the wall clock again: too early
//   (the clock went back) it sleeps on; late, it applies the timetable's
//   rule that a run noticed more than a minute late is missed, not
//   replayed.
//
// Messages: cron_wake (its own timer); clock_set_atom (from the I/O thread
// or a test); cron_job_atom + name + actor (from the supervisor, when a
// job's actor was replaced). It sends cron_fire and cron_next_run to the
// job actors.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <memory>
#include <string>
#include <vector>

#include "messages/schedule.hpp"

namespace wm {

class io_bridge;

namespace os {
class wall_clock;
}

/// A job the clock fires.
struct cron_clock_job {
  std::string name;
  schedule when;
  caf::actor actor;
};

/// Spawns the cron clock, monitored by `supervisor`. It reads the time from
/// `clock` and, when `io` is given, hears of wall-clock changes from it.
caf::actor spawn_cron_clock(caf::event_based_actor* supervisor,
                            std::vector<cron_clock_job> jobs,
                            std::shared_ptr<const os::wall_clock> clock, io_bridge* io);

} // namespace wm

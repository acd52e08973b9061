#pragma once
// One actor per cron job. It holds the job's whole state (a
// cron_job_machine): it starts a run when the cron clock says one is due,
// asks the reaper to launch and signal the run's process, keeps the runs'
// timers, answers status queries, and reports its stop to the supervisor.
// Each run is a child like a service's: same spawn path, output prefixed
// with the job's name.
//
// Messages: cron_fire and cron_next_run (from the cron clock); child_exited
// (from the reaper); cron_timer (its own); stop_atom (from the supervisor);
// reaper_atom + the new reaper when the reaper was replaced; cron_state_atom
// (reply: cron_job_state).

#include <caf/fwd.hpp>
#include <memory>

#include "actors/service.hpp"
#include "messages/cron_spec.hpp"

namespace wm {

namespace os {
class wall_clock;
}

/// Spawns the actor for `spec`, monitored by `supervisor`. `clock` gives
/// the wall-clock times the job records.
caf::actor spawn_cron_job(caf::event_based_actor* supervisor, cron_spec spec, caf::actor reaper,
                          std::shared_ptr<const os::wall_clock> clock, service_start how);

} // namespace wm

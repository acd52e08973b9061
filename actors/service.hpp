#pragma once
// One actor per service. It holds the service's whole state (a
// service_machine), asks the reaper to launch and signal its process, keeps
// its timers, and reports to the supervisor. Nothing else holds its state.
//
// Messages: child_exited (from the reaper); service_timer (its own);
// stop_atom and pass_atom + signal (from the supervisor); reaper_atom + the
// new reaper when the reaper was replaced; status_atom (from a status dump;
// the reply is its service_status).

#include <caf/fwd.hpp>

#include "messages/service_spec.hpp"

namespace wm {

/// How a service actor begins.
enum class service_start {
  fresh,       ///< wingmate has just started
  replacement, ///< the previous actor died: take over its process
};

/// Spawns the actor for `spec`, monitored by `supervisor`.
caf::actor spawn_service(caf::event_based_actor* supervisor, service_spec spec,
                         caf::actor reaper, service_start how);

} // namespace wm

#pragma once
// The pidfile watcher of one pidfile service: it finds the daemon's pid in
// the pidfile, validates it, and watches it where the reaper cannot. It
// acts on nothing itself: it reports, and the service decides.
//
// - find: reads the pidfile every 100 ms until it is fresh (written after
//   the launch; an older one is stale and never acted on) and names a pid
//   that may be supervised: a running process below wingmate in the process
//   tree, never PID 1 or wingmate itself (wmtools/pid_check.hpp). A pid
//   that fails is read again 100 ms later (the file may have been half
//   written) before the start is given up with the reason.
// - watch: a daemon whose parent is wingmate (PID 1 or a subreaper adopts
//   it once its launcher exits) is reaped by the reaper, which routes its
//   exit, with its real status, to the service; nothing to poll. Any other
//   daemon is checked every second through its pidfd (or its pid where
//   pidfds are unavailable).
// - follow: when the daemon has ended, the pidfile is re-read for up to 1 s
//   for a successor (a daemon that re-execs itself with a new pid). The
//   pidfd opened when the daemon was validated also tells whether an exit
//   reported for its pid was really its own.
//
// Messages: pidfile_request (from the service); pidfile_tick_atom (its own
// timer). Replies: pidfile_report, sent to the service.

#include <caf/fwd.hpp>
#include <string>

namespace wm {

/// Spawns the watcher of service `name`, whose daemon writes `pidfile`.
/// It is linked to `service`, which gets its reports: each ends the other.
caf::actor spawn_pidfile_watcher(caf::event_based_actor* service, std::string name,
                                 std::string pidfile);

} // namespace wm

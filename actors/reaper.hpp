#pragma once
// The reaper owns every child process of wingmate: it starts them (so that a
// pid is registered to its owner before its exit can possibly be reaped), it
// is the only caller of waitpid(2), and it sends signals only to pids it has
// not reaped yet (so a recycled pid is never hit).
//
// On each SIGCHLD it reaps until nothing is left (signals coalesce) and sends
// child_exited to the actor that owns the pid. A process nobody owns (an
// orphan re-parented to wingmate) is counted. The exit of a process whose
// owner has died is kept until a replacement claims it.
//
// Messages: launch_atom + launch_spec -> launch_result; signal_atom +
// signal_request; reap_atom; claim_atom + name -> claimed_process;
// adopt_atom + pid + name; sweep_atom + signal (to every process left);
// drain_atom -> replies once no child process is left; status_atom -> the
// number of orphans reaped so far (std::uint64_t).

#include <sys/resource.h>

#include <caf/fwd.hpp>
#include <optional>

namespace wm {

class io_bridge;

/// Spawns the reaper. `original_nofile` is the descriptor limit children get.
caf::actor spawn_reaper(caf::actor_system& system, io_bridge& io,
                        std::optional<rlimit> original_nofile);

} // namespace wm

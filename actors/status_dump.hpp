#pragma once
// One status dump (SIGUSR1): a short-lived actor that asks every service
// actor, every cron job actor and the reaper for their state at once, waits
// for the answers up to a deadline (an actor that does not answer in time is
// marked as such, so one slow actor cannot hold the dump back), hands the
// snapshot to the status writer, and ends once the writer is done. Its end
// is the supervisor's signal that the dump is over (it monitors the actor),
// whether it succeeded or not. A late answer reaches an actor that has
// already ended and is dropped.
//
// The status writer renders the document, replaces the status file
// atomically and logs one line naming the file. It is one detached actor
// for wingmate's whole run, started with the supervisor, so that rendering
// and writing, which block on the file system, never hold one of the two
// scheduler threads supervision runs on, and so that a dump never needs a
// new thread: when the process limit is reached (pids.max, RLIMIT_NPROC) a
// thread cannot be created, and a detached actor whose thread fails to start
// stays registered with CAF for good, so the actor system could never end.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <chrono>
#include <filesystem>
#include <vector>

#include "messages/status_snapshot.hpp"

namespace wm {

struct status_dump_request {
  /// Prefilled: wingmate's section (without the orphan count), and one
  /// record per service from its spec alone, which stands when its actor
  /// does not answer.
  status_snapshot snapshot;
  /// The actor of snapshot.services[i]; null when none runs it right now.
  std::vector<caf::actor> service_actors;
  /// The actor of snapshot.cron_jobs[i] (answers cron_state_atom); null
  /// when none runs it right now.
  std::vector<caf::actor> cron_actors;
  caf::actor reaper;
  /// The status writer (spawn_status_writer); null: the dump writes the
  /// document itself.
  caf::actor writer;
  std::filesystem::path file;
  /// How long each answer may take.
  std::chrono::milliseconds deadline{1000};
};

/// Spawns the dump, monitored by `supervisor`. It runs on the scheduler
/// (it only asks and waits), so spawning it never needs a thread.
caf::actor spawn_status_dump(caf::local_actor* supervisor, status_dump_request request);

/// Spawns the status writer (detached: it has a thread of its own). Tell it
/// to exit at the end, as with every long-lived actor; it also ends by
/// itself when `owner` (unless null) does, so that an owner that ended
/// abnormally never leaves the actor system waiting for it.
caf::actor spawn_status_writer(caf::actor_system& system, const caf::actor& owner);

} // namespace wm

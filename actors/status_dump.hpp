#pragma once
// One status dump (SIGUSR1): a short-lived actor on its own thread that asks
// every service actor, the reaper and the cron clock for their state at
// once, waits for the answers up to a deadline (an actor that does not
// answer in time is marked as such, so one slow actor cannot hold the dump
// back), renders the document, replaces the status file atomically, logs one
// line naming the file, and ends. Its end is the supervisor's signal that
// the dump is over (it monitors the actor), whether it succeeded or not.
//
// It runs detached so that rendering and writing, which block on the file
// system, never hold one of the two scheduler threads supervision runs on.
// A late answer reaches an actor that has already ended and is dropped.

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
  caf::actor reaper;
  /// Answers status_atom with every cron job's state; null: no cron.
  caf::actor cron_clock;
  std::filesystem::path file;
  /// How long each answer may take.
  std::chrono::milliseconds deadline{1000};
};

/// Spawns the dump, monitored by `supervisor`.
caf::actor spawn_status_dump(caf::local_actor* supervisor, status_dump_request request);

} // namespace wm

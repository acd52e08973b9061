#pragma once
// The supervisor: starts a service actor per configured service, turns
// signals into decisions (stop, pass on, ignore), runs the stop sequence,
// replaces actors that die, and decides wingmate's exit code.
//
// Stop sequence (SIGTERM, SIGINT, SIGQUIT, the main service's exit, or a
// fatal service with on_fatal: shutdown): every service is asked to stop at
// once (its stop signal to its process group, SIGKILL after its
// stop_timeout); when all have stopped, every process still left gets
// SIGTERM, and SIGKILL 2 s later; wingmate ends as soon as no child is left.
//
// Messages: run_atom (from main; the reply is the exit code, sent at the
// very end); os_signal (from the signal bridge); service_report (from the
// services); lookup_atom + name (the actor running that service, or the
// reaper for "reaper").
//
// Status (SIGUSR1): one dump at a time (actors/status_dump.hpp). A SIGUSR1
// that arrives while one is in progress is folded into a single further
// dump once it ends, so a burst of signals costs at most two dumps and every
// document carries a larger sequence number than the one before.

#include <sys/resource.h>

#include <caf/fwd.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "messages/service_spec.hpp"

namespace wm {

class io_bridge;

/// What the status dumps need to know (see docs-status.md).
struct status_settings {
  std::string version;
  std::string config_dir;
  /// Where the document goes; empty when no directory was usable, and then
  /// `unusable` says why.
  std::filesystem::path file;
  std::string unusable;
  /// How long a dump waits for each actor's answer.
  std::chrono::milliseconds answer_deadline{1000};
};

struct supervisor_config {
  std::vector<service_spec> services;
  io_bridge* io = nullptr;
  std::optional<rlimit> original_nofile;
  status_settings status;
};

/// Spawns the supervisor over an already running reaper.
caf::actor spawn_supervisor(caf::actor_system& system, supervisor_config config,
                            caf::actor reaper);

/// wingmate's exit codes (documented in the README).
namespace exit_code {
constexpr int requested_stop = 0;
constexpr int fatal_service = 1;
constexpr int config_error = 2;
constexpr int internal_failure = 3;
} // namespace exit_code

} // namespace wm

#pragma once
// What a pidfile service's actor and its pidfile watcher tell each other.
// Plain values without CAF: the service machine consumes the reports, so
// every rule about them is tested without an actor or a process.
//
//   service --pidfile_request(find | follow | cancel)--> pidfile watcher
//   pidfile watcher --pidfile_report(found | not_found | ...)--> service
//
// Every request carries a new generation and every report the generation of
// the request it answers, so a late report about an earlier start is
// recognised and dropped.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

namespace wm {

/// What the watcher is asked to do.
enum class pidfile_step : std::uint8_t {
  /// The command has been launched: find its daemon in a fresh pidfile
  /// within `timeout`, and report found or not_found.
  find,
  /// The daemon `pid` has ended: re-read the pidfile briefly for a
  /// successor (a daemon that re-execs with a new pid), and report found,
  /// still_running or gone.
  follow,
  /// Stop looking and watching (a stop, or a new start).
  cancel,
};

struct pidfile_request {
  pidfile_step step = pidfile_step::cancel;
  std::uint64_t generation = 0;
  /// follow: the daemon pid that ended.
  pid_t pid = 0;
  /// find: how long to wait for a usable pidfile.
  std::chrono::milliseconds timeout{0};
  /// A pidfile last modified before this (on the file clock, see
  /// wmtools/pidfile.hpp) is stale and never acted on.
  timespec not_before{};
};

/// What the watcher found out.
enum class pidfile_finding : std::uint8_t {
  /// A fresh pidfile names `pid`, which passed every check (see
  /// wmtools/pid_check.hpp): the daemon, or its successor.
  found,
  /// No usable pidfile in time, or it names a pid that must not be
  /// supervised; `detail` is the whole story for the log.
  not_found,
  /// The watched daemon `pid` ended, seen by the watcher because wingmate
  /// is not its parent (so its exit status is unknown).
  vanished,
  /// An exit was reported for `pid`, but the process the watcher validated
  /// under that pid still runs: the exit was an earlier process's.
  still_running,
  /// The daemon ended and the pidfile names no successor.
  gone,
};

struct pidfile_report {
  pidfile_finding finding = pidfile_finding::gone;
  std::uint64_t generation = 0;
  pid_t pid = 0;
  /// found: the daemon leads its own process group (signals then go to
  /// the whole group).
  bool leads_group = false;
  /// not_found: why, naming the file.
  std::string detail;
};

} // namespace wm

#pragma once
// The typed vocabulary the actors exchange: atoms and message structs. Only
// actor code includes this header (it pulls in CAF); the value types it
// carries live in their own CAF-free headers beside it.
//
//   signal bridge --os_signal--> supervisor        --reap--> reaper
//   service --launch(launch_spec)--> reaper --launch_result--> service
//   service --signal(signal_request)--> reaper
//   reaper --child_exited--> owner of the pid
//   supervisor --stop / forward--> service --service_report--> supervisor
//   cron clock --cron_fire--> cron job (the cron messages: cron_messages.hpp)
//   status dump --status--> service (service_status), reaper (orphan count)
//               --cron_state--> cron job (cron_job_state)
//               --status_write(status_write_job)--> status writer
//   service --pidfile_request--> pidfile watcher --pidfile_report--> service

#include <sys/types.h>

#include <caf/all.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "actors/service_machine.hpp"
#include "messages/cron_messages.hpp"
#include "messages/launch.hpp"
#include "messages/pidfile_watch.hpp"
#include "messages/service_report.hpp"
#include "messages/service_spec.hpp"
#include "messages/service_status.hpp"
#include "messages/status_snapshot.hpp"

namespace wm {

/// A signal taken by the signal bridge. `sender` is 0 when it came from
/// outside wingmate's pid namespace.
struct os_signal {
  int signo = 0;
  pid_t sender = 0;
};

/// The reaper saw `pid` end; `status` is the raw wait status.
struct child_exited {
  pid_t pid = 0;
  int status = 0;
};

/// Send `signo` to `pid`, or to the process group it leads.
struct signal_request {
  pid_t pid = 0;
  int signo = 0;
  bool group = false;
};

/// A service actor's timer; stale generations are ignored.
struct service_timer {
  timer_kind kind = timer_kind::backoff;
  std::uint64_t generation = 0;
};

/// One status document for the status writer to render and write.
struct status_write_job {
  status_snapshot snapshot;
  std::filesystem::path file;
  /// When the dump began, for the log line.
  std::chrono::steady_clock::time_point began;
  /// How many services' actors gave no answer.
  std::size_t unanswered_services = 0;
};

/// What the reaper still knows about a service's processes when a
/// replacement actor claims them: a live pid, or the exit that happened
/// while nobody was listening.
struct claimed_process {
  pid_t live_pid = 0;
  pid_t exited_pid = 0;
  int exit_status = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, os_signal& x) {
  return f(caf::meta::type_name("os_signal"), x.signo, x.sender);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, child_exited& x) {
  return f(caf::meta::type_name("child_exited"), x.pid, x.status);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, signal_request& x) {
  return f(caf::meta::type_name("signal_request"), x.pid, x.signo, x.group);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, service_timer& x) {
  auto kind = static_cast<std::uint8_t>(x.kind);
  return f(caf::meta::type_name("service_timer"), kind, x.generation);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, claimed_process& x) {
  return f(caf::meta::type_name("claimed_process"), x.live_pid, x.exited_pid, x.exit_status);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, service_report& x) {
  auto kind = static_cast<int>(x.kind);
  return f(caf::meta::type_name("service_report"), x.name, kind, x.code);
}

// -- pidfile --

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pidfile_request& x) {
  auto step = static_cast<std::uint8_t>(x.step);
  auto timeout_ms = x.timeout.count();
  return f(caf::meta::type_name("pidfile_request"), step, x.generation, x.pid, timeout_ms,
           x.not_before.tv_sec, x.not_before.tv_nsec);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pidfile_report& x) {
  auto finding = static_cast<std::uint8_t>(x.finding);
  return f(caf::meta::type_name("pidfile_report"), finding, x.generation, x.pid, x.leads_group,
           x.detail);
}

} // namespace wm

// Local-only payloads: never serialized, so they need no inspect().
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(wm::launch_spec)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(wm::launch_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(wm::service_spec)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(wm::service_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(wm::status_write_job)

// Atom texts are unique to wingmate so that they never match CAF's own.
CAF_BEGIN_TYPE_ID_BLOCK(wingmate, caf::first_custom_type_id)
  CAF_ADD_TYPE_ID(wingmate, (wm::os_signal))
  CAF_ADD_TYPE_ID(wingmate, (wm::child_exited))
  CAF_ADD_TYPE_ID(wingmate, (wm::signal_request))
  CAF_ADD_TYPE_ID(wingmate, (wm::service_timer))
  CAF_ADD_TYPE_ID(wingmate, (wm::claimed_process))
  CAF_ADD_TYPE_ID(wingmate, (wm::service_report))
  CAF_ADD_TYPE_ID(wingmate, (wm::launch_spec))
  CAF_ADD_TYPE_ID(wingmate, (wm::launch_result))

  /// service -> reaper: start a launch_spec (reply: launch_result).
  CAF_ADD_ATOM(wingmate, wm, launch_atom, "wm_launch")
  /// service -> reaper: send a signal_request.
  CAF_ADD_ATOM(wingmate, wm, signal_atom, "wm_signal")
  /// signal bridge -> reaper: SIGCHLD arrived, reap everything.
  CAF_ADD_ATOM(wingmate, wm, reap_atom, "wm_reap")
  /// replacement service actor -> reaper: hand me my processes.
  CAF_ADD_ATOM(wingmate, wm, claim_atom, "wm_claim")
  /// service -> reaper: route the exit of this pid to me.
  CAF_ADD_ATOM(wingmate, wm, adopt_atom, "wm_adopt")
  /// supervisor -> reaper: signal every process that is left.
  CAF_ADD_ATOM(wingmate, wm, sweep_atom, "wm_sweep")
  /// supervisor -> reaper: reply once no child process is left.
  CAF_ADD_ATOM(wingmate, wm, drain_atom, "wm_drain")
  /// supervisor -> service: stop (report back when done).
  CAF_ADD_ATOM(wingmate, wm, stop_atom, "wm_stop")
  /// supervisor -> service: pass a signal to the running process.
  CAF_ADD_ATOM(wingmate, wm, pass_atom, "wm_pass")
  /// main -> supervisor: run until the end (reply: the exit code).
  CAF_ADD_ATOM(wingmate, wm, run_atom, "wm_run")
  /// supervisor -> service: the reaper was replaced, here is the new one.
  CAF_ADD_ATOM(wingmate, wm, reaper_atom, "wm_reaper")
  /// anyone -> supervisor: the actor running a service (reply: caf::actor).
  CAF_ADD_ATOM(wingmate, wm, lookup_atom, "wm_lookup")

  // -- cron --
  CAF_ADD_TYPE_ID(wingmate, (wm::cron_fire))
  CAF_ADD_TYPE_ID(wingmate, (wm::cron_next_run))
  CAF_ADD_TYPE_ID(wingmate, (wm::cron_wake))
  CAF_ADD_TYPE_ID(wingmate, (wm::cron_timer))
  CAF_ADD_TYPE_ID(wingmate, (wm::cron_job_state))
  /// I/O thread (or a test that moved its clock) -> cron clock: the wall
  /// clock was set; compute every next run again.
  CAF_ADD_ATOM(wingmate, wm, clock_set_atom, "wm_clkset")
  /// supervisor -> cron clock: this job (name) now runs in this actor.
  CAF_ADD_ATOM(wingmate, wm, cron_job_atom, "wm_cronjob")
  /// anyone -> cron job: its state (reply: cron_job_state).
  CAF_ADD_ATOM(wingmate, wm, cron_state_atom, "wm_cronst")

  // -- status --
  CAF_ADD_TYPE_ID(wingmate, (wm::service_status))
  /// status dump -> service: your state (reply: service_status);
  /// -> reaper: orphans reaped so far (reply: std::uint64_t).
  CAF_ADD_ATOM(wingmate, wm, status_atom, "wm_status")
  CAF_ADD_TYPE_ID(wingmate, (wm::status_write_job))
  /// status dump -> status writer: write this document (reply: bool, true
  /// when the file was replaced).
  CAF_ADD_ATOM(wingmate, wm, status_write_atom, "wm_stwrite")

  // -- pidfile --
  CAF_ADD_TYPE_ID(wingmate, (wm::pidfile_request))
  CAF_ADD_TYPE_ID(wingmate, (wm::pidfile_report))
  /// pidfile watcher -> itself: time to read the pidfile or check the daemon.
  CAF_ADD_ATOM(wingmate, wm, pidfile_tick_atom, "wm_pf_tick")
  /// reaper -> service: the pid it asked to adopt belongs to another
  /// service's process (+ pid + why); it is not taken over.
  CAF_ADD_ATOM(wingmate, wm, adopt_refused_atom, "wm_adoptno")
CAF_END_TYPE_ID_BLOCK(wingmate)

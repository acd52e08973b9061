#pragma once
// The messages of the cron actors (included by messages.hpp, which gives
// them their type IDs):
//
//   I/O thread --clock_set_atom--> cron clock --cron_fire / cron_next_run--> cron job
//   cron clock --cron_wake--> itself          cron job --cron_timer--> itself
//   supervisor --cron_job_atom + name + actor--> cron clock (a replaced job actor)
//   anyone --cron_state_atom--> cron job (reply: cron_job_state)
//
// Fire times travel as seconds since the epoch; 0 stands for "none".

#include <caf/all.hpp>
#include <cstdint>

#include "actors/cron_job_machine.hpp"

namespace wm {

/// The run of a job for fire time `due` is due now; `next` is its run after
/// that one (0: none).
struct cron_fire {
  std::int64_t due = 0;
  std::int64_t next = 0;
};

/// A job's next run has changed (0: it never runs again).
struct cron_next_run {
  std::int64_t next = 0;
};

/// The cron clock's timer; a stale generation is ignored.
struct cron_wake {
  std::uint64_t generation = 0;
};

/// A cron job's timer for one of its runs.
struct cron_timer {
  cron_timer_kind kind = cron_timer_kind::timeout;
  std::uint64_t run = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cron_fire& x) {
  return f(caf::meta::type_name("cron_fire"), x.due, x.next);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cron_next_run& x) {
  return f(caf::meta::type_name("cron_next_run"), x.next);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cron_wake& x) {
  return f(caf::meta::type_name("cron_wake"), x.generation);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cron_timer& x) {
  auto kind = static_cast<std::uint8_t>(x.kind);
  return f(caf::meta::type_name("cron_timer"), kind, x.run);
}

} // namespace wm

// Local-only: never serialized.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(wm::cron_job_state)

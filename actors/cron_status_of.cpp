#include "actors/cron_status_of.hpp"

namespace wm {

cron_status cron_status_from_spec(const cron_spec& spec) {
  cron_status status;
  status.name = spec.name;
  status.source = spec.source;
  status.schedule = spec.schedule_text;
  status.fatal_reason = spec.fatal_reason;
  status.state = spec.fatal_reason.empty() ? cron_state::waiting : cron_state::fatal;
  status.overlap = spec.overlap;
  status.timeout = spec.timeout;
  status.stop_signal = spec.stop_signal;
  return status;
}

cron_status with_cron_state(cron_status base, const cron_job_state& state, bool stopping) {
  base.runs = state.runs;
  base.skipped_runs = state.skipped_runs;
  base.next_run = state.next_run;
  if (!state.fatal_reason.empty())
    base.fatal_reason = state.fatal_reason;
  // With overlap: allow several runs may go at once; the newest one shows.
  base.pid = state.running_pids.empty() ? 0 : state.running_pids.back();

  if (!base.fatal_reason.empty())
    base.state = cron_state::fatal;
  else if (base.pid > 0)
    base.state = cron_state::running;
  else
    base.state = stopping ? cron_state::stopped : cron_state::waiting;
  if (base.state == cron_state::stopped || base.state == cron_state::fatal)
    base.next_run.reset();

  // The most recent run: the one going now, or the last that ended.
  if (state.last_start) {
    cron_run_record run;
    run.started_at = *state.last_start;
    const bool ended = base.pid == 0 && state.last_end && state.last_result;
    if (ended) {
      run.ended_at = *state.last_end;
      run.result = state.last_result->status;
      run.timed_out = state.last_result->timed_out;
      run.start_error = state.last_result->start_error;
    }
    base.last_run = run;
  }
  return base;
}

} // namespace wm

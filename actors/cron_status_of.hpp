#pragma once
// Builds the status record of a cron job (messages/cron_status.hpp) from its
// spec and the state its actor keeps (messages/cron_job_state.hpp). Pure, like
// service_status_of.hpp: the two records stay apart because the job's actor
// knows nothing of the status file, and the file knows nothing of actors.

#include "messages/cron_job_state.hpp"
#include "messages/cron_spec.hpp"
#include "messages/cron_status.hpp"

namespace wm {

/// What the spec alone says (the record of a job whose actor did not
/// answer): name, source, schedule and policy; fatal when the spec is.
cron_status cron_status_from_spec(const cron_spec& spec);

/// `base` (from the spec) completed with what the job's actor answered.
/// `stopping`: wingmate is stopping, so a job with no run going is stopped.
cron_status with_cron_state(cron_status base, const cron_job_state& state, bool stopping);

} // namespace wm

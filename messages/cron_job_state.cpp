#include "messages/cron_job_state.hpp"

namespace wm {

std::string cron_run_result::describe() const {
  if (!start_error.empty())
    return "could not start: " + start_error;
  if (timed_out)
    return status.describe() + " (timed out)";
  return status.describe();
}

} // namespace wm

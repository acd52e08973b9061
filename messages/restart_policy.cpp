#include "messages/restart_policy.hpp"

#include <cmath>

namespace wm {

std::string_view to_string(restart_mode mode) {
  switch (mode) {
    case restart_mode::always:
      return "always";
    case restart_mode::on_failure:
      return "on-failure";
    case restart_mode::never:
      return "never";
  }
  return "always";
}

std::optional<restart_mode> parse_restart_mode(std::string_view text) {
  if (text == "always")
    return restart_mode::always;
  if (text == "on-failure" || text == "on_failure")
    return restart_mode::on_failure;
  if (text == "never")
    return restart_mode::never;
  return std::nullopt;
}

std::string_view to_string(fatal_action action) {
  return action == fatal_action::shutdown ? "shutdown" : "ignore";
}

std::optional<fatal_action> parse_fatal_action(std::string_view text) {
  if (text == "ignore")
    return fatal_action::ignore;
  if (text == "shutdown")
    return fatal_action::shutdown;
  return std::nullopt;
}

bool wants_restart(restart_mode mode, const exit_status& status) {
  switch (mode) {
    case restart_mode::always:
      return true;
    case restart_mode::on_failure:
      return !status.success();
    case restart_mode::never:
      return false;
  }
  return true;
}

millis backoff_delay(const backoff_settings& settings, unsigned short_runs) {
  if (short_runs == 0)
    return millis{0};
  // Computed in floating point so that a long crash loop cannot overflow;
  // the cap makes the exact value irrelevant once it is reached.
  const double factor = std::pow(std::max(settings.multiplier, 1.0), short_runs - 1);
  const double delay = static_cast<double>(settings.initial.count()) * factor;
  const double cap = static_cast<double>(settings.max.count());
  if (!(delay < cap))
    return settings.max;
  return millis{static_cast<millis::rep>(std::llround(delay))};
}

bool restart_budget::try_spend(steady_time now) {
  if (max_restarts_ == 0)
    return true;
  forget_before(now);
  if (restarts_.size() >= max_restarts_)
    return false;
  restarts_.push_back(now);
  return true;
}

unsigned restart_budget::spent(steady_time now) {
  forget_before(now);
  return static_cast<unsigned>(restarts_.size());
}

void restart_budget::forget_before(steady_time now) {
  while (!restarts_.empty() && now - restarts_.front() >= window_)
    restarts_.pop_front();
}

} // namespace wm

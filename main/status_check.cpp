#include "main/status_check.hpp"

#include "main/status_fields.hpp"

namespace wm {

namespace {

namespace f = status_fields;

std::string last_exit_text(const status_json& service) {
  const auto* last = f::field(service, "last_exit");
  if (!last || !last->is_object())
    return {};
  if (auto code = f::integer(*last, "code"))
    return ", last exit code " + std::to_string(*code);
  if (auto signal = f::text(*last, "signal"); !signal.empty())
    return ", last killed by " + signal;
  return {};
}

std::string restarts_text(const status_json& service) {
  auto restarts = f::integer(service, "restarts");
  if (!restarts)
    return {};
  return "restarted " + std::to_string(*restarts) + " time" + (*restarts == 1 ? "" : "s");
}

} // namespace

std::vector<std::string> health_problems(const status_json& document) {
  std::vector<std::string> problems;
  for (const auto& service : f::list(document, "services")) {
    if (f::flag(service, "optional"))
      continue;
    const std::string state = f::text(service, "state");
    const std::string name = "service " + f::text(service, "name");
    if (state == "backoff")
      problems.push_back(name + " is in backoff: " + restarts_text(service)
                         + last_exit_text(service));
    else if (state == "fatal")
      problems.push_back(name + " is fatal: " + f::text(service, "fatal_reason"));
  }
  return problems;
}

} // namespace wm

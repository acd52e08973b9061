#pragma once
// What `wingmate status --check` judges from a status document. A service
// that is fatal or in backoff makes the check fail, except one whose config
// declares `on_fatal: ignore` (the document marks it "optional"): the
// operator said wingmate may run on without it. The default on_fatal is
// ignore too, but a default says nothing about the service, so it does not
// exempt it (see the README ("Status")).

#include <string>

#include "main/status_fields.hpp"
#include <vector>

namespace wm {

/// One line per service that fails the check ("service crash is in backoff:
/// restarted 4 times, last exit code 3"); empty when healthy.
std::vector<std::string> health_problems(const status_json& document);

} // namespace wm

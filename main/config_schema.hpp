#pragma once
// The schema of wingmate.json and wingmate.yaml: the `service` and `cron`
// sections turned into service and cron job specs, with every structural
// mistake collected. The keys, their types and defaults are documented in
// the README ("Configuration"); the defaults themselves live in service_spec,
// restart_policy and cron_spec.
//
// Users and groups are only read here (resolve_identities() in
// config_identity.hpp looks them up), and a bad cron schedule makes that
// job fatal rather than stopping everything.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "main/config_document.hpp"
#include "messages/cron_spec.hpp"
#include "messages/service_spec.hpp"

namespace wm {

struct structured_entries {
  std::vector<service_spec> services; ///< in file order
  std::vector<cron_spec> crons;       ///< in file order
  /// Structural errors: "<file>: <key path>: <what>; <what to do>".
  std::vector<std::string> errors;
  /// Settings that are valid but probably not what was meant.
  std::vector<std::string> warnings;
};

/// Reads the services and cron jobs of one parsed file. A null tree (an
/// empty YAML file) configures nothing.
structured_entries read_structured_config(const config_document& document);

std::string_view to_string(overlap_policy overlap);
std::optional<overlap_policy> parse_overlap_policy(std::string_view text);

} // namespace wm

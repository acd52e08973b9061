#pragma once
// Loading everything wingmate runs from its config directory and command
// line into one list, with every mistake collected rather than the first.

#include <filesystem>
#include <string>
#include <vector>

#include "main/config_document.hpp"
#include "messages/cron_spec.hpp"
#include "messages/service_spec.hpp"
#include "wmtools/identity.hpp"

namespace wm {

struct loaded_config {
  std::filesystem::path dir;
  std::vector<service_spec> services;
  std::vector<cron_spec> crons;
  /// Things skipped that the operator should know about.
  std::vector<std::string> warnings;
  /// Structural errors: when any is present nothing is started (exit 2).
  /// Entries that cannot run (an unknown user, a bad schedule) are not
  /// here: they carry their own fatal_reason.
  std::vector<std::string> errors;
};

struct config_request {
  std::string dir;
  /// The directory was asked for (-c or WINGMATE_CONFIG_PATH) rather than
  /// the default; a missing one is then an error even with a main command.
  bool dir_explicit = false;
  /// What followed "--": becomes the service named "main".
  std::vector<std::string> main_command;
  /// stdin is a terminal, so the main command gets it.
  bool interactive = false;
};

/// Reads every source in the config directory (service/, wingmate.json,
/// wingmate.yaml or wingmate.yml) and the main command, checks names across
/// all of them, and resolves users and groups through `accounts`. A real
/// start and `wingmate check` both load through here.
loaded_config load_config(const config_request& request,
                          const account_database& accounts = system_accounts());

// The steps of load_config() that work on what was read, for tests and the
// fuzz targets, which give the text of a file rather than a directory.

/// Adds one structured file, as read by parse_json_config() or
/// parse_yaml_config(): its reading errors, then its services and cron jobs.
void add_structured_file(loaded_config& config, document_result result);

/// The last step, once every source is in: names used twice, more than one
/// main service, nothing to run; then users and groups through `accounts`.
void check_loaded_config(loaded_config& config, const account_database& accounts);

} // namespace wm

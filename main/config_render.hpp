#pragma once
// The effective config as JSON, every default filled in: what `wingmate
// check` prints. Pure: it only reads the loaded specs.
//
// Each service and cron job is rendered with the keys of wingmate.json, so
// the settings can be copied back into a file, plus three that a file does
// not take: `source` (where it was defined), `fatal` (why it can never run,
// or null) and `run_as` (the uid, gid and groups its user and group resolved
// to, or null). Durations are in seconds, signals by name, unset strings
// are null.

#include <nlohmann/json.hpp>

#include "main/config.hpp"

namespace wm {

nlohmann::ordered_json render_service(const service_spec& spec);
nlohmann::ordered_json render_cron(const cron_spec& job);

/// {"config_dir": ..., "service": {name: ...}, "cron": {name: ...}}
nlohmann::ordered_json render_config(const loaded_config& config);

} // namespace wm

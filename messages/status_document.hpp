#pragma once
// The status document: a status_snapshot rendered as JSON, the shape
// documented in the README ("Status"). Pure: the snapshot carries every time it
// needs (taken_at stands for "now"), so rendering is tested without clocks.
//
// Every key is always present; what does not apply is null. Times are ISO
// 8601 local time with milliseconds and the UTC offset
// ("2026-12-03T19:49:34.125+01:00"); durations are seconds (a number with up
// to three decimals). Services and cron jobs are sorted by name.

#include <nlohmann/json.hpp>

#include "messages/status_snapshot.hpp"

namespace wm {

/// The version of the document's shape, in the document as
/// "schema_version"; raised when a key changes meaning or goes away.
inline constexpr int k_status_schema_version = 1;

nlohmann::ordered_json render_status(const status_snapshot& snapshot);

/// The document as the status file holds it: indented, with a final
/// newline. Bytes that are not UTF-8 (a service named after a file whose
/// name is Latin-1, say) become U+FFFD rather than making the dump fail.
std::string status_text(const status_snapshot& snapshot);

/// The parts, for tests and for anyone rendering a single record.
nlohmann::ordered_json render_service(const service_status& service, system_time now);
nlohmann::ordered_json render_cron_job(const cron_status& job, system_time now);

/// "waiting", "running", "stopped", "fatal".
std::string_view to_string(cron_state state);

} // namespace wm

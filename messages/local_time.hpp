#pragma once
// Wall-clock time in the zone wingmate runs in (TZ, else /etc/localtime),
// read through the C library. Instants are std::time_t; what a wall clock
// shows is a std::chrono::local_time value, which carries no zone. Around a
// daylight-saving change one wall-clock reading names two instants (the
// repeated hour) or none (the skipped hour); each function below says which
// it picks. Nothing here reads the clock: callers pass the instant.

#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace wm {

/// A wall-clock reading to the second, in no particular zone.
using wall_time = std::chrono::local_seconds;

/// A wall-clock reading to the minute, in no particular zone.
using wall_minute = std::chrono::local_time<std::chrono::minutes>;

/// Seconds east of UTC in effect at `instant`: 3600 for CET, -18000 for EST.
/// Uses the zone as last loaded by tzset(); 0 if the C library cannot
/// convert the instant (years beyond the range of `int`).
long utc_offset_at(std::time_t instant);

/// What a wall clock shows at `instant`.
wall_time wall_time_at(std::time_t instant);

/// The first instant in (after, until] whose UTC offset differs from the
/// one in effect at `after`, or nothing when it stays the same. The offset
/// is probed every 12 hours and the change found by bisection, so a pair of
/// changes less than 12 hours apart that cancel out goes unseen (no real
/// zone has one).
std::optional<std::time_t> next_offset_change(std::time_t after, std::time_t until);

/// The instant a wall clock first shows `wall`: in a repeated hour the
/// earlier of the two; for a reading the clock skips (a spring-forward gap)
/// the instant the gap ends.
std::time_t first_instant_showing(wall_time wall);

/// ISO 8601 local time with its UTC offset: "2026-12-03T19:49:34+01:00".
/// Calls tzset() first. An offset with seconds (old local mean times) is
/// written "+00:53:28". Empty for an instant the C library cannot convert.
std::string format_local_iso(std::time_t instant);

/// Parses "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (a space may stand
/// for the T) as local time, resolved like first_instant_showing(). A
/// trailing "Z" or "+HH:MM"/"-HH:MM" ("+HH:MM:SS" for a local mean time)
/// names the instant exactly, so the output of format_local_iso() reads
/// back as the same instant (in the years 0000 to 9999, which both write
/// with four digits; an offset can name an instant just outside them).
/// Calls tzset() first. Nothing for anything else, including impossible
/// dates and times (February 30, 24:00, second 60).
std::optional<std::time_t> parse_local_iso(std::string_view text);

} // namespace wm

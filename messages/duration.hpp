#pragma once
// Durations as people write them in config files and read them in logs and
// status.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace wm {

/// "0 s", "0.25 s", "1.5 s", "30 s", "2.5 min", "1.2 h": at most one
/// decimal above a second, two below, trailing zeros dropped.
std::string format_duration(std::chrono::milliseconds d);

/// The duration in seconds as a number, for JSON: 1.25 for 1250 ms.
double to_seconds(std::chrono::milliseconds d);

/// The longest duration a config value may give: a year. Longer ones are
/// typing mistakes, and keeping them bounded keeps the arithmetic exact.
inline constexpr std::chrono::milliseconds k_longest_config_duration{365LL * 24 * 3600 * 1000};

/// A duration read from a config value, or why the value is not one.
struct duration_parse_result {
  std::optional<std::chrono::milliseconds> value;
  /// For the user, without the key it came from: what is wrong and how a
  /// duration is written.
  std::string error;
};

/// Reads a number with an optional unit: "250ms", "5s", "2m", "1h", also
/// "1.5 s" and "2.5 min" as wingmate's own logs print them; no unit means
/// seconds ("30"). Rounded to the millisecond; never negative, at most a
/// year.
duration_parse_result parse_duration(std::string_view text);

/// A number of seconds (a config value like 0.25), checked the same way.
duration_parse_result duration_from_seconds(double seconds);

} // namespace wm

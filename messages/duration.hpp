#pragma once
// Durations as people read them in logs and status.

#include <chrono>
#include <string>

namespace wm {

/// "0 s", "0.25 s", "1.5 s", "30 s", "2.5 min", "1.2 h": at most one
/// decimal above a second, two below, trailing zeros dropped.
std::string format_duration(std::chrono::milliseconds d);

/// The duration in seconds as a number, for JSON: 1.25 for 1250 ms.
double to_seconds(std::chrono::milliseconds d);

} // namespace wm

#pragma once
// The severity of a line in wingmate's own log.

#include <optional>
#include <string_view>

namespace wm {

enum class log_level { debug, info, warning, error };

std::string_view to_string(log_level level);

/// "debug", "info", "warning" (or "warn"), "error"; nothing otherwise.
std::optional<log_level> parse_log_level(std::string_view text);

} // namespace wm

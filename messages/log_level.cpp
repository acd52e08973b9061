#include "messages/log_level.hpp"

namespace wm {

std::string_view to_string(log_level level) {
  switch (level) {
    case log_level::debug:
      return "debug";
    case log_level::info:
      return "info";
    case log_level::warning:
      return "warning";
    case log_level::error:
      return "error";
  }
  return "info";
}

std::optional<log_level> parse_log_level(std::string_view text) {
  if (text == "debug")
    return log_level::debug;
  if (text == "info")
    return log_level::info;
  if (text == "warning" || text == "warn")
    return log_level::warning;
  if (text == "error")
    return log_level::error;
  return std::nullopt;
}

} // namespace wm

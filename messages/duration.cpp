#include "messages/duration.hpp"

#include <cstdio>
#include <string_view>

namespace wm {

namespace {

// Prints `value` with up to `decimals` decimals, without trailing zeros.
std::string trimmed(double value, int decimals, std::string_view unit) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text = buffer;
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0')
      text.pop_back();
    if (text.back() == '.')
      text.pop_back();
  }
  return text + " " + std::string(unit);
}

} // namespace

std::string format_duration(std::chrono::milliseconds d) {
  const double seconds = to_seconds(d);
  if (seconds < 1.0)
    return trimmed(seconds, 2, "s");
  if (seconds < 120.0)
    return trimmed(seconds, 1, "s");
  if (seconds < 7200.0)
    return trimmed(seconds / 60.0, 1, "min");
  return trimmed(seconds / 3600.0, 1, "h");
}

double to_seconds(std::chrono::milliseconds d) {
  return static_cast<double>(d.count()) / 1000.0;
}

} // namespace wm

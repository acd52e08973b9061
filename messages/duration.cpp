#include "messages/duration.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

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

constexpr std::string_view k_how_to_write =
  "write seconds as a number (5) or a number with a unit: \"250ms\", \"5s\", \"2m\", \"1h\"";

// Built by appending: "literal" + std::string trips a false -Wrestrict
// warning in g++ 12 (GCC bug 105329).
std::string quoted(std::string_view text) {
  std::string out;
  out += '"';
  out += text;
  out += '"';
  return out;
}

duration_parse_result failure(std::string error) {
  return duration_parse_result{std::nullopt, std::move(error)};
}

// Milliseconds per unit; 0 for a unit we do not know.
double unit_factor(std::string_view unit) {
  if (unit.empty() || unit == "s")
    return 1000.0;
  if (unit == "ms")
    return 1.0;
  if (unit == "m" || unit == "min")
    return 60'000.0;
  if (unit == "h")
    return 3'600'000.0;
  return 0.0;
}

duration_parse_result from_millis(double ms, std::string_view as_written) {
  if (!(ms <= static_cast<double>(k_longest_config_duration.count())))
    return failure(std::string(as_written) + " is longer than a year; durations are at most "
                   + "8760h");
  return duration_parse_result{std::chrono::milliseconds{std::llround(ms)}, {}};
}

} // namespace

std::string format_duration(std::chrono::milliseconds d) {
  const double seconds = to_seconds(d);
  // "0.01 s" is the least two decimals show; a shorter run is no "0 s".
  if (d.count() > 0 && d.count() < 10)
    return std::to_string(d.count()) + " ms";
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

duration_parse_result parse_duration(std::string_view text) {
  const std::string as_written = quoted(text);
  if (text.starts_with('-'))
    return failure(as_written + " is negative; durations are 0 or more");
  // Digits with at most one decimal point, then the unit: from_chars alone
  // would also take "inf", "nan" and exponents.
  const std::size_t number_end = text.find_first_not_of("0123456789.");
  const std::string_view number = text.substr(0, number_end);
  std::string_view unit = number_end == std::string_view::npos ? "" : text.substr(number_end);
  const bool spaced = unit.starts_with(' ');
  while (unit.starts_with(' '))
    unit.remove_prefix(1);
  const bool one_point = number.find('.') == number.rfind('.');
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value,
                                         std::chars_format::fixed);
  // A space may stand between number and unit ("1.5 s"), not after them.
  const double factor = spaced && unit.empty() ? 0.0 : unit_factor(unit);
  if (number.find_first_of("0123456789") == std::string_view::npos || !one_point
      || ec != std::errc{} || end != number.data() + number.size() || factor == 0.0)
    return failure(as_written + " is not a duration; " + std::string(k_how_to_write));
  return from_millis(value * factor, as_written);
}

duration_parse_result duration_from_seconds(double seconds) {
  char written[64];
  std::snprintf(written, sizeof written, "%g", seconds);
  if (std::isnan(seconds))
    return failure("NaN is not a duration; " + std::string(k_how_to_write));
  if (seconds < 0)
    return failure(std::string(written) + " is negative; durations are 0 or more");
  return from_millis(seconds * 1000.0, written);
}

} // namespace wm

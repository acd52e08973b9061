// Local time through the C library: localtime_r for offsets, bisection for
// the instants where they change, and a strict ISO 8601 reader and writer.

#include "messages/local_time.hpp"

#include <cstdio>
#include <cstdlib>

namespace wm {

namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// Offsets never change twice within this span in any real zone, so probing
// at this pace finds every change.
constexpr std::time_t k_probe_step = std::time_t{12} * 3600;

// More than any UTC offset (real ones stay within -12 h and +14 h): an
// instant this far before a wall-clock reading is certainly earlier than
// every instant that shows it.
constexpr std::time_t k_beyond_any_offset = std::time_t{2} * 86400;

// The first instant in (before, at] whose offset is not `offset`, given that
// `before` has that offset and `at` has not.
std::time_t bisect_change(std::time_t before, std::time_t at, long offset) {
  while (at - before > 1) {
    const std::time_t middle = before + (at - before) / 2;
    if (utc_offset_at(middle) == offset)
      before = middle;
    else
      at = middle;
  }
  return at;
}

std::time_t as_if_utc(wall_time wall) {
  return static_cast<std::time_t>(wall.time_since_epoch().count());
}

// "+01:00", "-05:00", "+05:45"; seconds only when there are some.
std::string format_offset(long offset) {
  const char sign = offset < 0 ? '-' : '+';
  const long size = std::labs(offset);
  char buffer[32];
  if (size % 60 == 0)
    std::snprintf(buffer, sizeof buffer, "%c%02ld:%02ld", sign, size / 3600, size / 60 % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%c%02ld:%02ld:%02ld", sign, size / 3600,
                  size / 60 % 60, size % 60);
  return buffer;
}

// -- reading ISO 8601 ---------------------------------------------------------

// Does `text` start with `shape`? In a shape, 'd' stands for a decimal digit
// and 'T' for the date-time separator ("T", "t" or a space).
bool starts_with_shape(std::string_view text, std::string_view shape) {
  if (text.size() < shape.size())
    return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const char c = text[i];
    const bool fits = shape[i] == 'd'   ? c >= '0' && c <= '9'
                      : shape[i] == 'T' ? c == 'T' || c == 't' || c == ' '
                                        : c == shape[i];
    if (!fits)
      return false;
  }
  return true;
}

// The decimal number in text[at, at + count), which holds only digits.
int number_at(std::string_view text, std::size_t at, std::size_t count) {
  int value = 0;
  for (char c : text.substr(at, count))
    value = value * 10 + (c - '0');
  return value;
}

// "2026-03-29T02:30" or "2026-03-29T02:30:45" off the front of `text`.
std::optional<wall_time> take_wall_time(std::string_view& text) {
  if (!starts_with_shape(text, "dddd-dd-ddTdd:dd"))
    return std::nullopt;
  const bool with_seconds = starts_with_shape(text.substr(16), ":dd");

  const std::chrono::year_month_day date{
    std::chrono::year{number_at(text, 0, 4)},
    std::chrono::month{static_cast<unsigned>(number_at(text, 5, 2))},
    std::chrono::day{static_cast<unsigned>(number_at(text, 8, 2))}};
  const int hour = number_at(text, 11, 2);
  const int minute = number_at(text, 14, 2);
  const int second = with_seconds ? number_at(text, 17, 2) : 0;
  text.remove_prefix(with_seconds ? 19 : 16);

  if (!date.ok() || hour > 23 || minute > 59 || second > 59)
    return std::nullopt;
  return std::chrono::local_days{date} + hours{hour} + minutes{minute} + seconds{second};
}

// "Z", "+01:00", "-05:00" or, as format_offset() writes a local mean time,
// "-00:44:30", as seconds east of UTC; nothing otherwise.
std::optional<long> parse_offset(std::string_view text) {
  if (text == "Z" || text == "z")
    return 0L;
  const bool with_seconds = text.size() == 9 && starts_with_shape(text.substr(1), "dd:dd:dd");
  if ((text.size() != 6 && !with_seconds) || (text[0] != '+' && text[0] != '-') ||
      !starts_with_shape(text.substr(1), "dd:dd"))
    return std::nullopt;

  const long hh = number_at(text, 1, 2);
  const long mm = number_at(text, 4, 2);
  const long ss = with_seconds ? number_at(text, 7, 2) : 0;
  if (hh > 23 || mm > 59 || ss > 59)
    return std::nullopt;
  return (text[0] == '-' ? -1 : 1) * (hh * 3600 + mm * 60 + ss);
}

} // namespace

long utc_offset_at(std::time_t instant) {
  std::tm parts{};
  if (localtime_r(&instant, &parts) == nullptr)
    return 0;
  return parts.tm_gmtoff;
}

wall_time wall_time_at(std::time_t instant) {
  return wall_time{seconds{instant + utc_offset_at(instant)}};
}

std::optional<std::time_t> next_offset_change(std::time_t after, std::time_t until) {
  const long offset = utc_offset_at(after);
  for (std::time_t probe = after; probe < until;) {
    const std::time_t next = until - probe > k_probe_step ? probe + k_probe_step : until;
    if (utc_offset_at(next) != offset)
      return bisect_change(probe, next, offset);
    probe = next;
  }
  return std::nullopt;
}

std::time_t first_instant_showing(wall_time wall) {
  const std::time_t wanted = as_if_utc(wall);

  // Walk forward from well before the reading, one stretch of constant
  // offset at a time, until the reading falls inside a stretch or inside
  // the gap that opens one.
  std::time_t after = wanted - k_beyond_any_offset;
  long offset = utc_offset_at(after);
  for (;;) {
    const std::time_t candidate = wanted - offset;
    const auto change = next_offset_change(after, candidate);
    if (!change)
      return candidate;

    const long offset_after = utc_offset_at(*change);
    const bool skipped = offset_after > offset && wanted < *change + offset_after;
    if (skipped)
      return *change;

    after = *change;
    offset = offset_after;
  }
}

std::string format_local_iso(std::time_t instant) {
  ::tzset();
  std::tm parts{};
  if (localtime_r(&instant, &parts) == nullptr)
    return {};

  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec);
  return buffer + format_offset(parts.tm_gmtoff);
}

std::optional<std::time_t> parse_local_iso(std::string_view text) {
  ::tzset();
  const auto wall = take_wall_time(text);
  if (!wall)
    return std::nullopt;

  if (text.empty())
    return first_instant_showing(*wall);

  const auto offset = parse_offset(text);
  if (!offset)
    return std::nullopt;
  return as_if_utc(*wall) - *offset;
}

} // namespace wm

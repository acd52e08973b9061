#pragma once
// A cron schedule as a plain copyable value: five fields (minute, hour,
// day of month, month, day of week) or a macro such as @daily. It answers
// two questions without reading any clock: does a wall-clock minute match,
// and what is the next instant the job fires after a given one, in the local
// zone (TZ, else /etc/localtime).
//
// Syntax, per field: `*`, a value, a range `1-5`, a list `1,15,30`, and a
// step on `*`, a range or a value (`*/15`, `1-30/10`, `5/15` = `5-59/15`).
// Months may be named jan-dec and days of the week sun-sat (any case, also in
// ranges such as mon-fri); 0 and 7 are both Sunday, and Sunday may close a
// range (fri-sun). When day of month and day of week are both restricted
// (neither field starts with `*`), a day matching either one fires.
//
// Daylight saving follows Vixie cron. A job whose minute or hour field
// starts with `*` is a wildcard job: it follows the wall clock, so it runs in
// both passes of a repeated hour and not at all in minutes the clock skips.
// Any other job is a fixed-time job: it runs once for a time in a repeated
// hour (the first pass), and a time the clock skips runs once, at the
// instant the gap ends.

#include <array>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "messages/local_time.hpp"

namespace wm {

struct schedule_parse_result;

class schedule {
public:
  /// Parses five fields or a macro (@yearly @annually @monthly @weekly
  /// @daily @midnight @hourly, any case). Fields are separated by spaces or
  /// tabs. Bad input gives an error for the user that names the field and
  /// says what is wrong, e.g. `minute field "61": 61 is out of range 0-59`.
  /// Never throws for bad input.
  static schedule_parse_result parse(std::string_view text);

  /// The first instant strictly after `instant` at which the job fires, in
  /// the zone of the TZ variable (tzset() is called first). Fire times fall
  /// on whole minutes of local time. Nothing when no date ever matches
  /// (`0 0 30 2 *`) or none comes before the year 10000.
  std::optional<std::time_t> next_after(std::time_t instant) const;

  /// True when the wall-clock minute in `local_time` matches every field
  /// (tm_min, tm_hour, tm_mday, tm_mon, tm_wday are read; seconds ignored).
  bool matches(const std::tm& local_time) const;

  /// False for a schedule that no date satisfies, such as `0 0 30 2 *`.
  bool ever_fires() const;

  /// The first wall-clock minute in [from, last] that matches, found by
  /// jumping field by field (month, day, hour, minute). No zone involved.
  std::optional<wall_minute> next_matching_minute(wall_minute from, wall_minute last) const;

  /// True when the minute or hour field starts with `*` (see the top of this
  /// file for what that changes around daylight-saving changes).
  bool is_wildcard_job() const { return wildcard_job_; }

  /// The schedule as it was written.
  const std::string& text() const { return text_; }

  friend bool operator==(const schedule&, const schedule&) = default;

private:
  enum field : std::size_t {
    minute_field,
    hour_field,
    day_of_month_field,
    month_field,
    day_of_week_field,
    field_count,
  };

  schedule() = default;

  bool has(field f, int value) const;
  bool day_matches(int day_of_month, int day_of_week) const;
  bool date_matches(std::chrono::local_days day) const;
  std::chrono::local_days next_day_to_try(std::chrono::local_days day) const;
  std::optional<std::chrono::minutes> first_time_of_day_from(std::chrono::minutes from) const;

  std::string text_;
  /// Bit v set: value v is in the field. Day of week uses bits 0-6.
  std::array<std::uint64_t, field_count> values_{};
  bool day_of_month_star_ = false;
  bool day_of_week_star_ = false;
  bool wildcard_job_ = false;
};

/// A parsed schedule, or why the text is not one.
struct schedule_parse_result {
  std::optional<schedule> value;
  /// For the user: which field is wrong, why, and how it should look.
  std::string error;
};

} // namespace wm

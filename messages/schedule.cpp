// Cron schedules: the parser (text to one bit set per field), the wall-clock
// search (jumping month, day, hour, minute), and the walk along the local
// zone's UTC offsets that turns matching wall-clock minutes into instants
// under Vixie cron's daylight-saving rule.

#include "messages/schedule.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <span>
#include <utility>
#include <vector>

namespace wm {

namespace {

using std::chrono::ceil;
using std::chrono::days;
using std::chrono::floor;
using std::chrono::hours;
using std::chrono::local_days;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::year_month_day;

// -- the syntax ---------------------------------------------------------------

constexpr std::string_view k_field_list =
  "5 fields (minute hour day-of-month month day-of-week)";

constexpr std::array<std::string_view, 12> k_month_names{
  "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};

constexpr std::array<std::string_view, 7> k_day_names{
  "sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// What one field accepts.
struct field_rules {
  std::string_view name;
  int min;
  int max;
  /// names[i] stands for the value first_named_value + i.
  std::span<const std::string_view> names;
  int first_named_value;
  /// How a single value looks, for error messages.
  std::string_view expected;
  /// Day of week: 7 is Sunday again, and Sunday may close a range (fri-sun).
  bool sunday_is_seven;
};

constexpr std::array<field_rules, 5> k_fields{{
  {"minute", 0, 59, {}, 0, "a number 0-59", false},
  {"hour", 0, 23, {}, 0, "a number 0-23", false},
  {"day-of-month", 1, 31, {}, 0, "a number 1-31", false},
  {"month", 1, 12, k_month_names, 1, "a month, 1-12 or jan-dec", false},
  {"day-of-week", 0, 7, k_day_names, 0, "a day of the week, 0-7 or sun-sat", true},
}};

struct macro {
  std::string_view name;
  std::string_view fields;
};

constexpr std::array<macro, 7> k_macros{{
  {"@yearly", "0 0 1 1 *"},
  {"@annually", "0 0 1 1 *"},
  {"@monthly", "0 0 1 * *"},
  {"@weekly", "0 0 * * 0"},
  {"@daily", "0 0 * * *"},
  {"@midnight", "0 0 * * *"},
  {"@hourly", "0 * * * *"},
}};

constexpr std::string_view k_macro_list =
  "@yearly @annually @monthly @weekly @daily @midnight @hourly";

// -- small text helpers -------------------------------------------------------

// Built by appending: "literal" + std::string trips a false -Wrestrict
// warning in g++ 12.
std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out += text;
  out += '"';
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

// Splits on spaces and tabs (and other white space), dropping empty words.
std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  constexpr std::string_view blanks = " \t\n\r\f\v";
  for (std::size_t at = text.find_first_not_of(blanks); at != std::string_view::npos;) {
    const std::size_t end = std::min(text.find_first_of(blanks, at), text.size());
    words.push_back(text.substr(at, end - at));
    at = text.find_first_not_of(blanks, end);
  }
  return words;
}

// Splits on every `separator`, keeping empty pieces.
std::vector<std::string_view> split_on(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  for (;;) {
    const std::size_t at = text.find(separator);
    pieces.push_back(text.substr(0, at));
    if (at == std::string_view::npos)
      return pieces;
    text.remove_prefix(at + 1);
  }
}

// A run of digits as a number; anything longer than four digits (after
// leading zeros) is reported as too large for every field.
int small_number(std::string_view digits) {
  const std::size_t first = std::min(digits.find_first_not_of('0'), digits.size());
  digits.remove_prefix(first);
  if (digits.size() > 4)
    return 99999;
  int value = 0;
  for (char c : digits)
    value = value * 10 + (c - '0');
  return value;
}

// -- parsing one field --------------------------------------------------------
// Each function returns nothing and fills `why` when the text is wrong.

struct value_range {
  int first;
  int last;
};

std::optional<int> parse_value(const field_rules& rules, std::string_view text,
                               std::string& why) {
  if (all_digits(text)) {
    const int value = small_number(text);
    if (value >= rules.min && value <= rules.max)
      return value;
    why = std::string(text) + " is out of range " + std::to_string(rules.min) + "-" +
          std::to_string(rules.max);
    return std::nullopt;
  }

  const auto name = std::find(rules.names.begin(), rules.names.end(), lower(text));
  if (name != rules.names.end())
    return rules.first_named_value + static_cast<int>(name - rules.names.begin());

  why = quoted(text) + " is not " + std::string(rules.expected);
  return std::nullopt;
}

// "*", "5", "1-5", "mon-fri". A single value followed by a step reaches to
// the end of the field, as in Vixie cron: "5/15" is "5-59/15".
std::optional<value_range> parse_range(const field_rules& rules, std::string_view text,
                                       bool has_step, std::string& why) {
  if (text == "*")
    return value_range{rules.min, rules.max};

  const std::size_t dash = text.find('-');
  if (dash == std::string_view::npos) {
    const auto value = parse_value(rules, text, why);
    if (!value)
      return std::nullopt;
    return value_range{*value, has_step ? rules.max : *value};
  }

  const std::string_view first_text = text.substr(0, dash);
  const std::string_view last_text = text.substr(dash + 1);
  if (last_text.find('-') != std::string_view::npos) {
    why = quoted(text) + " has more than one \"-\"; a range is written like 1-5";
    return std::nullopt;
  }
  if (first_text.empty() || last_text.empty()) {
    why = "range " + quoted(text) + " needs a value on each side of \"-\", like 1-5";
    return std::nullopt;
  }

  const auto first = parse_value(rules, first_text, why);
  if (!first)
    return std::nullopt;
  auto last = parse_value(rules, last_text, why);
  if (!last)
    return std::nullopt;

  if (rules.sunday_is_seven && *last == 0 && *first > 0)
    last = 7;
  if (*first > *last) {
    why = "range " + std::string(text) + " runs backwards; write the smaller value first, like " +
          std::string(last_text) + "-" + std::string(first_text);
    return std::nullopt;
  }
  return value_range{*first, *last};
}

std::optional<int> parse_step(const field_rules& rules, std::string_view text,
                              std::string& why) {
  if (text.empty()) {
    why = "a step is missing after \"/\"; write it like */15";
    return std::nullopt;
  }
  if (!all_digits(text)) {
    why = "step " + quoted(text) + " is not a whole number; write it like */15";
    return std::nullopt;
  }

  const int step = small_number(text);
  if (step < 1) {
    why = "step must be at least 1";
    return std::nullopt;
  }
  if (step > rules.max) {
    why = "step " + std::string(text) + " is too large; at most " + std::to_string(rules.max);
    return std::nullopt;
  }
  return step;
}

// One item of a list: a range or value, with an optional "/step".
std::optional<std::uint64_t> parse_item(const field_rules& rules, std::string_view item,
                                        std::string& why) {
  const std::size_t slash = item.find('/');
  const bool has_step = slash != std::string_view::npos;
  const std::string_view step_text = has_step ? item.substr(slash + 1) : std::string_view{};
  if (step_text.find('/') != std::string_view::npos) {
    why = quoted(item) + " has more than one \"/\"; a step is written once, like */15";
    return std::nullopt;
  }

  const std::string_view range_text = item.substr(0, slash);
  if (range_text.empty()) {
    why = "a step needs a range before \"/\", like */15 or 1-30/5";
    return std::nullopt;
  }

  const auto range = parse_range(rules, range_text, has_step, why);
  if (!range)
    return std::nullopt;
  const auto step = has_step ? parse_step(rules, step_text, why) : std::optional<int>{1};
  if (!step)
    return std::nullopt;

  std::uint64_t values = 0;
  for (int value = range->first; value <= range->last; value += *step)
    values |= std::uint64_t{1} << value;
  return values;
}

std::optional<std::uint64_t> parse_field(const field_rules& rules, std::string_view text,
                                         std::string& error) {
  std::uint64_t values = 0;
  std::string why;
  for (const std::string_view item : split_on(text, ',')) {
    const auto item_values = item.empty() ? std::nullopt : parse_item(rules, item, why);
    if (!item_values) {
      if (item.empty())
        why = "the list has an empty item; separate values with single commas, like 1,15,30";
      error = std::string(rules.name) + " field " + quoted(text) + ": " + why;
      return std::nullopt;
    }
    values |= *item_values;
  }

  // Sunday is bit 0 whichever way it was written.
  if (rules.sunday_is_seven && (values >> 7 & 1) != 0)
    values = (values & ~(std::uint64_t{1} << 7)) | 1;
  return values;
}

// The five fields a macro stands for, or an error naming the macro.
std::optional<std::string_view> expand_macro(std::span<const std::string_view> words,
                                             std::string& error) {
  const std::string name = lower(words.front());
  const auto found = std::find_if(k_macros.begin(), k_macros.end(),
                                  [&](const macro& m) { return m.name == name; });
  if (found == k_macros.end()) {
    error = "unknown macro " + quoted(words.front()) + "; use one of " +
            std::string(k_macro_list) + ", or " + std::string(k_field_list);
    if (name == "@reboot")
      error += " (to run something once at start, make it a service with restart: never)";
    return std::nullopt;
  }
  if (words.size() > 1) {
    error = "macro " + quoted(words.front()) + " stands for all " + std::string(k_field_list) +
            "; remove what follows it, starting at " + quoted(words[1]);
    return std::nullopt;
  }
  return found->fields;
}

schedule_parse_result failure(std::string error) {
  return {std::nullopt, std::move(error)};
}

// -- wall clock and offsets ---------------------------------------------------

// The Gregorian calendar repeats after 400 years, which is a whole number of
// weeks: a schedule with no match in that span has none at all.
constexpr days k_calendar_cycle{146097};

// Instants whose local time certainly lies within years 1-9999, the range
// the calendar arithmetic is checked for.
constexpr std::time_t k_first_instant = -62135596800 + std::time_t{2} * 86400;
constexpr std::time_t k_last_instant = 253402300799 - std::time_t{2} * 86400;

// Longer than any stretch of wall-clock time a zone shows twice, so a change
// that repeats the time at hand lies within this span before it.
constexpr std::time_t k_lookback = 86400;

/// A stretch of time with one UTC offset.
struct offset_stretch {
  /// The change that began the stretch; unknown for the first one looked at.
  std::optional<std::time_t> begin;
  long offset = 0;
  long offset_before = 0;

  /// The change turned the clock back: the stretch first shows times again.
  bool repeats() const { return begin && offset < offset_before; }

  /// The change turned the clock forward over some minutes.
  bool follows_gap() const { return begin && offset > offset_before; }
};

wall_time wall_at(std::time_t instant, long offset) {
  return wall_time{seconds{instant + offset}};
}

std::time_t instant_at(wall_minute wall, long offset) {
  return std::chrono::duration_cast<seconds>(wall.time_since_epoch()).count() - offset;
}

// The stretch `instant` lies in, with the change that began it when that
// change happened within the lookback.
offset_stretch stretch_containing(std::time_t instant) {
  offset_stretch stretch;
  stretch.offset = utc_offset_at(instant - k_lookback);
  stretch.offset_before = stretch.offset;

  std::time_t after = instant - k_lookback;
  while (const auto change = next_offset_change(after, instant)) {
    stretch = {*change, utc_offset_at(*change), stretch.offset};
    after = *change;
  }
  return stretch;
}

// The first wall-clock minute of a stretch a job may fire in. A fixed-time
// job does not fire again for the minutes a stretch shows a second time.
wall_minute first_minute_of(const offset_stretch& stretch, bool wildcard_job) {
  const long shown_from =
    stretch.repeats() && !wildcard_job ? stretch.offset_before : stretch.offset;
  return ceil<minutes>(wall_at(*stretch.begin, shown_from));
}

// Did the gap before `stretch` skip a minute the schedule matches?
bool skipped_a_match(const schedule& job, const offset_stretch& stretch) {
  const wall_minute first_skipped = ceil<minutes>(wall_at(*stretch.begin, stretch.offset_before));
  const wall_minute first_shown = ceil<minutes>(wall_at(*stretch.begin, stretch.offset));
  return job.next_matching_minute(first_skipped, first_shown - minutes{1}).has_value();
}

// The first instant at or after `instant` at which local time reads a whole
// minute (the same instant, except in zones whose offset has seconds).
std::time_t next_whole_minute(std::time_t instant) {
  const wall_time wall = wall_time_at(instant);
  const auto past_minute = (wall - floor<minutes>(wall)).count();
  return past_minute == 0 ? instant : instant + (60 - past_minute);
}

std::optional<int> first_at_or_after(std::uint64_t values, int from) {
  if (from < 0 || from > 63)
    return std::nullopt;
  const std::uint64_t rest = values >> from;
  if (rest == 0)
    return std::nullopt;
  return from + std::countr_zero(rest);
}

} // namespace

// -- parsing ------------------------------------------------------------------

schedule_parse_result schedule::parse(std::string_view text) {
  const auto words = split_words(text);
  if (words.empty())
    return failure("the schedule is empty; expected " + std::string(k_field_list) +
                   " or a macro such as @daily");

  if (words.front().starts_with('@')) {
    std::string error;
    const auto fields = expand_macro(words, error);
    if (!fields)
      return failure(error);
    auto expanded = parse(*fields);
    expanded.value->text_ = std::string(text);
    return expanded;
  }

  if (words.size() != field_count)
    return failure("expected " + std::string(k_field_list) + ", got " +
                   std::to_string(words.size()));

  schedule result;
  for (std::size_t f = 0; f < field_count; ++f) {
    std::string error;
    const auto values = parse_field(k_fields[f], words[f], error);
    if (!values)
      return failure(error);
    result.values_[f] = *values;
  }

  result.text_ = std::string(text);
  result.day_of_month_star_ = words[day_of_month_field].starts_with('*');
  result.day_of_week_star_ = words[day_of_week_field].starts_with('*');
  result.wildcard_job_ =
    words[minute_field].starts_with('*') || words[hour_field].starts_with('*');
  return {std::move(result), {}};
}

// -- matching -----------------------------------------------------------------

bool schedule::has(field f, int value) const {
  return value >= 0 && value < 64 && (values_[f] >> value & 1) != 0;
}

// The classic rule: with both day fields restricted, either may match;
// when one starts with "*", both must.
bool schedule::day_matches(int day_of_month, int day_of_week) const {
  const bool month_day = has(day_of_month_field, day_of_month);
  const bool week_day = has(day_of_week_field, day_of_week);
  if (day_of_month_star_ || day_of_week_star_)
    return month_day && week_day;
  return month_day || week_day;
}

bool schedule::date_matches(local_days day) const {
  const year_month_day date{day};
  return has(month_field, static_cast<int>(static_cast<unsigned>(date.month()))) &&
         day_matches(static_cast<int>(static_cast<unsigned>(date.day())),
                     static_cast<int>(std::chrono::weekday{day}.c_encoding()));
}

bool schedule::matches(const std::tm& local_time) const {
  return has(minute_field, local_time.tm_min) && has(hour_field, local_time.tm_hour) &&
         has(month_field, local_time.tm_mon + 1) &&
         day_matches(local_time.tm_mday, local_time.tm_wday);
}

bool schedule::ever_fires() const {
  const wall_minute start = local_days{std::chrono::year{2000} / 1 / 1};
  return next_matching_minute(start, start + k_calendar_cycle).has_value();
}

// -- searching the wall clock -------------------------------------------------

// A day in a month the schedule does not have moves on to the next month.
local_days schedule::next_day_to_try(local_days day) const {
  const year_month_day date{day};
  if (has(month_field, static_cast<int>(static_cast<unsigned>(date.month()))))
    return day + days{1};
  const auto next_month = date.year() / date.month() + std::chrono::months{1};
  return local_days{next_month / 1};
}

std::optional<minutes> schedule::first_time_of_day_from(minutes from) const {
  const int hour = static_cast<int>(from.count() / 60);
  const int minute = static_cast<int>(from.count() % 60);
  if (has(hour_field, hour)) {
    if (const auto found = first_at_or_after(values_[minute_field], minute))
      return hours{hour} + minutes{*found};
  }

  const auto later_hour = first_at_or_after(values_[hour_field], hour + 1);
  const auto first_minute = first_at_or_after(values_[minute_field], 0);
  if (!later_hour || !first_minute)
    return std::nullopt;
  return hours{*later_hour} + minutes{*first_minute};
}

std::optional<wall_minute> schedule::next_matching_minute(wall_minute from,
                                                          wall_minute last) const {
  local_days day = floor<days>(from);
  minutes time_of_day = from - day;
  while (day <= last) {
    if (date_matches(day)) {
      if (const auto time = first_time_of_day_from(time_of_day)) {
        const wall_minute found = day + *time;
        if (found > last)
          return std::nullopt;
        return found;
      }
    }
    day = next_day_to_try(day);
    time_of_day = minutes{0};
  }
  return std::nullopt;
}

// -- from wall clock to instants ----------------------------------------------
//
// Walk forward one stretch of constant UTC offset at a time. Within a
// stretch, local time runs evenly, so the next matching wall-clock minute
// maps to exactly one instant; if the offset changes before that instant,
// the search starts over in the next stretch. A change that turns the clock
// back repeats wall-clock minutes, which wildcard jobs see again and
// fixed-time jobs skip. A change that turns it forward skips minutes; a
// fixed-time job that matches one of them fires when the gap ends.

std::optional<std::time_t> schedule::next_after(std::time_t instant) const {
  if (instant < k_first_instant || instant > k_last_instant)
    return std::nullopt;
  ::tzset();

  auto stretch = stretch_containing(instant);
  wall_minute from = floor<minutes>(wall_at(instant, stretch.offset)) + minutes{1};
  if (stretch.begin)
    from = std::max(from, first_minute_of(stretch, wildcard_job_));
  const wall_minute last_supported =
    local_days{std::chrono::year{9999} / 12 / 31} + hours{23} + minutes{59};
  const wall_minute last = std::min(from + k_calendar_cycle, last_supported);

  std::time_t searched_to = instant;
  while (const auto wall = next_matching_minute(from, last)) {
    const std::time_t candidate = instant_at(*wall, stretch.offset);
    const auto change = next_offset_change(searched_to, candidate);
    if (!change)
      return candidate;

    stretch = {*change, utc_offset_at(*change), stretch.offset};
    if (!wildcard_job_ && stretch.follows_gap() && skipped_a_match(*this, stretch))
      return next_whole_minute(*change);
    searched_to = *change;
    from = first_minute_of(stretch, wildcard_job_);
  }
  return std::nullopt;
}

} // namespace wm

#include "main/status_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "main/status_fields.hpp"
#include "messages/duration.hpp"
#include "messages/local_time.hpp"

namespace wm {

namespace {

using json = status_json;
using millis = std::chrono::milliseconds;
using row = std::vector<std::string>;
namespace f = status_fields;

const row k_header{"NAME", "TYPE", "STATE", "PID", "UPTIME", "RESTARTS", "LAST EXIT", "NEXT RUN"};

constexpr const char* k_none = "-";

std::string duration_text(double seconds) {
  return format_duration(millis(std::llround(seconds * 1000.0)));
}

std::string duration_field(const json& object, const char* key) {
  auto seconds = f::number(object, key);
  return seconds ? duration_text(*seconds) : k_none;
}

std::string text_field(const json& object, const char* key) {
  std::string value = f::text(object, key);
  return value.empty() ? k_none : value;
}

std::string integer_field(const json& object, const char* key) {
  auto value = f::integer(object, key);
  return value ? std::to_string(*value) : k_none;
}

// Milliseconds since the epoch of "2026-12-03T19:49:34.125+01:00" (the
// fraction is optional).
std::optional<std::int64_t> instant_ms(const std::string& iso) {
  std::string whole = iso;
  int fraction_ms = 0;
  if (auto dot = whole.find('.'); dot != std::string::npos) {
    auto end = whole.find_first_not_of("0123456789", dot + 1);
    const std::string digits = (whole.substr(dot + 1, end - dot - 1) + "000").substr(0, 3);
    fraction_ms = std::stoi(digits);
    whole.erase(dot, end == std::string::npos ? std::string::npos : end - dot);
  }
  auto seconds = parse_local_iso(whole);
  if (!seconds)
    return std::nullopt;
  return static_cast<std::int64_t>(*seconds) * 1000 + fraction_ms;
}

// "3.2 s" from one ISO time to a later one; empty if either is unreadable.
std::string span(const std::string& from, const std::string& to) {
  auto begin = instant_ms(from), end = instant_ms(to);
  if (!begin || !end)
    return {};
  return format_duration(millis(std::max<std::int64_t>(*end - *begin, 0)));
}

// "3.2 s ago" for `at` against the document's dump time; empty if unknown.
std::string age(const std::string& at, const std::string& now) {
  const std::string elapsed = span(at, now);
  return elapsed.empty() ? elapsed : elapsed + " ago";
}

// "code 3" or "SIGKILL"; empty when the object holds neither.
std::string result_text(const json& result) {
  if (auto code = f::integer(result, "code"))
    return "code " + std::to_string(*code);
  return f::text(result, "signal");
}

std::string with_age(const std::string& what, const std::string& at, const std::string& now) {
  const std::string ago = age(at, now);
  if (what.empty())
    return k_none;
  return ago.empty() ? what : what + ", " + ago;
}

// An ISO time without its milliseconds, which a table does not need.
std::string short_time(const std::string& iso) {
  auto dot = iso.find('.');
  if (dot == std::string::npos)
    return iso;
  auto end = iso.find_first_not_of("0123456789", dot + 1);
  return iso.substr(0, dot) + (end == std::string::npos ? "" : iso.substr(end));
}

row service_row(const json& service, const std::string& now) {
  const json* last = f::field(service, "last_exit");
  const std::string last_exit =
    last && last->is_object() ? with_age(result_text(*last), f::text(*last, "at"), now) : k_none;
  auto next = f::number(service, "next_restart_in");
  return {text_field(service, "name"),
          f::flag(service, "main") ? "main" : "service",
          text_field(service, "state"),
          integer_field(service, "pid"),
          duration_field(service, "uptime"),
          integer_field(service, "restarts"),
          last_exit,
          next ? "in " + duration_text(*next) : k_none};
}

row cron_row(const json& job, const std::string& now) {
  const json* last = f::field(job, "last_run");
  std::string last_run = k_none;
  if (last && last->is_object()) {
    const std::string ended = f::text(*last, "ended_at");
    last_run = ended.empty() ? "running" : with_age(result_text(*last), ended, now);
  }
  const std::string next_run = f::text(job, "next_run");
  const std::string in = span(now, next_run);
  std::string next = k_none;
  if (!next_run.empty())
    next = short_time(next_run) + (in.empty() ? "" : " (in " + in + ")");
  return {text_field(job, "name"),
          "cron",
          text_field(job, "state"),
          integer_field(job, "pid"),
          duration_field(job, "running_for"),
          k_none,
          last_run,
          next};
}

std::string layout(const std::vector<row>& rows) {
  std::vector<std::size_t> widths(k_header.size(), 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i)
      widths[i] = std::max(widths[i], r[i].size());
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size())
        line += std::string(widths[i] - r[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

std::string summary(const json& document) {
  const json* self = f::field(document, "wingmate");
  if (!self)
    return "wingmate: the document has no \"wingmate\" section\n";
  const auto pid = f::integer(*self, "pid");
  std::string line = "wingmate " + f::text(*self, "version");
  line += ", pid " + (pid ? std::to_string(*pid) : std::string(k_none));
  line += f::flag(*self, "pid1") ? " (PID 1)" : "";
  line += ", " + f::text(*self, "state");
  if (auto uptime = f::number(*self, "uptime"))
    line += " for " + duration_text(*uptime);
  if (auto orphans = f::integer(*self, "orphans_reaped"))
    line += ", " + std::to_string(*orphans) + " orphan" + (*orphans == 1 ? "" : "s") + " reaped";
  line += "\nconfig " + f::text(*self, "config") + "; status #" + integer_field(*self, "sequence")
          + " of " + short_time(f::text(*self, "dumped_at")) + "\n";
  return line;
}

// Why a row looks the way it does, where the table has no room for it.
std::string notes(const json& document) {
  std::string out;
  for (const auto& service : f::list(document, "services")) {
    const std::string name = f::text(service, "name");
    if (auto reason = f::text(service, "fatal_reason"); !reason.empty())
      out += name + ": fatal: " + reason + "\n";
    if (auto error = f::text(service, "error"); !error.empty())
      out += name + ": " + error + "\n";
  }
  for (const auto& job : f::list(document, "cron"))
    if (auto reason = f::text(job, "fatal_reason"); !reason.empty())
      out += f::text(job, "name") + ": fatal: " + reason + "\n";
  for (const auto& error : f::list(document, "errors"))
    if (error.is_string())
      out += "note: " + error.get<std::string>() + "\n";
  return out;
}

} // namespace

std::string render_status_table(const json& document) {
  const json* self = f::field(document, "wingmate");
  const std::string now = self ? f::text(*self, "dumped_at") : "";
  std::vector<row> rows{k_header};
  for (const auto& service : f::list(document, "services"))
    rows.push_back(service_row(service, now));
  for (const auto& job : f::list(document, "cron"))
    rows.push_back(cron_row(job, now));
  std::string out = summary(document) + "\n";
  if (rows.size() == 1)
    out += "no services and no cron jobs\n";
  else
    out += layout(rows);
  const std::string extra = notes(document);
  return extra.empty() ? out : out + "\n" + extra;
}

} // namespace wm

// cron-next: checks every argument before printing anything, so an error
// never leaves a partial list behind.

#include "main/cron_next.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <optional>
#include <ostream>
#include <string_view>

#include "main/cli.hpp"
#include "main/subcommands.hpp"
#include "messages/local_time.hpp"
#include "messages/schedule.hpp"

namespace wm {

namespace {

constexpr int k_success = 0;
constexpr int k_usage_error = 2;

int fail(std::ostream& err, const std::string& message) {
  err << "wingmate: " << message << "\n";
  return k_usage_error;
}

// Built by appending: "literal" + std::string trips a false -Wrestrict
// warning in g++ 12.
std::string in_quotes(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out += text;
  out += '"';
  return out;
}

// COUNT: a whole number from 1 to k_cron_next_max_count.
std::optional<unsigned> parse_count(std::string_view text, std::string& why) {
  const bool digits_only = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  if (!digits_only) {
    why = "COUNT " + in_quotes(text) + " is not a whole number; give how many fire times to " +
          "print, like 5";
    return std::nullopt;
  }

  const std::size_t first = std::min(text.find_first_not_of('0'), text.size());
  const std::string_view significant = text.substr(first);
  unsigned count = 0;
  for (char c : significant.substr(0, 6))
    count = count * 10 + static_cast<unsigned>(c - '0');
  if (significant.size() > 6 || count > k_cron_next_max_count) {
    why = "COUNT " + std::string(text) + " is too large; at most " +
          std::to_string(k_cron_next_max_count);
    return std::nullopt;
  }
  if (count == 0) {
    why = "COUNT must be at least 1";
    return std::nullopt;
  }
  return count;
}

} // namespace

int cron_next_command(const std::vector<std::string>& args, std::ostream& out,
                      std::ostream& err) {
  return cron_next_command(args, out, err, std::time(nullptr));
}

int cron_next_command(const std::vector<std::string>& args, std::ostream& out,
                      std::ostream& err, std::time_t now) {
  if (args.empty() || args.size() > 3)
    return fail(err, "cron-next takes SCHEDULE [START [COUNT]], got " +
                       std::to_string(args.size()) +
                       " arguments; quote the schedule, like \"*/15 * * * *\"");

  const auto parsed = schedule::parse(args[0]);
  if (!parsed.value)
    return fail(err, parsed.error);
  const schedule& job = *parsed.value;

  std::time_t start = now;
  if (args.size() > 1) {
    const auto given = parse_local_iso(args[1]);
    if (!given)
      return fail(err, "START " + in_quotes(args[1]) + " is not a local date and time; write " +
                         "it like 2026-03-29T02:30 or 2026-03-29T02:30:00");
    start = *given;
  }

  unsigned count = 1;
  if (args.size() > 2) {
    std::string why;
    const auto given = parse_count(args[2], why);
    if (!given)
      return fail(err, why);
    count = *given;
  }

  if (!job.ever_fires())
    return fail(err, "schedule " + in_quotes(job.text()) + " never fires: no date matches its " +
                       "day-of-month, month and day-of-week fields together");

  // Collected first, so that running off the end of the supported years
  // prints an error rather than a short list.
  std::string lines;
  std::time_t after = start;
  for (unsigned i = 0; i < count; ++i) {
    const auto next = job.next_after(after);
    if (!next)
      return fail(err, "schedule " + in_quotes(job.text()) + " has no fire time after " +
                         format_local_iso(after) + " before the year 10000");
    lines += format_local_iso(*next) + "\n";
    after = *next;
  }
  out << lines;
  return k_success;
}

void add_cron_next_command(CLI::App& app, cli_outcome& outcome) {
  struct arguments {
    std::string schedule, start, count;
  };
  auto given = std::make_shared<arguments>();
  auto* cmd = app.add_subcommand(
    "cron-next", "Print the next fire times of a cron schedule, one per line, and exit");
  cmd->add_option("SCHEDULE", given->schedule,
                  "Five fields or a macro, quoted: \"*/15 * * * *\", @daily")
    ->required();
  auto* start = cmd->add_option("START", given->start,
                                "Local time to start after, 2026-03-29T02:30[:SS] (default: now)");
  auto* count = cmd->add_option("COUNT", given->count, "How many fire times (default 1)");
  cmd->footer("\nTimes are local (TZ, else /etc/localtime) with their UTC offset.\n"
              "Example: wingmate cron-next \"30 2 * * *\" 2026-03-28T00:00 3");
  cmd->callback([given, start, count, &outcome] {
    std::vector<std::string> args{given->schedule};
    if (start->count() > 0)
      args.push_back(given->start);
    if (count->count() > 0)
      args.push_back(given->count);
    outcome.subcommand = [args] { return cron_next_command(args, std::cout, std::cerr); };
  });
}

} // namespace wm

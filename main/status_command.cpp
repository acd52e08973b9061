#include "main/status_command.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "main/cli.hpp"
#include "main/find_wingmate.hpp"
#include "main/status_check.hpp"
#include "main/status_fields.hpp"
#include "main/status_location.hpp"
#include "main/status_table.hpp"
#include "main/subcommands.hpp"
#include "messages/duration.hpp"

namespace wm {

namespace {

using json = status_json;
namespace f = status_fields;
namespace fs = std::filesystem;

using millis = std::chrono::milliseconds;

constexpr auto k_poll_interval = millis(10);

struct document {
  json content;
  /// When the file was written (its modification time).
  std::chrono::system_clock::time_point written;
};

std::optional<document> read_document(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) < 0)
    return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto content = parse_status_text(text.str());
  if (!content)
    return std::nullopt;
  const auto written = std::chrono::system_clock::from_time_t(info.st_mtim.tv_sec)
                       + std::chrono::nanoseconds(info.st_mtim.tv_nsec);
  return document{std::move(*content),
                  std::chrono::time_point_cast<std::chrono::system_clock::duration>(written)};
}

// Which wingmate wrote a document, and which of its dumps it is. A newer
// document is a later dump of the same wingmate, or one of a wingmate
// started since (whose count began again).
struct dump_id {
  std::optional<long long> pid;
  std::string started_at;
  long long sequence = -1;
};

dump_id id_of(const std::optional<document>& doc) {
  if (!doc)
    return {};
  const auto* self = f::field(doc->content, "wingmate");
  if (!self)
    return {};
  return {f::integer(*self, "pid"), f::text(*self, "started_at"),
          f::integer(*self, "sequence").value_or(-1)};
}

bool is_newer(const dump_id& candidate, const dump_id& before) {
  if (candidate.sequence < 0)
    return false;
  if (candidate.pid != before.pid || candidate.started_at != before.started_at)
    return true;
  return candidate.sequence > before.sequence;
}

// Which file a path names right now: every rename puts a new one there.
std::optional<std::pair<ino_t, long>> file_version(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) < 0)
    return std::nullopt;
  return std::pair{info.st_ino, info.st_mtim.tv_nsec};
}

// Polls for a newer document; a document is read and parsed only when the
// file was replaced, since one of a thousand services is most of a megabyte.
std::optional<document> await_newer(const fs::path& path, const dump_id& before,
                                    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<std::pair<ino_t, long>> seen;
  for (;;) {
    const auto version = file_version(path);
    if (version && version != seen) {
      seen = version;
      auto doc = read_document(path);
      if (doc && is_newer(id_of(doc), before))
        return doc;
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(k_poll_interval);
  }
}

std::string age_of(const document& doc) {
  const auto age = std::chrono::system_clock::now() - doc.written;
  return format_duration(std::max(std::chrono::duration_cast<millis>(age), millis(0)));
}

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& part : parts)
    text += (text.empty() ? "" : "; ") + part;
  return text;
}

int print(const status_options& options, const document& doc, std::ostream& out,
          std::ostream& err) {
  if (options.json)
    out << doc.content.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  else
    out << render_status_table(doc.content);
  if (!options.check)
    return status_exit::shown;
  const auto problems = health_problems(doc.content);
  for (const auto& problem : problems)
    err << "wingmate status: unhealthy: " << problem << "\n";
  return problems.empty() ? status_exit::shown : status_exit::unhealthy;
}

// The way out when wingmate may not be signalled: the last document, with
// its age, or an error when there is none.
int print_last(const status_options& options, const std::optional<document>& last,
               const std::string& why, const fs::path& file, std::ostream& out,
               std::ostream& err) {
  if (!last) {
    err << "wingmate status: " << why << ", and there is no status document at "
        << file.string() << " to show; run wingmate status as wingmate's user or as root\n";
    return status_exit::unavailable;
  }
  // Its author is named: when wingmate cannot be checked, the document may
  // be left over from one that is gone.
  const auto author = id_of(last).pid;
  err << "wingmate status: warning: " << why << "; showing the last status document, written "
      << age_of(*last) << " ago by wingmate pid "
      << (author ? std::to_string(*author) : std::string("unknown")) << " (" << file.string()
      << ")\n";
  return print(options, *last, out, err);
}

} // namespace

int status_command(const status_options& options, std::ostream& out, std::ostream& err) {
  const auto configured = configured_status_paths(std::getenv("WINGMATE_STATUS_FILE"));
  const auto paths = locate_status_paths(
    configured, fallback_status_paths(configured, std::getenv("TMPDIR"), ::geteuid()));
  const auto last = read_document(paths.status_file);

  const auto found = find_wingmate(paths.pid_file);
  if (found.pid == 0) {
    err << "wingmate status: no running wingmate found (" << joined(found.passed_over)
        << "); run it inside wingmate's container, or set WINGMATE_STATUS_FILE to the file "
           "that wingmate writes\n";
    return status_exit::unavailable;
  }
  const std::string who = "wingmate (" + found.found_through + ")";
  if (!found.unverified.empty()) {
    const std::string passed = joined(found.passed_over);
    return print_last(options, last,
                      found.unverified + (passed.empty() ? "" : " (" + passed + ")"),
                      paths.status_file, out, err);
  }

  if (::kill(found.pid, SIGUSR1) < 0) {
    if (errno == EPERM)
      return print_last(options, last,
                        "not allowed to send SIGUSR1 to " + who + ": " + std::strerror(errno),
                        paths.status_file, out, err);
    err << "wingmate status: cannot send SIGUSR1 to " << who << ": " << std::strerror(errno)
        << "\n";
    return status_exit::unavailable;
  }

  const auto fresh = await_newer(paths.status_file, id_of(last), options.timeout);
  if (!fresh) {
    err << "wingmate status: " << who << " wrote no new status document to "
        << paths.status_file.string() << " within " << format_duration(options.timeout)
        << "; its log says why (lines from \"status\"), or set WINGMATE_STATUS_FILE to the "
           "file it writes\n";
    return status_exit::unavailable;
  }
  return print(options, *fresh, out, err);
}

void add_status_command(CLI::App& app, cli_outcome& outcome) {
  auto options = std::make_shared<status_options>();
  auto seconds = std::make_shared<double>(5.0);
  auto* cmd = app.add_subcommand(
    "status", "Ask the running wingmate for its status and print it as a table, and exit");
  cmd->add_flag("--json", options->json, "Print the status document as JSON instead");
  cmd->add_flag("--check", options->check,
                "Exit 1 when a service is fatal or in backoff (not counting services that "
                "declare on_fatal: ignore)");
  cmd->add_option("--timeout", *seconds, "Seconds to wait for the fresh document")
    ->check(CLI::Range(0.1, 3600.0))
    ->capture_default_str();
  cmd->footer("\nThe document is WINGMATE_STATUS_FILE (default /run/wingmate/status.json).\n"
              "Exit codes: 0 shown (healthy with --check); 1 unhealthy (--check);\n"
              "2 usage error; 3 no running wingmate found or no document came.\n"
              "Example (Kubernetes liveness probe): wingmate status --check");
  cmd->callback([options, seconds, &outcome] {
    options->timeout = millis(static_cast<long long>(*seconds * 1000.0));
    outcome.subcommand = [options] { return status_command(*options, std::cout, std::cerr); };
  });
}

} // namespace wm

#include "messages/status_document.hpp"

#include <algorithm>
#include <cstdio>

#include "messages/local_time.hpp"
#include "messages/signal_names.hpp"

namespace wm {

namespace {

using json = nlohmann::ordered_json;

// Where the seconds end in "YYYY-MM-DDTHH:MM:SS+HH:MM".
constexpr std::size_t k_seconds_end = 19;

// format_local_iso() gives whole seconds; the milliseconds go in before
// the offset ("...T19:49:34.125+01:00"), since backoffs are that short.
json iso(system_time when) {
  const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(when);
  const auto whole = std::chrono::floor<std::chrono::seconds>(ms);
  std::string text = format_local_iso(std::chrono::system_clock::to_time_t(whole));
  if (text.size() < k_seconds_end)
    return text;
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>((ms - whole).count()));
  text.insert(k_seconds_end, fraction);
  return text;
}

json iso(const std::optional<system_time>& when) {
  return when ? iso(*when) : json(nullptr);
}

// Seconds with millisecond precision, never negative (a wall clock set
// back between two readings must not show a negative uptime).
json seconds(std::chrono::system_clock::duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return static_cast<double>(std::max<std::int64_t>(ms, 0)) / 1000.0;
}

json seconds(millis d) {
  return static_cast<double>(d.count()) / 1000.0;
}

json since(const std::optional<system_time>& start, system_time now) {
  return start ? seconds(now - *start) : json(nullptr);
}

json until(const std::optional<system_time>& due, system_time now) {
  return due ? seconds(*due - now) : json(nullptr);
}

json positive_or_null(pid_t pid) {
  return pid > 0 ? json(pid) : json(nullptr);
}

json text_or_null(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

// {"code": 3, "signal": null} or {"code": null, "signal": "SIGKILL"}.
void put_result(json& out, const exit_status& result) {
  out["code"] = result.is_exit() ? json(result.code()) : json(nullptr);
  out["signal"] = result.is_exit() ? json(nullptr) : json(signal_name(result.signal()));
}

json render_last_exit(const std::optional<exit_record>& last) {
  if (!last)
    return nullptr;
  json out = json::object();
  put_result(out, last->status);
  out["at"] = iso(last->at);
  return out;
}

json render_policy(const service_status& service) {
  const restart_policy& p = service.restart;
  return {
    {"restart", std::string(to_string(p.mode))},
    {"startsecs", seconds(p.startsecs)},
    {"backoff",
     {{"initial", seconds(p.backoff.initial)},
      {"max", seconds(p.backoff.max)},
      {"multiplier", p.backoff.multiplier}}},
    {"max_restarts", p.max_restarts},
    {"restart_window", seconds(p.restart_window)},
    {"on_fatal", std::string(to_string(p.on_fatal))},
    {"stop_signal", signal_name(service.stop_signal)},
    {"stop_timeout", seconds(service.stop_timeout)},
  };
}

std::string_view overlap_word(overlap_policy overlap) {
  return overlap == overlap_policy::allow ? "allow" : "skip";
}

json render_last_run(const std::optional<cron_run_record>& run) {
  if (!run)
    return nullptr;
  json out = {
    {"started_at", iso(run->started_at)},
    {"ended_at", iso(run->ended_at)},
    {"duration", run->ended_at ? seconds(*run->ended_at - run->started_at) : json(nullptr)},
    {"code", nullptr},
    {"signal", nullptr},
  };
  if (run->result)
    put_result(out, *run->result);
  return out;
}

template <class Record>
std::vector<const Record*> by_name(const std::vector<Record>& records) {
  std::vector<const Record*> sorted;
  sorted.reserve(records.size());
  for (const auto& record : records)
    sorted.push_back(&record);
  std::sort(sorted.begin(), sorted.end(),
            [](const Record* a, const Record* b) { return a->name < b->name; });
  return sorted;
}

json render_wingmate(const wingmate_status& self, system_time now) {
  return {
    {"version", self.version},
    {"pid", self.pid},
    {"pid1", self.pid1},
    {"started_at", iso(self.started_at)},
    {"uptime", seconds(now - self.started_at)},
    {"state", self.stopping ? "stopping" : "running"},
    {"config", self.config_dir},
    {"orphans_reaped", self.orphans_reaped ? json(*self.orphans_reaped) : json(nullptr)},
    {"sequence", self.sequence},
    {"dumped_at", iso(now)},
    {"status_file", self.status_file},
  };
}

} // namespace

std::string_view to_string(cron_state state) {
  switch (state) {
    case cron_state::waiting:
      return "waiting";
    case cron_state::running:
      return "running";
    case cron_state::stopped:
      return "stopped";
    case cron_state::fatal:
      return "fatal";
  }
  return "waiting";
}

json render_service(const service_status& service, system_time now) {
  const bool known = service.state.has_value();
  const bool alive = known && service.pid > 0;
  const bool in_backoff = known && *service.state == service_state::backoff;
  const bool fatal = known && *service.state == service_state::fatal;
  const bool optional = service.restart.on_fatal_declared
                        && service.restart.on_fatal == fatal_action::ignore;
  return {
    {"name", service.name},
    {"source", service.source},
    {"state", known ? std::string(to_string(*service.state)) : "unknown"},
    {"error", known ? json(nullptr) : json(service.error)},
    {"pid", alive ? json(service.pid) : json(nullptr)},
    {"pgid", alive ? positive_or_null(service.pgid) : json(nullptr)},
    {"started_at", alive ? iso(service.started_at) : json(nullptr)},
    {"uptime", alive ? since(service.started_at, now) : json(nullptr)},
    {"restarts", known ? json(service.restarts) : json(nullptr)},
    {"last_exit", known ? render_last_exit(service.last_exit) : json(nullptr)},
    {"next_restart_at", in_backoff ? iso(service.next_start) : json(nullptr)},
    {"next_restart_in", in_backoff ? until(service.next_start, now) : json(nullptr)},
    {"fatal_reason", fatal ? text_or_null(service.fatal_reason) : json(nullptr)},
    {"main", service.main},
    {"autostart", service.autostart},
    {"optional", optional},
    {"pidfile", text_or_null(service.pidfile)},
    {"watched_pid", known ? positive_or_null(service.watched_pid) : json(nullptr)},
    {"policy", render_policy(service)},
  };
}

json render_cron_job(const cron_status& job, system_time now) {
  const bool running = job.state == cron_state::running && job.pid > 0;
  return {
    {"name", job.name},
    {"source", job.source},
    {"schedule", job.schedule},
    {"state", std::string(to_string(job.state))},
    {"next_run", job.state == cron_state::waiting || job.state == cron_state::running
                   ? iso(job.next_run)
                   : json(nullptr)},
    {"pid", running ? json(job.pid) : json(nullptr)},
    {"running_for",
     running && job.last_run ? seconds(now - job.last_run->started_at) : json(nullptr)},
    {"runs", job.runs},
    {"skipped_runs", job.skipped_runs},
    {"last_run", render_last_run(job.last_run)},
    {"fatal_reason", job.state == cron_state::fatal ? text_or_null(job.fatal_reason)
                                                     : json(nullptr)},
    {"policy",
     {{"overlap", std::string(overlap_word(job.overlap))},
      {"timeout", seconds(job.timeout)},
      {"stop_signal", signal_name(job.stop_signal)}}},
  };
}

json render_status(const status_snapshot& snapshot) {
  json services = json::array();
  for (const auto* service : by_name(snapshot.services))
    services.push_back(render_service(*service, snapshot.taken_at));
  json jobs = json::array();
  for (const auto* job : by_name(snapshot.cron_jobs))
    jobs.push_back(render_cron_job(*job, snapshot.taken_at));
  return {
    {"schema_version", k_status_schema_version},
    {"wingmate", render_wingmate(snapshot.wingmate, snapshot.taken_at)},
    {"services", std::move(services)},
    {"cron", std::move(jobs)},
    {"errors", snapshot.errors},
  };
}

} // namespace wm

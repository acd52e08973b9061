#include "messages/status_document.hpp"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "messages/local_time.hpp"
#include "messages/signal_names.hpp"

// Objects are filled key by key rather than from initializer lists: with a
// thousand services that is more than twice as fast (an initializer list
// copies every value once more), and the dump must stay in milliseconds.

namespace wm {

namespace {

using json = nlohmann::ordered_json;

// Where the seconds end in "YYYY-MM-DDTHH:MM:SS+HH:MM".
constexpr std::size_t k_seconds_end = 19;

// Writes times for one document. format_local_iso() looks at the zone
// again on every call, which adds up over thousands of times, most of them
// in the same few seconds (services start together): each second is
// formatted once per document.
class time_writer {
public:
  // "...T19:49:34.125+01:00": format_local_iso() gives whole seconds, the
  // milliseconds go in before the offset, since backoffs are that short.
  json iso(system_time when) {
    const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(when);
    const auto whole = std::chrono::floor<std::chrono::seconds>(ms);
    std::string text = whole_second(std::chrono::system_clock::to_time_t(whole));
    if (text.size() < k_seconds_end)
      return text;
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>((ms - whole).count()));
    text.insert(k_seconds_end, fraction);
    return text;
  }

  json iso(const std::optional<system_time>& when) { return when ? iso(*when) : json(nullptr); }

private:
  const std::string& whole_second(std::time_t instant) {
    auto it = formatted_.find(instant);
    if (it == formatted_.end())
      it = formatted_.emplace(instant, format_local_iso(instant)).first;
    return it->second;
  }

  std::unordered_map<std::time_t, std::string> formatted_;
};

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

json render_last_exit(const std::optional<exit_record>& last, time_writer& times) {
  if (!last)
    return nullptr;
  json out = json::object();
  put_result(out, last->status);
  out["at"] = times.iso(last->at);
  return out;
}

json render_policy(const service_status& service) {
  const restart_policy& p = service.restart;
  json out = json::object();
  out["restart"] = std::string(to_string(p.mode));
  out["startsecs"] = seconds(p.startsecs);
  json& backoff = out["backoff"] = json::object();
  backoff["initial"] = seconds(p.backoff.initial);
  backoff["max"] = seconds(p.backoff.max);
  backoff["multiplier"] = p.backoff.multiplier;
  out["max_restarts"] = p.max_restarts;
  out["restart_window"] = seconds(p.restart_window);
  out["on_fatal"] = std::string(to_string(p.on_fatal));
  out["stop_signal"] = signal_name(service.stop_signal);
  out["stop_timeout"] = seconds(service.stop_timeout);
  return out;
}

std::string_view overlap_word(overlap_policy overlap) {
  return overlap == overlap_policy::allow ? "allow" : "skip";
}

json render_last_run(const std::optional<cron_run_record>& run, time_writer& times) {
  if (!run)
    return nullptr;
  json out = json::object();
  out["started_at"] = times.iso(run->started_at);
  out["ended_at"] = times.iso(run->ended_at);
  out["duration"] = run->ended_at ? seconds(*run->ended_at - run->started_at) : json(nullptr);
  out["code"] = nullptr;
  out["signal"] = nullptr;
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

json render_wingmate(const wingmate_status& self, system_time now, time_writer& times) {
  json out = json::object();
  out["version"] = self.version;
  out["pid"] = self.pid;
  out["pid1"] = self.pid1;
  out["started_at"] = times.iso(self.started_at);
  out["uptime"] = seconds(now - self.started_at);
  out["state"] = self.stopping ? "stopping" : "running";
  out["config"] = self.config_dir;
  out["orphans_reaped"] = self.orphans_reaped ? json(*self.orphans_reaped) : json(nullptr);
  out["sequence"] = self.sequence;
  out["dumped_at"] = times.iso(now);
  out["status_file"] = self.status_file;
  return out;
}

json render_service_with(const service_status& service, system_time now, time_writer& times) {
  const bool known = service.state.has_value();
  const bool alive = known && service.pid > 0;
  const bool in_backoff = known && *service.state == service_state::backoff;
  const bool fatal = known && *service.state == service_state::fatal;
  json out = json::object();
  out["name"] = service.name;
  out["source"] = service.source;
  out["state"] = known ? std::string(to_string(*service.state)) : "unknown";
  out["error"] = known ? json(nullptr) : json(service.error);
  out["pid"] = alive ? json(service.pid) : json(nullptr);
  out["pgid"] = alive ? positive_or_null(service.pgid) : json(nullptr);
  out["started_at"] = alive ? times.iso(service.started_at) : json(nullptr);
  out["uptime"] = alive ? since(service.started_at, now) : json(nullptr);
  out["restarts"] = known ? json(service.restarts) : json(nullptr);
  out["last_exit"] = known ? render_last_exit(service.last_exit, times) : json(nullptr);
  out["next_restart_at"] = in_backoff ? times.iso(service.next_start) : json(nullptr);
  out["next_restart_in"] = in_backoff ? until(service.next_start, now) : json(nullptr);
  out["fatal_reason"] = fatal ? text_or_null(service.fatal_reason) : json(nullptr);
  out["main"] = service.main;
  out["autostart"] = service.autostart;
  out["optional"] =
    service.restart.on_fatal_declared && service.restart.on_fatal == fatal_action::ignore;
  out["pidfile"] = text_or_null(service.pidfile);
  out["watched_pid"] = known ? positive_or_null(service.watched_pid) : json(nullptr);
  out["policy"] = render_policy(service);
  return out;
}

json render_cron_job_with(const cron_status& job, system_time now, time_writer& times) {
  const bool running = job.state == cron_state::running && job.pid > 0;
  const bool scheduled = job.state == cron_state::waiting || job.state == cron_state::running;
  json out = json::object();
  out["name"] = job.name;
  out["source"] = job.source;
  out["schedule"] = job.schedule;
  out["state"] = std::string(to_string(job.state));
  out["next_run"] = scheduled ? times.iso(job.next_run) : json(nullptr);
  out["pid"] = running ? json(job.pid) : json(nullptr);
  out["running_for"] =
    running && job.last_run ? seconds(now - job.last_run->started_at) : json(nullptr);
  out["runs"] = job.runs;
  out["skipped_runs"] = job.skipped_runs;
  out["last_run"] = render_last_run(job.last_run, times);
  out["fatal_reason"] = job.state == cron_state::fatal ? text_or_null(job.fatal_reason)
                                                       : json(nullptr);
  json& policy = out["policy"] = json::object();
  policy["overlap"] = std::string(overlap_word(job.overlap));
  policy["timeout"] = seconds(job.timeout);
  policy["stop_signal"] = signal_name(job.stop_signal);
  return out;
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
  time_writer times;
  return render_service_with(service, now, times);
}

json render_cron_job(const cron_status& job, system_time now) {
  time_writer times;
  return render_cron_job_with(job, now, times);
}

json render_status(const status_snapshot& snapshot) {
  time_writer times;
  json doc = json::object();
  doc["schema_version"] = k_status_schema_version;
  doc["wingmate"] = render_wingmate(snapshot.wingmate, snapshot.taken_at, times);
  json& services = doc["services"] = json::array();
  for (const auto* service : by_name(snapshot.services))
    services.push_back(render_service_with(*service, snapshot.taken_at, times));
  json& jobs = doc["cron"] = json::array();
  for (const auto* job : by_name(snapshot.cron_jobs))
    jobs.push_back(render_cron_job_with(*job, snapshot.taken_at, times));
  doc["errors"] = snapshot.errors;
  return doc;
}

std::string status_text(const status_snapshot& snapshot) {
  return render_status(snapshot).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace wm

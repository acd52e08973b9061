#include "main/config_schema.hpp"

#include <filesystem>

#include "main/config_fields.hpp"
#include "messages/duration.hpp"
#include "messages/schedule.hpp"

namespace wm {

namespace {

using namespace std::chrono_literals;

// Docker waits 10 s after SIGTERM before it kills the container; the final
// sweep after the services have stopped may take 2 s of that.
constexpr auto k_docker_stop_grace = 10s;
constexpr auto k_final_sweep = 2s;

std::string source_of(const config_document& document, const field_reader& reader) {
  return document.file + ": " + reader.path().text();
}

// command, environ, working_dir, user, group, setsid: what services and
// cron jobs share.
void read_command_settings(field_reader& r, command_spec& run) {
  r.command("command", run.command);
  r.environ("environ", run.environ);
  r.text("working_dir", run.working_dir);
  r.account("user", run.user);
  r.account("group", run.group);
  r.flag("setsid", run.setsid);
}

void read_backoff(field_reader& r, backoff_settings& backoff) {
  r.duration("initial", backoff.initial);
  r.duration("max", backoff.max);
  r.number("multiplier", backoff.multiplier);
  if (backoff.multiplier < 1.0)
    r.fail("multiplier", "must be 1 or more (1: the same wait every time)");
  if (backoff.max < backoff.initial)
    r.fail("max", "is shorter than initial (" + format_duration(backoff.initial)
                    + "); make max at least initial");
}

// autorestart (the Go project's switch) and restart say the same thing in
// two ways; they must not contradict each other.
void read_restart_mode(field_reader& r, service_spec& spec) {
  bool autorestart = true;
  r.flag("autorestart", autorestart);
  r.choice("restart", spec.restart.mode, parse_restart_mode, "always, on-failure, never");
  if (autorestart)
    return;
  if (r.has("restart") && spec.restart.mode != restart_mode::never)
    r.fail("autorestart", "is false but restart is " + std::string(to_string(spec.restart.mode))
                            + "; remove autorestart or set restart: never");
  spec.restart.mode = restart_mode::never;
}

void read_restart_policy(field_reader& r, service_spec& spec) {
  auto& policy = spec.restart;
  r.duration("startsecs", policy.startsecs);
  read_restart_mode(r, spec);
  r.section("backoff", [&](field_reader& inner) { read_backoff(inner, policy.backoff); });
  r.count("max_restarts", policy.max_restarts);
  r.duration("restart_window", policy.restart_window);
  r.choice("on_fatal", policy.on_fatal, parse_fatal_action, "ignore, shutdown");
  // Only a written on_fatal: ignore marks a service optional for
  // `wingmate status --check`; the default does not.
  policy.on_fatal_declared = r.has("on_fatal");
  if (policy.restart_window.count() == 0)
    r.fail("restart_window", "is 0; give the time within which max_restarts are counted, "
                             "like 60");
}

// A main service runs once and ends the run: settings that would restart it
// or keep it from starting contradict that.
void check_main(field_reader& r, service_spec& spec) {
  if (!spec.main)
    return;
  if (r.has("restart") && spec.restart.mode != restart_mode::never)
    r.fail("restart", "a main service is never restarted (its exit ends wingmate); remove "
                      "restart or main");
  if (!spec.autostart)
    r.fail("autostart", "is false, but a main service must start (its exit ends wingmate); "
                        "remove autostart or main");
  spec.restart.mode = restart_mode::never;
}

void read_pidfile(field_reader& r, service_spec& spec, std::vector<std::string>& warnings,
                  const config_document& document) {
  r.text("pidfile", spec.pidfile);
  r.duration("pidfile_timeout", spec.pidfile_timeout);
  if (r.has("pidfile_timeout") && !r.has("pidfile"))
    warnings.push_back(document.file + ": " + r.path().text()
                       + ".pidfile_timeout: has no effect without pidfile; remove it");
  // A relative pidfile is where the daemon writes it: in its own working
  // directory, as under the Go wmpidproxy.
  if (!spec.pidfile.empty() && !spec.run.working_dir.empty())
    spec.pidfile = (std::filesystem::path(spec.run.working_dir) / spec.pidfile).string();
}

void warn_about_docker(const service_spec& spec, const field_reader& r,
                       std::vector<std::string>& warnings, const config_document& document) {
  if (spec.stop_timeout + k_final_sweep <= k_docker_stop_grace)
    return;
  const auto needed = std::chrono::duration_cast<std::chrono::seconds>(
    spec.stop_timeout + k_final_sweep + 999ms);
  warnings.push_back(document.file + ": " + r.path().text() + ".stop_timeout: "
                     + format_duration(spec.stop_timeout)
                     + " plus the final sweep is longer than the 10 s Docker waits before it "
                       "kills the container; give docker stop -t (or stop_grace_period) at "
                       "least " + std::to_string(needed.count()) + " s");
}

service_spec read_service(const config_document& document, const std::string& name,
                          field_reader& r, std::vector<std::string>& warnings) {
  service_spec spec;
  spec.name = name;
  spec.source = source_of(document, r);
  read_command_settings(r, spec.run);
  read_pidfile(r, spec, warnings, document);
  r.flag("autostart", spec.autostart);
  read_restart_policy(r, spec);
  r.signal("stop_signal", spec.stop_signal);
  r.duration("stop_timeout", spec.stop_timeout);
  r.flag("main", spec.main);
  check_main(r, spec);
  warn_about_docker(spec, r, warnings, document);
  return spec;
}

// A schedule that does not parse, or never fires, makes only this job
// fatal: a cron job is not worth refusing to start the services for.
void read_schedule(field_reader& r, cron_spec& job) {
  r.text("schedule", job.schedule_text);
  if (!r.has("schedule"))
    r.fail_here("has no schedule; add schedule: \"m h dom mon dow\" (like \"*/5 * * * *\") "
                "or a macro such as \"@daily\"");
  if (job.schedule_text.empty())
    return; // missing or wrong: already reported
  const std::string where = " (" + job.source + ".schedule)";
  auto parsed = schedule::parse(job.schedule_text);
  if (!parsed.value)
    job.fatal_reason = "bad schedule: " + parsed.error + where
                       + "; fix it (wingmate cron-next tries a schedule out)";
  else if (!parsed.value->ever_fires())
    job.fatal_reason = "schedule \"" + job.schedule_text + "\" never fires: no date matches "
                       "its day-of-month, month and day-of-week fields together" + where;
  else
    job.when = std::move(parsed.value);
}

cron_spec read_cron(const config_document& document, const std::string& name, field_reader& r) {
  cron_spec job;
  job.name = name;
  job.source = source_of(document, r);
  read_command_settings(r, job.run);
  read_schedule(r, job);
  r.choice("overlap", job.overlap, parse_overlap_policy, "skip, allow");
  r.duration("timeout", job.timeout);
  r.signal("stop_signal", job.stop_signal);
  return job;
}

} // namespace

std::string_view to_string(overlap_policy overlap) {
  return overlap == overlap_policy::allow ? "allow" : "skip";
}

std::optional<overlap_policy> parse_overlap_policy(std::string_view text) {
  if (text == "skip")
    return overlap_policy::skip;
  if (text == "allow")
    return overlap_policy::allow;
  return std::nullopt;
}

structured_entries read_structured_config(const config_document& document) {
  structured_entries out;
  if (document.tree.is_null())
    return out;
  if (!document.tree.is_object()) {
    out.errors.push_back(document.file + ": must hold a map with the sections service and/or "
                                         "cron at the top");
    return out;
  }
  field_reader top(document, document.tree, key_path{}, out.errors);
  top.entries("service", [&](const std::string& name, field_reader& r) {
    out.services.push_back(read_service(document, name, r, out.warnings));
  });
  top.entries("cron", [&](const std::string& name, field_reader& r) {
    out.crons.push_back(read_cron(document, name, r));
  });
  top.finish();
  return out;
}

} // namespace wm

#include "main/config_render.hpp"

#include "main/config_schema.hpp"
#include "messages/duration.hpp"
#include "messages/signal_names.hpp"

namespace wm {

namespace {

using json = nlohmann::ordered_json;

json or_null(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

json render_identity(const std::optional<identity>& id) {
  if (!id)
    return nullptr;
  return json{{"uid", id->uid},
              {"gid", id->gid},
              {"groups", id->groups},
              {"user_name", or_null(id->user_name)},
              {"home", or_null(id->home)}};
}

// The settings services and cron jobs share, in the order a file lists them.
void render_command(json& out, const command_spec& run) {
  out["command"] = run.command;
  out["environ"] = run.environ;
  out["working_dir"] = or_null(run.working_dir);
  out["user"] = or_null(run.user);
  out["group"] = or_null(run.group);
  out["setsid"] = run.setsid;
}

json render_backoff(const backoff_settings& backoff) {
  return json{{"initial", to_seconds(backoff.initial)},
              {"max", to_seconds(backoff.max)},
              {"multiplier", backoff.multiplier}};
}

void render_origin(json& out, const std::string& source, const std::string& fatal_reason,
                   const std::optional<identity>& run_as) {
  out["source"] = source;
  out["fatal"] = or_null(fatal_reason);
  out["run_as"] = render_identity(run_as);
}

} // namespace

json render_service(const service_spec& spec) {
  json out = json::object();
  render_command(out, spec.run);
  const auto& policy = spec.restart;
  out["pidfile"] = or_null(spec.pidfile);
  out["pidfile_timeout"] = to_seconds(spec.pidfile_timeout);
  out["startsecs"] = to_seconds(policy.startsecs);
  out["autostart"] = spec.autostart;
  out["autorestart"] = policy.mode != restart_mode::never;
  out["restart"] = to_string(policy.mode);
  out["backoff"] = render_backoff(policy.backoff);
  out["max_restarts"] = policy.max_restarts;
  out["restart_window"] = to_seconds(policy.restart_window);
  out["on_fatal"] = to_string(policy.on_fatal);
  out["stop_signal"] = signal_name(spec.stop_signal);
  out["stop_timeout"] = to_seconds(spec.stop_timeout);
  out["main"] = spec.main;
  render_origin(out, spec.source, spec.fatal_reason, spec.run.run_as);
  return out;
}

json render_cron(const cron_spec& job) {
  json out = json::object();
  render_command(out, job.run);
  out["schedule"] = job.schedule_text;
  out["overlap"] = to_string(job.overlap);
  out["timeout"] = to_seconds(job.timeout);
  out["stop_signal"] = signal_name(job.stop_signal);
  render_origin(out, job.source, job.fatal_reason, job.run.run_as);
  return out;
}

json render_config(const loaded_config& config) {
  json services = json::object();
  for (const auto& spec : config.services)
    services[spec.name] = render_service(spec);
  json crons = json::object();
  for (const auto& job : config.crons)
    crons[job.name] = render_cron(job);
  return json{{"config_dir", config.dir.string()}, {"service", services}, {"cron", crons}};
}

} // namespace wm

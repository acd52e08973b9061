#include "actors/service_status_of.hpp"

namespace wm {

service_status status_from_spec(const service_spec& spec) {
  service_status status;
  status.name = spec.name;
  status.source = spec.source;
  status.main = spec.main;
  status.autostart = spec.autostart;
  status.restart = spec.restart;
  status.stop_signal = spec.stop_signal;
  status.stop_timeout = spec.stop_timeout;
  status.pidfile = spec.pidfile;
  return status;
}

service_status status_of(const service_spec& spec, const service_machine& machine,
                         steady_time steady_now, system_time system_now) {
  auto wall = [&](steady_time when) { return to_system_time(when, steady_now, system_now); };
  service_status status = status_from_spec(spec);
  status.state = machine.state();
  status.pid = machine.pid();
  // Every service is started as the leader of its own process group.
  status.pgid = machine.pid();
  if (machine.pid() > 0 && machine.started_at())
    status.started_at = wall(*machine.started_at());
  status.restarts = machine.restarts();
  if (machine.last_exit() && machine.last_exit_at())
    status.last_exit = exit_record{*machine.last_exit(), wall(*machine.last_exit_at())};
  if (machine.next_start())
    status.next_start = wall(*machine.next_start());
  status.fatal_reason = machine.fatal_reason();
  return status;
}

} // namespace wm

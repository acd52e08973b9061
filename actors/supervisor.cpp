#include "actors/supervisor.hpp"

#include <unistd.h>

#include <csignal>

#include <caf/all.hpp>
#include <map>
#include <set>

#include "actors/cron_clock.hpp"
#include "actors/cron_status_of.hpp"
#include "actors/cron_job.hpp"
#include "actors/cron_job_machine.hpp"
#include "actors/guards.hpp"
#include "actors/io_bridge.hpp"
#include "actors/logging.hpp"
#include "actors/os/wall_clock.hpp"
#include "actors/reaper.hpp"
#include "actors/service.hpp"
#include "actors/service_status_of.hpp"
#include "actors/status_dump.hpp"
#include "messages/duration.hpp"
#include "messages/messages.hpp"
#include "messages/signal_names.hpp"

namespace wm {

namespace {

// How long leftover processes get between SIGTERM and SIGKILL, and how long
// wingmate then waits for them before it gives up on unkillable ones.
constexpr auto k_sweep_grace = std::chrono::seconds(2);
constexpr auto k_kill_grace = std::chrono::seconds(3);
// Slack on top of the longest stop_timeout before the supervisor stops
// waiting for a service actor that does not report back.
constexpr auto k_stop_slack = std::chrono::seconds(2);

enum class phase { running, stopping_services, sweeping, done };

struct supervisor_state {
  supervisor_config config;
  caf::actor reaper;
  std::map<std::string, caf::actor> services;
  std::map<caf::actor_addr, std::string> names;
  std::map<std::string, caf::actor> crons;
  std::map<caf::actor_addr, std::string> cron_names;
  caf::actor cron_clock; // null when no job has a schedule to follow
  std::set<std::string> awaiting_stop;
  phase current = phase::running;
  int exit_code = exit_code::requested_stop;
  std::vector<caf::response_promise> run_waiters;
  steady_time started_at = std::chrono::steady_clock::now();
  /// The status dump in progress (null: none), and whether a SIGUSR1 came
  /// while it ran.
  caf::actor dump;
  /// Renders and writes the documents; started with the supervisor (null
  /// when there is no status file).
  caf::actor status_writer;
  bool dump_again = false;
  std::uint64_t dump_sequence = 0;
  log::logger log{"supervisor"};

  static inline const char* name = "supervisor";
};

using supervisor_actor = caf::stateful_actor<supervisor_state>;

void start_service(supervisor_actor* self, const service_spec& spec, service_start how) {
  auto& st = self->state;
  auto actor = spawn_service(self, spec, st.reaper, how);
  st.services[spec.name] = actor;
  st.names[actor.address()] = spec.name;
}

void start_cron_job(supervisor_actor* self, const cron_spec& spec, service_start how) {
  auto& st = self->state;
  auto actor = spawn_cron_job(self, spec, st.reaper, st.config.clock, how);
  st.crons[spec.name] = actor;
  st.cron_names[actor.address()] = spec.name;
}

// The clock fires every job that can run; a fatal one has its actor (for
// its log line and its status) but nothing to follow.
void start_cron_clock(supervisor_actor* self) {
  auto& st = self->state;
  std::vector<cron_clock_job> jobs;
  for (const auto& spec : st.config.crons)
    if (spec.when && spec.fatal_reason.empty())
      jobs.push_back({spec.name, *spec.when, st.crons[spec.name]});
  if (!jobs.empty())
    st.cron_clock = spawn_cron_clock(self, std::move(jobs), st.config.clock, st.config.io);
}

std::string count_of(std::size_t n, const char* thing) {
  return std::to_string(n) + " " + thing + (n == 1 ? "" : "s");
}

void finish(supervisor_actor* self) {
  auto& st = self->state;
  if (st.current == phase::done)
    return;
  st.current = phase::done;
  st.log.info("all processes have ended; exiting with code {}", st.exit_code);
  for (auto& [name, actor] : st.services)
    self->send_exit(actor, caf::exit_reason::user_shutdown);
  for (auto& [name, actor] : st.crons)
    self->send_exit(actor, caf::exit_reason::user_shutdown);
  if (st.cron_clock)
    self->send_exit(st.cron_clock, caf::exit_reason::user_shutdown);
  self->send_exit(st.reaper, caf::exit_reason::user_shutdown);
  if (st.dump)
    self->send_exit(st.dump, caf::exit_reason::user_shutdown);
  if (st.status_writer)
    self->send_exit(st.status_writer, caf::exit_reason::user_shutdown);
  // The run can end before main has asked for its result (a main command
  // that cannot start, a SIGTERM at once): then the answer waits here.
  if (st.run_waiters.empty())
    return;
  for (auto& waiter : st.run_waiters)
    waiter.deliver(st.exit_code);
  st.run_waiters.clear();
  self->quit();
}

// Waits for the reaper to see the last child go; on timeout, `on_timeout`.
template <class OnTimeout>
void await_no_children(supervisor_actor* self, caf::timespan timeout, OnTimeout on_timeout) {
  self->request(self->state.reaper, timeout, drain_atom_v)
    .then([self](bool) { finish(self); }, [self, on_timeout](const caf::error&) { on_timeout(); });
}

void sweep(supervisor_actor* self) {
  auto& st = self->state;
  st.current = phase::sweeping;
  self->send(st.reaper, sweep_atom_v, SIGTERM);
  await_no_children(self, k_sweep_grace, [self] {
    auto& s = self->state;
    s.log.warning("processes are still running {} after SIGTERM; sending SIGKILL",
                  format_duration(k_sweep_grace));
    self->send(s.reaper, sweep_atom_v, SIGKILL);
    await_no_children(self, k_kill_grace, [self] {
      self->state.log.error("some processes survived SIGKILL (stuck in the kernel?); "
                            "exiting without them");
      finish(self);
    });
  });
}

millis longest_stop_timeout(const supervisor_state& st) {
  millis longest{0};
  for (const auto& spec : st.config.services)
    longest = std::max(longest, spec.stop_timeout);
  if (!st.config.crons.empty())
    longest = std::max(longest, k_cron_kill_grace);
  return longest;
}

void begin_stop(supervisor_actor* self, int code, const std::string& reason) {
  auto& st = self->state;
  if (st.current != phase::running) {
    st.log.info("{}; already stopping", reason);
    return;
  }
  st.current = phase::stopping_services;
  st.exit_code = code;
  std::string what = count_of(st.services.size(), "service");
  if (!st.crons.empty())
    what = st.services.empty() ? count_of(st.crons.size(), "cron job")
                               : what + " and " + count_of(st.crons.size(), "cron job");
  st.log.info("{}; stopping {}", reason, what);
  // Crons stop firing first, so no run starts from here on.
  if (st.cron_clock)
    self->send_exit(st.cron_clock, caf::exit_reason::user_shutdown);
  for (auto* actors : {&st.services, &st.crons}) {
    for (auto& [name, actor] : *actors) {
      st.awaiting_stop.insert(name);
      self->send(actor, stop_atom_v);
    }
  }
  if (st.awaiting_stop.empty()) {
    sweep(self);
    return;
  }
  // A backstop: every service kills its group after its own stop_timeout, so
  // this only fires if a service actor stops answering.
  self->delayed_send(self, longest_stop_timeout(st) + k_stop_slack, sweep_atom_v);
}

void on_stopped(supervisor_actor* self, const std::string& name) {
  auto& st = self->state;
  if (st.current != phase::stopping_services)
    return;
  st.awaiting_stop.erase(name);
  if (st.awaiting_stop.empty())
    sweep(self);
}

void on_report(supervisor_actor* self, const service_report& report) {
  switch (report.kind) {
    case report_kind::stopped:
      on_stopped(self, report.name);
      break;
    case report_kind::main_exited:
      begin_stop(self, report.code, "the main command ended");
      break;
    case report_kind::fatal_shutdown:
      begin_stop(self, exit_code::fatal_service,
                 "service " + report.name + " failed and its on_fatal is shutdown");
      break;
  }
}

wingmate_status own_status(const supervisor_state& st) {
  wingmate_status own;
  own.version = st.config.status.version;
  own.pid = ::getpid();
  own.pid1 = own.pid == 1;
  own.started_at = to_system_time(st.started_at, std::chrono::steady_clock::now(),
                                  std::chrono::system_clock::now());
  own.stopping = st.current != phase::running;
  own.config_dir = st.config.status.config_dir;
  own.sequence = st.dump_sequence;
  own.status_file = st.config.status.file.string();
  return own;
}

void start_dump(supervisor_actor* self) {
  auto& st = self->state;
  status_dump_request request;
  ++st.dump_sequence;
  request.snapshot.wingmate = own_status(st);
  for (const auto& spec : st.config.services) {
    request.snapshot.services.push_back(status_from_spec(spec));
    auto it = st.services.find(spec.name);
    request.service_actors.push_back(it == st.services.end() ? caf::actor{} : it->second);
  }
  for (const auto& spec : st.config.crons) {
    request.snapshot.cron_jobs.push_back(cron_status_from_spec(spec));
    auto it = st.crons.find(spec.name);
    request.cron_actors.push_back(it == st.crons.end() ? caf::actor{} : it->second);
  }
  request.reaper = st.reaper;
  request.writer = st.status_writer;
  request.file = st.config.status.file;
  request.deadline = st.config.status.answer_deadline;
  st.dump = spawn_status_dump(self, std::move(request));
}

void on_status_request(supervisor_actor* self, const std::string& from) {
  auto& st = self->state;
  if (st.current == phase::done)
    return;
  if (st.config.status.file.empty()) {
    st.log.warning("received SIGUSR1{}, but there is no status file to write: {}. Set "
                   "WINGMATE_STATUS_FILE to a file in a writable directory and restart",
                   from, st.config.status.unusable);
    return;
  }
  if (st.dump) {
    st.dump_again = true;
    st.log.debug("received SIGUSR1{} during status dump #{}; one more follows it", from,
                 st.dump_sequence);
    return;
  }
  st.log.debug("received SIGUSR1{}; writing status #{}", from, st.dump_sequence + 1);
  start_dump(self);
}

void on_dump_over(supervisor_actor* self) {
  auto& st = self->state;
  st.dump = nullptr;
  if (st.dump_again) {
    st.dump_again = false;
    start_dump(self);
  }
}

void on_signal(supervisor_actor* self, const os_signal& sig) {
  auto& st = self->state;
  const std::string name = signal_name(sig.signo);
  const std::string from = sig.sender > 0 ? " from pid " + std::to_string(sig.sender) : "";
  switch (sig.signo) {
    case SIGTERM:
    case SIGINT:
    case SIGQUIT:
      begin_stop(self, exit_code::requested_stop, "received " + name + from);
      break;
    case SIGHUP:
    case SIGUSR2:
      if (st.current != phase::running) {
        st.log.info("received {}{} while stopping; not passed on", name, from);
        break;
      }
      st.log.info("received {}{}; passing it to every running service", name, from);
      for (auto& [service, actor] : st.services)
        self->send(actor, pass_atom_v, sig.signo);
      break;
    case SIGUSR1:
      on_status_request(self, from);
      break;
    case SIGWINCH:
    case SIGCONT:
      st.log.debug("received {}{}; ignored", name, from);
      break;
    default:
      st.log.info("received {}{}; ignored", name, from);
      break;
  }
}

const service_spec* find_spec(const supervisor_state& st, const std::string& name) {
  for (const auto& spec : st.config.services)
    if (spec.name == name)
      return &spec;
  return nullptr;
}

void replace_reaper(supervisor_actor* self) {
  auto& st = self->state;
  st.log.error("the reaper ended unexpectedly; starting a new one");
  st.reaper = spawn_reaper(self->system(), *st.config.io, st.config.original_nofile);
  self->monitor(st.reaper);
  for (auto* actors : {&st.services, &st.crons})
    for (auto& [name, actor] : *actors)
      self->send(actor, reaper_atom_v, st.reaper);
}

const cron_spec* find_cron_spec(const supervisor_state& st, const std::string& name) {
  for (const auto& spec : st.config.crons)
    if (spec.name == name)
      return &spec;
  return nullptr;
}

void replace_cron_clock(supervisor_actor* self, const caf::error& reason) {
  auto& st = self->state;
  st.log.error("the cron clock ended unexpectedly ({}); starting a new one, which computes "
               "every next run from now",
               caf::to_string(reason));
  st.cron_clock = nullptr;
  start_cron_clock(self);
}

// Returns false when `source` is not a cron actor.
bool on_cron_down(supervisor_actor* self, const caf::down_msg& msg) {
  auto& st = self->state;
  if (st.cron_clock && msg.source == st.cron_clock.address()) {
    if (st.current == phase::running)
      replace_cron_clock(self, msg.reason);
    return true;
  }
  auto it = st.cron_names.find(msg.source);
  if (it == st.cron_names.end())
    return false;
  const std::string name = it->second;
  st.cron_names.erase(it);
  const cron_spec* spec = find_cron_spec(st, name);
  if (!spec)
    return true;
  st.log.error("the actor running cron job {} ended unexpectedly ({}); starting a new one that "
               "takes over its running process, if any",
               name, caf::to_string(msg.reason));
  start_cron_job(self, *spec, service_start::replacement);
  if (st.cron_clock)
    self->send(st.cron_clock, cron_job_atom_v, name, st.crons[name]);
  if (st.current == phase::stopping_services && st.awaiting_stop.contains(name))
    self->send(st.crons[name], stop_atom_v);
  return true;
}

void on_down(supervisor_actor* self, const caf::down_msg& msg) {
  auto& st = self->state;
  if (st.current == phase::done)
    return;
  if (msg.source == st.reaper.address()) {
    replace_reaper(self);
    return;
  }
  if (st.dump && msg.source == st.dump.address()) {
    on_dump_over(self);
    return;
  }
  if (st.status_writer && msg.source == st.status_writer.address()) {
    // Not replaced: a new thread may not be available. Dumps go on, each
    // written by the dump itself.
    st.log.error("the status writer ended unexpectedly ({}); status dumps are written without "
                 "it from now on",
                 caf::to_string(msg.reason));
    st.status_writer = nullptr;
    return;
  }
  if (on_cron_down(self, msg))
    return;
  auto it = st.names.find(msg.source);
  if (it == st.names.end())
    return;
  const std::string name = it->second;
  st.names.erase(it);
  const service_spec* spec = find_spec(st, name);
  if (!spec)
    return;
  st.log.error("the actor supervising service {} ended unexpectedly ({}); starting a new one "
               "that takes over its process",
               name, caf::to_string(msg.reason));
  start_service(self, *spec, service_start::replacement);
  if (st.current == phase::stopping_services && st.awaiting_stop.contains(name))
    self->send(st.services[name], stop_atom_v);
}

caf::behavior supervisor_behavior(supervisor_actor* self, supervisor_config config,
                                  caf::actor reaper) {
  auto& st = self->state;
  install_guards(self, st.log);
  self->set_down_handler(
    [self](caf::scheduled_actor*, const caf::down_msg& msg) { on_down(self, msg); });
  st.config = std::move(config);
  if (!st.config.clock)
    st.config.clock = os::system_wall_clock();
  st.reaper = std::move(reaper);
  self->monitor(st.reaper);
  // Its thread is made now, while threads can be made: a dump must still
  // work when the process limit is reached later.
  if (!st.config.status.file.empty()) {
    st.status_writer = spawn_status_writer(self->system(), caf::actor_cast<caf::actor>(self));
    self->monitor(st.status_writer);
  }
  for (const auto& spec : st.config.services)
    start_service(self, spec, service_start::fresh);
  for (const auto& spec : st.config.crons)
    start_cron_job(self, spec, service_start::fresh);
  start_cron_clock(self);

  return {
    [self](run_atom) -> caf::result<int> {
      auto& s = self->state;
      if (s.current == phase::done) {
        self->quit();
        return s.exit_code;
      }
      s.run_waiters.push_back(self->make_response_promise());
      return caf::delegated<int>{};
    },
    [self](const os_signal& sig) { on_signal(self, sig); },
    [self](lookup_atom, const std::string& name) -> caf::result<caf::actor> {
      auto& services = self->state.services;
      if (auto it = services.find(name); it != services.end())
        return it->second;
      if (auto it = self->state.crons.find(name); it != self->state.crons.end())
        return it->second;
      if (name == "reaper")
        return self->state.reaper;
      if (name == "cron-clock" && self->state.cron_clock)
        return self->state.cron_clock;
      return caf::make_error(caf::sec::invalid_argument, name);
    },
    [self](const service_report& report) { on_report(self, report); },
    [self](sweep_atom) {
      auto& s = self->state;
      if (s.current != phase::stopping_services)
        return;
      std::string names;
      for (const auto& name : s.awaiting_stop)
        names += (names.empty() ? "" : ", ") + name;
      s.log.warning("no stop report in time from {}; going on with the stop", names);
      s.awaiting_stop.clear();
      sweep(self);
    },
  };
}

} // namespace

caf::actor spawn_supervisor(caf::actor_system& system, supervisor_config config,
                            caf::actor reaper) {
  return system.spawn(supervisor_behavior, std::move(config), std::move(reaper));
}

} // namespace wm

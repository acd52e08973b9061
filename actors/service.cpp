#include "actors/service.hpp"

#include <caf/all.hpp>
#include <memory>

#include "actors/guards.hpp"
#include "actors/logging.hpp"
#include "actors/pidfile_watcher.hpp"
#include "actors/service_machine.hpp"
#include "actors/service_status_of.hpp"
#include "messages/environment.hpp"
#include "messages/messages.hpp"
#include "wmtools/pidfile.hpp"

namespace wm {

namespace {

struct service_actor_state {
  service_spec spec;
  std::unique_ptr<service_machine> machine;
  caf::actor reaper;
  caf::actor supervisor;
  std::unique_ptr<log::logger> log;
  // -- pidfile services --
  caf::actor pidfile_watcher;
  /// Taken just before each launch: a pidfile older than this is stale.
  timespec launched_after{};

  static inline const char* name = "service";
};

using service_actor = caf::stateful_actor<service_actor_state>;

steady_time now() {
  return std::chrono::steady_clock::now();
}

service_settings settings_of(const service_spec& spec) {
  service_settings s;
  s.restart = spec.restart;
  s.stop_signal = spec.stop_signal;
  s.stop_timeout = spec.stop_timeout;
  s.main = spec.main;
  s.autostart = spec.autostart;
  s.pidfile = spec.pidfile;
  s.pidfile_timeout = spec.pidfile_timeout;
  return s;
}

launch_spec launch_of(const service_spec& spec) {
  launch_spec what = make_launch_spec(spec.name, spec.run, current_environment());
  what.owns_terminal = spec.owns_terminal;
  what.inherit_stdin = spec.main;
  return what;
}

void carry_out(service_actor* self, const service_machine::actions& actions);

void launch(service_actor* self) {
  self->state.launched_after = file_clock_now();
  self->request(self->state.reaper, caf::infinite, launch_atom_v, launch_of(self->state.spec))
    .then(
      [self](const launch_result& result) {
        auto& machine = *self->state.machine;
        if (result.error == 0)
          carry_out(self, machine.launched(result.pid, now()));
        else
          carry_out(self, machine.launch_failed(result.message, result.shell_code, now()));
      },
      [self](const caf::error& err) {
        carry_out(self, self->state.machine->launch_failed(
                      "wingmate could not ask for the launch: " + caf::to_string(err), 126,
                      now()));
      });
}

void carry_out(service_actor* self, const service_machine::actions& actions) {
  auto& st = self->state;
  for (const auto& action : actions) {
    if (std::holds_alternative<launch_action>(action)) {
      launch(self);
    } else if (auto* sig = std::get_if<signal_action>(&action)) {
      self->send(st.reaper, signal_atom_v,
                 signal_request{st.machine->pid(), sig->signo, sig->group});
    } else if (auto* timer = std::get_if<timer_action>(&action)) {
      self->delayed_send(self, timer->delay, service_timer{timer->kind, timer->generation});
    } else if (auto* line = std::get_if<log_action>(&action)) {
      st.log->write(line->level, line->text);
    } else if (auto* report = std::get_if<report_action>(&action)) {
      self->send(st.supervisor, service_report{st.spec.name, report->kind, report->code});
    } else if (auto* watch = std::get_if<pidfile_action>(&action)) {
      self->send(st.pidfile_watcher, pidfile_request{watch->step, watch->generation, watch->pid,
                                                     watch->timeout, st.launched_after});
    } else if (auto* adopt = std::get_if<adopt_action>(&action)) {
      self->send(st.reaper, adopt_atom_v, adopt->pid, st.spec.name);
    }
  }
}

// A replacement actor first asks the reaper what became of the process.
void take_over(service_actor* self) {
  self->request(self->state.reaper, caf::infinite, claim_atom_v, self->state.spec.name)
    .then(
      [self](const claimed_process& claim) {
        auto& machine = *self->state.machine;
        if (claim.live_pid != 0) {
          carry_out(self, machine.adopt(claim.live_pid, now()));
        } else if (claim.exited_pid != 0) {
          carry_out(self, machine.adopt(claim.exited_pid, now()));
          carry_out(self, machine.exited(claim.exited_pid,
                                     exit_status::from_wait_status(claim.exit_status), now()));
        } else {
          carry_out(self, machine.boot());
        }
      },
      [self](const caf::error&) { carry_out(self, self->state.machine->boot()); });
}

caf::behavior service_behavior(service_actor* self, service_spec spec, caf::actor reaper,
                               caf::actor supervisor, service_start how) {
  auto& st = self->state;
  st.log = std::make_unique<log::logger>("service", spec.name);
  install_guards(self, *st.log);
  st.machine = std::make_unique<service_machine>(settings_of(spec));
  st.spec = std::move(spec);
  st.reaper = std::move(reaper);
  st.supervisor = std::move(supervisor);
  // A replacement follows a daemon's successor only in a pidfile written
  // after it took over: it cannot know when the original launch was.
  st.launched_after = file_clock_now();
  if (!st.spec.pidfile.empty())
    st.pidfile_watcher = spawn_pidfile_watcher(self, st.spec.name, st.spec.pidfile);

  if (!st.spec.fatal_reason.empty())
    carry_out(self, st.machine->fail_permanently(st.spec.fatal_reason));
  else if (how == service_start::replacement)
    take_over(self);
  else
    carry_out(self, st.machine->boot());

  return {
    [self](const child_exited& exit) {
      carry_out(self, self->state.machine->exited(
                    exit.pid, exit_status::from_wait_status(exit.status), now()));
    },
    [self](const service_timer& timer) {
      carry_out(self, self->state.machine->timer_fired(timer.kind, timer.generation, now()));
    },
    [self](stop_atom) { carry_out(self, self->state.machine->stop()); },
    [self](pass_atom, int signo) { carry_out(self, self->state.machine->forward(signo)); },
    [self](status_atom) {
      const auto& s = self->state;
      return status_of(s.spec, *s.machine, now(), std::chrono::system_clock::now());
    },
    [self](reaper_atom, const caf::actor& new_reaper) {
      auto& s = self->state;
      s.reaper = new_reaper;
      if (s.machine->pid() != 0)
        self->send(s.reaper, adopt_atom_v, s.machine->pid(), s.spec.name);
    },
    [self](const pidfile_report& report) {
      carry_out(self, self->state.machine->pidfile_reported(report, now()));
    },
    [self](adopt_refused_atom, pid_t pid, const std::string& why) {
      carry_out(self, self->state.machine->adopt_refused(pid, why, now()));
    },
  };
}

} // namespace

caf::actor spawn_service(caf::event_based_actor* supervisor, service_spec spec,
                         caf::actor reaper, service_start how) {
  return supervisor->spawn<caf::monitored>(service_behavior, std::move(spec), std::move(reaper),
                                           caf::actor_cast<caf::actor>(supervisor), how);
}

} // namespace wm

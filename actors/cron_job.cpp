#include "actors/cron_job.hpp"

#include <caf/all.hpp>

#include "actors/cron_job_machine.hpp"
#include "actors/guards.hpp"
#include "actors/logging.hpp"
#include "actors/os/wall_clock.hpp"
#include "messages/environment.hpp"
#include "messages/messages.hpp"

namespace wm {

namespace {

struct cron_job_actor_state {
  cron_spec spec;
  std::unique_ptr<cron_job_machine> machine;
  caf::actor reaper;
  caf::actor supervisor;
  std::shared_ptr<const os::wall_clock> clock;
  std::unique_ptr<log::logger> log;

  static inline const char* name = "cron_job";
};

using cron_job_actor = caf::stateful_actor<cron_job_actor_state>;

steady_time steady_now() {
  return std::chrono::steady_clock::now();
}

cron_settings settings_of(const cron_spec& spec) {
  cron_settings s;
  s.overlap = spec.overlap;
  s.timeout = spec.timeout;
  s.stop_signal = spec.stop_signal;
  return s;
}

std::optional<std::time_t> next_of(std::int64_t seconds) {
  if (seconds == 0)
    return std::nullopt;
  return static_cast<std::time_t>(seconds);
}

void carry_out(cron_job_actor* self, const cron_job_machine::actions& actions);

void launch(cron_job_actor* self, std::uint64_t run) {
  auto& st = self->state;
  auto what = make_launch_spec(st.spec.name, st.spec.run, current_environment());
  // cppcheck-suppress accessMoved ; false: `what` is only moved here, and read nowhere after
  self->request(st.reaper, caf::infinite, launch_atom_v, std::move(what))
    .then(
      [self, run](const launch_result& result) {
        auto& s = self->state;
        if (result.error == 0)
          carry_out(self, s.machine->launched(run, result.pid));
        else
          carry_out(self, s.machine->launch_failed(run, result.message, result.shell_code,
                                                   s.clock->now()));
      },
      [self, run](const caf::error& err) {
        auto& s = self->state;
        carry_out(self, s.machine->launch_failed(
                      run, "wingmate could not ask for the launch: " + caf::to_string(err), 126,
                      s.clock->now()));
      });
}

void carry_out(cron_job_actor* self, const cron_job_machine::actions& actions) {
  auto& st = self->state;
  for (const auto& action : actions) {
    if (auto* start = std::get_if<cron_launch_action>(&action)) {
      launch(self, start->run);
    } else if (auto* sig = std::get_if<cron_signal_action>(&action)) {
      self->send(st.reaper, signal_atom_v, signal_request{sig->pid, sig->signo, true});
    } else if (auto* timer = std::get_if<cron_timer_action>(&action)) {
      self->delayed_send(self, timer->delay, cron_timer{timer->kind, timer->run});
    } else if (auto* line = std::get_if<log_action>(&action)) {
      st.log->write(line->level, line->text);
    } else if (auto* report = std::get_if<report_action>(&action)) {
      self->send(st.supervisor, service_report{st.spec.name, report->kind, report->code});
    }
  }
}

// A replacement actor first asks the reaper what became of the run the
// previous actor had going.
void take_over(cron_job_actor* self) {
  self->request(self->state.reaper, caf::infinite, claim_atom_v, self->state.spec.name)
    .then(
      [self](const claimed_process& claim) {
        auto& s = self->state;
        if (claim.live_pid != 0) {
          carry_out(self, s.machine->adopt(claim.live_pid, steady_now()));
        } else if (claim.exited_pid != 0) {
          carry_out(self, s.machine->adopt(claim.exited_pid, steady_now()));
          carry_out(self, s.machine->exited(claim.exited_pid,
                                            exit_status::from_wait_status(claim.exit_status),
                                            s.clock->now(), steady_now()));
        }
      },
      [](const caf::error&) {});
}

std::string fatal_reason_of(const cron_spec& spec) {
  if (!spec.fatal_reason.empty())
    return spec.fatal_reason;
  if (!spec.when)
    return "its schedule \"" + spec.schedule_text + "\" is not valid";
  return {};
}

caf::behavior cron_job_behavior(cron_job_actor* self, cron_spec spec, caf::actor reaper,
                                caf::actor supervisor,
                                std::shared_ptr<const os::wall_clock> clock, service_start how) {
  auto& st = self->state;
  st.log = std::make_unique<log::logger>("cron", spec.name);
  install_guards(self, *st.log);
  st.machine = std::make_unique<cron_job_machine>(spec.name, spec.schedule_text,
                                                  settings_of(spec));
  st.spec = std::move(spec);
  st.reaper = std::move(reaper);
  st.supervisor = std::move(supervisor);
  st.clock = std::move(clock);

  if (auto reason = fatal_reason_of(st.spec); !reason.empty())
    carry_out(self, st.machine->fail_permanently(reason, st.spec.source));
  else if (how == service_start::replacement)
    take_over(self);

  return {
    [self](const cron_fire& fire) {
      auto& s = self->state;
      s.machine->set_next_run(next_of(fire.next));
      carry_out(self, s.machine->due(static_cast<std::time_t>(fire.due), s.clock->now(),
                                     steady_now()));
    },
    [self](const cron_next_run& next) { self->state.machine->set_next_run(next_of(next.next)); },
    [self](const child_exited& exit) {
      auto& s = self->state;
      carry_out(self, s.machine->exited(exit.pid, exit_status::from_wait_status(exit.status),
                                        s.clock->now(), steady_now()));
    },
    [self](const cron_timer& timer) {
      carry_out(self, self->state.machine->timer_fired(timer.kind, timer.run));
    },
    [self](stop_atom) { carry_out(self, self->state.machine->stop()); },
    [self](reaper_atom, const caf::actor& new_reaper) {
      auto& s = self->state;
      s.reaper = new_reaper;
      for (pid_t pid : s.machine->state().running_pids)
        self->send(s.reaper, adopt_atom_v, pid, s.spec.name);
    },
    [self](cron_state_atom) -> cron_job_state { return self->state.machine->state(); },
  };
}

} // namespace

caf::actor spawn_cron_job(caf::event_based_actor* supervisor, cron_spec spec, caf::actor reaper,
                          std::shared_ptr<const os::wall_clock> clock, service_start how) {
  return supervisor->spawn<caf::monitored>(cron_job_behavior, std::move(spec), std::move(reaper),
                                           caf::actor_cast<caf::actor>(supervisor),
                                           std::move(clock), how);
}

} // namespace wm

#include "actors/cron_clock.hpp"

#include <caf/all.hpp>

#include "actors/cron_timetable.hpp"
#include "actors/guards.hpp"
#include "actors/io_bridge.hpp"
#include "actors/logging.hpp"
#include "actors/os/wall_clock.hpp"
#include "messages/local_time.hpp"
#include "messages/messages.hpp"

namespace wm {

namespace {

struct cron_clock_state {
  cron_timetable table;
  std::vector<std::string> names;
  std::vector<caf::actor> jobs;
  std::shared_ptr<const os::wall_clock> clock;
  /// Bumped for every timer armed, so that only the latest one counts.
  std::uint64_t generation = 0;
  log::logger log{"cron-clock"};

  static inline const char* name = "cron_clock";
};

using cron_clock_actor = caf::stateful_actor<cron_clock_state>;

std::int64_t encode(std::optional<std::time_t> t) {
  return t ? static_cast<std::int64_t>(*t) : 0;
}

std::string describe_next(std::optional<std::time_t> next) {
  return next ? format_local_iso(*next) : std::string("never");
}

// One timer, for the earliest next run; none when no job runs again.
void arm(cron_clock_actor* self) {
  auto& st = self->state;
  ++st.generation;
  const auto next = st.table.next_wake();
  if (!next)
    return;
  auto delay = to_wall_instant(*next) - st.clock->now();
  if (delay < wall_instant::duration::zero())
    delay = wall_instant::duration::zero();
  self->delayed_send(self, std::chrono::duration_cast<std::chrono::nanoseconds>(delay),
                     cron_wake{st.generation});
}

void report_missed(const cron_clock_state& st, const cron_timetable::run& run,
                   wall_instant now) {
  log::logger("cron", st.names[run.job])
    .warning("missed its run due at {}: wingmate noticed it only at {} (the clock was set "
             "forward, the machine was suspended, or wingmate was paused); missed runs are "
             "not replayed, the next run is {}",
             format_local_iso(run.due), format_local_iso(whole_seconds(now)),
             describe_next(st.table.next_run(run.job)));
}

void dispatch(cron_clock_actor* self, const cron_timetable::outcome& out, wall_instant now) {
  auto& st = self->state;
  std::vector<bool> told(st.jobs.size(), false);
  for (const auto& run : out.missed)
    report_missed(st, run, now);
  for (const auto& run : out.fire) {
    self->send(st.jobs[run.job], cron_fire{run.due, encode(st.table.next_run(run.job))});
    told[run.job] = true;
  }
  for (std::size_t job : out.rescheduled)
    if (!told[job])
      self->send(st.jobs[job], cron_next_run{encode(st.table.next_run(job))});
}

void on_wake(cron_clock_actor* self, std::uint64_t generation) {
  auto& st = self->state;
  if (generation != st.generation)
    return;
  const auto now = st.clock->now();
  const auto next = st.table.next_wake();
  if (next && now < to_wall_instant(*next)) {
    // Woken early: the wall clock went back without a word. Sleep on.
    arm(self);
    return;
  }
  dispatch(self, st.table.advance(now), now);
  arm(self);
}

void on_clock_set(cron_clock_actor* self) {
  auto& st = self->state;
  const auto now = st.clock->now();
  st.log.info("the wall clock was set and now reads {}; computing again when {} runs next",
              format_local_iso(whole_seconds(now)),
              st.jobs.size() == 1
                ? std::string("the cron job")
                : "each of the " + std::to_string(st.jobs.size()) + " cron jobs");
  dispatch(self, st.table.clock_changed(now), now);
  arm(self);
}

// The listener runs on the I/O thread and holds only a weak reference, so a
// clock that has ended (or been replaced) is simply not told.
void listen_for_clock_changes(cron_clock_actor* self, io_bridge& io) {
  caf::weak_actor_ptr weak{self->ctrl()};
  const bool watching = io.watch_clock_changes([weak] {
    if (auto strong = weak.lock())
      caf::anon_send(caf::actor_cast<caf::actor>(strong), clock_set_atom_v);
  });
  if (!watching)
    self->state.log.warning("this kernel cannot report changes of the wall clock "
                            "(TFD_TIMER_CANCEL_ON_SET); if the time is set, cron jobs follow "
                            "the new time only from their next run on");
}

void start(cron_clock_actor* self, std::vector<cron_clock_job> jobs) {
  auto& st = self->state;
  for (auto& job : jobs) {
    st.table.add(std::move(job.when));
    st.names.push_back(std::move(job.name));
    st.jobs.push_back(std::move(job.actor));
  }
  st.table.start(st.clock->now());
  for (std::size_t i = 0; i < st.jobs.size(); ++i) {
    const auto next = st.table.next_run(i);
    self->send(st.jobs[i], cron_next_run{encode(next)});
    if (!next)
      log::logger("cron", st.names[i])
        .warning("its schedule matches no date from now on, so it never runs");
  }
  st.log.info("{} cron job{} scheduled; the first run is {}", st.jobs.size(),
              st.jobs.size() == 1 ? "" : "s", describe_next(st.table.next_wake()));
}

caf::behavior cron_clock_behavior(cron_clock_actor* self, std::vector<cron_clock_job> jobs,
                                  std::shared_ptr<const os::wall_clock> clock, io_bridge* io) {
  auto& st = self->state;
  install_guards(self, st.log);
  st.clock = std::move(clock);
  if (io)
    listen_for_clock_changes(self, *io);
  start(self, std::move(jobs));
  arm(self);
  return {
    [self](const cron_wake& wake) { on_wake(self, wake.generation); },
    [self](clock_set_atom) { on_clock_set(self); },
    [self](cron_job_atom, const std::string& name, const caf::actor& actor) {
      auto& s = self->state;
      for (std::size_t i = 0; i < s.names.size(); ++i) {
        if (s.names[i] != name)
          continue;
        s.jobs[i] = actor;
        self->send(actor, cron_next_run{encode(s.table.next_run(i))});
      }
    },
  };
}

} // namespace

caf::actor spawn_cron_clock(caf::event_based_actor* supervisor,
                            std::vector<cron_clock_job> jobs,
                            std::shared_ptr<const os::wall_clock> clock, io_bridge* io) {
  return supervisor->spawn<caf::monitored>(cron_clock_behavior, std::move(jobs),
                                           std::move(clock), io);
}

} // namespace wm

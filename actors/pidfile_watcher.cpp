#include "actors/pidfile_watcher.hpp"

#include <signal.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <cerrno>
#include <memory>
#include <optional>

#include "actors/guards.hpp"
#include "actors/logging.hpp"
#include "messages/duration.hpp"
#include "messages/messages.hpp"
#include "wmtools/pid_check.hpp"
#include "wmtools/pidfd.hpp"
#include "wmtools/pidfile.hpp"
#include "wmtools/unique_fd.hpp"

namespace wm {

namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

/// How often the pidfile is read while a daemon is looked for. Bounded:
/// finding lasts at most pidfile_timeout, following at most the window.
constexpr auto k_read_interval = 100ms;
/// A refused pid is read again this much later before the start is given
/// up: a half-written pidfile may name the wrong pid for a moment.
constexpr auto k_refusal_confirm_delay = 100ms;
/// How long a dead daemon's pidfile is re-read for a successor.
constexpr auto k_follow_window = 1s;
/// How often a daemon that is not wingmate's child is checked.
constexpr auto k_liveness_interval = 1s;

enum class phase {
  idle,      ///< nothing to do: no request, or the reaper watches the daemon
  finding,   ///< waiting for a fresh pidfile naming a valid daemon
  following, ///< the daemon ended: looking for a successor
  polling,   ///< watching a daemon that is not wingmate's child
};

struct pidfile_watcher_state {
  caf::actor service;
  std::string pidfile;
  std::unique_ptr<log::logger> log;
  phase current = phase::idle;

  // -- the request being worked on
  std::uint64_t generation = 0;
  timespec not_before{};
  std::chrono::milliseconds timeout{0};
  clock::time_point deadline{};
  /// Only the latest scheduled tick counts (0.17 cannot cancel timers).
  std::uint64_t tick = 0;

  // -- finding
  std::string last_problem;
  bool stale_reported = false;
  /// A refused pid waiting for its second reading, and when that is due.
  pid_t doubted_pid = 0;
  clock::time_point doubted_until{};

  // -- the daemon validated last; its pidfd refers to exactly that process
  pid_t daemon = 0;
  unique_fd daemon_pidfd;

  // -- following
  pid_t ended = 0;
  pid_t ignored_rewrite = 0;

  static inline const char* name = "pidfile_watcher";
};

using watcher_actor = caf::stateful_actor<pidfile_watcher_state>;

void report(watcher_actor* self, pidfile_finding finding, pid_t pid, bool leads_group = false,
            std::string detail = {}) {
  auto& st = self->state;
  self->send(st.service, pidfile_report{finding, st.generation, pid, leads_group,
                                        std::move(detail)});
}

void schedule(watcher_actor* self, clock::duration delay) {
  auto& st = self->state;
  self->delayed_send(self, std::max(delay, clock::duration::zero()), pidfile_tick_atom_v,
                     ++st.tick);
}

void go_idle(watcher_actor* self) {
  self->state.current = phase::idle;
  ++self->state.tick;
}

void forget_daemon(watcher_actor* self) {
  self->state.daemon = 0;
  self->state.daemon_pidfd.reset();
}

bool is_child_of_wingmate(pid_t pid) {
  auto info = read_process_info(pid);
  return info && info->parent == ::getpid();
}

bool has_ended(const pidfile_watcher_state& st) {
  if (st.daemon_pidfd)
    return pidfd_exited(st.daemon_pidfd.get());
  if (::kill(st.daemon, 0) < 0 && errno == ESRCH)
    return true;
  auto info = read_process_info(st.daemon);
  return !info || info->state == 'Z' || info->state == 'X';
}

// Watches the validated daemon: through the reaper when it is wingmate's
// child, else by checking it every second.
void watch(watcher_actor* self) {
  if (is_child_of_wingmate(self->state.daemon)) {
    go_idle(self);
    return;
  }
  self->state.current = phase::polling;
  schedule(self, k_liveness_interval);
}

// Validates `pid` and, when it passes, watches it as the daemon and reports
// it found; else returns why it must not be supervised.
std::optional<std::string> try_watch(watcher_actor* self, pid_t pid) {
  // The pidfd is opened before the checks, so it refers to the process they
  // approve even if the pid is recycled right after.
  unique_fd pidfd = open_pidfd(pid);
  const int open_error = pidfd ? 0 : errno;
  if (auto why = refuse_pid_for_self(pid))
    return why;
  if ((!pidfd && open_error == ESRCH) || (pidfd && pidfd_exited(pidfd.get())))
    return std::string("is not running");

  auto& st = self->state;
  st.daemon = pid;
  st.daemon_pidfd = std::move(pidfd);
  report(self, pidfile_finding::found, pid, ::getpgid(pid) == pid);
  watch(self);
  if (st.current == phase::polling)
    st.log->debug("pid {} is not wingmate's child: checking it every {}{}", pid,
                  format_duration(k_liveness_interval),
                  st.daemon_pidfd ? " through its pidfd" : "");
  return std::nullopt;
}

void give_up_finding(watcher_actor* self, std::string detail) {
  report(self, pidfile_finding::not_found, 0, false, std::move(detail));
  go_idle(self);
}

void look_for_daemon(watcher_actor* self) {
  auto& st = self->state;
  const auto now = clock::now();
  auto reading = read_pidfile(st.pidfile, st.not_before);
  if (reading.state == pidfile_state::stale && !st.stale_reported) {
    st.log->info("ignoring {}: it {} (left over from an earlier run); waiting for a fresh one",
                 st.pidfile, reading.detail);
    st.stale_reported = true;
  }
  if (reading.state == pidfile_state::fresh) {
    auto refusal = try_watch(self, reading.pid);
    if (!refusal)
      return;
    st.last_problem = "names pid " + std::to_string(reading.pid) + ", which " + *refusal;
    if (st.doubted_pid != reading.pid) {
      st.doubted_pid = reading.pid;
      st.doubted_until = now + k_refusal_confirm_delay;
    } else if (now >= st.doubted_until) {
      give_up_finding(self, "refused " + st.pidfile + ": pid " + std::to_string(reading.pid)
                              + " " + *refusal + "; no signal was sent to it (check that "
                              "pidfile names the file this daemon writes)");
      return;
    }
  } else {
    st.last_problem = reading.detail;
    st.doubted_pid = 0;
  }
  if (now >= st.deadline) {
    give_up_finding(self, "no fresh pidfile " + st.pidfile + " " + format_duration(st.timeout)
                            + " after the start (it " + st.last_problem
                            + "); check that pidfile names the file the daemon writes, or "
                              "raise pidfile_timeout");
    return;
  }
  schedule(self, std::min(now + k_read_interval, st.deadline) - now);
}

void look_for_successor(watcher_actor* self) {
  auto& st = self->state;
  const auto now = clock::now();
  auto reading = read_pidfile(st.pidfile, st.not_before);
  if (reading.state == pidfile_state::fresh && reading.pid != st.ended) {
    auto refusal = try_watch(self, reading.pid);
    if (!refusal)
      return;
    if (reading.pid != st.ignored_rewrite)
      st.log->warning("{} now names pid {}, which {}; not following it", st.pidfile, reading.pid,
                      *refusal);
    st.ignored_rewrite = reading.pid;
  }
  if (now >= st.deadline) {
    st.log->debug("{} names no successor of pid {}", st.pidfile, st.ended);
    report(self, pidfile_finding::gone, st.ended);
    go_idle(self);
    return;
  }
  schedule(self, std::min(now + k_read_interval, st.deadline) - now);
}

void follow(watcher_actor* self, pid_t ended) {
  auto& st = self->state;
  if (st.daemon == ended && st.daemon_pidfd && !pidfd_exited(st.daemon_pidfd.get())) {
    report(self, pidfile_finding::still_running, ended);
    watch(self);
    return;
  }
  forget_daemon(self);
  st.ended = ended;
  st.ignored_rewrite = 0;
  st.current = phase::following;
  st.deadline = clock::now() + k_follow_window;
  look_for_successor(self);
}

void check_liveness(watcher_actor* self) {
  const auto& st = self->state;
  if (is_child_of_wingmate(st.daemon)) {
    go_idle(self); // re-parented to wingmate: its exit now reaches the reaper
    return;
  }
  if (has_ended(st)) {
    report(self, pidfile_finding::vanished, st.daemon);
    go_idle(self);
    return;
  }
  schedule(self, k_liveness_interval);
}

void on_request(watcher_actor* self, const pidfile_request& request) {
  auto& st = self->state;
  st.generation = request.generation;
  st.not_before = request.not_before;
  ++st.tick; // whatever was scheduled is for an earlier request
  switch (request.step) {
    case pidfile_step::find:
      forget_daemon(self);
      st.timeout = request.timeout;
      st.deadline = clock::now() + request.timeout;
      st.last_problem = "was not read yet";
      st.stale_reported = false;
      st.doubted_pid = 0;
      st.current = phase::finding;
      look_for_daemon(self);
      break;
    case pidfile_step::follow:
      follow(self, request.pid);
      break;
    case pidfile_step::cancel:
      forget_daemon(self);
      go_idle(self);
      break;
  }
}

void on_tick(watcher_actor* self) {
  switch (self->state.current) {
    case phase::idle:
      break;
    case phase::finding:
      look_for_daemon(self);
      break;
    case phase::following:
      look_for_successor(self);
      break;
    case phase::polling:
      check_liveness(self);
      break;
  }
}

caf::behavior pidfile_watcher_behavior(watcher_actor* self, caf::actor service,
                                       const std::string& name, std::string pidfile) {
  auto& st = self->state;
  st.log = std::make_unique<log::logger>("pidfile", name);
  install_guards(self, *st.log);
  st.service = std::move(service);
  st.pidfile = std::move(pidfile);
  return {
    [self](const pidfile_request& request) { on_request(self, request); },
    [self](pidfile_tick_atom, std::uint64_t tick) {
      if (tick == self->state.tick)
        on_tick(self);
    },
  };
}

} // namespace

caf::actor spawn_pidfile_watcher(caf::event_based_actor* service, std::string name,
                                 std::string pidfile) {
  return service->spawn<caf::linked>(pidfile_watcher_behavior,
                                     caf::actor_cast<caf::actor>(service), std::move(name),
                                     std::move(pidfile));
}

} // namespace wm

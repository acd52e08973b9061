#include "actors/reaper.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <cerrno>
#include <cstring>
#include <deque>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "actors/guards.hpp"
#include "actors/io_bridge.hpp"
#include "actors/logging.hpp"
#include "actors/os/process_tree.hpp"
#include "actors/os/spawn.hpp"
#include "actors/signal_bridge.hpp"
#include "messages/exit_status.hpp"
#include "messages/messages.hpp"
#include "messages/signal_names.hpp"

namespace wm {

namespace {

// How many exits of unknown pids are remembered, for an owner that
// registers a pid after it ended (a daemon found through its pidfile).
constexpr std::size_t k_remembered_orphans = 4096;

struct reaper_state {
  struct child {
    caf::actor owner; // null once the owner has died
    std::string name;
    bool discard = false; // its exec failed: the exit was already reported
  };

  std::unique_ptr<os::spawner> spawner;
  io_bridge* io = nullptr;
  std::unordered_map<pid_t, child> children;
  std::unordered_set<caf::actor_addr> watched_owners;
  std::unordered_map<std::string, claimed_process> exits_without_owner;
  std::deque<std::pair<pid_t, int>> recent_orphans;
  std::uint64_t orphans = 0;
  std::vector<caf::response_promise> drain_waiters;
  log::logger log{"reaper"};

  static inline const char* name = "reaper";
};

using reaper_actor = caf::stateful_actor<reaper_state>;

void route_exit(reaper_actor* self, pid_t pid, int status) {
  auto& st = self->state;
  auto it = st.children.find(pid);
  if (it == st.children.end()) {
    ++st.orphans;
    st.recent_orphans.emplace_back(pid, status);
    if (st.recent_orphans.size() > k_remembered_orphans)
      st.recent_orphans.pop_front();
    return;
  }
  auto entry = std::move(it->second);
  st.children.erase(it);
  if (entry.discard)
    return;
  if (entry.owner)
    self->send(entry.owner, child_exited{pid, status});
  else
    st.exits_without_owner[entry.name] = claimed_process{0, pid, status};
}

// Reaps every child that has ended; returns true when none is left at all.
bool reap_all(reaper_actor* self) {
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG | __WALL);
    if (pid > 0) {
      route_exit(self, pid, status);
      continue;
    }
    if (pid < 0 && errno == EINTR)
      continue;
    return pid < 0 && errno == ECHILD;
  }
}

void answer_drain_waiters(reaper_actor* self) {
  for (auto& promise : self->state.drain_waiters)
    promise.deliver(true);
  self->state.drain_waiters.clear();
}

void on_reap(reaper_actor* self) {
  if (reap_all(self))
    answer_drain_waiters(self);
}

void watch_owner(reaper_actor* self, const caf::actor& owner) {
  if (owner && self->state.watched_owners.insert(owner.address()).second)
    self->monitor(owner);
}

launch_result on_launch(reaper_actor* self, const launch_spec& spec) {
  auto& st = self->state;
  auto owner = caf::actor_cast<caf::actor>(self->current_sender());
  auto child = st.spawner->spawn(spec);
  if (child.result.pid > 0) {
    // Registered before this actor can handle the next SIGCHLD, so the
    // exit cannot be reaped for nobody.
    st.children[child.result.pid] = {owner, spec.name, child.result.error != 0};
    watch_owner(self, owner);
  }
  if (child.stdout_pipe)
    st.io->watch_output(std::move(child.stdout_pipe), spec.name, log::stream::out);
  if (child.stderr_pipe)
    st.io->watch_output(std::move(child.stderr_pipe), spec.name, log::stream::err);
  return child.result;
}

void on_signal(reaper_actor* self, const signal_request& request) {
  auto& st = self->state;
  if (!st.children.contains(request.pid)) {
    st.log.debug("not sending {} to pid {}: it has already ended", signal_name(request.signo),
                 request.pid);
    return;
  }
  const pid_t target = request.group ? -request.pid : request.pid;
  if (::kill(target, request.signo) < 0 && errno != ESRCH)
    st.log.warning("cannot send {} to {} {}: {}", signal_name(request.signo),
                   request.group ? "process group" : "pid", request.pid, std::strerror(errno));
}

claimed_process on_claim(reaper_actor* self, const std::string& name) {
  auto& st = self->state;
  auto claimant = caf::actor_cast<caf::actor>(self->current_sender());
  claimed_process claim;
  for (auto& [pid, entry] : st.children) {
    if (entry.name == name && !entry.discard) {
      entry.owner = claimant;
      claim.live_pid = pid;
    }
  }
  watch_owner(self, claimant);
  if (auto it = st.exits_without_owner.find(name); it != st.exits_without_owner.end()) {
    if (claim.live_pid == 0)
      claim = it->second;
    st.exits_without_owner.erase(it);
  }
  return claim;
}

void on_adopt(reaper_actor* self, pid_t pid, const std::string& name) {
  auto& st = self->state;
  auto owner = caf::actor_cast<caf::actor>(self->current_sender());
  for (auto it = st.recent_orphans.rbegin(); it != st.recent_orphans.rend(); ++it) {
    if (it->first == pid) {
      // It ended before anyone asked for it.
      --st.orphans;
      self->send(owner, child_exited{pid, it->second});
      st.recent_orphans.erase(std::next(it).base());
      return;
    }
  }
  st.children[pid] = {owner, name, false};
  watch_owner(self, owner);
}

void on_sweep(reaper_actor* self, int signo) {
  auto leftovers = os::descendants_of(::getpid());
  if (::getpid() == 1) {
    // As PID 1 everything in the namespace is ours to stop, including
    // processes that entered it from outside (docker exec).
    ::kill(-1, signo);
  } else {
    for (pid_t pid : leftovers)
      ::kill(pid, signo);
  }
  if (!leftovers.empty())
    self->state.log.info("sent {} to {} remaining process{}", signal_name(signo),
                         leftovers.size(), leftovers.size() == 1 ? "" : "es");
}

caf::behavior reaper_behavior(reaper_actor* self, io_bridge* io,
                              std::optional<rlimit> original_nofile) {
  auto& st = self->state;
  install_guards(self, st.log);
  st.io = io;
  st.spawner = std::make_unique<os::spawner>(original_nofile);
  self->set_down_handler([self](caf::scheduled_actor*, caf::down_msg& msg) {
    auto& s = self->state;
    s.watched_owners.erase(msg.source);
    for (auto& [pid, entry] : s.children)
      if (entry.owner && entry.owner.address() == msg.source)
        entry.owner = nullptr;
  });
  // Anything that ended while no reaper was listening (at start, or while a
  // replaced reaper was down) is collected now.
  reap_all(self);
  return {
    [self](launch_atom, const launch_spec& spec) { return on_launch(self, spec); },
    [self](signal_atom, const signal_request& request) { on_signal(self, request); },
    [self](reap_atom) { on_reap(self); },
    [self](claim_atom, const std::string& name) { return on_claim(self, name); },
    [self](adopt_atom, pid_t pid, const std::string& name) { on_adopt(self, pid, name); },
    [self](sweep_atom, int signo) { on_sweep(self, signo); },
    [self](status_atom) { return self->state.orphans; },
    [self](drain_atom) -> caf::result<bool> {
      if (reap_all(self))
        return true;
      auto promise = self->make_response_promise<bool>();
      self->state.drain_waiters.push_back(promise);
      return promise;
    },
  };
}

} // namespace

caf::actor spawn_reaper(caf::actor_system& system, io_bridge& io,
                        std::optional<rlimit> original_nofile) {
  auto reaper = system.spawn(reaper_behavior, &io, original_nofile);
  // put() keeps an existing entry, so a replacement must remove its
  // predecessor's first (or SIGCHLD would keep going to the dead one).
  system.registry().erase(reaper_registry_name());
  system.registry().put(reaper_registry_name(), caf::actor_cast<caf::strong_actor_ptr>(reaper));
  return reaper;
}

} // namespace wm

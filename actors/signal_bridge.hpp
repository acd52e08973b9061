#pragma once
// The signal bridge: the one thread that takes signals. Every signal wingmate
// handles is blocked in all threads before any thread starts (block_signals,
// called first thing in main); this thread takes them one by one with
// sigwaitinfo(2) and turns each into a message. No work happens in a signal
// handler, because there is none.
//
// SIGCHLD goes to the reaper (looked up by name each time, so a replaced
// reaper is found); every other signal goes to the supervisor as os_signal.

#include <signal.h>

#include <atomic>
#include <caf/fwd.hpp>
#include <memory>
#include <thread>

namespace wm {

/// The signals wingmate takes through the bridge: every catchable signal
/// except those that report a fault in wingmate itself (SIGSEGV, SIGBUS,
/// SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT), which must keep their default
/// action.
sigset_t handled_signals();

/// Resets every disposition to the default (a SIG_IGN inherited from the
/// container runtime would otherwise reach the children, and an ignored
/// SIGCHLD would auto-reap them) and blocks handled_signals() in the
/// calling thread, which every later thread inherits.
void block_signals();

/// The name the reaper registers itself under.
caf::atom_value reaper_registry_name();

class signal_bridge {
public:
  signal_bridge(caf::actor_system& system, caf::actor supervisor);
  ~signal_bridge();
  signal_bridge(const signal_bridge&) = delete;
  signal_bridge& operator=(const signal_bridge&) = delete;

  void start();
  void stop();

private:
  void run();

  caf::actor_system& system_;
  std::unique_ptr<caf::actor> supervisor_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
};

} // namespace wm

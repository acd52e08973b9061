#include "actors/signal_bridge.hpp"

#include <pthread.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <cerrno>

#include "messages/messages.hpp"

namespace wm {

namespace {

// Sent by stop() to this thread only, to end sigwaitinfo.
int stop_signal_number() {
  return SIGRTMIN + 1;
}

} // namespace

sigset_t handled_signals() {
  sigset_t set;
  sigfillset(&set);
  for (int fault : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT})
    sigdelset(&set, fault);
  return set;
}

void block_signals() {
  struct sigaction deflt {};
  deflt.sa_handler = SIG_DFL;
  sigemptyset(&deflt.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP)
      sigaction(sig, &deflt, nullptr); // fails harmlessly for glibc's own
  sigset_t set = handled_signals();
  pthread_sigmask(SIG_SETMASK, &set, nullptr);
}

caf::atom_value reaper_registry_name() {
  return caf::atom("wm_reaper");
}

signal_bridge::signal_bridge(caf::actor_system& system, caf::actor supervisor)
  : system_(system), supervisor_(std::make_unique<caf::actor>(std::move(supervisor))) {
}

signal_bridge::~signal_bridge() {
  stop();
}

void signal_bridge::start() {
  thread_ = std::thread([this] { run(); });
}

void signal_bridge::stop() {
  if (!thread_.joinable())
    return;
  stopping_ = true;
  pthread_kill(thread_.native_handle(), stop_signal_number());
  thread_.join();
}

void signal_bridge::run() {
  const sigset_t set = handled_signals();
  for (;;) {
    siginfo_t info{};
    int signo = sigwaitinfo(&set, &info);
    if (signo < 0)
      continue; // EINTR
    if (stopping_ && signo == stop_signal_number() && info.si_pid == getpid())
      return;
    if (signo == SIGCHLD) {
      auto reaper = system_.registry().get(reaper_registry_name());
      if (reaper)
        caf::anon_send(caf::actor_cast<caf::actor>(reaper), reap_atom_v);
      continue;
    }
    caf::anon_send(*supervisor_, os_signal{signo, info.si_pid});
  }
}

} // namespace wm

// wmpidproxy's exit codes (see wmpidproxy_exit.hpp).

#include "wmtools/wmpidproxy_exit.hpp"

#include <sys/wait.h>

#include <csignal>
#include <cstring>

#include "wmtools/wmpidproxy_cli.hpp"

namespace wm::pidproxy {

void forwarded_stops::add(int signo) {
  term = term || signo == SIGTERM;
  interrupt = interrupt || signo == SIGINT;
  quit = quit || signo == SIGQUIT;
}

bool forwarded_stops::contains(int signo) const {
  return (signo == SIGTERM && term) || (signo == SIGINT && interrupt)
         || (signo == SIGQUIT && quit);
}

int exit_code_for(std::optional<int> wait_status, const forwarded_stops& stops) {
  if (!wait_status)
    return stops.any() ? 0 : wmpidproxy_exit::status_unknown;
  if (WIFEXITED(*wait_status))
    return WEXITSTATUS(*wait_status);
  int signo = WTERMSIG(*wait_status);
  // A daemon that died of the stop signal we passed on did what was asked.
  return stops.contains(signo) ? 0 : 128 + signo;
}

std::string describe_wait_status(int wait_status) {
  if (WIFEXITED(wait_status))
    return "exited with code " + std::to_string(WEXITSTATUS(wait_status));
  return "was killed by " + signal_label(WTERMSIG(wait_status))
         + (WCOREDUMP(wait_status) ? " (core dumped)" : "");
}

std::string signal_label(int signo) {
  if (const char* abbrev = ::sigabbrev_np(signo))
    return std::string("SIG") + abbrev;
  return "signal " + std::to_string(signo);
}

} // namespace wm::pidproxy

// wmpidproxy: stand in the foreground for a daemon that forks into the
// background and writes a pidfile. Usage, exit codes and signals are in
// wmpidproxy_cli.cpp (--help) and wmtools/README.md.

#include <sys/prctl.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "wmtools/wmpidproxy_cli.hpp"
#include "wmtools/wmpidproxy_io.hpp"
#include "wmtools/wmpidproxy_proxy.hpp"

int main(int argc, char** argv) {
  auto cli = wm::parse_wmpidproxy_command_line(argc, argv, std::getenv("WINGMATE_STARTSECS"));
  std::cout << cli.out << std::flush;
  std::cerr << cli.err << std::flush;
  if (!cli.run)
    return cli.exit_code;

  // Signals are blocked before anything starts, so none is lost or acted on
  // by default in between.
  std::string error;
  auto signals = wm::pidproxy::signal_channel::open(error);
  if (!signals) {
    std::cerr << "wmpidproxy: " << error << "\n";
    return wm::wmpidproxy_exit::own_error;
  }

  // The daemon's parent exits right after forking it: as a subreaper we
  // inherit the daemon, can reap it and read its exit status.
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) < 0) {
    std::cerr << "wmpidproxy: cannot become a child subreaper: " << std::strerror(errno)
              << "; the daemon could not be watched as our child\n";
    return wm::wmpidproxy_exit::own_error;
  }

  wm::pidproxy::daemon_proxy proxy(std::move(*cli.run), std::move(*signals));
  return proxy.run();
}

#pragma once
// Everything wingmate knows about one configured service, as loaded from the
// config directory. Immutable once loaded: the supervisor hands a copy to the
// service actor that runs it (and to its replacement, should it die).

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "messages/command_spec.hpp"
#include "messages/restart_policy.hpp"

namespace wm {

struct service_spec {
  /// Unique among services and cron jobs: "web.sh", "main", "nginx".
  std::string name;
  /// Where it was defined, for messages: "service/web.sh", "command line".
  std::string source;
  /// What to run, with its environment, directory and identity.
  command_spec run;
  /// The command daemonizes and writes its real pid here (absolute, or
  /// relative to the service's working directory); empty: it does not.
  std::string pidfile;
  /// How long to wait for a fresh pidfile after each start.
  millis pidfile_timeout{30'000};
  /// Started when wingmate starts; false: loaded and validated only.
  bool autostart = true;
  restart_policy restart;
  int stop_signal = SIGTERM;
  millis stop_timeout{5000};
  /// The main service: never restarted, its exit ends the run and gives
  /// wingmate's exit code.
  bool main = false;
  /// The main command of an interactive run: it gets wingmate's terminal as
  /// its foreground process group and its output is not captured.
  bool owns_terminal = false;
  /// Set when the service can never run (an unknown user, say): it is
  /// fatal with this reason from the start while everything else runs.
  std::string fatal_reason;
};

} // namespace wm

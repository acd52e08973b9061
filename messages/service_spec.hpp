#pragma once
// Everything wingmate knows about one configured service, as loaded from the
// config directory. Immutable once loaded: the supervisor hands a copy to the
// service actor that runs it (and to its replacement, should it die).

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "messages/restart_policy.hpp"

namespace wm {

struct service_spec {
  /// Unique among services and cron jobs: "web.sh", "main", "nginx".
  std::string name;
  /// Where it was defined, for messages: "service/web.sh", "command line".
  std::string source;
  /// argv; the first element is a path or a name looked up in PATH.
  std::vector<std::string> command;
  /// "KEY=VALUE" entries added to (or replacing) wingmate's environment.
  std::vector<std::string> environ;
  /// The child's working directory; empty: wingmate's own.
  std::string working_dir;
  /// Make the child a session leader instead of only a group leader.
  bool setsid = false;
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
};

} // namespace wm

#pragma once
// What a service actor tells the supervisor.

#include <string>

namespace wm {

enum class report_kind {
  stopped,        ///< the stop the supervisor asked for is complete
  main_exited,    ///< the main service ended; `code` is its shell code
  fatal_shutdown, ///< gave up on a service whose on_fatal is shutdown
};

struct service_report {
  std::string name;
  report_kind kind = report_kind::stopped;
  int code = 0;
};

} // namespace wm

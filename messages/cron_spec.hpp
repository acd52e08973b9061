#pragma once
// Everything wingmate knows about one cron job, as loaded from `crontab` or
// from `cron.<name>` in wingmate.json / wingmate.yaml. Immutable once loaded.

#include <chrono>
#include <csignal>
#include <optional>
#include <string>

#include "messages/command_spec.hpp"
#include "messages/schedule.hpp"

namespace wm {

/// What happens when a run is due while the previous one still runs.
enum class overlap_policy {
  skip,  ///< the new run is skipped (logged and counted)
  allow, ///< it starts anyway
};

struct cron_spec {
  /// Unique among services and cron jobs: "crontab:3", "backup".
  std::string name;
  /// Where it was defined, for messages: "crontab line 3", "wingmate.yaml".
  std::string source;
  /// The schedule as written.
  std::string schedule_text;
  /// The parsed schedule; nothing when it did not parse (see fatal_reason).
  std::optional<schedule> when;
  command_spec run;
  overlap_policy overlap = overlap_policy::skip;
  /// 0: no limit. Else a run still going after this long gets stop_signal,
  /// then SIGKILL 5 s later.
  std::chrono::milliseconds timeout{0};
  int stop_signal = SIGTERM;
  /// Set when the job can never run (a bad schedule, an unknown user): it
  /// is fatal with this reason while everything else runs.
  std::string fatal_reason;
};

} // namespace wm

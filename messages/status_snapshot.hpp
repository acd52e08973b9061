#pragma once
// Everything one status dump shows, as plain values: wingmate's own
// section, every service, every cron job, and what could not be asked.
// The supervisor collects it; render_status() (status_document.hpp) turns
// it into the JSON document.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/cron_status.hpp"
#include "messages/service_status.hpp"
#include "messages/status_time.hpp"

namespace wm {

struct wingmate_status {
  std::string version;
  pid_t pid = 0;
  bool pid1 = false;
  system_time started_at;
  /// The stop sequence has begun.
  bool stopping = false;
  std::string config_dir;
  /// Orphans reaped for nobody; nothing when the reaper did not answer.
  std::optional<std::uint64_t> orphans_reaped;
  /// Counts the dumps since wingmate started: only ever increases.
  std::uint64_t sequence = 0;
  std::string status_file;
};

struct status_snapshot {
  wingmate_status wingmate;
  std::vector<service_status> services;
  std::vector<cron_status> cron_jobs;
  /// What could not be asked in time ("the reaper did not answer ...").
  std::vector<std::string> errors;
  /// When the dump was taken.
  system_time taken_at;
};

} // namespace wm

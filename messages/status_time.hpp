#pragma once
// Times in status records. The actors keep steady_clock times (they never
// jump); the status file shows wall-clock times, so each record converts
// its steady times with one pair of readings of both clocks.

#include <chrono>

#include "messages/restart_policy.hpp"

namespace wm {

using system_time = std::chrono::system_clock::time_point;

/// The wall-clock time of `when`, given that `steady_now` and `system_now`
/// were read at the same moment.
inline system_time to_system_time(steady_time when, steady_time steady_now,
                                  system_time system_now) {
  return system_now
         + std::chrono::duration_cast<std::chrono::system_clock::duration>(when - steady_now);
}

} // namespace wm

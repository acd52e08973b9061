#pragma once
// The wall clock behind a seam. The cron clock reads the time of day only
// through this interface, so a test (or a fault-injection run) can move the
// time wingmate sees without setting the machine's clock. Whoever moves a
// clock must also tell the cron clock actor (clock_set_atom), just as the
// I/O thread does when the real clock is set.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace wm::os {

using wall_time_point = std::chrono::system_clock::time_point;

class wall_clock {
public:
  virtual ~wall_clock() = default;
  virtual wall_time_point now() const = 0;
};

/// The machine's clock (CLOCK_REALTIME).
std::shared_ptr<const wall_clock> system_wall_clock();

/// The machine's clock plus an offset that any thread may change at any
/// time.
class shifted_wall_clock final : public wall_clock {
public:
  wall_time_point now() const override;

  /// Moves the clock by `delta` (negative: back in time).
  void shift_by(std::chrono::nanoseconds delta);

  /// Sets the clock to the machine's plus `offset`.
  void set_offset(std::chrono::nanoseconds offset);

private:
  std::atomic<std::int64_t> offset_ns_{0};
};

} // namespace wm::os

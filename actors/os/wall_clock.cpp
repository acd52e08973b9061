#include "actors/os/wall_clock.hpp"

namespace wm::os {

namespace {

class system_clock_source final : public wall_clock {
public:
  wall_time_point now() const override { return std::chrono::system_clock::now(); }
};

} // namespace

std::shared_ptr<const wall_clock> system_wall_clock() {
  static const auto clock = std::make_shared<const system_clock_source>();
  return clock;
}

wall_time_point shifted_wall_clock::now() const {
  const auto offset = std::chrono::nanoseconds{offset_ns_.load(std::memory_order_relaxed)};
  return std::chrono::system_clock::now()
         + std::chrono::duration_cast<std::chrono::system_clock::duration>(offset);
}

void shifted_wall_clock::shift_by(std::chrono::nanoseconds delta) {
  offset_ns_.fetch_add(delta.count(), std::memory_order_relaxed);
}

void shifted_wall_clock::set_offset(std::chrono::nanoseconds offset) {
  offset_ns_.store(offset.count(), std::memory_order_relaxed);
}

} // namespace wm::os

#pragma once
// The I/O thread. CAF 0.17 cannot watch file descriptors, so this one thread
// runs an epoll loop for all of wingmate: it reads every child's stdout and
// stderr pipe and writes each complete line, prefixed with the child's name,
// to wingmate's own stdout or stderr. One thread in all, never one per pipe.
//
// Lines are never split by other output; a last line without a newline is
// written when the pipe closes; a line longer than `k_max_line` is written in
// pieces rather than lost. Exits are not seen here (the reaper sees them), so
// a pipe held open by a background grandchild or flooded by its writer never
// delays a restart.
//
// It also tells the cron clock when the wall clock is set. CAF's timers run
// on the monotonic clock, which a change of the time of day (clock_settime,
// a time daemon stepping the clock, a resume from suspend) does not move: a
// CLOCK_REALTIME timerfd armed with TFD_TIMER_CANCEL_ON_SET reads ECANCELED
// after each such change, and the loop passes that on.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "actors/logging.hpp"
#include "wmtools/unique_fd.hpp"

namespace wm {

class io_bridge {
public:
  /// Longest piece written as one line.
  static constexpr std::size_t k_max_line = std::size_t{16} * 1024;

  io_bridge();
  ~io_bridge();
  io_bridge(const io_bridge&) = delete;
  io_bridge& operator=(const io_bridge&) = delete;

  void start();

  /// Reads `fd` until it closes, writing its lines as `name`'s. Thread-safe.
  void watch_output(unique_fd fd, std::string name, log::stream which);

  /// Calls `listener` on the I/O thread each time the wall clock is set. A
  /// later call replaces the listener. Returns false when the kernel cannot
  /// report clock changes (then the listener is never called). Thread-safe.
  bool watch_clock_changes(std::function<void()> listener);

  /// Calls `on_change` on the I/O thread each time `file` is rewritten
  /// (closed after writing, or renamed into place). Returns false, with
  /// errno set, when its directory cannot be watched. Thread-safe.
  bool watch_file(const std::filesystem::path& file, std::function<void()> on_change);

  /// Calls the clock listener, as a change of the machine's clock does. For
  /// a wall clock that moves without the machine's (the test clock of
  /// main/test_clock.hpp); call it on the I/O thread, from a watch_file
  /// callback.
  void announce_clock_change();

  /// Keeps reading until every pipe has closed or `grace` has passed, then
  /// ends the thread. Called once, when wingmate is about to exit.
  void finish(std::chrono::milliseconds grace);

  /// Something the loop watches.
  class source {
  public:
    virtual ~source() = default;
    /// Handles readiness; returns false when the source is done.
    virtual bool on_ready(std::uint32_t events) = 0;
    /// Whether finish() waits for this source to be done (output still to
    /// drain), or may end while it is open (a watch that never ends).
    virtual bool holds_finish() const { return true; }
  };

private:
  struct pending_source {
    int fd;
    std::unique_ptr<source> handler;
  };

  void add(int fd, std::unique_ptr<source> handler);
  void run();
  void take_pending();
  bool sources_to_drain() const;
  bool arm_clock_watch();
  void on_clock_watch_ready();

  unique_fd epoll_;
  unique_fd wakeup_;
  unique_fd clock_watch_; // empty when the kernel cannot watch the clock
  std::thread thread_;
  std::mutex mutex_;
  std::vector<pending_source> pending_;
  bool finishing_ = false; // guarded by mutex_
  std::function<void()> clock_listener_; // guarded by mutex_
  std::chrono::steady_clock::time_point deadline_;
  std::unordered_map<int, std::unique_ptr<source>> sources_; // loop thread only
};

} // namespace wm

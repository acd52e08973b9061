#pragma once
// wmpidproxy's supervision: start CMD, find the daemon through its pidfile,
// watch it, pass signals on, follow it when it replaces itself, and decide
// the exit code. One thread, one poll(2) loop over a signalfd, the
// daemon's pidfd and an inotify watch on the pidfile.
//
//   launching ──CMD exits 0──> awaiting_pidfile ──valid pid──> watching
//      │ CMD fails                  │ timeout / refused          │ daemon exits
//      v                            v                            v
//    exit(CMD's code)             exit(124 / 125)   following (re-read the pidfile
//                                                    briefly) ──new pid──> watching
//                                                        │ nothing new
//                                                        v
//                                                   exit(daemon's code)

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "wmtools/pidfile.hpp"
#include "wmtools/unique_fd.hpp"
#include "wmtools/wmpidproxy_cli.hpp"
#include "wmtools/wmpidproxy_exit.hpp"
#include "wmtools/wmpidproxy_io.hpp"

namespace wm::pidproxy {

using clock = std::chrono::steady_clock;

class daemon_proxy {
public:
  /// `signals` must already be open (and the process a subreaper).
  daemon_proxy(wmpidproxy_options options, signal_channel signals);

  /// Starts CMD and supervises until the daemon is gone; returns the exit
  /// code. Messages go to stderr, prefixed "wmpidproxy: ".
  int run();

private:
  enum class phase { launching, awaiting_pidfile, watching, following };

  // -- events
  void on_signal(int signo);
  void on_pidfile_changed();
  void on_pidfd_ready();
  void on_timers();
  void reap_children();
  void on_command_exited(int wait_status);
  void on_daemon_exited(std::optional<int> wait_status);

  // -- steps
  void check_for_daemon();
  void check_for_rewrite();
  bool try_adopt(pid_t pid, std::string& refusal);
  void look_for_successor();
  void check_liveness();
  void pass_on(int signo);
  void finish(int code);
  int poll_timeout_ms() const;

  wmpidproxy_options options_;
  signal_channel signals_;
  file_watch pidfile_watch_;
  phase phase_ = phase::launching;

  // -- CMD
  pid_t command_pid_ = 0;
  timespec started_on_file_clock_{};
  clock::time_point started_at_{};

  // -- the pidfile
  clock::time_point first_check_at_{};
  clock::time_point deadline_{};
  clock::time_point next_check_at_{};
  std::string last_problem_;
  bool stale_reported_ = false;
  /// A refused pid waiting for its second reading, and when that is due.
  pid_t pending_refusal_ = 0;
  clock::time_point refusal_confirm_at_{};
  /// A pid a rewritten pidfile named that was refused (said once).
  pid_t ignored_rewrite_ = 0;

  // -- the daemon
  pid_t daemon_pid_ = 0;
  unique_fd daemon_pidfd_;
  pid_t last_daemon_pid_ = 0;
  /// The wait status of the last daemon; nothing when it was not our child.
  std::optional<int> last_daemon_status_;
  /// A stop signal that arrived before the daemon was known.
  int pending_stop_ = 0;
  forwarded_stops stops_;

  std::optional<int> exit_code_;
};

} // namespace wm::pidproxy

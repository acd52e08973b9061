// wmpidproxy's supervision loop and state machine (see wmpidproxy_proxy.hpp).

#include "wmtools/wmpidproxy_proxy.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "wmtools/pid_check.hpp"
#include "wmtools/pidfd.hpp"

namespace wm::pidproxy {

namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

/// How long a dead daemon's pidfile is re-read for a successor (a daemon
/// that re-execs with a new pid) while other children still live.
constexpr auto k_follow_window = 1s;
constexpr auto k_follow_interval = 50ms;
/// The pidfile is read again this often while waiting for it: rarely with
/// inotify (a safety net), often without it.
constexpr auto k_recheck_with_watch = 1s;
constexpr auto k_recheck_without_watch = 100ms;
/// Without pidfds, how often the daemon's pid is checked.
constexpr auto k_liveness_interval = 1s;
/// A refused pid is read a second time this much later before giving up:
/// a half-written pidfile may name the wrong pid for a moment.
constexpr auto k_refusal_confirm_delay = 100ms;

void say(const std::string& message) {
  std::fprintf(stderr, "wmpidproxy: %s\n", message.c_str());
}

bool is_stop_signal(int signo) {
  return signo == SIGTERM || signo == SIGINT || signo == SIGQUIT;
}

std::string seconds_text(milliseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

// Any child at all, running or not yet reaped: a daemon's successor would
// be one, re-parented to us when its parent exited.
bool has_children() {
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

bool pid_is_gone(pid_t pid) {
  if (::kill(pid, 0) < 0 && errno == ESRCH)
    return true;
  auto info = read_process_info(pid);
  return info && (info->state == 'Z' || info->state == 'X');
}

int ceil_ms(clock::duration duration) {
  if (duration <= clock::duration::zero())
    return 0;
  return static_cast<int>(std::chrono::ceil<milliseconds>(duration).count());
}

} // namespace

daemon_proxy::daemon_proxy(wmpidproxy_options options, signal_channel signals)
  : options_(std::move(options)),
    signals_(std::move(signals)),
    pidfile_watch_(options_.pid_file) {}

// -- the loop -----------------------------------------------------------------

int daemon_proxy::run() {
  // Taken before CMD starts: a pidfile written by anything it starts is
  // never older than this.
  started_on_file_clock_ = file_clock_now();
  started_at_ = clock::now();

  const std::string& program = options_.command.front();
  auto started = start_command(options_.command, signals_.original_mask());
  if (started.error != 0 && started.exec_failed && started.error == ENOENT) {
    const char* path = std::getenv("PATH");
    say("cannot run " + program + ": command not found (PATH=" + (path ? path : "unset")
        + "); check the name or give its full path");
    return wmpidproxy_exit::not_found;
  }
  if (started.error != 0) {
    say("cannot " + std::string(started.exec_failed ? "execute " : "start ") + program + ": "
        + std::strerror(started.error));
    return started.exec_failed ? wmpidproxy_exit::not_executable : wmpidproxy_exit::own_error;
  }
  command_pid_ = started.pid;

  while (!exit_code_) {
    pollfd fds[3] = {{signals_.fd(), POLLIN, 0}, {-1, POLLIN, 0}, {-1, POLLIN, 0}};
    if (phase_ != phase::launching && pidfile_watch_.active())
      fds[1].fd = pidfile_watch_.fd();
    if (phase_ == phase::watching && daemon_pidfd_)
      fds[2].fd = daemon_pidfd_.get();

    if (::poll(fds, 3, poll_timeout_ms()) < 0 && errno != EINTR) {
      say(std::string("cannot wait for events: ") + std::strerror(errno));
      finish(wmpidproxy_exit::own_error);
      break;
    }
    if (fds[0].revents != 0)
      for (int signo : signals_.drain())
        if (!exit_code_)
          on_signal(signo);
    if (!exit_code_ && fds[1].revents != 0 && pidfile_watch_.drain())
      on_pidfile_changed();
    if (!exit_code_ && fds[2].revents != 0)
      on_pidfd_ready();
    if (!exit_code_)
      on_timers();
  }
  return *exit_code_;
}

int daemon_proxy::poll_timeout_ms() const {
  const auto now = clock::now();
  switch (phase_) {
  case phase::launching:
    return -1; // only CMD's exit or a signal moves us on
  case phase::awaiting_pidfile:
  case phase::following:
    return ceil_ms(std::min(next_check_at_, deadline_) - now);
  case phase::watching:
    if (daemon_pidfd_ && pidfile_watch_.active())
      return -1; // the kernel tells us about both
    return ceil_ms(next_check_at_ - now);
  }
  return -1;
}

void daemon_proxy::finish(int code) {
  exit_code_ = code;
}

// -- events ---------------------------------------------------------------------

void daemon_proxy::on_signal(int signo) {
  if (signo == SIGCHLD)
    reap_children();
  else
    pass_on(signo);
}

void daemon_proxy::reap_children() {
  // Reap everything first (we are a subreaper: orphans land here), then
  // act, so a successor check never sees a zombie we were about to reap.
  std::vector<std::pair<pid_t, int>> reaped;
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid < 0 && errno == EINTR)
      continue;
    if (pid <= 0)
      break;
    reaped.emplace_back(pid, status);
  }
  for (auto [pid, status] : reaped) {
    if (exit_code_)
      return;
    if (pid == command_pid_)
      on_command_exited(status);
    else if (pid == daemon_pid_)
      on_daemon_exited(status);
  }
}

void daemon_proxy::on_command_exited(int wait_status) {
  command_pid_ = 0;
  if (phase_ != phase::launching)
    return;
  const std::string& program = options_.command.front();
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    int code = exit_code_for(wait_status, stops_);
    say(program + " " + describe_wait_status(wait_status)
        + " before a daemon was found; not waiting for " + options_.pid_file
        + "; exiting with code " + std::to_string(code));
    finish(code);
    return;
  }

  // The grace counts from CMD's start, so a slow CMD does not add to it.
  const auto now = clock::now();
  phase_ = phase::awaiting_pidfile;
  deadline_ = now + options_.pid_timeout;
  first_check_at_ = std::min(std::max(now, started_at_ + options_.start_grace), deadline_);
  next_check_at_ = first_check_at_;
  last_problem_ = "was not looked at yet";
}

void daemon_proxy::on_pidfile_changed() {
  switch (phase_) {
  case phase::launching:
    return;
  case phase::awaiting_pidfile:
    if (clock::now() >= first_check_at_)
      check_for_daemon();
    return;
  case phase::watching:
    check_for_rewrite();
    return;
  case phase::following:
    look_for_successor();
    return;
  }
}

void daemon_proxy::on_pidfd_ready() {
  if (!daemon_pidfd_ || !pidfd_exited(daemon_pidfd_.get()))
    return;
  int status = 0;
  pid_t reaped = 0;
  do {
    reaped = ::waitpid(daemon_pid_, &status, WNOHANG);
  } while (reaped < 0 && errno == EINTR);
  if (reaped == daemon_pid_)
    on_daemon_exited(status);
  else if (reaped < 0 && errno == ECHILD)
    on_daemon_exited(std::nullopt);
  else
    daemon_pidfd_.reset(); // not waitable yet: SIGCHLD brings the status
}

void daemon_proxy::on_daemon_exited(std::optional<int> wait_status) {
  last_daemon_pid_ = daemon_pid_;
  last_daemon_status_ = wait_status;
  daemon_pid_ = 0;
  daemon_pidfd_.reset();
  say("daemon pid " + std::to_string(last_daemon_pid_) + " "
      + (wait_status ? describe_wait_status(*wait_status)
                     : std::string("has exited (not as our child: its status is unknown)")));

  phase_ = phase::following;
  deadline_ = clock::now() + k_follow_window;
  look_for_successor();
}

void daemon_proxy::on_timers() {
  const auto now = clock::now();
  switch (phase_) {
  case phase::launching:
    return;
  case phase::awaiting_pidfile:
    if (now >= deadline_ || now >= next_check_at_)
      check_for_daemon();
    if (!exit_code_ && phase_ == phase::awaiting_pidfile && now >= deadline_) {
      say("gave up waiting for " + options_.pid_file + " after "
          + seconds_text(options_.pid_timeout) + ": it " + last_problem_ + ". "
          + options_.command.front()
          + " exited successfully but no daemon pid appeared; check that --pid-file names "
            "the file the daemon writes, or raise --pid-timeout");
      finish(wmpidproxy_exit::no_pidfile);
    }
    return;
  case phase::watching:
    if (now >= next_check_at_) {
      next_check_at_ = now + k_liveness_interval;
      if (!daemon_pidfd_)
        check_liveness();
      if (!exit_code_ && phase_ == phase::watching && !pidfile_watch_.active())
        check_for_rewrite();
    }
    return;
  case phase::following:
    if (now >= next_check_at_ || now >= deadline_)
      look_for_successor();
    return;
  }
}

// -- steps ----------------------------------------------------------------------

void daemon_proxy::check_for_daemon() {
  const auto now = clock::now();
  next_check_at_ = now + (pidfile_watch_.active() ? k_recheck_with_watch
                                                  : k_recheck_without_watch);
  auto reading = read_pidfile(options_.pid_file, started_on_file_clock_);
  if (reading.state == pidfile_state::stale && !stale_reported_) {
    say("ignoring " + options_.pid_file + ": it " + reading.detail
        + " (left over from an earlier run); waiting for the daemon to write a fresh one");
    stale_reported_ = true;
  }
  if (reading.state != pidfile_state::fresh) {
    last_problem_ = reading.detail;
    return;
  }

  std::string refusal;
  if (try_adopt(reading.pid, refusal))
    return;
  last_problem_ = "names pid " + std::to_string(reading.pid) + ", which " + refusal;
  if (pending_refusal_ != reading.pid) {
    // Look again shortly: the file may have been read half written.
    pending_refusal_ = reading.pid;
    refusal_confirm_at_ = now + k_refusal_confirm_delay;
  }
  if (now < refusal_confirm_at_) {
    next_check_at_ = refusal_confirm_at_;
    return;
  }
  say("refusing " + options_.pid_file + ": pid " + std::to_string(reading.pid) + " " + refusal
      + "; no signal was sent to it. Check that the pidfile belongs to this daemon");
  finish(wmpidproxy_exit::own_error);
}

void daemon_proxy::check_for_rewrite() {
  auto reading = read_pidfile(options_.pid_file, started_on_file_clock_);
  if (reading.state != pidfile_state::fresh || reading.pid == daemon_pid_
      || reading.pid == ignored_rewrite_)
    return;
  std::string refusal;
  if (try_adopt(reading.pid, refusal))
    return;
  ignored_rewrite_ = reading.pid;
  say(options_.pid_file + " now names pid " + std::to_string(reading.pid) + ", which " + refusal
      + "; still watching pid " + std::to_string(daemon_pid_));
}

void daemon_proxy::look_for_successor() {
  const auto now = clock::now();
  auto reading = read_pidfile(options_.pid_file, started_on_file_clock_);
  std::string refusal;
  if (reading.state == pidfile_state::fresh && reading.pid != last_daemon_pid_
      && try_adopt(reading.pid, refusal))
    return;

  // Without children there is no one who could take over.
  if (has_children() && now < deadline_) {
    next_check_at_ = now + k_follow_interval;
    return;
  }
  int code = exit_code_for(last_daemon_status_, stops_);
  say("the daemon is gone (" + options_.pid_file
      + " names no other running daemon); exiting with code " + std::to_string(code));
  finish(code);
}

bool daemon_proxy::try_adopt(pid_t pid, std::string& refusal) {
  // The pidfd is opened before the checks, so it refers to the process
  // they approve even if the pid is recycled afterwards.
  unique_fd pidfd = open_pidfd(pid);
  int open_error = pidfd ? 0 : errno;
  if (auto why = refuse_pid_for_self(pid)) {
    refusal = *why;
    return false;
  }
  if ((!pidfd && open_error == ESRCH) || (pidfd && pidfd_exited(pidfd.get()))) {
    refusal = "is not running";
    return false;
  }

  pid_t previous = daemon_pid_ != 0 ? daemon_pid_ : last_daemon_pid_;
  daemon_pid_ = pid;
  daemon_pidfd_ = std::move(pidfd);
  phase_ = phase::watching;
  pending_refusal_ = 0;
  ignored_rewrite_ = 0;
  next_check_at_ = clock::now() + k_liveness_interval;
  if (previous != 0)
    say("following the daemon from pid " + std::to_string(previous) + " to pid "
        + std::to_string(pid) + ", now named by " + options_.pid_file);
  else
    say("watching daemon pid " + std::to_string(pid) + " from " + options_.pid_file
        + (daemon_pidfd_ ? "" : " (no pidfd support here: checking it every second)"));

  if (pending_stop_ != 0)
    pass_on(std::exchange(pending_stop_, 0));
  return true;
}

void daemon_proxy::check_liveness() {
  if (!pid_is_gone(daemon_pid_))
    return;
  int status = 0;
  pid_t reaped = ::waitpid(daemon_pid_, &status, WNOHANG);
  if (reaped == daemon_pid_)
    on_daemon_exited(status);
  else if (reaped < 0)
    on_daemon_exited(std::nullopt);
}

void daemon_proxy::pass_on(int signo) {
  const std::string name = signal_label(signo);
  switch (phase_) {
  case phase::launching:
    if (command_pid_ > 0 && ::kill(command_pid_, signo) == 0) {
      say("passing " + name + " on to " + options_.command.front() + " (pid "
          + std::to_string(command_pid_) + "), which is still starting the daemon");
      stops_.add(signo);
    }
    if (is_stop_signal(signo))
      pending_stop_ = signo;
    return;
  case phase::awaiting_pidfile:
  case phase::following:
    if (is_stop_signal(signo)) {
      pending_stop_ = signo;
      say("got " + name + " before the daemon's pid is known; passing it on as soon as "
          + options_.pid_file + " names a running daemon");
    } else {
      say("dropping " + name + ": the daemon's pid is not known yet");
    }
    return;
  case phase::watching:
    break;
  }

  int sent = daemon_pidfd_ ? signal_pidfd(daemon_pidfd_.get(), signo) : ::kill(daemon_pid_, signo);
  if (sent < 0) {
    say("cannot pass " + name + " on to daemon pid " + std::to_string(daemon_pid_) + ": "
        + std::strerror(errno));
    return;
  }
  stops_.add(signo);
  say("passed " + name + " on to daemon pid " + std::to_string(daemon_pid_));
}

} // namespace wm::pidproxy

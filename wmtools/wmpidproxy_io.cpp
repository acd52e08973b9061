// wmpidproxy's signalfd, pidfile watch and command start (see
// wmpidproxy_io.hpp).

#include "wmtools/wmpidproxy_io.hpp"

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace wm::pidproxy {

namespace {

constexpr int k_channel_signals[] = {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD};

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

} // namespace

// -- signal_channel -------------------------------------------------------------

std::optional<signal_channel> signal_channel::open(std::string& error) {
  signal_channel channel;
  sigset_t set;
  sigemptyset(&set);
  for (int signo : k_channel_signals)
    sigaddset(&set, signo);
  if (::sigprocmask(SIG_BLOCK, &set, &channel.original_mask_) < 0) {
    error = std::string("cannot block signals: ") + std::strerror(errno);
    return std::nullopt;
  }

  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  ::sigaction(SIGCHLD, &default_action, nullptr);

  channel.fd_.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!channel.fd_) {
    error = std::string("cannot open a signalfd: ") + std::strerror(errno);
    return std::nullopt;
  }
  return channel;
}

std::vector<int> signal_channel::drain() const {
  std::vector<int> signals;
  signalfd_siginfo info[16];
  for (;;) {
    ssize_t n = ::read(fd_.get(), info, sizeof info);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return signals;
    for (std::size_t i = 0; i < static_cast<std::size_t>(n) / sizeof info[0]; ++i)
      signals.push_back(static_cast<int>(info[i].ssi_signo));
  }
}

// -- file_watch -----------------------------------------------------------------

file_watch::file_watch(const std::string& path) {
  std::filesystem::path file(path);
  name_ = file.filename().string();
  std::string dir = file.parent_path().empty() ? "." : file.parent_path().string();

  fd_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd_)
    return;
  // IN_MODIFY catches writers that keep the file open; IN_ATTRIB catches a
  // touch; a rename into place is IN_MOVED_TO.
  const uint32_t events = IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_MOVED_TO;
  if (::inotify_add_watch(fd_.get(), dir.c_str(), events) < 0)
    fd_.reset();
}

bool file_watch::drain() const {
  bool relevant = false;
  alignas(inotify_event) char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd_.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return relevant;
    for (ssize_t offset = 0; offset < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
      if ((event->mask & IN_Q_OVERFLOW) || (event->len > 0 && name_ == event->name))
        relevant = true;
      offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
}

// -- start_command --------------------------------------------------------------

started_command start_command(const std::vector<std::string>& command, const sigset_t& mask) {
  // The child reports a failed exec through this pipe; a successful exec
  // closes it (close-on-exec) and the read sees end-of-file.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) < 0)
    return started_command{0, errno, false};
  unique_fd read_end(report[0]);
  unique_fd write_end(report[1]);
  auto argv = c_strings(command);

  pid_t pid = ::fork();
  if (pid < 0)
    return started_command{0, errno, false};
  if (pid == 0) {
    ::sigprocmask(SIG_SETMASK, &mask, nullptr);
    ::execvp(argv[0], argv.data());
    int error = errno;
    (void)!::write(write_end.get(), &error, sizeof error);
    ::_exit(127);
  }

  write_end.reset();
  int error = 0;
  ssize_t n = 0;
  do {
    n = ::read(read_end.get(), &error, sizeof error);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof error))
    return started_command{pid, 0, false};
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  return started_command{0, error, true};
}

} // namespace wm::pidproxy

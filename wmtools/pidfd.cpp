// pidfd system calls through syscall(2) (see pidfd.hpp).

#include "wmtools/pidfd.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

// Older kernel headers lack the numbers; they are the same on every
// architecture that has the calls.
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

namespace wm {

unique_fd open_pidfd(pid_t pid) {
  // pidfd_open(2) always sets close-on-exec; flags 0 gives a blocking fd,
  // which poll(2) handles the same.
  long fd = ::syscall(SYS_pidfd_open, pid, 0U);
  return unique_fd(fd < 0 ? -1 : static_cast<int>(fd));
}

bool pidfd_supported() {
  static const bool supported = open_pidfd(::getpid()).valid();
  return supported;
}

int signal_pidfd(int pidfd, int signo) {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, signo, nullptr, 0U));
}

bool pidfd_exited(int pidfd) {
  pollfd entry{pidfd, POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&entry, 1, 0);
  } while (ready < 0 && errno == EINTR);
  return ready > 0 && (entry.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

} // namespace wm

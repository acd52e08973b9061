#pragma once
// Process file descriptors (Linux 5.3+): a descriptor that refers to one
// process for as long as it is open, becomes readable when that process
// exits, and can carry signals without the risk of a recycled pid. Called
// through syscall(2), so no particular glibc is needed. Where the kernel (or
// a seccomp filter) refuses them, callers fall back to checking the pid.

#include <sys/types.h>

#include "wmtools/unique_fd.hpp"

namespace wm {

/// pidfd_open(2) for `pid`, close-on-exec. On failure the result is invalid
/// and errno says why: ESRCH (no such process), ENOSYS or EPERM (no pidfd
/// support here: fall back to polling).
unique_fd open_pidfd(pid_t pid);

/// Whether this kernel lets us open pidfds; probed once, on our own pid.
bool pidfd_supported();

/// pidfd_send_signal(2): sends `signo` to the process `pidfd` refers to.
/// Returns 0, or -1 with errno set (ESRCH once the process has exited).
int signal_pidfd(int pidfd, int signo);

/// Whether the process behind `pidfd` has exited (the descriptor polls
/// readable); never blocks.
bool pidfd_exited(int pidfd);

} // namespace wm

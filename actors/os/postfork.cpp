#include "actors/os/postfork.hpp"

#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>

// The kernel's own sigaction layout (rt_sigaction takes this, not glibc's
// struct): handler, flags, restorer, mask.
struct kernel_sigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  std::uint64_t mask;
};

namespace wm::os {

namespace {

constexpr long k_sigset_bytes = sizeof(std::uint64_t);

// ASan keeps per-thread stack bookkeeping that this child, running on its own
// stack with its parent's thread pointer, must not touch.
#define WM_POSTFORK __attribute__((no_sanitize("address", "undefined"), noinline))

[[noreturn]] WM_POSTFORK void fail(child_args* args, const char* step) {
  args->error = errno;
  args->failed_step = step;
  syscall(SYS_exit_group, 127);
  __builtin_unreachable();
}

WM_POSTFORK void reset_signal_dispositions() {
  kernel_sigaction deflt{};
  deflt.handler = SIG_DFL;
  for (int sig = 1; sig < 65; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP)
      continue;
    // Fails harmlessly for numbers the kernel does not know.
    syscall(SYS_rt_sigaction, sig, &deflt, nullptr, k_sigset_bytes);
  }
}

WM_POSTFORK bool move_fd(int from, int to) {
  if (from < 0 || from == to)
    return true;
  return syscall(SYS_dup3, from, to, 0) >= 0;
}

WM_POSTFORK bool close_inherited_fds() {
  if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
    return true;
  if (errno != ENOSYS && errno != EINVAL)
    return false;
  // Kernels before 5.9: close by number up to the descriptor limit.
  rlimit limit{};
  syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, nullptr, &limit);
  for (rlim_t fd = 3; fd < limit.rlim_cur && fd < (1U << 20); ++fd)
    syscall(SYS_close, static_cast<int>(fd));
  return true;
}

} // namespace

WM_POSTFORK int child_main(void* arg) {
  auto* args = static_cast<child_args*>(arg);

  // Every signal is still blocked (inherited from the spawning thread), so
  // nothing can interrupt these steps; the mask is cleared just before exec.
  reset_signal_dispositions();

  if (args->new_session) {
    if (syscall(SYS_setsid) < 0)
      fail(args, "create a new session");
  } else if (syscall(SYS_setpgid, 0, 0) < 0) {
    fail(args, "create a new process group");
  }

  if (args->terminal_fd >= 0) {
    pid_t self = static_cast<pid_t>(syscall(SYS_getpid));
    // Allowed from a background group because SIGTTOU is blocked here.
    if (syscall(SYS_ioctl, args->terminal_fd, TIOCSPGRP, &self) < 0)
      fail(args, "take the terminal");
  }

  if (!move_fd(args->stdin_fd, 0) || !move_fd(args->stdout_fd, 1)
      || !move_fd(args->stderr_fd, 2))
    fail(args, "set up stdin, stdout and stderr");
  if (!close_inherited_fds())
    fail(args, "close inherited file descriptors");

  if (args->working_dir && syscall(SYS_chdir, args->working_dir) < 0)
    fail(args, "change to the working directory");

  if (args->restore_nofile && syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &args->nofile, nullptr) < 0)
    fail(args, "restore the file descriptor limit");

  // Groups before gid before uid: each later step gives up the right to the
  // earlier ones. Raw system calls act on this process only (glibc's
  // wrappers would try to reach the threads of a process we share memory with).
  if (args->switch_user) {
    if (syscall(SYS_setgroups, args->group_count, args->groups) < 0)
      fail(args, "set the supplementary groups");
    if (syscall(SYS_setresgid, args->gid, args->gid, args->gid) < 0)
      fail(args, "set the group id");
    if (syscall(SYS_setresuid, args->uid, args->uid, args->uid) < 0)
      fail(args, "set the user id");
  }

  std::uint64_t empty = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, nullptr, k_sigset_bytes);

  syscall(SYS_execve, args->path, args->argv, args->envp);
  fail(args, "execute");
}

} // namespace wm::os

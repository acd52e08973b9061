#pragma once
// The code that runs in a new child between clone(2) and execve(2).
//
// The child shares wingmate's memory (CLONE_VM | CLONE_VFORK: wingmate's
// spawning thread is suspended until the child execs or exits), so this code
// is held to strict rules: async-signal-safe system calls only, made through
// syscall(2) so that no libc wrapper touches shared state; no allocation, no
// locks, no logging, no exceptions. Everything it needs is prepared by the
// parent in `child_args`; a failure is written back into it.

#include <sys/resource.h>
#include <sys/types.h>

namespace wm::os {

struct child_args {
  // -- what to run
  const char* path = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* working_dir = nullptr; ///< nullptr: keep wingmate's

  // -- descriptors and process group
  int stdin_fd = -1; ///< duplicated onto 0; -1 keeps 0
  int stdout_fd = -1;
  int stderr_fd = -1;
  bool new_session = false;
  int terminal_fd = -1; ///< >= 0: become the terminal's foreground group

  // -- limits and identity
  bool restore_nofile = false;
  rlimit nofile{};
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
  const gid_t* groups = nullptr;
  int group_count = 0;

  // -- written by the child when a step fails (it then exits 127)
  int error = 0;
  const char* failed_step = nullptr;
};

/// The child's entry point for clone(2); `arg` is a child_args*. Never
/// returns: it execs or exits.
int child_main(void* arg);

} // namespace wm::os

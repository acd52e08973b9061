#pragma once
// Starting a child process: the parent half of the spawn path.
//
// The child is created with clone(CLONE_VM | CLONE_VFORK), like posix_spawn
// does, but runs our own post-fork code (postfork.hpp), because posix_spawn
// leaves glibc's two internal signals ignored in the child and cannot switch
// users. The child gets default signal dispositions, an empty signal mask,
// its own process group (or session), only descriptors 0, 1 and 2, and the
// descriptor limit wingmate was started with (never above wingmate's own
// hard limit, which may have been lowered since).

#include <sys/resource.h>
#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

#include "messages/launch.hpp"
#include "wmtools/unique_fd.hpp"

namespace wm::os {

struct spawned_child {
  launch_result result;
  /// The read ends of the child's stdout and stderr (when captured).
  unique_fd stdout_pipe;
  unique_fd stderr_pipe;
};

class spawner {
public:
  /// `original_nofile`: the descriptor limit to give children (wingmate
  /// raises its own at start).
  explicit spawner(std::optional<rlimit> original_nofile);
  ~spawner();
  spawner(const spawner&) = delete;
  spawner& operator=(const spawner&) = delete;

  /// Starts `spec`. Never throws for a failure of the program itself: that
  /// is in the result (error, message, shell code), with the pid of the
  /// child that exited 127 when it got as far as being created.
  spawned_child spawn(const launch_spec& spec);

private:
  std::optional<rlimit> original_nofile_;
  unique_fd dev_null_;
  void* stack_ = nullptr;
  std::size_t stack_size_ = 0;
};

/// Finds `program` the way a shell does: as given when it contains a '/',
/// else in each directory of `path_variable`. Returns the path or, on
/// failure, nothing with `error` set to ENOENT or EACCES.
std::optional<std::string> find_program(const std::string& program,
                                        const std::string& path_variable, int& error);

} // namespace wm::os

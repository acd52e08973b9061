#pragma once
// Finding the running wingmate for `wingmate status`: the pid in its pid
// file, else PID 1 — each only when /proc/PID/exe shows a program named
// wingmate, since another init might pass SIGUSR1 on to an application, and
// a stale pid file might name a pid that now belongs to anything.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace wm {

enum class process_kind {
  wingmate,    ///< its program is named wingmate
  other,       ///< it runs something else
  gone,        ///< no such process
  unverifiable ///< /proc/PID/exe cannot be read (another user's process)
};

struct process_identity {
  process_kind kind = process_kind::gone;
  /// The program's path, or why it could not be read.
  std::string detail;
};

/// What /proc/PID/exe says about `pid`.
process_identity identify_process(pid_t pid);

/// True for a program path whose file name is "wingmate" (also once the
/// file was replaced: "/usr/bin/wingmate (deleted)").
bool is_wingmate_program(const std::string& exe_path);

struct wingmate_search {
  /// 0 when no wingmate was found.
  pid_t pid = 0;
  /// How it was found: "the pid file /run/wingmate/wingmate.pid", "PID 1".
  std::string found_through;
  /// Set when `pid` may be wingmate but could not be checked: it must not
  /// be signalled.
  std::string unverified;
  /// Why each candidate was passed over, for the error message.
  std::vector<std::string> passed_over;
};

wingmate_search find_wingmate(const std::filesystem::path& pid_file);

} // namespace wm

#pragma once
// Where the status document and wingmate's pid file live. Both sides use
// this: wingmate claims the place when it starts, and `wingmate status`
// looks for it.
//
// The place is the directory of WINGMATE_STATUS_FILE (default
// /run/wingmate/status.json), with the pid file `wingmate.pid` beside the
// document. When wingmate cannot create or write that directory (not root,
// say), it falls back to a directory of its own user:
// ${TMPDIR:-/tmp}/wingmate-UID/, with the same file name.

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace wm {

inline constexpr const char* k_default_status_file = "/run/wingmate/status.json";
inline constexpr const char* k_pid_file_name = "wingmate.pid";

struct status_paths {
  std::filesystem::path status_file;
  std::filesystem::path pid_file;
};

/// The place asked for: `status_file_env` (WINGMATE_STATUS_FILE) when set
/// and not empty, else the default.
status_paths configured_status_paths(const char* status_file_env);

/// The fallback for `configured`: `tmpdir_env` (TMPDIR) or /tmp, then
/// wingmate-UID.
status_paths fallback_status_paths(const status_paths& configured, const char* tmpdir_env,
                                   uid_t uid);

struct status_location {
  /// Where wingmate writes; empty paths when no place could be used.
  status_paths paths;
  bool fallback = false;
  /// For the log: why the fallback is used, or why no place is.
  std::string note;
};

/// wingmate at start: creates the configured directory and writes the pid
/// file (`pid`) there; if either fails, does the same in the fallback, which
/// must be a directory of wingmate's own user that nobody else may write to.
status_location claim_status_location(const status_paths& configured,
                                      const status_paths& fallback, pid_t pid);

/// wingmate at exit: removes the pid file if it still names `pid`.
void release_pid_file(const std::filesystem::path& pid_file, pid_t pid);

/// `wingmate status`: the configured place when it holds a pid file or a
/// document, else the fallback when that does, else the configured place.
status_paths locate_status_paths(const status_paths& configured, const status_paths& fallback);

/// The pid in a pid file; 0 when it is missing or holds no pid.
pid_t read_pid_file(const std::filesystem::path& pid_file);

} // namespace wm

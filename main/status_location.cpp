#include "main/status_location.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "actors/os/atomic_file.hpp"

namespace wm {

namespace fs = std::filesystem;

namespace {

status_paths paths_for(const fs::path& status_file) {
  return {status_file, status_file.parent_path() / k_pid_file_name};
}

// Creates the directory (and its parents) and writes the pid file into it.
// Returns what went wrong, or nothing.
std::string claim(const status_paths& paths, pid_t pid) {
  std::error_code ec;
  fs::create_directories(paths.status_file.parent_path(), ec);
  if (ec)
    return "cannot create " + paths.status_file.parent_path().string() + ": " + ec.message();
  return os::write_file_atomically(paths.pid_file, std::to_string(pid) + "\n");
}

// The fallback lies in a shared temporary directory, where anyone could have
// made it first: it must be a real directory of ours that others cannot
// write to (or they could swap the pid file under `wingmate status`).
std::string claim_private(const status_paths& paths, pid_t pid) {
  const fs::path dir = paths.status_file.parent_path();
  if (::mkdir(dir.c_str(), 0755) < 0 && errno != EEXIST)
    return "cannot create " + dir.string() + ": " + std::strerror(errno);
  struct stat info {};
  if (::lstat(dir.c_str(), &info) < 0)
    return "cannot inspect " + dir.string() + ": " + std::strerror(errno);
  if (!S_ISDIR(info.st_mode))
    return dir.string() + " is not a directory; remove it";
  if (info.st_uid != ::geteuid() || (info.st_mode & 022) != 0)
    return dir.string() + " belongs to uid " + std::to_string(info.st_uid)
           + " or may be written by others; remove it";
  return claim(paths, pid);
}

bool present(const fs::path& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

} // namespace

status_paths configured_status_paths(const char* status_file_env) {
  const bool given = status_file_env != nullptr && *status_file_env != '\0';
  return paths_for(given ? fs::path(status_file_env) : fs::path(k_default_status_file));
}

status_paths fallback_status_paths(const status_paths& configured, const char* tmpdir_env,
                                   uid_t uid) {
  const bool given = tmpdir_env != nullptr && *tmpdir_env != '\0';
  const fs::path tmp = given ? fs::path(tmpdir_env) : fs::path("/tmp");
  return paths_for(tmp / ("wingmate-" + std::to_string(uid)) / configured.status_file.filename());
}

status_location claim_status_location(const status_paths& configured,
                                      const status_paths& fallback, pid_t pid) {
  const std::string first = claim(configured, pid);
  if (first.empty())
    return {configured, false, ""};
  const std::string wanted = configured.status_file.parent_path().string();
  if (fallback.status_file == configured.status_file)
    return {{}, false, "no status file: " + first};
  const std::string second = claim_private(fallback, pid);
  if (second.empty())
    return {fallback, true,
            "cannot use " + wanted + " for the status file (" + first + "); using "
              + fallback.status_file.parent_path().string() + " instead"};
  return {{}, false, "no status file: " + first + "; nor the fallback: " + second};
}

void release_pid_file(const fs::path& pid_file, pid_t pid) {
  if (!pid_file.empty() && read_pid_file(pid_file) == pid)
    ::unlink(pid_file.c_str());
}

status_paths locate_status_paths(const status_paths& configured, const status_paths& fallback) {
  for (const auto* paths : {&configured, &fallback})
    if (present(paths->pid_file) || present(paths->status_file))
      return *paths;
  return configured;
}

pid_t read_pid_file(const fs::path& pid_file) {
  std::ifstream in(pid_file);
  long pid = 0;
  if (!(in >> pid) || pid <= 0 || pid > 4'194'304)
    return 0;
  return static_cast<pid_t>(pid);
}

} // namespace wm

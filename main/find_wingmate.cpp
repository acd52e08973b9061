#include "main/find_wingmate.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "main/status_location.hpp"

namespace wm {

namespace {

constexpr std::string_view k_deleted = " (deleted)";

// Checks one candidate; fills `search` and returns true when it is the one.
bool consider(pid_t pid, const std::string& through, wingmate_search& search) {
  const auto identity = identify_process(pid);
  switch (identity.kind) {
    case process_kind::wingmate:
      search.pid = pid;
      search.found_through = through;
      return true;
    case process_kind::unverifiable:
      search.pid = pid;
      search.found_through = through;
      search.unverified = "cannot check that pid " + std::to_string(pid) + " is wingmate: "
                          + identity.detail;
      return true;
    case process_kind::other:
      search.passed_over.push_back(through + " is " + identity.detail + ", not wingmate");
      return false;
    case process_kind::gone:
      search.passed_over.push_back(through + " is not running");
      return false;
  }
  return false;
}

} // namespace

bool is_wingmate_program(const std::string& exe_path) {
  std::string path = exe_path;
  if (path.ends_with(k_deleted))
    path.resize(path.size() - k_deleted.size());
  return std::filesystem::path(path).filename() == "wingmate";
}

process_identity identify_process(pid_t pid) {
  const std::string link = "/proc/" + std::to_string(pid) + "/exe";
  char target[4096];
  const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
  if (n < 0) {
    if (errno == ENOENT || errno == ESRCH)
      return {process_kind::gone, ""};
    // A kernel thread has no exe; anything else is a permission problem.
    if (::access(("/proc/" + std::to_string(pid)).c_str(), F_OK) < 0)
      return {process_kind::gone, ""};
    return {process_kind::unverifiable, "reading " + link + ": " + std::strerror(errno)};
  }
  const std::string exe(target, static_cast<std::size_t>(n));
  return {is_wingmate_program(exe) ? process_kind::wingmate : process_kind::other, exe};
}

wingmate_search find_wingmate(const std::filesystem::path& pid_file) {
  wingmate_search search;
  if (const pid_t pid = read_pid_file(pid_file); pid > 0) {
    const std::string through =
      "pid " + std::to_string(pid) + " from the pid file " + pid_file.string();
    if (consider(pid, through, search))
      return search;
  } else {
    search.passed_over.push_back("there is no pid file at " + pid_file.string());
  }
  consider(1, "PID 1", search);
  return search;
}

} // namespace wm

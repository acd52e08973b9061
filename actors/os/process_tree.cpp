#include "actors/os/process_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <unordered_map>

namespace wm::os {

std::optional<pid_t> parent_from_stat(std::string_view stat_line) {
  // "PID (COMM) STATE PPID ..." where COMM may contain ") ".
  auto close = stat_line.rfind(')');
  if (close == std::string_view::npos || close + 4 >= stat_line.size())
    return std::nullopt;
  std::string_view rest = stat_line.substr(close + 2); // "STATE PPID ..."
  auto space = rest.find(' ');
  if (space == std::string_view::npos)
    return std::nullopt;
  rest = rest.substr(space + 1);
  pid_t ppid = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), ppid);
  if (ec != std::errc{} || (end != rest.data() + rest.size() && *end != ' '))
    return std::nullopt;
  return ppid;
}

namespace {

std::optional<pid_t> read_parent(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return std::nullopt;
  char buffer[1024];
  ssize_t n = ::read(fd, buffer, sizeof buffer - 1);
  ::close(fd);
  if (n <= 0)
    return std::nullopt;
  return parent_from_stat(std::string_view(buffer, static_cast<size_t>(n)));
}

} // namespace

std::vector<pid_t> descendants_of(pid_t root) {
  std::unordered_multimap<pid_t, pid_t> children;
  if (DIR* dir = ::opendir("/proc")) {
    // cppcheck-suppress readdirCalled ; readdir_r is deprecated, and this stream is ours alone
    while (dirent* entry = ::readdir(dir)) {
      pid_t pid = 0;
      std::string_view name = entry->d_name;
      auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
      if (ec != std::errc{} || end != name.data() + name.size())
        continue;
      if (auto parent = read_parent(pid))
        children.emplace(*parent, pid);
    }
    ::closedir(dir);
  }
  std::vector<pid_t> found;
  std::vector<pid_t> pending{root};
  while (!pending.empty()) {
    pid_t parent = pending.back();
    pending.pop_back();
    auto [first, last] = children.equal_range(parent);
    for (auto it = first; it != last; ++it) {
      found.push_back(it->second);
      pending.push_back(it->second);
    }
  }
  return found;
}

} // namespace wm::os

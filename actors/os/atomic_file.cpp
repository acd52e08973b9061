#include "actors/os/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wm::os {

namespace {

// Built by appending: "literal" + std::string trips a false -Wrestrict
// warning in g++ 12.
std::string failure(const std::string& what, const std::filesystem::path& where) {
  std::string text = "cannot ";
  text += what;
  text += ' ';
  text += where.string();
  text += ": ";
  text += std::strerror(errno);
  return text;
}

// ".status.json.XXXXXX" beside `path`: hidden, and in the same filesystem.
std::string temporary_name(const std::filesystem::path& dir, const std::filesystem::path& path) {
  std::string name = ".";
  name += path.filename().string();
  name += ".XXXXXX";
  return (dir / name).string();
}

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

} // namespace

std::string write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                  mode_t mode) {
  const std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  std::string temp = temporary_name(dir, path);
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0)
    return failure("create a temporary file in", dir);

  std::string error;
  // No fsync: the rename alone is what keeps readers from a partial file,
  // and a status snapshot is worthless after a crash (see the README ("Status")).
  if (::fchmod(fd, mode) < 0)
    error = failure("set the permissions of", temp);
  else if (!write_all(fd, content))
    error = failure("write", temp);
  if (::close(fd) < 0 && error.empty())
    error = failure("write", temp);
  if (error.empty() && ::rename(temp.c_str(), path.c_str()) < 0)
    error = failure("rename " + temp + " to", path);
  if (!error.empty())
    ::unlink(temp.c_str());
  return error;
}

} // namespace wm::os

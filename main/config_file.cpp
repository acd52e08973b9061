#include "main/config_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wmtools/unique_fd.hpp"

namespace wm {

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISFIFO(mode))
    return "a named pipe";
  if (S_ISSOCK(mode))
    return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode))
    return "a device";
  return "not a regular file";
}

} // namespace

std::optional<std::string> read_config_file(const std::filesystem::path& path,
                                            const std::string& file, std::string& error) {
  const auto cannot_read = [&](int err) {
    error = file + ": cannot read " + path.string() + ": " + std::strerror(err)
            + "; make it readable by wingmate";
    return std::nullopt;
  };
  const auto not_a_file = [&](mode_t mode) {
    error = file + ": " + path.string() + " is " + kind_of(mode)
            + ", not a file; replace it with the config file or remove it";
    return std::nullopt;
  };
  // Whatever is not a regular file is refused before it is opened (opening
  // a device can have effects of its own), and again after, in case it was
  // replaced in between. O_NONBLOCK: opening a named pipe must not wait for
  // a writer; O_NOCTTY: a terminal must not become wingmate's.
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode))
    return not_a_file(info.st_mode);
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd)
    return cannot_read(errno);
  if (::fstat(fd.get(), &info) < 0)
    return cannot_read(errno);
  if (!S_ISREG(info.st_mode))
    return not_a_file(info.st_mode);
  std::string content;
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return cannot_read(errno);
    if (n == 0)
      return content;
    content.append(buffer, static_cast<std::size_t>(n));
  }
}

} // namespace wm

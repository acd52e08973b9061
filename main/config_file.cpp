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
  // O_NONBLOCK: opening a named pipe must not wait for a writer; whatever
  // is not a regular file is refused before a byte is read.
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd)
    return cannot_read(errno);
  struct stat info {};
  if (::fstat(fd.get(), &info) < 0)
    return cannot_read(errno);
  if (!S_ISREG(info.st_mode)) {
    error = file + ": " + path.string() + " is " + kind_of(info.st_mode)
            + ", not a file; replace it with the config file or remove it";
    return std::nullopt;
  }
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

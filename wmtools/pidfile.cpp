// Parsing and reading pidfiles (see pidfile.hpp for the contract).

#include "wmtools/pidfile.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>

#include "wmtools/unique_fd.hpp"

namespace wm {

namespace {

// A pidfile is a handful of bytes; anything much larger is not one.
constexpr std::size_t k_max_pidfile_bytes = 4096;
constexpr std::size_t k_max_quoted_chars = 24;
constexpr std::string_view k_whitespace = " \t\n\r\v\f";

// The content for a message: cut short, with unprintable bytes as '?'.
std::string quoted(std::string_view text) {
  std::string shown;
  for (char c : text.substr(0, k_max_quoted_chars))
    shown += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > k_max_quoted_chars)
    shown += "...";
  shown.insert(shown.begin(), '\'');
  shown += '\'';
  return shown;
}

pid_result rejected(std::string message) {
  pid_result result;
  result.error = std::move(message);
  return result;
}

bool before(const timespec& a, const timespec& b) {
  return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

pidfile_reading reading(pidfile_state state, std::string detail, pid_t pid = 0) {
  return pidfile_reading{state, pid, std::move(detail)};
}

} // namespace

pid_result parse_pidfile(std::string_view content) {
  auto begin = content.find_first_not_of(k_whitespace);
  if (begin == std::string_view::npos)
    return rejected("is empty");
  auto end = content.find_last_not_of(k_whitespace);
  std::string_view text = content.substr(begin, end - begin + 1);

  if (text.find_first_of(k_whitespace) != std::string_view::npos)
    return rejected("holds " + quoted(text) + ", more than one value; expected a single pid");
  if (text.front() == '-' && text.size() > 1
      && text.find_first_not_of("0123456789", 1) == std::string_view::npos)
    return rejected("holds the negative number " + quoted(text) + ", not a pid");
  if (text.find_first_not_of("0123456789") != std::string_view::npos)
    return rejected("holds " + quoted(text) + ", which is not a process id");

  pid_t pid = 0;
  auto [last, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec == std::errc::result_out_of_range)
    return rejected("holds " + quoted(text) + ", too large for a process id");
  if (ec != std::errc{} || last != text.data() + text.size())
    return rejected("holds " + quoted(text) + ", which is not a process id");
  if (pid == 0)
    return rejected("holds 0, which is not a process id");
  return pid_result{pid, {}};
}

pidfile_reading read_pidfile(const std::string& path, const timespec& not_before) {
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) {
    if (errno == ENOENT)
      return reading(pidfile_state::missing, "does not exist");
    return reading(pidfile_state::invalid, std::string("cannot be opened: ")
                                             + std::strerror(errno));
  }

  // The time and the content come from the same open file, so a rename in
  // between cannot pair one file's time with another's pid.
  struct stat info {};
  if (::fstat(fd.get(), &info) < 0)
    return reading(pidfile_state::invalid, std::string("cannot be examined: ")
                                             + std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    return reading(pidfile_state::invalid, "is not a regular file");
  if (before(info.st_mtim, not_before))
    return reading(pidfile_state::stale, "was last written before the command started");

  char buffer[k_max_pidfile_bytes + 1];
  std::size_t total = 0;
  while (total < sizeof buffer) {
    ssize_t n = ::read(fd.get(), buffer + total, sizeof buffer - total);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return reading(pidfile_state::invalid, std::string("cannot be read: ")
                                               + std::strerror(errno));
    if (n == 0)
      break;
    total += static_cast<std::size_t>(n);
  }
  if (total > k_max_pidfile_bytes)
    return reading(pidfile_state::invalid, "is larger than 4 KiB, too large to be a pidfile");

  auto parsed = parse_pidfile(std::string_view(buffer, total));
  if (!parsed)
    return reading(pidfile_state::invalid, parsed.error);
  return reading(pidfile_state::fresh, {}, *parsed.pid);
}

timespec file_clock_now() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
  return now;
}

} // namespace wm

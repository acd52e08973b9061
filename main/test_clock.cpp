#include "main/test_clock.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "actors/io_bridge.hpp"
#include "actors/os/wall_clock.hpp"

namespace wm {

namespace {

// Far enough for any test (about 31 years), and far from the range where
// the offset in nanoseconds would overflow.
constexpr double k_max_offset_seconds = 1e9;

// The offset in the file, in seconds, or why there is none.
std::optional<double> read_offset(const std::filesystem::path& file, std::string& why_not) {
  std::ifstream in(file);
  if (!in) {
    why_not = std::string("cannot read it: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::string text;
  std::getline(in, text);
  const char* begin = text.c_str();
  char* end = nullptr;
  const double seconds = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(seconds)) {
    why_not = "it holds no number of seconds";
    return std::nullopt;
  }
  if (std::fabs(seconds) > k_max_offset_seconds) {
    why_not = "its offset is more than 1e9 seconds (about 31 years) away";
    return std::nullopt;
  }
  return seconds;
}

bool apply(os::shifted_wall_clock& clock, const std::filesystem::path& file,
           const log::logger& log) {
  std::string why_not;
  const auto seconds = read_offset(file, why_not);
  if (!seconds) {
    log.warning("{} (WINGMATE_TEST_CLOCK_FILE): {}; the test clock stays where it was",
                file.string(), why_not);
    return false;
  }
  clock.set_offset(std::chrono::duration_cast<std::chrono::nanoseconds>(
    std::chrono::duration<double>(*seconds)));
  return true;
}

// Whoever may write the file or replace it in its directory steers when
// cron jobs run: only wingmate's own user and root may. Empty when that
// holds, else why not.
std::string unsafe_because(const std::filesystem::path& file) {
  const uid_t self = ::geteuid();
  for (const auto& path : {file.parent_path(), file}) {
    struct stat info {};
    if (::stat(path.c_str(), &info) < 0) {
      if (errno == ENOENT && path == file)
        continue; // it may be written later, into a safe directory
      return "cannot look at " + path.string() + ": " + std::strerror(errno);
    }
    if (info.st_uid != self && info.st_uid != 0)
      return path.string() + " belongs to another user";
    if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0)
      return path.string() + " may be written by other users";
  }
  return {};
}

} // namespace

std::shared_ptr<const os::wall_clock> test_clock_from_environment(io_bridge& io,
                                                                  const log::logger& log) {
  const char* variable = std::getenv("WINGMATE_TEST_CLOCK_FILE");
  if (!variable || !*variable)
    return nullptr;
  const std::filesystem::path file = std::filesystem::absolute(variable);
  const std::string unsafe = unsafe_because(file);
  if (!unsafe.empty()) {
    log.warning("WINGMATE_TEST_CLOCK_FILE is ignored: {}; cron follows the machine's clock",
                unsafe);
    return nullptr;
  }
  auto clock = std::make_shared<os::shifted_wall_clock>();
  // The watch comes first, so that a rewrite just after the first read is
  // not missed.
  const bool watched = io.watch_file(file, [clock, file, &io, log] {
    if (apply(*clock, file, log))
      io.announce_clock_change();
  });
  if (!watched)
    log.warning("cannot watch {} (WINGMATE_TEST_CLOCK_FILE): {}; its later changes are not "
                "noticed",
                file.string(), std::strerror(errno));
  apply(*clock, file, log);
  log.warning("WINGMATE_TEST_CLOCK_FILE is set: cron follows the test clock in {} (a test "
              "hook, not for production)",
              file.string());
  return clock;
}

} // namespace wm

#include "main/test_clock.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "actors/io_bridge.hpp"
#include "actors/os/wall_clock.hpp"

namespace wm {

namespace {

// The offset in the file, in seconds; nothing when it does not hold one.
std::optional<double> read_offset(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text;
  std::getline(in, text);
  const char* begin = text.c_str();
  char* end = nullptr;
  const double seconds = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(seconds))
    return std::nullopt;
  return seconds;
}

bool apply(os::shifted_wall_clock& clock, const std::filesystem::path& file,
           const log::logger& log) {
  const auto seconds = read_offset(file);
  if (!seconds) {
    log.warning("{} (WINGMATE_TEST_CLOCK_FILE) holds no number of seconds; the test clock "
                "stays where it was",
                file.string());
    return false;
  }
  clock.set_offset(std::chrono::duration_cast<std::chrono::nanoseconds>(
    std::chrono::duration<double>(*seconds)));
  return true;
}

} // namespace

std::shared_ptr<const os::wall_clock> test_clock_from_environment(io_bridge& io,
                                                                  const log::logger& log) {
  const char* variable = std::getenv("WINGMATE_TEST_CLOCK_FILE");
  if (!variable || !*variable)
    return nullptr;
  const std::filesystem::path file = std::filesystem::absolute(variable);
  auto clock = std::make_shared<os::shifted_wall_clock>();
  apply(*clock, file, log);
  const bool watched = io.watch_file(file, [clock, file, &io, log] {
    if (apply(*clock, file, log))
      io.announce_clock_change();
  });
  if (!watched)
    log.warning("cannot watch {} (WINGMATE_TEST_CLOCK_FILE): {}; its later changes are not "
                "noticed",
                file.string(), std::strerror(errno));
  log.warning("WINGMATE_TEST_CLOCK_FILE is set: cron follows the test clock in {} (a test "
              "hook, not for production)",
              file.string());
  return clock;
}

} // namespace wm

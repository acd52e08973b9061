#pragma once
// wingmate's one log format, for its own lines and for the lines its
// children print.
//
// Own lines go to stderr: time, level, component (with the service or job it
// is about) and message; `json` gives one object per line instead. A child's
// stdout and stderr lines go to wingmate's stdout and stderr, prefixed with
// its name. Every line is one write(2) under a lock per descriptor, so lines
// never interleave, and a write error (a closed pipe, say) never reaches the
// caller.

#include <fmt/core.h>

#include <memory>
#include <string>
#include <string_view>

#include "messages/log_level.hpp"

namespace spdlog {
class logger;
}

namespace wm::log {

enum class format { text, json };

/// Call once, before any thread starts and before any logger is made.
void setup(format fmt, log_level min_level);

/// The format chosen at setup.
format current_format();

enum class stream { out, err };

/// Writes one line a child printed, prefixed with `name`.
void output_line(std::string_view name, stream which, std::string_view line);

/// Writes text to stdout as it is (for commands such as `wingmate check`).
void print(std::string_view text);

/// A log source: one component, optionally about one service or job.
class logger {
public:
  explicit logger(std::string component, const std::string& subject = {});
  ~logger();
  logger(const logger&);
  logger& operator=(const logger&);

  void write(log_level level, std::string_view message) const;

  template <class... Args>
  void debug(fmt::format_string<Args...> f, Args&&... args) const {
    write(log_level::debug, fmt::format(f, std::forward<Args>(args)...));
  }
  template <class... Args>
  void info(fmt::format_string<Args...> f, Args&&... args) const {
    write(log_level::info, fmt::format(f, std::forward<Args>(args)...));
  }
  template <class... Args>
  void warning(fmt::format_string<Args...> f, Args&&... args) const {
    write(log_level::warning, fmt::format(f, std::forward<Args>(args)...));
  }
  template <class... Args>
  void error(fmt::format_string<Args...> f, Args&&... args) const {
    write(log_level::error, fmt::format(f, std::forward<Args>(args)...));
  }

private:
  std::shared_ptr<spdlog::logger> impl_;
};

} // namespace wm::log

#include "actors/logging.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>

namespace wm::log {

namespace {

// One lock per descriptor: our own lines and a child's stderr lines share
// fd 2 and must not split each other.
class fd_writer {
public:
  explicit fd_writer(int fd) : fd_(fd) {}

  void write_all(std::string_view data) {
    std::lock_guard guard{mutex_};
    const char* p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n > 0) {
        p += n;
        left -= static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && errno == EAGAIN) {
        // A non-blocking descriptor inherited from whoever started us:
        // wait a little for room, then drop the rest of the line.
        pollfd pfd{fd_, POLLOUT, 0};
        if (::poll(&pfd, 1, 1000) <= 0)
          return;
      } else {
        return; // EPIPE, EBADF, ENOSPC...: logging must never stop wingmate
      }
    }
  }

private:
  int fd_;
  std::mutex mutex_;
};

fd_writer g_stdout{STDOUT_FILENO};
fd_writer g_stderr{STDERR_FILENO};
format g_format = format::text;
log_level g_min_level = log_level::info;

// "2026-12-03T19:49:34.123+01:00": local time (TZ) with its offset.
std::string timestamp(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const auto since_epoch = when.time_since_epoch();
  const time_t seconds = duration_cast<std::chrono::seconds>(since_epoch).count();
  const auto millis = duration_cast<milliseconds>(since_epoch).count() % 1000;
  tm local{};
  ::localtime_r(&seconds, &local);
  char head[32];
  std::strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &local);
  char zone[8];
  std::strftime(zone, sizeof zone, "%z", &local); // "+0100"
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03d%.3s:%.2s", head, static_cast<int>(millis), zone,
                zone + 3);
  return out;
}

spdlog::level::level_enum to_spdlog(log_level level) {
  switch (level) {
    case log_level::debug:
      return spdlog::level::debug;
    case log_level::info:
      return spdlog::level::info;
    case log_level::warning:
      return spdlog::level::warn;
    case log_level::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string_view level_word(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warning";
    default:
      return "error";
  }
}

std::string to_json_line(const nlohmann::json& object) {
  // A child's output may hold invalid UTF-8: replace it rather than throw.
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Logger names are "component" or "component[subject]"; JSON keeps the two
// apart so that lines can be filtered by service.
std::pair<std::string_view, std::string_view> split_name(std::string_view name) {
  auto open = name.find('[');
  if (open == std::string_view::npos || name.back() != ']')
    return {name, {}};
  return {name.substr(0, open), name.substr(open + 1, name.size() - open - 2)};
}

class own_line_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string_view message(msg.payload.data(), msg.payload.size());
    std::string_view name(msg.logger_name.data(), msg.logger_name.size());
    std::string line;
    if (g_format == format::json) {
      auto [component, subject] = split_name(name);
      nlohmann::json object{{"time", timestamp(msg.time)},
                            {"level", level_word(msg.level)},
                            {"component", component}};
      if (!subject.empty())
        object["service"] = subject;
      object["message"] = message;
      line = to_json_line(object);
    } else {
      line = fmt::format("{} {:<7} {}: {}\n", timestamp(msg.time), level_word(msg.level), name,
                         message);
    }
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<own_line_formatter>();
  }
};

class stderr_sink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buffer;
    formatter_->format(msg, buffer);
    g_stderr.write_all(std::string_view(buffer.data(), buffer.size()));
  }
  void flush_() override {}
};

std::shared_ptr<spdlog::sinks::sink> own_sink() {
  static auto sink = [] {
    auto s = std::make_shared<stderr_sink>();
    s->set_formatter(std::make_unique<own_line_formatter>());
    return s;
  }();
  return sink;
}

} // namespace

void setup(format fmt, log_level min_level) {
  g_format = fmt;
  g_min_level = min_level;
}

format current_format() {
  return g_format;
}

void output_line(std::string_view name, stream which, std::string_view line) {
  std::string text;
  if (g_format == format::json) {
    text = to_json_line({{"time", timestamp(std::chrono::system_clock::now())},
                         {"service", name},
                         {"stream", which == stream::out ? "stdout" : "stderr"},
                         {"line", line}});
  } else {
    text.reserve(name.size() + line.size() + 4);
    text.append(name).append(" | ").append(line).append("\n");
  }
  (which == stream::out ? g_stdout : g_stderr).write_all(text);
}

void print(std::string_view text) {
  g_stdout.write_all(text);
}

logger::logger(std::string component, const std::string& subject) {
  std::string name = subject.empty() ? std::move(component) : component + "[" + subject + "]";
  impl_ = std::make_shared<spdlog::logger>(std::move(name), own_sink());
  impl_->set_level(to_spdlog(g_min_level));
}

logger::~logger() = default;
logger::logger(const logger&) = default;
logger& logger::operator=(const logger&) = default;

void logger::write(log_level level, std::string_view message) const {
  impl_->log(to_spdlog(level), "{}", message);
}

} // namespace wm::log

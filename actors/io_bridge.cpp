#include "actors/io_bridge.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace wm {

namespace {

constexpr std::size_t k_read_size = std::size_t{64} * 1024;

// The clock watch is a timer that should never expire: only a change of
// the clock wakes it. Should the clock reach it, it is armed again.
constexpr time_t k_clock_watch_horizon = time_t{365} * 24 * 3600;

// Reads one child's stdout or stderr and writes it out line by line.
class pipe_reader final : public io_bridge::source {
public:
  pipe_reader(unique_fd fd, std::string name, log::stream which)
    : fd_(std::move(fd)), name_(std::move(name)), which_(which) {}

  bool on_ready(std::uint32_t) override {
    // One read per wake-up keeps a flooding child from starving the others.
    static thread_local char buffer[k_read_size];
    ssize_t n = ::read(fd_.get(), buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      return true;
    if (n <= 0) {
      flush_partial();
      return false;
    }
    split_lines(std::string_view(buffer, static_cast<std::size_t>(n)));
    return true;
  }

private:
  void split_lines(std::string_view data) {
    while (!data.empty()) {
      auto newline = data.find('\n');
      if (newline == std::string_view::npos) {
        partial_.append(data);
        while (partial_.size() >= io_bridge::k_max_line) {
          emit(std::string_view(partial_).substr(0, io_bridge::k_max_line));
          partial_.erase(0, io_bridge::k_max_line);
        }
        return;
      }
      std::string_view piece = data.substr(0, newline);
      data.remove_prefix(newline + 1);
      if (partial_.empty()) {
        emit_long(piece);
      } else {
        partial_.append(piece);
        emit_long(partial_);
        partial_.clear();
      }
    }
  }

  void emit_long(std::string_view line) {
    while (line.size() > io_bridge::k_max_line) {
      emit(line.substr(0, io_bridge::k_max_line));
      line.remove_prefix(io_bridge::k_max_line);
    }
    emit(line);
  }

  void emit(std::string_view line) {
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    log::output_line(name_, which_, line);
  }

  void flush_partial() {
    if (!partial_.empty())
      emit(partial_);
    partial_.clear();
  }

  unique_fd fd_;
  std::string name_;
  log::stream which_;
  std::string partial_;
};

// Reports each rewrite of one file, seen through inotify on its directory
// (a file replaced by rename is a new inode, so the directory is watched).
class file_watch final : public io_bridge::source {
public:
  file_watch(unique_fd fd, std::string name, std::function<void()> on_change)
    : fd_(std::move(fd)), name_(std::move(name)), on_change_(std::move(on_change)) {}

  bool on_ready(std::uint32_t) override {
    alignas(inotify_event) char buffer[4096];
    const ssize_t n = ::read(fd_.get(), buffer, sizeof buffer);
    if (n < 0)
      return errno == EINTR || errno == EAGAIN;
    bool changed = false;
    for (ssize_t at = 0; at + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      // A full event queue lost events, perhaps this file's: read it again.
      changed = changed || (event->mask & IN_Q_OVERFLOW) != 0
                || (event->len > 0 && name_ == event->name);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
    if (changed)
      on_change_();
    return true;
  }

  bool holds_finish() const override { return false; }

private:
  unique_fd fd_;
  std::string name_;
  std::function<void()> on_change_;
};

} // namespace

io_bridge::io_bridge()
  : epoll_(::epoll_create1(EPOLL_CLOEXEC)), wakeup_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!epoll_ || !wakeup_)
    throw std::system_error(errno, std::generic_category(), "cannot create the I/O event loop");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wakeup_.get();
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wakeup_.get(), &ev);

  clock_watch_ = unique_fd(::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC));
  if (clock_watch_ && arm_clock_watch()) {
    ev.data.fd = clock_watch_.get();
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, clock_watch_.get(), &ev);
  } else {
    clock_watch_ = unique_fd();
  }
}

io_bridge::~io_bridge() {
  if (thread_.joinable())
    finish(std::chrono::milliseconds{0});
}

void io_bridge::start() {
  thread_ = std::thread([this] { run(); });
}

void io_bridge::watch_output(unique_fd fd, std::string name, log::stream which) {
  int raw = fd.get();
  add(raw, std::make_unique<pipe_reader>(std::move(fd), std::move(name), which));
}

bool io_bridge::watch_clock_changes(std::function<void()> listener) {
  std::lock_guard guard{mutex_};
  clock_listener_ = std::move(listener);
  return static_cast<bool>(clock_watch_);
}

bool io_bridge::watch_file(const std::filesystem::path& file, std::function<void()> on_change) {
  unique_fd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd)
    return false;
  const auto dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  if (::inotify_add_watch(fd.get(), dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO) < 0)
    return false;
  int raw = fd.get();
  add(raw, std::make_unique<file_watch>(std::move(fd), file.filename().string(),
                                        std::move(on_change)));
  return true;
}

void io_bridge::announce_clock_change() {
  std::function<void()> listener;
  {
    std::lock_guard guard{mutex_};
    listener = clock_listener_;
  }
  if (listener)
    listener();
}

bool io_bridge::arm_clock_watch() {
  itimerspec when{};
  when.it_value.tv_sec = ::time(nullptr) + k_clock_watch_horizon;
  return ::timerfd_settime(clock_watch_.get(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                           &when, nullptr) == 0;
}

void io_bridge::on_clock_watch_ready() {
  std::uint64_t expirations = 0;
  ssize_t n = ::read(clock_watch_.get(), &expirations, sizeof expirations);
  if (n < 0 && errno != ECANCELED)
    return; // EAGAIN: nothing happened after all
  arm_clock_watch();
  if (n >= 0)
    return; // the far-away expiry was reached: no change of the clock
  announce_clock_change();
}

void io_bridge::add(int fd, std::unique_ptr<source> handler) {
  {
    std::lock_guard guard{mutex_};
    pending_.push_back({fd, std::move(handler)});
  }
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wakeup_.get(), &one, sizeof one);
}

void io_bridge::finish(std::chrono::milliseconds grace) {
  {
    std::lock_guard guard{mutex_};
    finishing_ = true;
    deadline_ = std::chrono::steady_clock::now() + grace;
  }
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wakeup_.get(), &one, sizeof one);
  if (thread_.joinable())
    thread_.join();
}

void io_bridge::take_pending() {
  std::vector<pending_source> added;
  {
    std::lock_guard guard{mutex_};
    added.swap(pending_);
  }
  for (auto& [fd, handler] : added) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) == 0)
      sources_[fd] = std::move(handler);
  }
}

bool io_bridge::sources_to_drain() const {
  for (const auto& [fd, handler] : sources_)
    if (handler->holds_finish())
      return true;
  return false;
}

void io_bridge::run() {
  epoll_event events[64];
  for (;;) {
    int timeout = -1;
    {
      std::lock_guard guard{mutex_};
      if (finishing_) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline_ - std::chrono::steady_clock::now());
        if ((!sources_to_drain() && pending_.empty()) || left.count() <= 0)
          return;
        timeout = static_cast<int>(left.count());
      }
    }
    int n = ::epoll_wait(epoll_.get(), events, 64, timeout);
    if (n < 0 && errno != EINTR)
      return;
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == wakeup_.get()) {
        std::uint64_t count;
        [[maybe_unused]] auto r = ::read(wakeup_.get(), &count, sizeof count);
        continue;
      }
      if (clock_watch_ && fd == clock_watch_.get()) {
        on_clock_watch_ready();
        continue;
      }
      auto it = sources_.find(fd);
      if (it == sources_.end())
        continue;
      if (!it->second->on_ready(events[i].events)) {
        ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
        sources_.erase(it); // closes the descriptor
      }
    }
    take_pending();
  }
}

} // namespace wm

// A test-only daemon for wmpidproxy and the pidfile watcher: it forks into
// the background the classic way, writes its pidfile late, and can replace
// itself with a successor that has a new pid.
//
//   wm_test_daemon --pidfile FILE [options]
//     --delay-ms N            wait N ms before writing the pidfile (default 0)
//     --term-exit CODE        on SIGTERM exit with CODE (default: die by SIGTERM)
//     --exit-after-ms N       exit by itself after N ms, with --exit-code (default 0)
//     --signal-log FILE       append "PID SIGNAME" for every signal received
//     --successor-delay-ms N  on SIGUSR2 fork+exec a successor that writes its own
//                             pid to the pidfile after N ms (default 200)
//     --old-exits-after-ms N  after starting the successor, exit 0 this much later
//                             (default 0: at once)
//     --foreground            do not fork (the process itself is the daemon)
//
// Without --foreground the first process exits 0 once the daemon is forked
// (as a daemon's launcher does); the daemon runs in its own session.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct daemon_options {
  std::string pidfile;
  long delay_ms = 0;
  int term_exit = -1;
  long exit_after_ms = -1;
  int exit_code = 0;
  std::string signal_log;
  long successor_delay_ms = 200;
  long old_exits_after_ms = 0;
  bool foreground = false;
};

[[noreturn]] void usage_error(const char* what) {
  std::fprintf(stderr, "wm_test_daemon: %s\n", what);
  std::exit(2);
}

daemon_options parse(int argc, char** argv) {
  daemon_options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc)
        usage_error("an option is missing its value");
      return argv[++i];
    };
    if (arg == "--pidfile")
      options.pidfile = value();
    else if (arg == "--delay-ms")
      options.delay_ms = std::atol(value());
    else if (arg == "--term-exit")
      options.term_exit = std::atoi(value());
    else if (arg == "--exit-after-ms")
      options.exit_after_ms = std::atol(value());
    else if (arg == "--exit-code")
      options.exit_code = std::atoi(value());
    else if (arg == "--signal-log")
      options.signal_log = value();
    else if (arg == "--successor-delay-ms")
      options.successor_delay_ms = std::atol(value());
    else if (arg == "--old-exits-after-ms")
      options.old_exits_after_ms = std::atol(value());
    else if (arg == "--foreground")
      options.foreground = true;
    else
      usage_error("unknown option");
  }
  if (options.pidfile.empty())
    usage_error("--pidfile FILE is required");
  return options;
}

void sleep_ms(long ms) {
  if (ms <= 0)
    return;
  timespec duration{ms / 1000, (ms % 1000) * 1000000};
  while (::nanosleep(&duration, &duration) < 0 && errno == EINTR) {
  }
}

void write_pidfile(const std::string& path) {
  std::string text = std::to_string(::getpid()) + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    std::fprintf(stderr, "wm_test_daemon: cannot write %s: %s\n", path.c_str(),
                 std::strerror(errno));
  if (fd >= 0)
    ::close(fd);
}

void log_signal(const daemon_options& options, int signo) {
  if (options.signal_log.empty())
    return;
  std::string line = std::to_string(::getpid()) + " SIG" + sigabbrev_np(signo) + "\n";
  int fd = ::open(options.signal_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd >= 0) {
    (void)!::write(fd, line.data(), line.size());
    ::close(fd);
  }
}

// Replaces this daemon by a new process that runs the same program in the
// foreground and writes its own pid to the pidfile after a delay.
void start_successor(const daemon_options& options, char** argv) {
  pid_t pid = ::fork();
  if (pid != 0)
    return;
  std::vector<std::string> args = {argv[0], "--foreground", "--pidfile", options.pidfile,
                                   "--delay-ms", std::to_string(options.successor_delay_ms)};
  if (options.term_exit >= 0)
    args.insert(args.end(), {"--term-exit", std::to_string(options.term_exit)});
  if (!options.signal_log.empty())
    args.insert(args.end(), {"--signal-log", options.signal_log});
  std::vector<char*> c_args;
  for (auto& arg : args)
    c_args.push_back(arg.data());
  c_args.push_back(nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execv("/proc/self/exe", c_args.data());
  std::fprintf(stderr, "wm_test_daemon: cannot re-exec: %s\n", std::strerror(errno));
  ::_exit(3);
}

[[noreturn]] void die_by(int signo) {
  ::signal(signo, SIG_DFL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, signo);
  ::sigprocmask(SIG_UNBLOCK, &only, nullptr);
  ::raise(signo);
  ::_exit(128 + signo);
}

[[noreturn]] void serve(const daemon_options& options, char** argv) {
  sigset_t handled;
  sigemptyset(&handled);
  for (int signo : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2})
    sigaddset(&handled, signo);
  ::sigprocmask(SIG_BLOCK, &handled, nullptr);

  sleep_ms(options.delay_ms);
  write_pidfile(options.pidfile);

  timespec started{};
  ::clock_gettime(CLOCK_MONOTONIC, &started);
  for (;;) {
    timespec wait{1, 0};
    if (options.exit_after_ms >= 0) {
      timespec now{};
      ::clock_gettime(CLOCK_MONOTONIC, &now);
      long elapsed =
        (now.tv_sec - started.tv_sec) * 1000 + (now.tv_nsec - started.tv_nsec) / 1000000;
      long left = options.exit_after_ms - elapsed;
      if (left <= 0)
        ::_exit(options.exit_code);
      wait = timespec{left / 1000, (left % 1000) * 1000000};
    }
    int signo = ::sigtimedwait(&handled, nullptr, &wait);
    if (signo < 0)
      continue;
    log_signal(options, signo);
    if (signo == SIGTERM && options.term_exit >= 0)
      ::_exit(options.term_exit);
    if (signo == SIGTERM || signo == SIGINT || signo == SIGQUIT)
      die_by(signo);
    if (signo == SIGUSR2) {
      start_successor(options, argv);
      sleep_ms(options.old_exits_after_ms);
      ::_exit(0);
    }
  }
}

} // namespace

int main(int argc, char** argv) {
  daemon_options options = parse(argc, argv);
  if (options.foreground)
    serve(options, argv);

  // The classic double fork: the launcher exits, the middle process leaves
  // the session and exits, the grandchild is the daemon.
  pid_t middle = ::fork();
  if (middle < 0)
    return 1;
  if (middle > 0) {
    int status = 0;
    ::waitpid(middle, &status, 0);
    return 0;
  }
  ::setsid();
  if (::fork() != 0)
    ::_exit(0);
  int null = ::open("/dev/null", O_RDWR);
  ::dup2(null, 0);
  ::dup2(null, 1);
  serve(options, argv);
}

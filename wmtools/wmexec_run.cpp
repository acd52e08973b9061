// wmexec: executing the command, in place or in a new session behind a
// forwarding parent (see wmexec_steps.hpp).

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "wmtools/wmexec_cli.hpp"
#include "wmtools/wmexec_steps.hpp"

namespace wm::wmexec {

namespace {

constexpr int k_forwarded_signals[] = {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2};

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

int shell_code(int wait_status) {
  if (WIFEXITED(wait_status))
    return WEXITSTATUS(wait_status);
  return 128 + WTERMSIG(wait_status);
}

} // namespace

int exec_command(const std::vector<std::string>& command) {
  auto argv = c_strings(command);
  ::execvp(argv[0], argv.data());

  int error = errno;
  const std::string& program = command.front();
  if (error == ENOENT) {
    if (program.find('/') != std::string::npos)
      std::fprintf(stderr, "wmexec: cannot run %s: no such file; check the path\n",
                   program.c_str());
    else {
      const char* path = std::getenv("PATH");
      std::fprintf(stderr,
                   "wmexec: cannot run %s: command not found in PATH (%s); check the name or "
                   "give its full path\n",
                   program.c_str(), path ? path : "unset");
    }
    return wmexec_exit::not_found;
  }
  std::fprintf(stderr, "wmexec: cannot execute %s: %s%s\n", program.c_str(),
               std::strerror(error),
               error == EACCES ? "; check that it is an executable file the user may run" : "");
  return wmexec_exit::not_executable;
}

int run_in_new_session(const std::vector<std::string>& command) {
  // Block what we forward before the child exists, so nothing sent in
  // between is lost; the child gets the original mask back.
  sigset_t waited;
  sigemptyset(&waited);
  for (int signo : k_forwarded_signals)
    sigaddset(&waited, signo);
  sigaddset(&waited, SIGCHLD);
  sigset_t original;
  ::sigprocmask(SIG_BLOCK, &waited, &original);

  // An inherited SIG_IGN for SIGCHLD would make the kernel reap the child
  // before we could read its status.
  struct sigaction default_chld {};
  default_chld.sa_handler = SIG_DFL;
  struct sigaction original_chld {};
  ::sigaction(SIGCHLD, &default_chld, &original_chld);

  pid_t child = ::fork();
  if (child < 0) {
    std::fprintf(stderr, "wmexec: cannot fork to start a new session: %s\n",
                 std::strerror(errno));
    return wmexec_exit::own_error;
  }
  if (child == 0) {
    ::sigaction(SIGCHLD, &original_chld, nullptr);
    ::sigprocmask(SIG_SETMASK, &original, nullptr);
    if (::setsid() < 0) {
      std::fprintf(stderr, "wmexec: cannot start a new session: %s\n", std::strerror(errno));
      ::_exit(wmexec_exit::own_error);
    }
    ::_exit(exec_command(command));
  }

  for (;;) {
    siginfo_t info{};
    int signo = ::sigwaitinfo(&waited, &info);
    if (signo < 0)
      continue; // EINTR from a stop/continue; nothing else can fail here
    if (signo != SIGCHLD) {
      ::kill(child, signo);
      continue;
    }
    int status = 0;
    pid_t reaped = 0;
    do {
      reaped = ::waitpid(child, &status, WNOHANG);
    } while (reaped < 0 && errno == EINTR);
    if (reaped == child)
      return shell_code(status);
    if (reaped < 0) {
      std::fprintf(stderr, "wmexec: lost track of the command (pid %d): %s\n",
                   static_cast<int>(child), std::strerror(errno));
      return wmexec_exit::own_error;
    }
  }
}

} // namespace wm::wmexec

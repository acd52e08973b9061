#include "messages/exit_status.hpp"

#include <sys/wait.h>

#include "messages/signal_names.hpp"

namespace wm {

exit_status exit_status::from_wait_status(int raw) {
  return exit_status{raw};
}

exit_status exit_status::exited(int code) {
  return exit_status{(code & 0xff) << 8};
}

exit_status exit_status::killed(int signo, bool core_dumped) {
  return exit_status{(signo & 0x7f) | (core_dumped ? 0x80 : 0)};
}

bool exit_status::is_exit() const {
  return WIFEXITED(raw_);
}

int exit_status::code() const {
  return WIFEXITED(raw_) ? WEXITSTATUS(raw_) : 0;
}

int exit_status::signal() const {
  return WIFSIGNALED(raw_) ? WTERMSIG(raw_) : 0;
}

int exit_status::shell_code() const {
  return is_exit() ? code() : 128 + signal();
}

std::string exit_status::describe() const {
  if (is_exit())
    return "exited with code " + std::to_string(code());
  std::string text = "killed by " + signal_name(signal());
  if (WCOREDUMP(raw_))
    text += " (core dumped)";
  return text;
}

} // namespace wm

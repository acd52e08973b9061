#include "main/process_setup.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace wm {

void ensure_standard_descriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) >= 0)
      continue;
    int opened = ::open("/dev/null", O_RDWR);
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

std::optional<rlimit> raise_descriptor_limit() {
  rlimit original{};
  if (::getrlimit(RLIMIT_NOFILE, &original) < 0 || original.rlim_cur >= original.rlim_max)
    return std::nullopt;
  rlimit raised = original;
  raised.rlim_cur = original.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &raised) < 0)
    return std::nullopt;
  return original;
}

bool become_subreaper() {
  return ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
}

} // namespace wm

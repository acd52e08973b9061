#include "actors/os/spawn.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <vector>

#include "actors/os/postfork.hpp"

namespace wm::os {

namespace {

constexpr std::size_t k_child_stack_size = std::size_t{128} * 1024;
constexpr const char* k_default_path =
  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string path_from_env(const std::vector<std::string>& env) {
  for (const auto& entry : env)
    if (entry.starts_with("PATH="))
      return entry.substr(5);
  return k_default_path;
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// What a failure that comes from a limit means, for the log line.
std::string limit_hint(int error) {
  switch (error) {
    case EMFILE:
      return " (wingmate has as many files open as its limit allows, RLIMIT_NOFILE)";
    case ENFILE:
      return " (the system-wide limit on open files is reached)";
    case EAGAIN:
      return " (the limit on processes is reached: pids.max of wingmate's cgroup, or "
             "RLIMIT_NPROC)";
    case ENOMEM:
      return " (out of memory)";
    default:
      return "";
  }
}

// The same for a failure in the child, after any switch of user: there
// EAGAIN means the processes of the user it runs as.
std::string child_limit_hint(int error, const launch_spec& spec) {
  if (error == EAGAIN && spec.user)
    return " (the user it runs as has as many processes as RLIMIT_NPROC allows)";
  return limit_hint(error);
}

int shell_code_for(int error) {
  return error == ENOENT ? 127 : 126;
}

launch_result failure(int error, std::string message, pid_t pid = 0) {
  launch_result r;
  r.pid = pid;
  r.error = error;
  r.message = std::move(message);
  r.shell_code = shell_code_for(error);
  return r;
}

bool make_pipe(unique_fd& read_end, unique_fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0)
    return false;
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return true;
}

} // namespace

std::optional<std::string> find_program(const std::string& program,
                                        const std::string& path_variable, int& error) {
  error = ENOENT;
  if (program.empty())
    return std::nullopt;
  if (program.find('/') != std::string::npos)
    return program;
  std::size_t begin = 0;
  while (begin <= path_variable.size()) {
    std::size_t end = path_variable.find(':', begin);
    if (end == std::string::npos)
      end = path_variable.size();
    std::string dir = path_variable.substr(begin, end - begin);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
      if (::access(candidate.c_str(), X_OK) == 0)
        return candidate;
      error = EACCES; // found, but keep looking for an executable one
    }
    begin = end + 1;
  }
  return std::nullopt;
}

spawner::spawner(std::optional<rlimit> original_nofile)
  : original_nofile_(original_nofile),
    dev_null_(::open("/dev/null", O_RDWR | O_CLOEXEC)),
    stack_size_(k_child_stack_size) {
  constexpr int k_stack_flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK;
  // cppcheck-suppress invalidFunctionArg ; anonymous mappings take fd -1 (posix.cfg: fd >= 0)
  stack_ = ::mmap(nullptr, stack_size_, PROT_READ | PROT_WRITE, k_stack_flags, -1, 0);
  if (stack_ == MAP_FAILED)
    stack_ = nullptr;
}

spawner::~spawner() {
  if (stack_)
    ::munmap(stack_, stack_size_);
}

spawned_child spawner::spawn(const launch_spec& spec) {
  spawned_child child;
  if (spec.argv.empty()) {
    child.result = failure(ENOENT, "the command is empty");
    return child;
  }
  if (!stack_) {
    child.result = failure(ENOMEM, "cannot start: no memory for the spawn stack");
    return child;
  }

  int lookup_error = 0;
  auto path = find_program(spec.argv[0], path_from_env(spec.env), lookup_error);
  if (!path) {
    std::string what = lookup_error == ENOENT
                         ? spec.argv[0] + " was not found in PATH (" + path_from_env(spec.env)
                             + ")"
                         : spec.argv[0] + " was found in PATH but is not executable";
    child.result = failure(lookup_error, what);
    return child;
  }

  unique_fd out_write, err_write;
  const bool capture = !spec.owns_terminal;
  if (capture && (!make_pipe(child.stdout_pipe, out_write)
                  || !make_pipe(child.stderr_pipe, err_write))) {
    int error = errno;
    child.result = failure(error, std::string("cannot create pipes for its output: ")
                                    + std::strerror(error) + limit_hint(error));
    child.stdout_pipe.reset();
    child.stderr_pipe.reset();
    return child;
  }

  auto argv = c_strings(spec.argv);
  auto envp = c_strings(spec.env);
  child_args args;
  args.path = path->c_str();
  args.argv = argv.data();
  args.envp = envp.data();
  args.working_dir = spec.working_dir.empty() ? nullptr : spec.working_dir.c_str();
  args.stdin_fd = spec.inherit_stdin || spec.owns_terminal ? -1 : dev_null_.get();
  args.stdout_fd = capture ? out_write.get() : -1;
  args.stderr_fd = capture ? err_write.get() : -1;
  args.new_session = spec.new_session && !spec.owns_terminal;
  args.terminal_fd = spec.owns_terminal ? 0 : -1;
  if (original_nofile_) {
    // Never more than wingmate's own hard limit, which may have been
    // lowered since it started (prlimit): raising a hard limit needs
    // CAP_SYS_RESOURCE, and without it every start would fail.
    rlimit now{};
    ::getrlimit(RLIMIT_NOFILE, &now);
    args.restore_nofile = true;
    args.nofile.rlim_cur = std::min(original_nofile_->rlim_cur, now.rlim_max);
    args.nofile.rlim_max = std::min(original_nofile_->rlim_max, now.rlim_max);
  }
  if (spec.user) {
    args.switch_user = true;
    args.uid = spec.user->uid;
    args.gid = spec.user->gid;
    args.groups = spec.user->groups.data();
    args.group_count = static_cast<int>(spec.user->groups.size());
  }

  char* stack_top = static_cast<char*>(stack_) + stack_size_;
  pid_t pid = ::clone(child_main, stack_top, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
  if (pid < 0) {
    int error = errno;
    child.result = failure(error, std::string("cannot create a process: ") + std::strerror(error)
                                    + limit_hint(error));
    child.result.shell_code = 126;
    return child;
  }
  // CLONE_VFORK: the child has exec'd or exited by now, and `args` tells which.
  if (args.error != 0) {
    std::string what = "cannot " + std::string(args.failed_step);
    if (std::strcmp(args.failed_step, "execute") == 0)
      what += " " + *path;
    else if (std::strcmp(args.failed_step, "change to the working directory") == 0)
      what += " " + spec.working_dir;
    // After a switch of user, execve is where that user's RLIMIT_NPROC
    // shows (EAGAIN), so the child's failures get the hint too.
    child.result = failure(args.error, what + ": " + std::strerror(args.error)
                                         + child_limit_hint(args.error, spec), pid);
    if (std::strcmp(args.failed_step, "execute") != 0)
      child.result.shell_code = 126;
    child.stdout_pipe.reset();
    child.stderr_pipe.reset();
    return child;
  }
  child.result.pid = pid;
  return child;
}

} // namespace wm::os

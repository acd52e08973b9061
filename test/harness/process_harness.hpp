#pragma once
// Test harness: start programs with their output captured, wait for lines,
// files and exits with timeouts, and run wingmate as PID 1 of a new PID
// namespace (`unshare -p -f --mount-proc`). Everything a test starts is
// killed by pid when its handle goes out of scope.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wm::test {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

/// A path inside the build tree ("main/wingmate", "test/test_child").
std::string build_path(const std::string& relative);
std::string wingmate_bin();
/// A test helper program from test/helpers/.
std::string helper_bin(const std::string& name);

/// Polls `condition` every `interval` until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& condition, milliseconds timeout,
                milliseconds interval = 10ms);

std::string read_file(const std::filesystem::path& path);

/// A fresh directory under /tmp, removed with everything in it at the end.
class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& relative) const { return path_ / relative; }

  /// Writes `content` to `relative` (creating directories); `mode` 0755 makes
  /// it executable.
  std::filesystem::path write(const std::string& relative, const std::string& content,
                              unsigned mode = 0644) const;

  /// Writes an executable /bin/sh script to `relative`.
  std::filesystem::path script(const std::string& relative, const std::string& body) const;

private:
  std::filesystem::path path_;
};

struct start_options {
  /// Added to (or replacing in) the test's environment.
  std::map<std::string, std::string> env;
  /// Written to the program's stdin, which is then closed; without it stdin
  /// is /dev/null.
  std::optional<std::string> input;
  /// Starts the program with its stdout (or stderr) closed.
  bool close_stdout = false;
  bool close_stderr = false;
  /// The program's stdout goes into a pipe read by this shell command
  /// ("head -1"), whose own output is what out() shows; an empty command
  /// leaves the pipe without any reader from the start.
  std::optional<std::string> pipe_stdout_to{};
  /// With pipe_stdout_to: stderr goes into the same pipe (2>&1).
  bool pipe_stderr_too = false;
  /// Signals the program starts with ignored, and blocked (inherited
  /// across exec, as from a careless parent).
  std::vector<int> ignored_signals{};
  std::vector<int> blocked_signals{};
};

inline start_options with_env(std::map<std::string, std::string> env) {
  start_options o;
  o.env = std::move(env);
  return o;
}

inline start_options with_input(std::string input) {
  start_options o;
  o.input = std::move(input);
  return o;
}

/// A program running in the background; stdout and stderr go to files.
class child_process {
public:
  child_process(std::vector<std::string> argv, start_options options = {});
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  std::string out() const;
  std::string err() const;
  /// stdout and stderr together.
  std::string all_output() const;

  /// Waits until `needle` appears in stdout or stderr.
  bool wait_for_output(const std::string& needle, milliseconds timeout) const;
  /// How often `needle` appears in stdout and stderr together.
  std::size_t count_output(const std::string& needle) const;

  /// Waits for the exit; returns the shell code (128+N for signal N), or
  /// nothing on timeout.
  std::optional<int> wait_exit(milliseconds timeout);
  bool running();
  void signal(int signo) const;

private:
  std::filesystem::path out_path_;
  std::filesystem::path err_path_;
  temp_dir files_;
  pid_t pid_ = -1;
  pid_t reader_pid_ = -1; // the pipe_stdout_to command
  std::optional<int> exit_code_;
};

/// Makes this test process the child subreaper of what it starts and, when
/// it goes, kills (by pid) and reaps every child it still has: for a
/// wingmate that is not PID 1 of its own namespace, whose services would
/// otherwise outlive a test that failed half-way. Declare it before the
/// processes it guards, so that it goes after them.
class orphan_guard {
public:
  orphan_guard();
  ~orphan_guard();
  orphan_guard(const orphan_guard&) = delete;
  orphan_guard& operator=(const orphan_guard&) = delete;
};

/// A process seen inside wingmate's PID namespace.
struct ns_process {
  pid_t host_pid = 0;
  pid_t ns_pid = 0;
  pid_t ns_ppid = 0;
  char state = '?';
  std::string name;
  std::string cmdline;
};

/// wingmate as PID 1 of a new PID namespace, with its own /proc. Unless the
/// test sets WINGMATE_STATUS_FILE, each one writes its status document (and
/// pid file) to a fresh directory of its own, so that tests running side by
/// side never share one.
class namespaced_wingmate {
public:
  /// `args` follow the wingmate program name.
  explicit namespaced_wingmate(std::vector<std::string> args, start_options options = {});
  ~namespaced_wingmate();

  /// The WINGMATE_STATUS_FILE wingmate was started with.
  const std::filesystem::path& status_file() const { return status_file_; }

  /// Starts `argv` inside wingmate's PID and mount namespaces (nsenter),
  /// with WINGMATE_STATUS_FILE set as for wingmate unless `options` sets it.
  std::unique_ptr<child_process> run_inside(std::vector<std::string> argv,
                                            start_options options = {}) const;

  child_process& process() { return unshare_; }
  /// wingmate's pid as seen from the test (outside the namespace).
  pid_t host_pid() const { return wingmate_pid_; }
  void signal(int signo) const;
  std::optional<int> wait_exit(milliseconds timeout) { return unshare_.wait_exit(timeout); }

  /// Every process of the namespace except wingmate itself.
  std::vector<ns_process> processes() const;
  /// Those whose command line contains `needle`.
  std::vector<ns_process> find(const std::string& needle) const;
  std::size_t zombies() const;

  bool wait_for_output(const std::string& needle, milliseconds timeout) const {
    return unshare_.wait_for_output(needle, timeout);
  }
  std::string all_output() const { return unshare_.all_output(); }

private:
  start_options with_status_file(start_options options) const;

  temp_dir status_dir_;
  std::filesystem::path status_file_;
  child_process unshare_;
  pid_t wingmate_pid_ = 0;
  std::string ns_id_;
};

/// Reads "SigIgn:", "SigBlk:" and such from /proc/PID/status.
std::string status_field(pid_t host_pid, const std::string& field);
/// The descriptors open in a process.
std::vector<int> open_fds(pid_t host_pid);

} // namespace wm::test

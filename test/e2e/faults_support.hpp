#pragma once
// Shared by the fault-injection tests (faults_*_test.cpp): status dumps,
// services in wingmate.json, and the scarce resources the tests take away
// from wingmate: descriptors (prlimit), processes (a pids cgroup) and space
// (a small tmpfs). Every resource is put back, or removed, by its handle's
// destructor; what this machine cannot provide makes the test skip with a
// reason, never fail.

#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "e2e_support.hpp"
#include "status_support.hpp"

namespace wm::test {

using nlohmann::json;

/// `wm_test_child ARGS` as a JSON command list.
inline json helper_command(std::vector<std::string> args) {
  args.insert(args.begin(), helper_bin("wm_test_child"));
  return json(args);
}

/// The process of the one service whose command line holds `needle`.
inline std::optional<ns_process> only_process(const namespaced_wingmate& wm,
                                              const std::string& needle) {
  auto found = wm.find(needle);
  if (found.size() != 1)
    return std::nullopt;
  return found[0];
}

// -- descriptors --------------------------------------------------------------

/// The descriptor limit of a running process (from outside, with prlimit).
inline rlimit nofile_of(pid_t pid) {
  rlimit limit{};
  ::prlimit(pid, RLIMIT_NOFILE, nullptr, &limit);
  return limit;
}

/// What descriptor `fd` of `pid` is ("pipe:[1234]", "/dev/null").
inline std::string fd_target(pid_t pid, int fd) {
  char buffer[256];
  const std::string link = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
  const ssize_t n = ::readlink(link.c_str(), buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

// -- processes: a pids cgroup -------------------------------------------------

/// A child cgroup with the pids controller (cgroup v2 at the root of the
/// hierarchy, as in a container, or the v1 pids hierarchy). The test
/// process joins it only to start wingmate, so that wingmate and its
/// children are counted there and the test is not.
class pids_cgroup {
public:
  pids_cgroup() {
    const std::filesystem::path v1 = "/sys/fs/cgroup/pids";
    std::string parent;
    if (std::filesystem::exists("/sys/fs/cgroup/cgroup.controllers")) {
      if (own_path("0:") != "/") {
        skip_ = "cgroup v2, but the test does not run in the root cgroup, where a child "
                "cgroup can take the pids controller";
        return;
      }
      parent = "/sys/fs/cgroup";
      if (read_file(parent + "/cgroup.controllers").find("pids") == std::string::npos) {
        skip_ = "cgroup v2 without the pids controller";
        return;
      }
      // Enabled for the test only if it was not already, and put back.
      enabled_pids_ = read_file(parent + "/cgroup.subtree_control").find("pids")
                      == std::string::npos;
      if (enabled_pids_)
        std::ofstream(parent + "/cgroup.subtree_control") << "+pids";
      home_ = parent;
    } else if (std::filesystem::exists(v1 / "cgroup.procs")) {
      home_ = (v1 / own_path(":pids:").substr(1)).string();
      parent = home_;
    } else {
      skip_ = "no pids cgroup controller under /sys/fs/cgroup";
      return;
    }
    path_ = parent + "/wm-faults-" + std::to_string(::getpid());
    if (::mkdir(path_.c_str(), 0755) < 0 && errno != EEXIST) {
      skip_ = "cannot create the cgroup " + path_ + ": " + std::strerror(errno);
      path_.clear();
      return;
    }
    if (!std::filesystem::exists(path_ + "/pids.max")) {
      skip_ = "the cgroup " + path_ + " has no pids.max";
      return;
    }
  }

  ~pids_cgroup() {
    if (path_.empty())
      return;
    leave(); // in case a failed check left the test inside
    // wingmate is gone by now; whatever it left there is killed (cgroup v2
    // kills the cgroup's processes, v1 needs their pids).
    if (!(std::ofstream(path_ + "/cgroup.kill") << "1" << std::flush)) {
      std::istringstream left(read_file(path_ + "/cgroup.procs"));
      for (pid_t pid = 0; left >> pid;)
        ::kill(pid, SIGKILL);
    }
    wait_until([&] { return ::rmdir(path_.c_str()) == 0 || errno == ENOENT; },
               std::chrono::seconds(10), std::chrono::milliseconds(50));
    if (enabled_pids_)
      std::ofstream(home_ + "/cgroup.subtree_control") << "-pids";
  }

  pids_cgroup(const pids_cgroup&) = delete;
  pids_cgroup& operator=(const pids_cgroup&) = delete;

  /// Why this machine cannot give the test a pids cgroup; empty when it can.
  const std::string& skip_reason() const { return skip_; }

  /// Moves the test process in (join) and back out (leave).
  bool join() const { return move_self(path_); }
  bool leave() const { return move_self(home_); }

  void set_max(const std::string& value) const {
    std::ofstream(path_ + "/pids.max") << value;
  }
  long current() const { return std::atol(read_file(path_ + "/pids.current").c_str()); }

private:
  // The test process's cgroup path in the hierarchy whose line in
  // /proc/self/cgroup holds `marker` ("0:" for v2, ":pids:" for v1).
  static std::string own_path(const std::string& marker) {
    std::istringstream lines(read_file("/proc/self/cgroup"));
    for (std::string line; std::getline(lines, line);) {
      auto at = line.find(marker);
      if (at == std::string::npos || (marker == "0:" && at != 0))
        continue;
      auto colon = line.rfind(':');
      return line.substr(colon + 1);
    }
    return "/";
  }

  static bool move_self(const std::string& cgroup) {
    std::ofstream procs(cgroup + "/cgroup.procs");
    procs << ::getpid() << std::flush;
    return static_cast<bool>(procs);
  }

  std::string skip_;
  std::string home_;
  std::string path_;
  bool enabled_pids_ = false;
};

// -- space: a small tmpfs -----------------------------------------------------

/// A tmpfs of `size` mounted on a fresh directory, in a mount namespace of
/// the test process's own (so it never shows on the machine, and goes away
/// with the test process even if the test is killed). wingmate, started
/// afterwards, sees the same file system.
class small_tmpfs {
public:
  explicit small_tmpfs(const std::string& size) {
    static const std::string private_ns = enter_private_mount_namespace();
    if (!private_ns.empty()) {
      skip_ = private_ns;
      return;
    }
    mount_point_ = dir_ / "mnt";
    std::filesystem::create_directory(mount_point_);
    const std::string options = "size=" + size + ",mode=0755";
    if (::mount("wm-faults", mount_point_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                options.c_str()) < 0) {
      skip_ = std::string("cannot mount a tmpfs: ") + std::strerror(errno);
      return;
    }
    mounted_ = true;
  }

  ~small_tmpfs() {
    if (mounted_)
      ::umount2(mount_point_.c_str(), MNT_DETACH);
  }

  small_tmpfs(const small_tmpfs&) = delete;
  small_tmpfs& operator=(const small_tmpfs&) = delete;

  const std::string& skip_reason() const { return skip_; }
  const std::filesystem::path& path() const { return mount_point_; }

  /// Fills the file system up with `file`; returns the bytes written.
  std::size_t fill(const std::filesystem::path& file) const {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    std::size_t written = 0;
    static const std::string block(64 * 1024, 'x');
    for (std::size_t chunk = block.size(); fd >= 0 && chunk > 0;) {
      const ssize_t n = ::write(fd, block.data(), chunk);
      if (n > 0)
        written += static_cast<std::size_t>(n);
      else
        chunk /= 2; // ENOSPC: fill the last pages too
    }
    if (fd >= 0)
      ::close(fd);
    return written;
  }

private:
  // Empty on success, else why not.
  static std::string enter_private_mount_namespace() {
    if (::unshare(CLONE_NEWNS) < 0)
      return std::string("cannot make a mount namespace: ") + std::strerror(errno);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0)
      return std::string("cannot make the mounts private: ") + std::strerror(errno);
    return {};
  }

  temp_dir dir_;
  std::filesystem::path mount_point_;
  std::string skip_;
  bool mounted_ = false;
};

} // namespace wm::test

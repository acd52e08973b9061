// What wingmate does about process-wide limits and roles: it raises its own
// descriptor limit so that many services fit while each child gets the
// limit wingmate was started with, and outside a PID namespace it reaps and
// sweeps as a child subreaper.

#include <signal.h>
#include <sys/resource.h>

#include <fstream>
#include <thread>

#include "e2e_support.hpp"

namespace wm::test {
namespace {

// Sets the soft descriptor limit for the processes this test starts, and
// puts the old one back at the end.
class soft_nofile_limit {
public:
  explicit soft_nofile_limit(rlim_t soft) {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit lowered = saved_;
    lowered.rlim_cur = soft;
    ::setrlimit(RLIMIT_NOFILE, &lowered);
  }
  ~soft_nofile_limit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }

private:
  rlimit saved_{};
};

// "Max open files  256  4096  files" -> the soft limit.
std::string soft_open_files(pid_t host_pid) {
  std::ifstream in("/proc/" + std::to_string(host_pid) + "/limits");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("Max open files")) {
      std::istringstream fields(line.substr(14));
      std::string soft;
      fields >> soft;
      return soft;
    }
  return {};
}

TEST(ProcessLimits, ManyServicesFitAndChildrenKeepTheOriginalLimit) {
  // 300 services need about 600 pipe descriptors: more than a soft limit of
  // 256 allows, unless wingmate raises its own.
  constexpr int k_services = 300;
  config_dir config;
  for (int i = 0; i < k_services; ++i)
    config.helper_service("svc" + std::to_string(i), "sleep");
  soft_nofile_limit limit(256);
  namespaced_wingmate wm({"-c", config.path(), "--log-level", "warning"});

  ASSERT_TRUE(wait_until([&] { return wm.find("wm_test_child").size() == k_services; }, 60s))
    << wm.all_output();
  EXPECT_NE(soft_open_files(wm.host_pid()), "256");
  for (const auto& child : wm.find("wm_test_child"))
    ASSERT_EQ(soft_open_files(child.host_pid), "256") << child.cmdline;
  EXPECT_EQ(wm.all_output().find("cannot"), std::string::npos) << wm.all_output();
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(20s), 0);
}

// The processes whose parent is `parent`, with their states.
std::vector<std::pair<pid_t, char>> children_of(pid_t parent) {
  std::vector<std::pair<pid_t, char>> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    pid_t pid = std::atoi(entry.path().filename().c_str());
    if (pid <= 0)
      continue;
    std::string stat = read_file(entry.path() / "stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos || close + 4 >= stat.size())
      continue;
    if (std::atoi(stat.c_str() + close + 4) == parent)
      found.emplace_back(pid, stat[close + 2]);
  }
  return found;
}

TEST(ProcessLimits, AsASubreaperItReapsOrphansAndSweepsDescendants) {
  config_dir config;
  config.helper_service("storm", "orphans 500 300");
  // A grandchild that leaves for its own session and ignores SIGTERM: only
  // the final sweep over wingmate's descendants can end it.
  // Its $0 names the config directory, so the test can find it afterwards.
  config.shell_service("leaver", "setsid sh -c 'trap \"\" TERM; while :; do sleep 1; done' "
                                   + config.file("leftover") + " &\n"
                                   "exec " + helper_bin("wm_test_child") + " sleep");
  orphan_guard guard; // what wingmate leaves, should the test fail half-way
  child_process wm({wingmate_bin(), "-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("released 500 orphans", 20s)) << wm.all_output();
  EXPECT_NE(wm.all_output().find("(subreaper)"), std::string::npos) << wm.all_output();

  std::this_thread::sleep_for(2s);
  std::size_t zombies = 0;
  for (const auto& [pid, state] : children_of(wm.pid()))
    zombies += state == 'Z' ? 1 : 0;
  EXPECT_EQ(zombies, 0u);

  // The session leader re-parented to wingmate when its shell exited.
  wm.signal(SIGTERM);
  ASSERT_EQ(wm.wait_exit(10s), 0) << wm.all_output();
  EXPECT_NE(wm.all_output().find("remaining process"), std::string::npos) << wm.all_output();
  std::size_t left = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec))
    left += read_file(entry.path() / "cmdline").find(config.path()) != std::string::npos;
  EXPECT_EQ(left, 0u);
}

} // namespace
} // namespace wm::test

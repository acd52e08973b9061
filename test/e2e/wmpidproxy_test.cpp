// wmpidproxy end to end, each case in its own PID namespace (unshare
// --kill-child) so that the daemons it supervises die with it. The daemon is
// test/helpers/wm_test_daemon: it double-forks, writes its pidfile late, and
// replaces itself with a new pid on SIGUSR2.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "harness/process_harness.hpp"

namespace wm::test {
namespace {

using std::chrono::steady_clock;

std::string pidproxy_bin() {
  return build_path("wmtools/wmpidproxy");
}

std::string daemon_bin() {
  return helper_bin("wm_test_daemon");
}

std::vector<pid_t> children_of(pid_t pid) {
  std::istringstream in(
    read_file("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children"));
  std::vector<pid_t> children;
  for (pid_t child = 0; in >> child;)
    children.push_back(child);
  return children;
}

std::string exe_of(pid_t pid) {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).string();
}

char state_of(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() ? '?' : stat[close + 2];
}

// The first living process below `root` (breadth first) running `exe`.
pid_t find_below(pid_t root, const std::string& exe) {
  const std::string wanted = std::filesystem::canonical(exe).string();
  std::deque<pid_t> queue{root};
  while (!queue.empty()) {
    pid_t pid = queue.front();
    queue.pop_front();
    for (pid_t child : children_of(pid)) {
      if (exe_of(child) == wanted && state_of(child) != 'Z')
        return child;
      queue.push_back(child);
    }
  }
  return 0;
}

/// `argv` run as PID 1 of a new PID namespace; killed with everything in it
/// at the end.
class namespaced {
public:
  explicit namespaced(std::vector<std::string> argv,
                      std::map<std::string, std::string> env = {{"WINGMATE_STARTSECS", "0"}})
    : unshare_(with_unshare(std::move(argv)), start_options{std::move(env), {}}) {}

  ~namespaced() {
    // PID 1 of the namespace takes every process in it along.
    if (pid_t init = first_child(); init > 0 && unshare_.running())
      ::kill(init, SIGKILL);
    unshare_.wait_exit(10s);
  }

  /// wmpidproxy's host pid, once it runs.
  pid_t proxy_pid() {
    pid_t found = 0;
    wait_until([&] { return (found = find_below(unshare_.pid(), pidproxy_bin())) > 0; }, 5s);
    return found;
  }

  /// The daemon's current host pid (below wmpidproxy), once it runs.
  pid_t daemon_pid() {
    pid_t proxy = proxy_pid();
    pid_t found = 0;
    wait_until([&] { return (found = find_below(proxy, daemon_bin())) > 0; }, 5s);
    return found;
  }

  void signal_proxy(int signo) { ::kill(proxy_pid(), signo); }
  std::optional<int> wait_exit(milliseconds timeout) { return unshare_.wait_exit(timeout); }
  bool running() { return unshare_.running(); }
  bool wait_for_output(const std::string& needle, milliseconds timeout) const {
    return unshare_.wait_for_output(needle, timeout);
  }
  std::string err() const { return unshare_.err(); }

private:
  static std::vector<std::string> with_unshare(std::vector<std::string> argv) {
    std::vector<std::string> full{"unshare", "--kill-child", "-p", "-f", "--mount-proc"};
    full.insert(full.end(), argv.begin(), argv.end());
    return full;
  }

  pid_t first_child() const {
    auto children = children_of(unshare_.pid());
    return children.empty() ? 0 : children.front();
  }

  child_process unshare_;
};

/// `wmpidproxy --pid-file PIDFILE ARGS -- COMMAND`.
std::vector<std::string> pidproxy(const std::string& pidfile, std::vector<std::string> command,
                                  std::vector<std::string> options = {}) {
  std::vector<std::string> argv{pidproxy_bin(), "--pid-file", pidfile};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back("--");
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

/// The test daemon writing `pidfile`, with more options.
std::vector<std::string> test_daemon(const std::string& pidfile,
                                     std::vector<std::string> options = {}) {
  std::vector<std::string> argv{daemon_bin(), "--pidfile", pidfile};
  argv.insert(argv.end(), options.begin(), options.end());
  return argv;
}

/// The number that follows `prefix` in `text` ("" when there is none).
std::string number_after(const std::string& text, const std::string& prefix) {
  auto at = text.find(prefix);
  if (at == std::string::npos)
    return "";
  at += prefix.size();
  return text.substr(at, text.find_first_not_of("0123456789", at) - at);
}

std::vector<std::string> shell(const std::string& script) {
  return {"/bin/sh", "-c", script};
}

// -- supervising ----------------------------------------------------------------

TEST(Wmpidproxy, KeepsSupervisingADaemonWhosePidfileComesLate) {
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  auto start = steady_clock::now();
  namespaced proxy(pidproxy(pidfile, test_daemon(pidfile, {"--delay-ms", "2000"})));

  ASSERT_TRUE(proxy.wait_for_output("watching daemon pid", 8s)) << proxy.err();
  EXPECT_GE(steady_clock::now() - start, 1900ms);
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(proxy.running()) << proxy.err();

  // The daemon dies of the TERM we passed on: that is success.
  proxy.signal_proxy(SIGTERM);
  EXPECT_EQ(proxy.wait_exit(5s), 0) << proxy.err();
}

TEST(Wmpidproxy, TermReachesTheDaemonAndItsExitCodeComesBack) {
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  const std::string log = (dir / "signals").string();
  namespaced proxy(
    pidproxy(pidfile, test_daemon(pidfile, {"--term-exit", "7", "--signal-log", log})));
  ASSERT_TRUE(proxy.wait_for_output("watching daemon pid", 5s)) << proxy.err();

  proxy.signal_proxy(SIGTERM);
  EXPECT_EQ(proxy.wait_exit(5s), 7) << proxy.err();
  EXPECT_NE(read_file(log).find("SIGTERM"), std::string::npos);
  EXPECT_NE(proxy.err().find("exited with code 7"), std::string::npos) << proxy.err();
}

TEST(Wmpidproxy, PassesHupUsr1AndIntOn) {
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  const std::string log = (dir / "signals").string();
  namespaced proxy(pidproxy(pidfile, test_daemon(pidfile, {"--signal-log", log})));
  ASSERT_TRUE(proxy.wait_for_output("watching daemon pid", 5s)) << proxy.err();

  proxy.signal_proxy(SIGHUP);
  ASSERT_TRUE(wait_until([&] { return read_file(log).find("SIGHUP") != std::string::npos; }, 5s));
  proxy.signal_proxy(SIGUSR1);
  ASSERT_TRUE(wait_until([&] { return read_file(log).find("SIGUSR1") != std::string::npos; }, 5s));
  EXPECT_TRUE(proxy.running());

  proxy.signal_proxy(SIGINT);
  EXPECT_EQ(proxy.wait_exit(5s), 0) << proxy.err();
  EXPECT_NE(read_file(log).find("SIGINT"), std::string::npos);
}

TEST(Wmpidproxy, ADaemonThatEndsByItselfPassesItsCodeOn) {
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  namespaced proxy(
    pidproxy(pidfile, test_daemon(pidfile, {"--exit-after-ms", "300", "--exit-code", "3"})));
  EXPECT_EQ(proxy.wait_exit(5s), 3) << proxy.err();
}

TEST(Wmpidproxy, AKilledDaemonEndsItWithin100ms) {
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  namespaced proxy(pidproxy(pidfile, test_daemon(pidfile)));
  ASSERT_TRUE(proxy.wait_for_output("watching daemon pid", 5s)) << proxy.err();
  ASSERT_EQ(proxy.err().find("no pidfd support"), std::string::npos) << "pidfd path expected";
  pid_t daemon = proxy.daemon_pid();
  ASSERT_GT(daemon, 0);

  auto killed_at = steady_clock::now();
  ::kill(daemon, SIGKILL);
  auto code = proxy.wait_exit(5s);
  auto latency = std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::now()
                                                                       - killed_at);
  EXPECT_EQ(code, 128 + SIGKILL) << proxy.err();
  EXPECT_LT(latency, 100ms);
  std::cout << "[ latency  ] daemon killed -> wmpidproxy exited: " << latency.count() / 1000.0
            << " ms\n";
  RecordProperty("latency_us", static_cast<int>(latency.count()));
}

TEST(Wmpidproxy, WatchesADaemonThatIsNotItsOwnChild) {
  // The daemon's parent, a shell waiting for it, stays alive: the daemon is
  // a grandchild, watched through its pidfd, and its status is unknown.
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  const std::string daemon = daemon_bin() + " --foreground --pidfile " + pidfile;
  namespaced stopped(pidproxy(pidfile, shell("sh -c '" + daemon + " & wait' &")));
  ASSERT_TRUE(stopped.wait_for_output("watching daemon pid", 5s)) << stopped.err();
  stopped.signal_proxy(SIGTERM);
  EXPECT_EQ(stopped.wait_exit(5s), 0) << stopped.err(); // a stop was asked for
  EXPECT_NE(stopped.err().find("its status is unknown"), std::string::npos) << stopped.err();

  namespaced killed(pidproxy(pidfile, shell("sh -c '" + daemon + " & wait' &")));
  ASSERT_TRUE(killed.wait_for_output("watching daemon pid", 5s)) << killed.err();
  ::kill(killed.daemon_pid(), SIGKILL);
  EXPECT_EQ(killed.wait_exit(5s), 1) << killed.err();
}

TEST(Wmpidproxy, StartSecsDelaysTheFirstLook) {
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  auto start = steady_clock::now();
  namespaced proxy(pidproxy(pidfile, test_daemon(pidfile)), {{"WINGMATE_STARTSECS", "1.5"}});
  ASSERT_TRUE(proxy.wait_for_output("watching daemon pid", 5s)) << proxy.err();
  auto waited = steady_clock::now() - start;
  EXPECT_GE(waited, 1400ms);
  EXPECT_LT(waited, 2500ms); // no more than the grace: a fresh file is seen at once
}

TEST(Wmpidproxy, BecomesTheDaemonsParentAsASubreaper) {
  // sh is PID 1 here, wmpidproxy its child: without the subreaper role the
  // double-forked daemon would land on sh.
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  namespaced proxy(shell(pidproxy_bin() + " --pid-file " + pidfile + " -- " + daemon_bin()
                         + " --pidfile " + pidfile + " --term-exit 5; exit $?"));
  ASSERT_TRUE(proxy.wait_for_output("watching daemon pid", 5s)) << proxy.err();
  pid_t daemon = proxy.daemon_pid();
  ASSERT_GT(daemon, 0);
  std::string stat = read_file("/proc/" + std::to_string(daemon) + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  char state = 0;
  pid_t parent = 0;
  fields >> state >> parent;
  EXPECT_EQ(parent, proxy.proxy_pid());

  proxy.signal_proxy(SIGTERM);
  EXPECT_EQ(proxy.wait_exit(5s), 5) << proxy.err();
}

TEST(Wmpidproxy, ReapsOrphansThatLandOnIt) {
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  namespaced proxy(pidproxy(
    pidfile, shell("for i in 1 2 3 4 5; do (sleep 0.1 &); done; exec " + daemon_bin()
                   + " --pidfile " + pidfile)));
  ASSERT_TRUE(proxy.wait_for_output("watching daemon pid", 5s)) << proxy.err();
  pid_t wmpidproxy = proxy.proxy_pid();
  std::this_thread::sleep_for(600ms); // the orphans have exited by now
  EXPECT_TRUE(wait_until(
    [&] {
      for (pid_t child : children_of(wmpidproxy))
        if (state_of(child) == 'Z')
          return false;
      return true;
    },
    2s));
  EXPECT_TRUE(proxy.running());
}

// -- following a daemon that replaces itself ------------------------------------

TEST(Wmpidproxy, FollowsARexecThatChangesThePid) {
  // The old daemon exits at once; its successor writes the pidfile 300 ms later.
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  const std::string log = (dir / "signals").string();
  namespaced proxy(pidproxy(pidfile, test_daemon(pidfile, {"--term-exit", "9", "--signal-log",
                                                           log, "--successor-delay-ms", "300"})));
  ASSERT_TRUE(proxy.wait_for_output("watching daemon pid", 5s)) << proxy.err();
  pid_t old_daemon = proxy.daemon_pid();
  const std::string old_ns_pid = number_after(proxy.err(), "watching daemon pid ");

  proxy.signal_proxy(SIGUSR2); // passed on: the daemon re-execs
  ASSERT_TRUE(proxy.wait_for_output("following the daemon from pid " + old_ns_pid + " to pid", 5s))
    << proxy.err();
  pid_t new_daemon = proxy.daemon_pid();
  EXPECT_NE(new_daemon, old_daemon);
  EXPECT_TRUE(proxy.running());

  proxy.signal_proxy(SIGTERM);
  EXPECT_EQ(proxy.wait_exit(5s), 9) << proxy.err();
  EXPECT_NE(read_file(log).find("SIGTERM"), std::string::npos);
  // The old daemon got USR2, and never the TERM.
  EXPECT_NE(read_file(log).find(old_ns_pid + " SIGUSR2"), std::string::npos) << read_file(log);
  EXPECT_EQ(read_file(log).find(old_ns_pid + " SIGTERM"), std::string::npos) << read_file(log);
}

TEST(Wmpidproxy, NoticesARewrittenPidfileWhileTheOldDaemonLives) {
  // The successor writes the pidfile first; the old daemon exits 500 ms later.
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  namespaced proxy(pidproxy(pidfile, test_daemon(pidfile, {"--term-exit", "4",
                                                           "--successor-delay-ms", "0",
                                                           "--old-exits-after-ms", "500"})));
  ASSERT_TRUE(proxy.wait_for_output("watching daemon pid", 5s)) << proxy.err();
  ::kill(proxy.daemon_pid(), SIGUSR2);
  ASSERT_TRUE(proxy.wait_for_output("following the daemon from pid", 5s)) << proxy.err();

  std::this_thread::sleep_for(900ms); // the old daemon is gone by now
  EXPECT_TRUE(proxy.running()) << proxy.err();
  proxy.signal_proxy(SIGTERM);
  EXPECT_EQ(proxy.wait_exit(5s), 4) << proxy.err();
}

// -- refusing pidfiles ------------------------------------------------------------

TEST(Wmpidproxy, NeverActsOnAStalePidfile) {
  // The file names a live descendant, but it is dated before CMD started.
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  namespaced proxy(pidproxy(
    pidfile, shell("sleep 30 & echo $! > " + pidfile + "; touch -d '1 hour ago' " + pidfile),
    {"--pid-timeout", "1"}));
  EXPECT_EQ(proxy.wait_exit(5s), 124) << proxy.err();
  EXPECT_NE(proxy.err().find("left over from an earlier run"), std::string::npos) << proxy.err();
  EXPECT_NE(proxy.err().find("gave up waiting"), std::string::npos) << proxy.err();
  EXPECT_EQ(proxy.err().find("watching"), std::string::npos) << proxy.err();
  EXPECT_EQ(proxy.err().find("passed"), std::string::npos) << proxy.err();
}

TEST(Wmpidproxy, WaitsPastAStalePidfileForAFreshOne) {
  temp_dir dir;
  const std::string pidfile = dir.write("d.pid", "1\n").string(); // acted on, it would be refused
  timespec past[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, pidfile.c_str(), past, 0), 0);

  namespaced proxy(pidproxy(pidfile, test_daemon(pidfile, {"--delay-ms", "500"})));
  ASSERT_TRUE(proxy.wait_for_output("watching daemon pid", 5s)) << proxy.err();
  EXPECT_NE(proxy.err().find("ignoring"), std::string::npos) << proxy.err();
  proxy.signal_proxy(SIGTERM);
  EXPECT_EQ(proxy.wait_exit(5s), 0) << proxy.err();
}

TEST(Wmpidproxy, RefusesAPidfileNamingADeadProcess) {
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  namespaced proxy(pidproxy(
    pidfile, shell("sh -c 'exit 0' & p=$!; wait $p; echo $p > " + pidfile)));
  EXPECT_EQ(proxy.wait_exit(5s), 125) << proxy.err();
  EXPECT_NE(proxy.err().find("is not running"), std::string::npos) << proxy.err();
  EXPECT_NE(proxy.err().find("no signal was sent"), std::string::npos) << proxy.err();
}

TEST(Wmpidproxy, RefusesAPidfileNamingPid1) {
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  namespaced proxy(pidproxy(pidfile, shell("echo 1 > " + pidfile)));
  EXPECT_EQ(proxy.wait_exit(5s), 125) << proxy.err();
  EXPECT_NE(proxy.err().find("is the init process (PID 1)"), std::string::npos) << proxy.err();
}

TEST(Wmpidproxy, RefusesAPidfileNamingAProcessThatIsNotItsDescendant) {
  // sh is PID 1 and starts the sleep itself: a sibling of wmpidproxy.
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  namespaced proxy(shell("sleep 30 & echo $! > " + pidfile + "; " + pidproxy_bin()
                         + " --pid-file " + pidfile + " -- touch " + pidfile + "; exit $?"));
  EXPECT_EQ(proxy.wait_exit(5s), 125) << proxy.err();
  EXPECT_NE(proxy.err().find("is not a descendant"), std::string::npos) << proxy.err();
}

TEST(Wmpidproxy, GivesUpClearlyWhenNoPidfileAppears) {
  temp_dir dir;
  const std::string pidfile = (dir / "never.pid").string();
  namespaced proxy(pidproxy(pidfile, {"true"}, {"--pid-timeout", "0.5"}));
  EXPECT_EQ(proxy.wait_exit(5s), 124) << proxy.err();
  EXPECT_NE(proxy.err().find("gave up waiting for " + pidfile + " after 0.5 s: it does not exist"),
            std::string::npos)
    << proxy.err();
}

TEST(Wmpidproxy, GivesUpOnAPidfileThatNeverHoldsAPid) {
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  namespaced proxy(
    pidproxy(pidfile, shell("echo garbage > " + pidfile), {"--pid-timeout", "0.5"}));
  EXPECT_EQ(proxy.wait_exit(5s), 124) << proxy.err();
  EXPECT_NE(proxy.err().find("not a process id"), std::string::npos) << proxy.err();
}

// -- CMD itself -------------------------------------------------------------------

TEST(Wmpidproxy, ACommandThatFailsEndsItWithItsCode) {
  temp_dir dir;
  const std::string pidfile = (dir / "d.pid").string();
  namespaced failing(pidproxy(pidfile, shell("exit 3")));
  EXPECT_EQ(failing.wait_exit(5s), 3);
  EXPECT_NE(failing.err().find("exited with code 3 before a daemon was found"), std::string::npos)
    << failing.err();

  namespaced missing(pidproxy(pidfile, {"wm-no-such-command"}));
  EXPECT_EQ(missing.wait_exit(5s), 127);
  EXPECT_NE(missing.err().find("wm-no-such-command"), std::string::npos);

  namespaced not_executable(pidproxy(pidfile, {dir.write("x", "text").string()}));
  EXPECT_EQ(not_executable.wait_exit(5s), 126);
}

TEST(Wmpidproxy, UsageErrorsExit125) {
  child_process process({pidproxy_bin(), "--", "true"});
  EXPECT_EQ(process.wait_exit(5s), 125);
  EXPECT_NE(process.err().find("--pid-file is required"), std::string::npos);
}

} // namespace
} // namespace wm::test

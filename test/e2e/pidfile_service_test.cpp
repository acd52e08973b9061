// Pidfile services end to end, with wingmate as PID 1 of its own PID
// namespace: the daemon is test/helpers/wm_test_daemon, which double-forks,
// writes its pidfile late, logs the signals it gets, and re-execs with a new
// pid on SIGUSR2. Pids in wingmate's log lines and in the daemon's signal
// log are the namespace's.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "e2e_support.hpp"

namespace wm::test {
namespace {

using std::chrono::steady_clock;

std::string quoted(const std::string& text) {
  return nlohmann::json(text).dump();
}

/// A wingmate.yaml entry for service `name`: `command`, pidfile `pidfile`,
/// and more `settings` lines (each "key: value").
std::string pidfile_service(const std::string& name, const std::vector<std::string>& command,
                            const std::string& pidfile,
                            const std::vector<std::string>& settings = {}) {
  std::string entry = "  " + name + ":\n    command: " + nlohmann::json(command).dump() + "\n"
                      + "    pidfile: " + quoted(pidfile) + "\n";
  for (const auto& line : settings)
    entry += "    " + line + "\n";
  return entry;
}

/// The test daemon writing `pidfile`, with more options.
std::vector<std::string> test_daemon(const std::string& pidfile,
                                     std::vector<std::string> options = {}) {
  std::vector<std::string> argv{helper_bin("wm_test_daemon"), "--pidfile", pidfile};
  argv.insert(argv.end(), options.begin(), options.end());
  return argv;
}

/// The number that follows the last `prefix` in `text`; 0 when none does.
pid_t number_after_last(const std::string& text, const std::string& prefix) {
  auto at = text.rfind(prefix);
  if (at == std::string::npos)
    return 0;
  return static_cast<pid_t>(std::atoi(text.c_str() + at + prefix.size()));
}

/// The host pid of the process with namespace pid `ns_pid`; 0 when none.
pid_t host_pid_of(const namespaced_wingmate& wm, pid_t ns_pid) {
  for (const auto& p : wm.processes())
    if (p.ns_pid == ns_pid && p.state != 'Z')
      return p.host_pid;
  return 0;
}

/// A config directory with one wingmate.yaml service list.
struct pidfile_setup {
  config_dir config;
  std::string pidfile = config.file("d.pid");
  std::string signals = config.file("signals");

  void write(const std::string& services) const {
    config.dir().write("wingmate.yaml", "service:\n" + services);
  }
  std::string signal_log() const { return read_file(signals); }
  bool got(pid_t ns_pid, const std::string& signal) const {
    return signal_log().find(std::to_string(ns_pid) + " " + signal) != std::string::npos;
  }
};

const std::string k_found = "service[d]: found daemon pid ";

TEST(PidfileService, ADaemonWhosePidfileComesLateRunsAndStopsOnSigterm) {
  pidfile_setup s;
  s.write(pidfile_service(
    "d", test_daemon(s.pidfile, {"--delay-ms", "2000", "--signal-log", s.signals}), s.pidfile));
  const auto start = steady_clock::now();
  namespaced_wingmate wm({"-c", s.config.path()});
  ASSERT_TRUE(wm.wait_for_output(k_found, 15s)) << wm.all_output();
  EXPECT_GE(steady_clock::now() - start, 1900ms);
  EXPECT_TRUE(wm.wait_for_output("service[d]: its command exited with code 0; waiting for its "
                                 "daemon to write " + s.pidfile, 1s))
    << wm.all_output();
  const pid_t daemon = number_after_last(wm.all_output(), k_found);
  ASSERT_GT(daemon, 1);
  EXPECT_NE(wm.all_output().find(k_found + std::to_string(daemon) + " in " + s.pidfile),
            std::string::npos);

  // Still supervised a while later, by the same daemon.
  std::this_thread::sleep_for(1500ms);
  ASSERT_GT(host_pid_of(wm, daemon), 0) << wm.all_output();
  EXPECT_EQ(wm.process().count_output(k_found), 1u) << wm.all_output();
  EXPECT_EQ(wm.all_output().find("could not start"), std::string::npos) << wm.all_output();

  // The stop signal goes to the daemon, and wingmate is done at once.
  const auto stop = steady_clock::now();
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(8s), 0) << wm.all_output();
  EXPECT_LT(steady_clock::now() - stop, 4s);
  EXPECT_TRUE(s.got(daemon, "SIGTERM")) << s.signal_log();
  EXPECT_NE(wm.all_output().find("service[d]: stopped (daemon pid " + std::to_string(daemon)
                                 + " killed by SIGTERM)"),
            std::string::npos)
    << wm.all_output();
}

TEST(PidfileService, KillingTheDaemonStartsANewOne) {
  pidfile_setup s;
  s.write(pidfile_service("d", test_daemon(s.pidfile, {"--delay-ms", "200"}), s.pidfile,
                          {"startsecs: 0.5"}));
  namespaced_wingmate wm({"-c", s.config.path()});
  ASSERT_TRUE(wm.wait_for_output(k_found, 10s)) << wm.all_output();
  const pid_t first = number_after_last(wm.all_output(), k_found);
  const pid_t first_host = host_pid_of(wm, first);
  ASSERT_GT(first_host, 0) << wm.all_output();
  std::this_thread::sleep_for(800ms); // a good run: restarted at once

  ::kill(first_host, SIGKILL);
  ASSERT_TRUE(wm.wait_for_output("service[d]: daemon pid " + std::to_string(first)
                                 + " killed by SIGKILL after", 10s))
    << wm.all_output();
  ASSERT_TRUE(wait_until([&] { return wm.process().count_output(k_found) == 2; }, 15s))
    << wm.all_output();
  const pid_t second = number_after_last(wm.all_output(), k_found);
  EXPECT_NE(second, first);
  const pid_t second_host = host_pid_of(wm, second);
  EXPECT_GT(second_host, 0);
  EXPECT_NE(second_host, first_host);
  EXPECT_EQ(wm.zombies(), 0u);

  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(8s), 0) << wm.all_output();
}

TEST(PidfileService, HupAndUsr2ReachTheDaemonAndAReexecIsFollowed) {
  pidfile_setup s;
  s.write(pidfile_service("d", test_daemon(s.pidfile, {"--signal-log", s.signals,
                                                        "--successor-delay-ms", "300"}),
                          s.pidfile));
  namespaced_wingmate wm({"-c", s.config.path()});
  ASSERT_TRUE(wm.wait_for_output(k_found, 10s)) << wm.all_output();
  const pid_t daemon = number_after_last(wm.all_output(), k_found);

  wm.signal(SIGHUP);
  ASSERT_TRUE(wait_until([&] { return s.got(daemon, "SIGHUP"); }, 5s)) << wm.all_output();

  // USR2 makes the test daemon re-exec: its successor writes the pidfile
  // 300 ms after the old one has exited.
  wm.signal(SIGUSR2);
  const std::string following = "service[d]: following the daemon from pid "
                                + std::to_string(daemon) + " to pid ";
  ASSERT_TRUE(wm.wait_for_output(following, 10s)) << wm.all_output();
  const pid_t successor = number_after_last(wm.all_output(), following);
  EXPECT_NE(successor, daemon);
  EXPECT_TRUE(s.got(daemon, "SIGUSR2")) << s.signal_log();
  EXPECT_EQ(wm.process().count_output("service[d]: started"), 1u) << wm.all_output();

  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(8s), 0) << wm.all_output();
  EXPECT_TRUE(s.got(successor, "SIGTERM")) << s.signal_log();
  EXPECT_FALSE(s.got(daemon, "SIGTERM")) << s.signal_log();
}

TEST(PidfileService, FollowsASuccessorThatWroteThePidfileBeforeTheOldDaemonEnded) {
  // The successor writes its pid at once; the old daemon exits 500 ms later.
  pidfile_setup s;
  s.write(pidfile_service("d", test_daemon(s.pidfile, {"--signal-log", s.signals,
                                                        "--successor-delay-ms", "0",
                                                        "--old-exits-after-ms", "500"}),
                          s.pidfile));
  namespaced_wingmate wm({"-c", s.config.path()});
  ASSERT_TRUE(wm.wait_for_output(k_found, 10s)) << wm.all_output();
  const pid_t daemon = number_after_last(wm.all_output(), k_found);
  ::kill(host_pid_of(wm, daemon), SIGUSR2);
  const std::string following = "service[d]: following the daemon from pid "
                                + std::to_string(daemon) + " to pid ";
  ASSERT_TRUE(wm.wait_for_output(following, 10s)) << wm.all_output();
  const pid_t successor = number_after_last(wm.all_output(), following);
  EXPECT_GT(host_pid_of(wm, successor), 0);
  EXPECT_EQ(wm.process().count_output("service[d]: started"), 1u) << wm.all_output();
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(8s), 0) << wm.all_output();
  EXPECT_TRUE(s.got(successor, "SIGTERM")) << s.signal_log();
}

TEST(PidfileService, ACommandThatWritesItsOwnPidIsItsOwnDaemon) {
  pidfile_setup s;
  s.write(pidfile_service("d", test_daemon(s.pidfile, {"--foreground", "--signal-log",
                                                        s.signals}),
                          s.pidfile));
  namespaced_wingmate wm({"-c", s.config.path()});
  ASSERT_TRUE(wm.wait_for_output("(the command itself)", 10s)) << wm.all_output();
  const pid_t daemon = number_after_last(wm.all_output(), k_found);
  wm.signal(SIGHUP);
  EXPECT_TRUE(wait_until([&] { return s.got(daemon, "SIGHUP"); }, 5s)) << wm.all_output();
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(8s), 0) << wm.all_output();
  EXPECT_TRUE(s.got(daemon, "SIGTERM")) << s.signal_log();
}

TEST(PidfileService, ADaemonThatIsNotWingmatesChildIsStillWatched) {
  // The command stays in front, waiting for the daemon it started: the
  // daemon's parent is the shell, so the reaper never sees its exit and the
  // watcher checks it through its pidfd.
  pidfile_setup s;
  const std::string daemon_command = helper_bin("wm_test_daemon") + " --foreground --pidfile "
                                     + s.pidfile + " --signal-log " + s.signals;
  s.write(pidfile_service("d", {"/bin/sh", "-c", daemon_command + " & wait"}, s.pidfile,
                          {"startsecs: 0.5"}));
  namespaced_wingmate wm({"-c", s.config.path(), "--log-level", "debug"});
  ASSERT_TRUE(wm.wait_for_output(k_found, 10s)) << wm.all_output();
  const pid_t first = number_after_last(wm.all_output(), k_found);
  EXPECT_TRUE(wm.wait_for_output("pidfile[d]: pid " + std::to_string(first)
                                 + " is not wingmate's child: checking it every 1 s", 2s))
    << wm.all_output();
  std::this_thread::sleep_for(700ms);

  ::kill(host_pid_of(wm, first), SIGKILL);
  ASSERT_TRUE(wm.wait_for_output("service[d]: daemon pid " + std::to_string(first)
                                 + " ended out of wingmate's sight after", 10s))
    << wm.all_output();
  ASSERT_TRUE(wait_until([&] { return wm.process().count_output(k_found) == 2; }, 10s))
    << wm.all_output();
  const pid_t second = number_after_last(wm.all_output(), k_found);
  EXPECT_NE(second, first);

  // Its end during the stop is seen the same way: the stop is over at once.
  const auto stop = steady_clock::now();
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(10s), 0) << wm.all_output();
  EXPECT_LT(steady_clock::now() - stop, 4s);
  EXPECT_TRUE(s.got(second, "SIGTERM")) << s.signal_log();
  EXPECT_EQ(wm.all_output().find("sending SIGKILL"), std::string::npos) << wm.all_output();
}

TEST(PidfileService, NoPidfileIsAFailedStartAfterTheTimeoutAndIsRetried) {
  pidfile_setup s;
  s.write(pidfile_service("d", {"/bin/true"}, s.pidfile, {"pidfile_timeout: 1"}));
  const auto start = steady_clock::now();
  namespaced_wingmate wm({"-c", s.config.path()});
  const std::string failed = "service[d]: could not start: no fresh pidfile " + s.pidfile
                             + " 1 s after the start (it does not exist); check that pidfile "
                               "names the file the daemon writes, or raise pidfile_timeout";
  ASSERT_TRUE(wm.wait_for_output(failed, 10s)) << wm.all_output();
  EXPECT_GE(steady_clock::now() - start, 900ms);
  EXPECT_TRUE(wait_until([&] { return wm.process().count_output(failed) >= 2; }, 10s))
    << wm.all_output();
  EXPECT_EQ(wm.all_output().find("found daemon"), std::string::npos) << wm.all_output();
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(8s), 0) << wm.all_output();
}

TEST(PidfileService, AStalePidfileIsNeverActedOn) {
  // Left over from an earlier run: it names PID 1, dated an hour ago. The
  // daemon writes a fresh one a second after its start.
  pidfile_setup s;
  s.config.dir().write("d.pid", "1\n");
  timespec past[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, s.pidfile.c_str(), past, 0), 0);
  s.write(pidfile_service("d", test_daemon(s.pidfile, {"--delay-ms", "1000"}), s.pidfile));
  namespaced_wingmate wm({"-c", s.config.path()});
  ASSERT_TRUE(wm.wait_for_output(k_found, 10s)) << wm.all_output();
  EXPECT_NE(wm.all_output().find("pidfile[d]: ignoring " + s.pidfile
                                 + ": it was last written before the command started"),
            std::string::npos)
    << wm.all_output();
  EXPECT_GT(number_after_last(wm.all_output(), k_found), 1);
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(8s), 0) << wm.all_output();
}

TEST(PidfileService, AStalePidfileNamingADeadPidEndsInAFailedStart) {
  pidfile_setup s;
  s.config.dir().write("d.pid", "4000000\n");
  timespec past[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, s.pidfile.c_str(), past, 0), 0);
  s.write(pidfile_service("d", {"/bin/true"}, s.pidfile, {"pidfile_timeout: 1"}));
  namespaced_wingmate wm({"-c", s.config.path()});
  ASSERT_TRUE(wm.wait_for_output("service[d]: could not start: no fresh pidfile " + s.pidfile
                                   + " 1 s after the start (it was last written before the "
                                     "command started)",
                                 10s))
    << wm.all_output();
  EXPECT_EQ(wm.all_output().find("found daemon"), std::string::npos) << wm.all_output();
  EXPECT_EQ(wm.all_output().find("refused"), std::string::npos) << wm.all_output();
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(8s), 0) << wm.all_output();
}

TEST(PidfileService, AFreshPidfileNamingPid1IsRefused) {
  pidfile_setup s;
  s.write(pidfile_service("d", {"/bin/sh", "-c", "echo 1 > " + s.pidfile}, s.pidfile));
  namespaced_wingmate wm({"-c", s.config.path()});
  ASSERT_TRUE(wm.wait_for_output("service[d]: could not start: refused " + s.pidfile
                                   + ": pid 1 is the init process (PID 1)",
                                 10s))
    << wm.all_output();
  EXPECT_NE(wm.all_output().find("no signal was sent to it"), std::string::npos);
  EXPECT_EQ(wm.all_output().find("found daemon"), std::string::npos) << wm.all_output();
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(8s), 0) << wm.all_output();
}

TEST(PidfileService, ACommandThatFailsBeforeItsPidfileIsAFailedStart) {
  pidfile_setup s;
  s.write(pidfile_service("d", {"/bin/sh", "-c", "exit 3"}, s.pidfile));
  namespaced_wingmate wm({"-c", s.config.path()});
  const std::string failed = "service[d]: could not start: exited with code 3 before a daemon "
                             "wrote " + s.pidfile + "; starting it again in";
  ASSERT_TRUE(wm.wait_for_output(failed, 10s)) << wm.all_output();
  EXPECT_TRUE(wait_until([&] { return wm.process().count_output(failed) >= 2; }, 10s))
    << wm.all_output();
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(8s), 0) << wm.all_output();
}

} // namespace
} // namespace wm::test

namespace wm::test {
namespace {

TEST(PidfileService, APidfileNamingAnotherServicesProcessIsNotTakenOver) {
  pidfile_setup s;
  // "other" is a plain service that writes its own pid; "d" then claims the
  // file as its pidfile (touched after d's start, so it is fresh).
  const std::string other_pid = s.config.file("other.pid");
  s.config.shell_service("other", "echo $$ > " + other_pid + "\nexec "
                                    + helper_bin("wm_test_child") + " sleep");
  s.write(pidfile_service("d", {"/bin/sh", "-c", "sleep 0.5; touch " + other_pid}, other_pid,
                          {"pidfile_timeout: 3"}));
  namespaced_wingmate wm({"-c", s.config.path()});
  ASSERT_TRUE(wm.wait_for_output("service[other]: started", 10s)) << wm.all_output();
  const auto before = wm.find("wm_test_child sleep");
  ASSERT_EQ(before.size(), 1u) << wm.all_output();

  ASSERT_TRUE(wm.wait_for_output("which is service other's process; refused", 10s))
    << wm.all_output();
  ASSERT_TRUE(wm.wait_for_output("service[d]: could not start: its pidfile " + other_pid
                                   + " names pid",
                                 10s))
    << wm.all_output();
  // The other service's process was never signalled or taken over.
  std::this_thread::sleep_for(500ms);
  const auto after = wm.find("wm_test_child sleep");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].host_pid, before[0].host_pid);

  // Its stop is still its own.
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(8s), 0) << wm.all_output();
  EXPECT_NE(wm.all_output().find("service[other]: stopped"), std::string::npos)
    << wm.all_output();
}

} // namespace
} // namespace wm::test

// The core supervisor end to end, with wingmate as PID 1 of its own PID
// namespace: starting, restarting, reaping and stopping.

#include <signal.h>

#include <thread>

#include "e2e_support.hpp"

namespace wm::test {
namespace {

TEST(Core, StartsEveryServiceWithACleanProcessState) {
  config_dir config;
  config.helper_service("one", "report " + config.file("one.report"));
  config.helper_service("two.sh", "report " + config.file("two.report"));
  config.helper_service("three", "sleep");
  namespaced_wingmate wm({"-c", config.path()});

  ASSERT_TRUE(wait_until([&] { return wm.find("wm_test_child").size() == 3; }, 5s))
    << wm.all_output();
  for (const char* report : {"one.report", "two.report"}) {
    ASSERT_TRUE(wait_until([&] { return !read_file(config.file(report)).empty(); }, 5s));
    std::string text = read_file(config.file(report));
    EXPECT_NE(text.find("SigIgn:\t0000000000000000"), std::string::npos) << text;
    EXPECT_NE(text.find("SigBlk:\t0000000000000000"), std::string::npos) << text;
    EXPECT_NE(text.find("fds: 0 1 2\n"), std::string::npos) << text;
  }
  // Each service leads its own process group, a child of wingmate.
  for (const auto& p : wm.find("wm_test_child")) {
    EXPECT_EQ(p.ns_ppid, 1);
    EXPECT_EQ(status_field(p.host_pid, "NSpgid").substr(
                status_field(p.host_pid, "NSpgid").find_last_of(" \t") + 1),
              std::to_string(p.ns_pid));
  }
  EXPECT_TRUE(wm.wait_for_output("service[three]: started (pid", 1s));
}

TEST(Core, AKilledServiceIsBackWithinASecond) {
  config_dir config;
  config.helper_service("web", "stamp " + config.file("web.stamps"));
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wait_until([&] { return stamps(config.file("web.stamps")).size() == 1; }, 5s));
  std::this_thread::sleep_for(1200ms); // past startsecs: a good run

  auto web = wm.find("wm_test_child");
  ASSERT_EQ(web.size(), 1u);
  const long long killed_at = now_ns();
  ::kill(web[0].host_pid, SIGKILL);
  ASSERT_TRUE(wait_until([&] { return stamps(config.file("web.stamps")).size() == 2; }, 5s));
  const auto restarted_at = stamps(config.file("web.stamps"))[1];
  const double gap_ms = static_cast<double>(restarted_at - killed_at) / 1e6;
  EXPECT_LT(gap_ms, 1000.0);
  EXPECT_TRUE(wm.wait_for_output("killed by SIGKILL after", 1s)) << wm.all_output();
}

TEST(Core, ACrashLoopBacksOffWhileTheOthersRunOn) {
  config_dir config;
  config.helper_service("crash", "stamp-exit " + config.file("crash.stamps") + " 1");
  config.helper_service("steady", "sleep");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wait_until([&] { return wm.find("wm_test_child sleep").size() == 1; }, 5s));
  const pid_t steady = wm.find("wm_test_child sleep")[0].host_pid;
  const long cpu_before = cpu_ticks(wm.host_pid());

  // 0.1 + 0.2 + 0.4 + 0.8 + 1.6 s: the sixth start comes about 3.1 s in.
  ASSERT_TRUE(wait_until([&] { return stamps(config.file("crash.stamps")).size() >= 6; }, 15s))
    << wm.all_output();
  auto times = stamps(config.file("crash.stamps"));
  std::vector<double> gaps;
  for (std::size_t i = 1; i < times.size(); ++i)
    gaps.push_back(static_cast<double>(times[i] - times[i - 1]) / 1e6);
  // Each wait is about twice the one before (generous bounds for a busy
  // machine and a sanitizer build, where every start and exit is slower).
  const double expected[] = {100, 200, 400, 800, 1600};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_GE(gaps[i], expected[i] * 0.9) << "gap " << i;
    EXPECT_LE(gaps[i], expected[i] * 1.25 + 600) << "gap " << i;
  }
  // The steady service was never touched, and wingmate stayed cheap.
  ASSERT_EQ(wm.find("wm_test_child sleep").size(), 1u);
  EXPECT_EQ(wm.find("wm_test_child sleep")[0].host_pid, steady);
  EXPECT_LT(cpu_ticks(wm.host_pid()) - cpu_before, 30); // under 0.3 s of CPU in ~3 s
  EXPECT_TRUE(wm.wait_for_output("starting it again in 1.6 s", 1s)) << wm.all_output();
}

TEST(Core, AnOrphanStormLeavesNoZombie) {
  config_dir config;
  config.helper_service("storm", "orphans 2000 300");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("released 2000 orphans", 20s)) << wm.all_output();
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(wm.zombies(), 0u);
  EXPECT_EQ(wm.processes().size(), 1u); // only the storm service itself
}

TEST(Core, SigtermEndsCooperativeServicesWithinASecond) {
  config_dir config;
  for (const char* name : {"a", "b", "c"})
    config.helper_service(name, "sleep");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wait_until([&] { return wm.find("wm_test_child").size() == 3; }, 5s));

  auto start = std::chrono::steady_clock::now();
  wm.signal(SIGTERM);
  auto code = wm.wait_exit(5s);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  EXPECT_LT(took, 1s);
  EXPECT_NE(wm.all_output().find("exiting with code 0"), std::string::npos);
}

TEST(Core, SigquitStopsLikeSigterm) {
  config_dir config;
  config.helper_service("a", "sleep");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wait_until([&] { return wm.find("wm_test_child").size() == 1; }, 5s));
  wm.signal(SIGQUIT);
  EXPECT_EQ(wm.wait_exit(5s), 0);
}

TEST(Core, AServiceIgnoringSigtermIsKilledAfterFiveSeconds) {
  config_dir config;
  config.helper_service("stubborn", "ignore-term");
  config.helper_service("polite", "sleep");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("ignoring SIGTERM", 5s));

  auto start = std::chrono::steady_clock::now();
  wm.signal(SIGTERM);
  std::this_thread::sleep_for(2s);
  wm.signal(SIGTERM); // a second one does not restart the sequence
  auto code = wm.wait_exit(10s);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  EXPECT_GE(took, 4500ms);
  EXPECT_LT(took, 6500ms);
  EXPECT_TRUE(wm.wait_for_output("still running 5 s after SIGTERM; sending SIGKILL", 1s))
    << wm.all_output();
  EXPECT_NE(wm.all_output().find("already stopping"), std::string::npos);
}

TEST(Core, LeftoverProcessesAreSweptAtTheEnd) {
  config_dir config;
  // The service exits on SIGTERM but leaves a grandchild in its own session
  // that ignores SIGTERM: the final sweep must SIGKILL it.
  config.shell_service("leaver",
                       "setsid sh -c 'trap \"\" TERM; while :; do sleep 1; done' &\n"
                       "exec " + helper_bin("wm_test_child") + " sleep");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wait_until([&] { return wm.processes().size() >= 3; }, 5s));
  auto start = std::chrono::steady_clock::now();
  wm.signal(SIGTERM);
  ASSERT_EQ(wm.wait_exit(10s), 0);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 1500ms); // it waited for the SIGTERM of the sweep
  EXPECT_LT(took, 4s);
  EXPECT_NE(wm.all_output().find("sending SIGKILL"), std::string::npos) << wm.all_output();
}

TEST(Core, MissingConfigDirectoryExits2NamingIt) {
  child_process wm({wingmate_bin(), "-c", "/nonexistent/wingmate-config"});
  EXPECT_EQ(wm.wait_exit(5s), 2);
  EXPECT_NE(wm.err().find("config directory /nonexistent/wingmate-config does not exist"),
            std::string::npos)
    << wm.err();
}

TEST(Core, EmptyConfigDirectoryExits2) {
  config_dir config;
  config.dir().write("service/readme.txt", "not a service");
  child_process wm({wingmate_bin(), "-c", config.path()});
  EXPECT_EQ(wm.wait_exit(5s), 2);
  EXPECT_NE(wm.err().find("has nothing to run"), std::string::npos) << wm.err();
  EXPECT_NE(wm.err().find("not executable"), std::string::npos) << wm.err();
}

TEST(Core, ConfigPathFromTheEnvironment) {
  config_dir config;
  config.helper_service("envsvc", "sleep");
  namespaced_wingmate wm({}, with_env({{"WINGMATE_CONFIG_PATH", config.path()}}));
  EXPECT_TRUE(wm.wait_for_output("service[envsvc]: started", 5s)) << wm.all_output();
}

} // namespace
} // namespace wm::test

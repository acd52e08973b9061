// Signals that are not a stop: HUP and USR2 are passed to running services,
// USR1 is kept for the status dump, anything else is only logged.

#include <signal.h>

#include <thread>

#include "e2e_support.hpp"

namespace wm::test {
namespace {

const char* k_trapper =
  "trap 'echo got-HUP' HUP\n"
  "trap 'echo got-USR2' USR2\n"
  "trap 'echo got-USR1' USR1\n"
  "echo ready\n"
  "while :; do sleep 0.05; done";

TEST(Signals, HupAndUsr2ArePassedToRunningServices) {
  config_dir config;
  config.shell_service("trapper", k_trapper);
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("trapper | ready", 5s));

  wm.signal(SIGHUP);
  EXPECT_TRUE(wm.wait_for_output("trapper | got-HUP", 3s)) << wm.all_output();
  wm.signal(SIGUSR2);
  EXPECT_TRUE(wm.wait_for_output("trapper | got-USR2", 3s)) << wm.all_output();
  wm.signal(SIGUSR1);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(wm.all_output().find("got-USR1"), std::string::npos);
  // Nothing restarted, wingmate still runs.
  EXPECT_EQ(wm.process().count_output("service[trapper]: started"), 1u);
  EXPECT_TRUE(wm.process().running());
}

TEST(Signals, NothingIsQueuedForAServiceInBackoff) {
  config_dir config;
  // Exits at once and waits longer and longer to start again; a HUP sent
  // while it waits must not reach the next run.
  config.shell_service("flaky",
                       "trap 'echo got-HUP' HUP\necho run; sleep 0.3; exit 1");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("starting it again in 0.2 s", 5s)) << wm.all_output();
  wm.signal(SIGHUP);
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(wm.all_output().find("got-HUP"), std::string::npos) << wm.all_output();
}

TEST(Signals, OtherSignalsAreLoggedAndNeverFatal) {
  config_dir config;
  config.helper_service("svc", "sleep");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("service[svc]: started", 5s));
  for (int sig : {SIGALRM, SIGUSR1, SIGPIPE, SIGTSTP, SIGTTIN, SIGPWR, SIGRTMIN + 3}) {
    wm.signal(sig);
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(wm.wait_for_output("received SIGALRM", 2s)) << wm.all_output();
  EXPECT_TRUE(wm.wait_for_output("received SIGRTMIN+3", 2s)) << wm.all_output();
  EXPECT_TRUE(wm.process().running());
  EXPECT_EQ(status_field(wm.host_pid(), "State").substr(0, 1), "S"); // not stopped by TSTP
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(5s), 0);
}

} // namespace
} // namespace wm::test

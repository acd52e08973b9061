// `wingmate -- CMD`: the main command's exit code becomes wingmate's, and an
// interactive shell gets the terminal.

#include <signal.h>

#include "e2e_support.hpp"

namespace wm::test {
namespace {

int run_main(const std::vector<std::string>& command) {
  config_dir config; // exists, but holds no service
  std::vector<std::string> args{"-c", config.path(), "--"};
  args.insert(args.end(), command.begin(), command.end());
  namespaced_wingmate wm(args);
  auto code = wm.wait_exit(10s);
  EXPECT_TRUE(code.has_value()) << wm.all_output();
  return code.value_or(-1);
}

TEST(MainCommand, ExitCodesPassThrough) {
  EXPECT_EQ(run_main({helper_bin("wm_test_child"), "exit", "0"}), 0);
  EXPECT_EQ(run_main({helper_bin("wm_test_child"), "exit", "3"}), 3);
  EXPECT_EQ(run_main({"/bin/sh", "-c", "kill -9 $$"}), 128 + 9);
  EXPECT_EQ(run_main({"/nonexistent/program"}), 127);
  EXPECT_EQ(run_main({"no-such-command-in-path"}), 127);
  EXPECT_EQ(run_main({"/etc/hostname"}), 126);
}

TEST(MainCommand, ItsEndStopsTheServices) {
  config_dir config;
  config.helper_service("svc", "sleep");
  namespaced_wingmate wm(
    {"-c", config.path(), "--", helper_bin("wm_test_child"), "exit", "5", "1500"});
  ASSERT_TRUE(wm.wait_for_output("service[svc]: started", 5s));
  EXPECT_EQ(wm.wait_exit(10s), 5);
  EXPECT_NE(wm.all_output().find("service[svc]: stopped"), std::string::npos)
    << wm.all_output();
}

TEST(MainCommand, ARequestedStopExitsZero) {
  namespaced_wingmate wm({"--", helper_bin("wm_test_child"), "sleep"});
  ASSERT_TRUE(wm.wait_for_output("service[main]: started", 5s));
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(10s), 0);
}

TEST(MainCommand, ItsOutputIsPrefixedWhenNotATerminal) {
  namespaced_wingmate wm({"--", "/bin/sh", "-c", "echo hello from main"});
  EXPECT_EQ(wm.wait_exit(10s), 0);
  EXPECT_NE(wm.process().out().find("main | hello from main"), std::string::npos)
    << wm.all_output();
}

TEST(MainCommand, ItReadsWingmatesStdin) {
  namespaced_wingmate wm({"--", "/bin/sh", "-c", "read line; echo got $line"},
                         with_input("piped-text\n"));
  EXPECT_EQ(wm.wait_exit(10s), 0);
  EXPECT_NE(wm.process().out().find("main | got piped-text"), std::string::npos)
    << wm.all_output();
}

TEST(MainCommand, AnInteractiveShellGetsTheTerminal) {
  // util-linux `script` gives wingmate a pseudo-terminal on stdin; the shell
  // must read the typed commands and its output must come through unprefixed.
  std::string inner = "unshare --kill-child -p -f --mount-proc " + wingmate_bin()
                      + " -- /bin/sh -i";
  child_process script({"script", "-qefc", inner, "/dev/null"},
                       with_input("echo hello-$((40+2))\n"
                                  "tty >/dev/null && echo has-tty\n"
                                  "exit 7\n"));
  auto code = script.wait_exit(15s);
  ASSERT_TRUE(code.has_value()) << script.all_output();
  EXPECT_EQ(*code, 7) << script.all_output();
  std::string out = script.out();
  EXPECT_NE(out.find("hello-42"), std::string::npos) << out;
  EXPECT_NE(out.find("has-tty"), std::string::npos) << out;
  EXPECT_EQ(out.find("main | hello-42"), std::string::npos) << out;
}

} // namespace
} // namespace wm::test

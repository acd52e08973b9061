// Fault injection, end to end with wingmate as PID 1: wingmate's own stdout
// or stderr is closed, or is a pipe whose reader has gone (`wingmate | head
// -1`), as PID 1 and (for SIGPIPE, which the kernel keeps from a PID
// namespace's init) as a plain process under another init. wingmate must
// neither die of SIGPIPE nor stop supervising: services
// are still restarted, SIGUSR1 still writes the status document, and
// SIGTERM still ends it with exit code 0. Lines that cannot be written are
// dropped.

#include "faults_support.hpp"

namespace wm::test {
namespace {

// A service that prints a line and exits at every start (a crash loop with
// output), and one that runs quietly.
void talky_and_steady(const config_dir& config) {
  json services;
  services["talky"]["command"] = {
    "/bin/sh", "-c",
    "echo talking as $$; exec " + helper_bin("wm_test_child") + " stamp-exit "
      + config.file("talky.stamps") + " 1"};
  services["talky"]["backoff"] = {{"initial", 0.1}, {"max", 0.4}};
  services["steady"]["command"] = helper_command({"sleep"});
  config.dir().write("wingmate.json", json{{"service", services}}.dump(2));
}

std::size_t talky_starts(const config_dir& config) {
  return stamps(config.file("talky.stamps")).size();
}

// What must hold whatever became of wingmate's output: restarts go on, a
// dump is written, SIGTERM ends it with 0.
void still_supervises(namespaced_wingmate& wm, const config_dir& config) {
  ASSERT_TRUE(wm.process().running()) << "wingmate ended: " << wm.all_output();
  const std::size_t before = talky_starts(config);
  ASSERT_TRUE(wait_until([&] { return talky_starts(config) >= before + 3; }, 10s))
    << wm.all_output();
  const json doc = dump(wm, 1);
  ASSERT_TRUE(doc.is_object()) << wm.all_output();
  EXPECT_EQ(service_named(doc, "steady")["state"], "running");
  EXPECT_GE(service_named(doc, "talky")["restarts"], 3);
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(10s), 0) << wm.all_output();
}

TEST(FaultsOutput, ClosedStdoutDropsTheServicesLinesOnly) {
  config_dir config;
  talky_and_steady(config);
  start_options options;
  options.close_stdout = true;
  namespaced_wingmate wm({"-c", config.path()}, options);
  ASSERT_TRUE(wait_until([&] { return talky_starts(config) >= 2; }, 10s)) << wm.all_output();
  // The closed descriptor is /dev/null now, so no file wingmate opens takes
  // its place.
  EXPECT_EQ(fd_target(wm.host_pid(), 1), "/dev/null");
  still_supervises(wm, config);
  EXPECT_NE(wm.all_output().find("status: wrote status #1"), std::string::npos);
  EXPECT_NE(wm.all_output().find("service[talky]: exited with code 1"), std::string::npos);
  EXPECT_EQ(wm.all_output().find("talky | talking"), std::string::npos);
}

TEST(FaultsOutput, ClosedStderrDropsWingmatesOwnLinesOnly) {
  config_dir config;
  talky_and_steady(config);
  start_options options;
  options.close_stderr = true;
  namespaced_wingmate wm({"-c", config.path()}, options);
  ASSERT_TRUE(wait_until([&] { return talky_starts(config) >= 2; }, 10s)) << wm.all_output();
  EXPECT_EQ(fd_target(wm.host_pid(), 2), "/dev/null");
  still_supervises(wm, config);
  EXPECT_NE(wm.all_output().find("talky | talking as"), std::string::npos);
  EXPECT_EQ(wm.all_output().find("supervisor:"), std::string::npos);
}

TEST(FaultsOutput, BothClosed) {
  config_dir config;
  talky_and_steady(config);
  start_options options;
  options.close_stdout = true;
  options.close_stderr = true;
  namespaced_wingmate wm({"-c", config.path()}, options);
  ASSERT_TRUE(wait_until([&] { return talky_starts(config) >= 2; }, 10s));
  still_supervises(wm, config);
}

TEST(FaultsOutput, AReaderThatLeftStopsNothing) {
  // wingmate -c DIR | head -1
  config_dir config;
  talky_and_steady(config);
  start_options options;
  options.pipe_stdout_to = "head -1";
  namespaced_wingmate wm({"-c", config.path()}, options);
  ASSERT_TRUE(wm.wait_for_output("talky | talking as", 10s)) << wm.all_output();
  // head has left after its line; every later line meets a closed pipe.
  ASSERT_TRUE(wait_until([&] { return talky_starts(config) >= 4; }, 10s)) << wm.all_output();
  still_supervises(wm, config);
  EXPECT_EQ(wm.process().out().find('\n'), wm.process().out().size() - 1) << wm.process().out();
  // wingmate's own lines still reach stderr.
  EXPECT_NE(wm.process().err().find("service[talky]: exited with code 1"), std::string::npos);
}

TEST(FaultsOutput, AReaderOfBothStreamsThatLeftStopsNothing) {
  // wingmate -c DIR 2>&1 | head -1, with a warning about the config as the
  // first line (written before any service starts).
  config_dir config;
  talky_and_steady(config);
  config.dir().write("service/.hidden", "");
  start_options options;
  options.pipe_stdout_to = "head -1";
  options.pipe_stderr_too = true;
  namespaced_wingmate wm({"-c", config.path()}, options);
  ASSERT_TRUE(wm.wait_for_output("warning wingmate: ", 10s)) << wm.all_output();
  ASSERT_TRUE(wait_until([&] { return talky_starts(config) >= 4; }, 10s)) << wm.all_output();
  still_supervises(wm, config);
}

TEST(FaultsOutput, APipeWithoutAnyReaderIsNoSigpipe) {
  // Not as PID 1: the kernel drops signals that would kill the init of a
  // PID namespace, but under another init (docker run --init, a non-root
  // wingmate) SIGPIPE is as deadly as for any process. The reader is gone
  // before wingmate writes its first line, a warning about the config:
  // that line used to end wingmate with SIGPIPE.
  config_dir config;
  talky_and_steady(config);
  config.dir().write("service/.hidden", "");
  start_options options = with_env({{"WINGMATE_STATUS_FILE", config.file("status.json")}});
  options.pipe_stdout_to = "";
  options.pipe_stderr_too = true;
  child_process wm({wingmate_bin(), "-c", config.path()}, options);
  ASSERT_TRUE(wait_until([&] { return talky_starts(config) >= 4; }, 10s))
    << "exit code " << wm.wait_exit(0ms).value_or(-1);
  ASSERT_TRUE(wm.running());
  wm.signal(SIGUSR1);
  ASSERT_TRUE(wait_until([&] { return read_json(config.file("status.json")).is_object(); }, 5s));
  EXPECT_GE(service_named(read_json(config.file("status.json")), "talky")["restarts"], 3);
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(10s), 0);
}

} // namespace
} // namespace wm::test

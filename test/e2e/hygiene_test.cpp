// Descriptor and signal hygiene, end to end with wingmate as PID 1: every
// child (a service, a cron job, the main command) starts with descriptors
// 0, 1 and 2 only, an empty signal mask and default dispositions (SigBlk
// and SigIgn 0), however much wingmate holds open by then (its status file
// written, pipes for 1000 services, its own logs) and whatever its parent
// left it with (ignored and blocked signals).

#include <csignal>

#include "faults_support.hpp"

namespace wm::test {
namespace {

constexpr int k_services = 1000;

// The report is written in one piece when the reporter starts.
std::string await_report(const std::string& file, const std::string& not_from_pid = {}) {
  std::string text;
  wait_until(
    [&] {
      text = read_file(file);
      return text.find("pid: ") != std::string::npos
             && (not_from_pid.empty() || text.find("pid: " + not_from_pid + "\n") == text.npos);
    },
    20s);
  return text;
}

std::string reported_pid(const std::string& report) {
  const auto at = report.find("pid: ");
  return at == std::string::npos ? "" : report.substr(at + 5, report.find('\n', at) - at - 5);
}

void expect_clean(const std::string& report, const std::string& who) {
  SCOPED_TRACE(who);
  ASSERT_NE(report.find("pid: "), std::string::npos) << "no report: " << report;
  EXPECT_NE(report.find("SigIgn:\t0000000000000000\n"), std::string::npos) << report;
  EXPECT_NE(report.find("SigBlk:\t0000000000000000\n"), std::string::npos) << report;
  EXPECT_NE(report.find("fds: 0 1 2\n"), std::string::npos) << report;
}

TEST(Hygiene, EveryChildStartsCleanHoweverMuchWingmateHoldsOpen) {
  config_dir config;
  json services;
  for (int i = 0; i < k_services; ++i)
    services["sleeper" + std::to_string(i)]["command"] = helper_command({"sleep"});
  services["reporter"]["command"] = helper_command({"report", config.file("service.report")});
  json crons;
  crons["reporter-cron"]["command"] = helper_command({"report", config.file("cron.report")});
  crons["reporter-cron"]["schedule"] = "* * * * *";
  config.dir().write("wingmate.json", json{{"service", services}, {"cron", crons}}.dump());
  config.dir().write("clock", "0\n");

  // A careless parent: signals ignored and blocked, which wingmate inherits.
  start_options options = with_env({{"TZ", "UTC"},
                                    {"WINGMATE_TEST_CLOCK_FILE", config.file("clock")}});
  options.ignored_signals = {SIGHUP, SIGPIPE, SIGUSR2, SIGALRM};
  options.blocked_signals = {SIGALRM, SIGWINCH, SIGRTMIN + 3};
  namespaced_wingmate wm({"-c", config.path(), "--", helper_bin("wm_test_child"), "report",
                          config.file("main.report")},
                         options);
  // The careless state reached unshare, which starts wingmate: ignored
  // dispositions and the mask survive its fork and exec. (wingmate's own
  // state cannot be seen before it resets it.)
  ASSERT_NE(status_field(wm.process().pid(), "SigIgn"), "0000000000000000");
  ASSERT_NE(status_field(wm.process().pid(), "SigBlk"), "0000000000000000");

  // The main command and the first reporter start beside the 1000 others.
  expect_clean(await_report(config.file("main.report")), "the main command");
  const std::string first_report = await_report(config.file("service.report"));
  expect_clean(first_report, "a service at start");
  ASSERT_TRUE(wait_until([&] { return wm.find("wm_test_child sleep").size() == k_services; },
                         120s, 200ms))
    << wm.find("wm_test_child sleep").size() << " sleepers";
  EXPECT_GT(open_fds(wm.host_pid()).size(), 2u * k_services);

  // With the status file written and every pipe open, a restarted service
  // and a cron run start as clean as the first.
  const json doc = dump(wm, 1, 30s);
  ASSERT_TRUE(doc.is_object()) << "no status document";
  EXPECT_EQ(doc["services"].size(), k_services + 2u);
  const auto reporter = only_process(wm, "service.report");
  ASSERT_TRUE(reporter);
  ::kill(reporter->host_pid, SIGKILL);
  expect_clean(await_report(config.file("service.report"), reported_pid(first_report)),
               "a restarted service");

  // The cron clock is moved just past the next minute, so the job runs now.
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto into_minute = std::chrono::duration_cast<std::chrono::seconds>(now).count() % 60;
  config.dir().write("clock.new", std::to_string(61 - into_minute) + "\n");
  std::filesystem::rename(config.file("clock.new"), config.file("clock"));
  expect_clean(await_report(config.file("cron.report")), "a cron run");

  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(60s), 0) << wm.all_output().substr(0, 4000);
}

} // namespace
} // namespace wm::test

// Children's output: prefixed lines, partial and long lines, floods, pipes
// held open by grandchildren, and the JSON log format.

#include <signal.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "e2e_support.hpp"

namespace wm::test {
namespace {

TEST(Output, LinesArePrefixedAndGoToTheRightStream) {
  config_dir config;
  config.shell_service("talker", "echo to-stdout; echo to-stderr >&2; exec sleep 100");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("talker | to-stderr", 5s));
  ASSERT_TRUE(wm.wait_for_output("talker | to-stdout", 5s));
  EXPECT_NE(wm.process().out().find("talker | to-stdout\n"), std::string::npos);
  EXPECT_NE(wm.process().err().find("talker | to-stderr\n"), std::string::npos);
  // wingmate's own lines: time, level, component, message, on stderr.
  EXPECT_NE(wm.process().err().find(" info    service[talker]: started (pid"), std::string::npos)
    << wm.process().err();
}

TEST(Output, ALastLineWithoutNewlineIsWrittenWhenThePipeCloses) {
  namespaced_wingmate wm({"--", helper_bin("wm_test_child"), "partial", "no-newline-here"});
  EXPECT_EQ(wm.wait_exit(10s), 0);
  EXPECT_NE(wm.process().out().find("main | no-newline-here\n"), std::string::npos)
    << wm.all_output();
}

TEST(Output, VeryLongLinesAreSplitNotLost) {
  namespaced_wingmate wm({"--", helper_bin("wm_test_child"), "long-line", "40000"});
  EXPECT_EQ(wm.wait_exit(10s), 0);
  std::istringstream lines(wm.process().out());
  std::size_t total = 0, pieces = 0;
  for (std::string line; std::getline(lines, line);) {
    ASSERT_TRUE(line.starts_with("main | ")) << line.substr(0, 40);
    total += line.size() - 7;
    ++pieces;
  }
  EXPECT_EQ(total, 40000u);
  EXPECT_EQ(pieces, 3u); // 16 KiB pieces
}

TEST(Output, AFloodDoesNotDelayTheRestartOfAnotherService) {
  config_dir config;
  config.helper_service("flood", "flood");
  config.helper_service("web", "stamp " + config.file("web.stamps"));
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wait_until([&] { return stamps(config.file("web.stamps")).size() == 1; }, 5s));
  std::this_thread::sleep_for(1200ms);

  auto web = wm.find("wm_test_child stamp");
  ASSERT_EQ(web.size(), 1u);
  const long long killed_at = now_ns();
  ::kill(web[0].host_pid, SIGKILL);
  ASSERT_TRUE(wait_until([&] { return stamps(config.file("web.stamps")).size() == 2; }, 5s));
  EXPECT_LT(static_cast<double>(stamps(config.file("web.stamps"))[1] - killed_at) / 1e6, 1000.0);
  // The flood really flowed meanwhile, line by line.
  EXPECT_GT(wm.process().out().size(), 100000u);
}

TEST(Output, AGrandchildHoldingThePipeDoesNotDelayTheRestart) {
  config_dir config;
  config.helper_service("leaver", "bg-grandchild 0");
  namespaced_wingmate wm({"-c", config.path()});
  // Each run exits at once and leaves a grandchild with its stdout open: the
  // exits are still seen, so the service keeps being restarted.
  ASSERT_TRUE(wait_until(
    [&] { return wm.process().count_output("service[leaver]: started") >= 3; }, 5s))
    << wm.all_output();
}

TEST(Output, JsonLogFormatGivesOneObjectPerLine) {
  config_dir config;
  config.shell_service("talker", "echo '\"quoted\" \\\\ text'; exec sleep 100");
  namespaced_wingmate wm({"-c", config.path(), "--log-format", "json"});
  ASSERT_TRUE(wm.wait_for_output("quoted", 5s));
  ASSERT_TRUE(wm.wait_for_output("started", 5s));
  wm.signal(SIGTERM);
  ASSERT_EQ(wm.wait_exit(5s), 0);

  bool saw_line = false, saw_own = false;
  std::istringstream all(wm.all_output());
  for (std::string line; std::getline(all, line);) {
    auto object = nlohmann::json::parse(line); // throws (fails) if not one JSON object
    if (object.contains("line")) {
      EXPECT_EQ(object["service"], "talker");
      EXPECT_EQ(object["stream"], "stdout");
      EXPECT_EQ(object["line"], "\"quoted\" \\ text");
      saw_line = true;
    } else {
      EXPECT_TRUE(object.contains("time"));
      EXPECT_TRUE(object.contains("level"));
      EXPECT_TRUE(object.contains("component"));
      EXPECT_TRUE(object.contains("message"));
      if (object["component"] == "service" && object["service"] == "talker")
        saw_own = true;
    }
  }
  EXPECT_TRUE(saw_line);
  EXPECT_TRUE(saw_own);
}

} // namespace
} // namespace wm::test

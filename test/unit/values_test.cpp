// Small value types: exit statuses, signal names, durations, environments,
// the command-line split and /proc parsing.

#include <gtest/gtest.h>

#include <csignal>
#include <sys/wait.h>

#include "actors/os/process_tree.hpp"
#include "messages/duration.hpp"
#include "messages/environment.hpp"
#include "messages/exit_status.hpp"
#include "messages/log_level.hpp"
#include "messages/signal_names.hpp"
#include "wmtools/args.hpp"

namespace wm {
namespace {

using namespace std::chrono_literals;

TEST(ExitStatus, MapsToShellCodes) {
  EXPECT_EQ(exit_status::exited(0).shell_code(), 0);
  EXPECT_EQ(exit_status::exited(3).shell_code(), 3);
  EXPECT_EQ(exit_status::exited(255).shell_code(), 255);
  EXPECT_EQ(exit_status::killed(SIGKILL).shell_code(), 137);
  EXPECT_EQ(exit_status::killed(SIGTERM).shell_code(), 143);
  EXPECT_TRUE(exit_status::exited(0).success());
  EXPECT_FALSE(exit_status::killed(SIGTERM).success());
}

TEST(ExitStatus, ReadsRealWaitStatuses) {
  // What waitpid fills in for `exit(7)` and for death by SIGSEGV with a core.
  auto exited = exit_status::from_wait_status(7 << 8);
  EXPECT_TRUE(exited.is_exit());
  EXPECT_EQ(exited.code(), 7);
  auto dumped = exit_status::from_wait_status(SIGSEGV | 0x80);
  EXPECT_FALSE(dumped.is_exit());
  EXPECT_EQ(dumped.signal(), SIGSEGV);
  EXPECT_EQ(dumped.describe(), "killed by SIGSEGV (core dumped)");
  EXPECT_EQ(exit_status::exited(3).describe(), "exited with code 3");
}

TEST(SignalNames, BothWays) {
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_EQ(signal_name(SIGRTMIN + 2), "SIGRTMIN+2");
  EXPECT_EQ(signal_name(99), "signal 99");
  EXPECT_EQ(parse_signal("SIGINT"), SIGINT);
  EXPECT_EQ(parse_signal("int"), SIGINT);
  EXPECT_EQ(parse_signal("Quit"), SIGQUIT);
  EXPECT_EQ(parse_signal("15"), SIGTERM);
  EXPECT_EQ(parse_signal("RTMIN+1"), SIGRTMIN + 1);
  EXPECT_EQ(parse_signal("SIGRTMAX-1"), SIGRTMAX - 1);
  EXPECT_FALSE(parse_signal("SIGFOO"));
  EXPECT_FALSE(parse_signal("0"));
  EXPECT_FALSE(parse_signal("65"));
  EXPECT_FALSE(parse_signal("-1"));
  EXPECT_FALSE(parse_signal(""));
  EXPECT_FALSE(parse_signal("RTMIN+99"));
}

TEST(Duration, FormatsForPeople) {
  EXPECT_EQ(format_duration(0ms), "0 s");
  EXPECT_EQ(format_duration(3ms), "3 ms");
  EXPECT_EQ(format_duration(10ms), "0.01 s");
  EXPECT_EQ(format_duration(100ms), "0.1 s");
  EXPECT_EQ(format_duration(250ms), "0.25 s");
  EXPECT_EQ(format_duration(1500ms), "1.5 s");
  EXPECT_EQ(format_duration(30s), "30 s");
  EXPECT_EQ(format_duration(150s), "2.5 min");
  EXPECT_EQ(format_duration(3h), "3 h");
}

TEST(Environment, AddsAndReplaces) {
  auto env = merge_environment({"PATH=/bin", "HOME=/root"}, {"HOME=/srv", "URL=a=b=c"});
  EXPECT_EQ(env, (std::vector<std::string>{"PATH=/bin", "HOME=/srv", "URL=a=b=c"}));
}

TEST(LogLevel, Parses) {
  EXPECT_EQ(parse_log_level("warn"), log_level::warning);
  EXPECT_EQ(parse_log_level("debug"), log_level::debug);
  EXPECT_FALSE(parse_log_level("loud"));
}

TEST(SplitArgs, SplitsAtTheFirstDoubleDash) {
  const char* argv[] = {"wingmate", "-c", "/etc/x", "--", "sh", "-c", "echo -- hi"};
  auto split = split_at_double_dash(7, argv);
  EXPECT_EQ(split.options, (std::vector<std::string>{"wingmate", "-c", "/etc/x"}));
  EXPECT_EQ(split.command, (std::vector<std::string>{"sh", "-c", "echo -- hi"}));
  EXPECT_TRUE(split.had_separator);
}

TEST(SplitArgs, WithoutDoubleDashEverythingIsOptions) {
  const char* argv[] = {"wingmate", "--log-level", "debug"};
  auto split = split_at_double_dash(3, argv);
  EXPECT_EQ(split.options.size(), 3u);
  EXPECT_TRUE(split.command.empty());
  EXPECT_FALSE(split.had_separator);
}

TEST(SplitArgs, SecondDoubleDashBelongsToTheCommand) {
  const char* argv[] = {"wmexec", "--", "--", "x"};
  auto split = split_at_double_dash(4, argv);
  EXPECT_EQ(split.command, (std::vector<std::string>{"--", "x"}));
  const char* bare[] = {"wingmate", "--"};
  auto empty = split_at_double_dash(2, bare);
  EXPECT_TRUE(empty.had_separator);
  EXPECT_TRUE(empty.command.empty());
}

TEST(ProcessTree, ParsesTheParentFromStat) {
  EXPECT_EQ(os::parent_from_stat("123 (sleep) S 45 123 45 0 -1"), 45);
  EXPECT_EQ(os::parent_from_stat("9 (a) b) (c) R 1 9 9"), 1);
  EXPECT_EQ(os::parent_from_stat("9 (x) Z 0 9"), 0);
  EXPECT_FALSE(os::parent_from_stat("garbage"));
  EXPECT_FALSE(os::parent_from_stat("9 (x) S"));
}

} // namespace
} // namespace wm

// The command lines of wmexec and wmpidproxy, and how wmpidproxy turns the
// daemon's end into its exit code.

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <csignal>
#include <initializer_list>
#include <string>
#include <vector>

#include "wmtools/wmexec_cli.hpp"
#include "wmtools/wmpidproxy_cli.hpp"
#include "wmtools/wmpidproxy_exit.hpp"

namespace wm {
namespace {

using namespace std::chrono_literals;

// argv from words, program name first.
class argv_of {
public:
  argv_of(std::initializer_list<const char*> words) : words_(words) {}
  int argc() const { return static_cast<int>(words_.size()); }
  const char* const* argv() const { return words_.data(); }

private:
  std::vector<const char*> words_;
};

parsed_command_line<wmexec_options> wmexec(std::initializer_list<const char*> words) {
  argv_of args(words);
  return parse_wmexec_command_line(args.argc(), args.argv());
}

parsed_command_line<wmpidproxy_options> wmpidproxy(std::initializer_list<const char*> words,
                                                   const char* startsecs = nullptr) {
  argv_of args(words);
  return parse_wmpidproxy_command_line(args.argc(), args.argv(), startsecs);
}

// -- wmexec -------------------------------------------------------------------

TEST(WmexecArgs, CommandAloneRunsAsIs) {
  auto cli = wmexec({"wmexec", "--", "sleep", "10"});
  ASSERT_TRUE(cli.run) << cli.err;
  EXPECT_FALSE(cli.run->user);
  EXPECT_FALSE(cli.run->new_session);
  EXPECT_EQ(cli.run->command, (std::vector<std::string>{"sleep", "10"}));
  EXPECT_TRUE(cli.err.empty());
}

TEST(WmexecArgs, LongAndShortOptions) {
  for (auto cli : {wmexec({"wmexec", "--user", "www:staff", "--setsid", "--", "id"}),
                   wmexec({"wmexec", "-u", "www:staff", "-s", "--", "id"}),
                   wmexec({"wmexec", "--user=www:staff", "-s", "--", "id"})}) {
    ASSERT_TRUE(cli.run) << cli.err;
    ASSERT_TRUE(cli.run->user);
    EXPECT_EQ(cli.run->user->user, "www");
    EXPECT_EQ(cli.run->user->group, "staff");
    EXPECT_TRUE(cli.run->new_session);
  }
}

TEST(WmexecArgs, UserWithoutGroup) {
  auto cli = wmexec({"wmexec", "-u", "1000", "--", "id"});
  ASSERT_TRUE(cli.run);
  EXPECT_EQ(cli.run->user->user, "1000");
  EXPECT_EQ(cli.run->user->group, "");
}

TEST(WmexecArgs, OptionsAfterTheSeparatorBelongToTheCommand) {
  auto cli = wmexec({"wmexec", "--", "ls", "--user", "-s", "--"});
  ASSERT_TRUE(cli.run);
  EXPECT_FALSE(cli.run->user);
  EXPECT_EQ(cli.run->command, (std::vector<std::string>{"ls", "--user", "-s", "--"}));
}

TEST(WmexecArgs, HelpAndVersionPrintAndExitZero) {
  auto help = wmexec({"wmexec", "--help"});
  EXPECT_FALSE(help.run);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--user"), std::string::npos);
  EXPECT_NE(help.out.find("125"), std::string::npos);
  EXPECT_NE(help.out.find("-- CMD ARGS..."), std::string::npos);

  auto version = wmexec({"wmexec", "--version"});
  EXPECT_FALSE(version.run);
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("wmexec ", 0), 0u);
  EXPECT_EQ(version.out.back(), '\n');
}

TEST(WmexecArgs, UsageErrorsExit125WithAMessage) {
  for (auto cli : {wmexec({"wmexec", "--bogus", "--", "id"}), wmexec({"wmexec", "id"}),
                   wmexec({"wmexec", "--"}), wmexec({"wmexec"}),
                   wmexec({"wmexec", "--user", "--", "id"}),
                   wmexec({"wmexec", "--user", ":staff", "--", "id"}),
                   wmexec({"wmexec", "--user", "a:b:c", "--", "id"}),
                   wmexec({"wmexec", "--user", "", "--", "id"})}) {
    EXPECT_FALSE(cli.run);
    EXPECT_EQ(cli.exit_code, wmexec_exit::own_error);
    EXPECT_EQ(cli.err.rfind("wmexec: ", 0), 0u) << cli.err;
  }
}

TEST(WmexecArgs, MessagesSayWhatToDo) {
  EXPECT_NE(wmexec({"wmexec", "--bogus", "--", "id"}).err.find("unknown option --bogus"),
            std::string::npos);
  EXPECT_NE(wmexec({"wmexec", "id", "-a"}).err.find("wmexec [OPTIONS] -- id -a"),
            std::string::npos);
  EXPECT_NE(wmexec({"wmexec", "--"}).err.find("nothing follows --"), std::string::npos);
}

// -- wmpidproxy ---------------------------------------------------------------

TEST(WmpidproxyArgs, DefaultsAndCommand) {
  auto cli = wmpidproxy({"wmpidproxy", "--pid-file", "/run/d.pid", "--", "d", "-x"});
  ASSERT_TRUE(cli.run) << cli.err;
  EXPECT_EQ(cli.run->pid_file, "/run/d.pid");
  EXPECT_EQ(cli.run->pid_timeout, 30s);
  EXPECT_EQ(cli.run->start_grace, 1s);
  EXPECT_EQ(cli.run->command, (std::vector<std::string>{"d", "-x"}));
}

TEST(WmpidproxyArgs, TimeoutInSecondsWithFractions) {
  auto cli = wmpidproxy({"wmpidproxy", "--pid-file=/p", "--pid-timeout", "2.5", "--", "d"});
  ASSERT_TRUE(cli.run) << cli.err;
  EXPECT_EQ(cli.run->pid_timeout, 2500ms);
  auto alias = wmpidproxy({"wmpidproxy", "--pidfile", "/p", "--pid-timeout=7", "--", "d"});
  ASSERT_TRUE(alias.run) << alias.err;
  EXPECT_EQ(alias.run->pid_file, "/p");
  EXPECT_EQ(alias.run->pid_timeout, 7s);
}

TEST(WmpidproxyArgs, StartSecsFromTheEnvironment) {
  auto zero = wmpidproxy({"wmpidproxy", "--pid-file", "/p", "--", "d"}, "0");
  ASSERT_TRUE(zero.run);
  EXPECT_EQ(zero.run->start_grace, 0ms);
  auto fraction = wmpidproxy({"wmpidproxy", "--pid-file", "/p", "--", "d"}, "0.25");
  ASSERT_TRUE(fraction.run);
  EXPECT_EQ(fraction.run->start_grace, 250ms);
}

TEST(WmpidproxyArgs, BadStartSecsIsAWarningNotAnError) {
  for (const char* bad : {"abc", "-1", "", "1e9", "nan"}) {
    auto cli = wmpidproxy({"wmpidproxy", "--pid-file", "/p", "--", "d"}, bad);
    ASSERT_TRUE(cli.run) << bad;
    EXPECT_EQ(cli.run->start_grace, 1s) << bad;
    EXPECT_NE(cli.err.find("WINGMATE_STARTSECS"), std::string::npos) << bad;
  }
}

TEST(WmpidproxyArgs, UsageErrorsExit125WithAMessage) {
  for (auto cli : {wmpidproxy({"wmpidproxy", "--", "d"}),
                   wmpidproxy({"wmpidproxy", "--pid-file", "/p"}),
                   wmpidproxy({"wmpidproxy", "--pid-file", "/p", "--"}),
                   wmpidproxy({"wmpidproxy", "--pid-file", "", "--", "d"}),
                   wmpidproxy({"wmpidproxy", "--pid-file", "/p", "--pid-timeout", "0", "--", "d"}),
                   wmpidproxy({"wmpidproxy", "--pid-file", "/p", "--pid-timeout", "x", "--", "d"}),
                   wmpidproxy({"wmpidproxy", "--pid-file", "/p", "--bogus", "--", "d"}),
                   wmpidproxy({"wmpidproxy", "--pid-file", "/p", "d"})}) {
    EXPECT_FALSE(cli.run);
    EXPECT_EQ(cli.exit_code, wmpidproxy_exit::own_error);
    EXPECT_EQ(cli.err.rfind("wmpidproxy: ", 0), 0u) << cli.err;
  }
}

TEST(WmpidproxyArgs, HelpDocumentsExitCodesAndSignals) {
  auto help = wmpidproxy({"wmpidproxy", "--help"});
  EXPECT_FALSE(help.run);
  EXPECT_EQ(help.exit_code, 0);
  for (const char* needle : {"--pid-file", "--pid-timeout", "WINGMATE_STARTSECS", "124", "125",
                             "126", "127", "128+N", "TERM", "USR2"})
    EXPECT_NE(help.out.find(needle), std::string::npos) << needle;
  auto version = wmpidproxy({"wmpidproxy", "--version"});
  EXPECT_EQ(version.out.rfind("wmpidproxy ", 0), 0u);
}

// -- wmpidproxy exit codes ------------------------------------------------------

constexpr int exited(int code) {
  return code << 8;
}

TEST(WmpidproxyExitCode, PassesTheDaemonsCodeOn) {
  pidproxy::forwarded_stops none;
  EXPECT_EQ(pidproxy::exit_code_for(exited(0), none), 0);
  EXPECT_EQ(pidproxy::exit_code_for(exited(7), none), 7);
  pidproxy::forwarded_stops term;
  term.add(SIGTERM);
  EXPECT_EQ(pidproxy::exit_code_for(exited(7), term), 7); // its answer to our TERM
}

TEST(WmpidproxyExitCode, DeathByAForwardedStopSignalIsSuccess) {
  pidproxy::forwarded_stops stops;
  stops.add(SIGTERM);
  stops.add(SIGHUP); // not a stop signal: not recorded
  EXPECT_EQ(pidproxy::exit_code_for(SIGTERM, stops), 0);
  EXPECT_EQ(pidproxy::exit_code_for(SIGINT, stops), 128 + SIGINT);
  EXPECT_EQ(pidproxy::exit_code_for(SIGHUP, stops), 128 + SIGHUP);
  EXPECT_EQ(pidproxy::exit_code_for(SIGKILL, stops), 137);
  EXPECT_EQ(pidproxy::exit_code_for(SIGTERM, pidproxy::forwarded_stops{}), 143);
}

TEST(WmpidproxyExitCode, UnknownStatus) {
  pidproxy::forwarded_stops stops;
  EXPECT_EQ(pidproxy::exit_code_for(std::nullopt, stops), wmpidproxy_exit::status_unknown);
  stops.add(SIGQUIT);
  EXPECT_EQ(pidproxy::exit_code_for(std::nullopt, stops), 0);
}

TEST(WmpidproxyExitCode, DescribesStatuses) {
  EXPECT_EQ(pidproxy::describe_wait_status(exited(3)), "exited with code 3");
  EXPECT_EQ(pidproxy::describe_wait_status(SIGKILL), "was killed by SIGKILL");
  EXPECT_EQ(pidproxy::describe_wait_status(SIGSEGV | 0x80),
            "was killed by SIGSEGV (core dumped)");
}

} // namespace
} // namespace wm

// The crontab file: every line form (fields, macros, comments, blank lines,
// CRLF), every kind of bad line (reported with its number and skipped while
// the others stay), the warnings for lines that are kept but doubtful, and
// how load_config() takes the file in.

#include "main/crontab.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "main/config.hpp"

namespace wm {
namespace {

namespace fs = std::filesystem;
using words = std::vector<std::string>;

crontab_read parse(std::string_view text) {
  return parse_crontab(text, "/etc/wingmate/crontab");
}

// The only warning of `read`, or a failure.
std::string only_warning(const crontab_read& read) {
  EXPECT_EQ(read.warnings.size(), 1u);
  return read.warnings.empty() ? "" : read.warnings.front();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// -- good lines ---------------------------------------------------------------

TEST(Crontab, FiveFieldsAndACommandSplitOnWhiteSpace) {
  auto read = parse("*/5 * * * * /usr/bin/backup --quick  \t /data\n");
  ASSERT_EQ(read.jobs.size(), 1u);
  const auto& job = read.jobs[0];
  EXPECT_EQ(job.schedule_text, "*/5 * * * *");
  ASSERT_TRUE(job.when);
  EXPECT_EQ(job.when->text(), "*/5 * * * *");
  EXPECT_EQ(job.run.command, (words{"/usr/bin/backup", "--quick", "/data"}));
  EXPECT_TRUE(read.warnings.empty());
  EXPECT_TRUE(read.error.empty());
}

TEST(Crontab, FieldsMayBeSeparatedByTabsAndRuns) {
  auto read = parse("  0\t3   *\t* mon-fri   echo   hi");
  ASSERT_EQ(read.jobs.size(), 1u);
  EXPECT_EQ(read.jobs[0].schedule_text, "0 3 * * mon-fri");
  EXPECT_EQ(read.jobs[0].run.command, (words{"echo", "hi"}));
}

TEST(Crontab, EveryMacroMayStandForTheFields) {
  for (const char* macro :
       {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
        "@DAILY"}) {
    auto read = parse(std::string(macro) + " /bin/true\n");
    ASSERT_EQ(read.jobs.size(), 1u) << macro;
    EXPECT_EQ(read.jobs[0].schedule_text, macro);
    EXPECT_EQ(read.jobs[0].run.command, words{"/bin/true"});
    EXPECT_TRUE(read.warnings.empty()) << macro;
  }
}

TEST(Crontab, JobsAreNamedAfterTheirLineNumber) {
  auto read = parse("# header\n"
                    "\n"
                    "* * * * * first\n"
                    "   \t  \n"
                    "@hourly second\n");
  ASSERT_EQ(read.jobs.size(), 2u);
  EXPECT_EQ(read.jobs[0].name, "crontab:3");
  EXPECT_EQ(read.jobs[0].source, "crontab line 3");
  EXPECT_EQ(read.jobs[1].name, "crontab:5");
  EXPECT_EQ(read.jobs[1].source, "crontab line 5");
}

TEST(Crontab, JobsHaveTheDefaultsOfACronEntry) {
  auto read = parse("* * * * * job");
  ASSERT_EQ(read.jobs.size(), 1u);
  const auto& job = read.jobs[0];
  EXPECT_EQ(job.overlap, overlap_policy::skip);
  EXPECT_EQ(job.timeout.count(), 0);
  EXPECT_EQ(job.stop_signal, SIGTERM);
  EXPECT_TRUE(job.fatal_reason.empty());
  EXPECT_TRUE(job.run.environ.empty());
  EXPECT_TRUE(job.run.user.empty());
  EXPECT_FALSE(job.run.setsid);
}

TEST(Crontab, CommentsStartALineOrAWord) {
  auto read = parse("# a comment\n"
                    "   # an indented comment\n"
                    "* * * * * report --to ops # nightly, see the wiki\n"
                    "* * * * * open page#top\n");
  ASSERT_EQ(read.jobs.size(), 2u);
  EXPECT_EQ(read.jobs[0].run.command, (words{"report", "--to", "ops"}));
  EXPECT_EQ(read.jobs[1].run.command, (words{"open", "page#top"}));
  EXPECT_TRUE(read.warnings.empty());
}

TEST(Crontab, WindowsLineEndingsAndAMissingLastNewline) {
  auto read = parse("* * * * * one\r\n@daily two\r\n0 0 * * * three");
  ASSERT_EQ(read.jobs.size(), 3u);
  EXPECT_EQ(read.jobs[0].run.command, words{"one"});
  EXPECT_EQ(read.jobs[1].run.command, words{"two"});
  EXPECT_EQ(read.jobs[2].run.command, words{"three"});
  EXPECT_EQ(read.jobs[2].name, "crontab:3");
}

TEST(Crontab, EmptyTextHasNoJobs) {
  for (const char* text : {"", "\n\n", "# only comments\n#\n", "   \t\n"}) {
    auto read = parse(text);
    EXPECT_TRUE(read.jobs.empty()) << text;
    EXPECT_TRUE(read.warnings.empty()) << text;
  }
}

TEST(Crontab, TheGoProjectsExampleKeepsItsMeaning) {
  auto read = parse("*/5 * * * * /etc/wingmate/crontab.d/cron1.sh\n"
                    "17,42 */2 * * * /etc/wingmate/crontab.d/cron2.sh\n"
                    "7,19,23,47 22 * * * /etc/wingmate/crontab.d/cron3.sh");
  ASSERT_EQ(read.jobs.size(), 3u);
  EXPECT_TRUE(read.warnings.empty());
  std::tm at{};
  at.tm_mday = 1;
  at.tm_wday = 4;
  // Standard cron: */5 is 0, 5, ..., 55 (the Go project skipped minute 0).
  for (int minute : {0, 5, 55}) {
    at.tm_min = minute;
    EXPECT_TRUE(read.jobs[0].when->matches(at)) << minute;
  }
  at.tm_min = 17;
  at.tm_hour = 4;
  EXPECT_TRUE(read.jobs[1].when->matches(at));
  at.tm_hour = 5;
  EXPECT_FALSE(read.jobs[1].when->matches(at));
  at.tm_min = 47;
  at.tm_hour = 22;
  EXPECT_TRUE(read.jobs[2].when->matches(at));
}

// -- bad lines ------------------------------------------------------------------

TEST(Crontab, ABadLineIsSkippedWithItsNumberAndTheOthersStay) {
  auto read = parse("* * * * * good-one\n"
                    "61 * * * * bad\n"
                    "@daily good-two\n");
  ASSERT_EQ(read.jobs.size(), 2u);
  EXPECT_EQ(read.jobs[0].name, "crontab:1");
  EXPECT_EQ(read.jobs[1].name, "crontab:3");
  EXPECT_EQ(only_warning(read), "/etc/wingmate/crontab line 2: minute field \"61\": 61 is out "
                                "of range 0-59; the line is skipped");
}

TEST(Crontab, ABinaryFileIsAnErrorAndGivesNoJobs) {
  // Even the one line that parses does not run: the file is not a crontab.
  using namespace std::string_view_literals;
  auto read = parse("* * * * * looks-like-a-job\n\x7f""ELF\x02\x01\n\x00\x00\x3e"sv);
  EXPECT_TRUE(read.jobs.empty());
  EXPECT_TRUE(read.warnings.empty());
  EXPECT_EQ(read.error, "/etc/wingmate/crontab is not a text file (line 3 holds a NUL byte); "
                        "the crontab must be text, one job per line");
}

TEST(Crontab, EveryScheduleErrorNamesTheField) {
  const std::pair<const char*, const char*> cases[] = {
    {"5-1 * * * * x", "minute field \"5-1\""},
    {"* 24 * * * x", "hour field \"24\""},
    {"* * 0 * * x", "day-of-month field \"0\""},
    {"* * * foo * x", "month field \"foo\""},
    {"* * * * mon-sun/0 x", "day-of-week field \"mon-sun/0\""},
    {"@reboot x", "unknown macro \"@reboot\""},
  };
  for (const auto& [line, mention] : cases) {
    auto read = parse(line);
    EXPECT_TRUE(read.jobs.empty()) << line;
    const auto warning = only_warning(read);
    EXPECT_TRUE(warning.starts_with("/etc/wingmate/crontab line 1: ")) << warning;
    EXPECT_TRUE(contains(warning, mention)) << warning;
    EXPECT_TRUE(warning.ends_with("; the line is skipped")) << warning;
  }
}

TEST(Crontab, TooFewWordsOrNoCommand) {
  EXPECT_TRUE(contains(only_warning(parse("* * * *")),
                       "expected 5 schedule fields and a command, found only 4 words"));
  EXPECT_TRUE(contains(only_warning(parse("garbage")),
                       "expected 5 schedule fields and a command, found only 1 word;"));
  EXPECT_TRUE(contains(only_warning(parse("* * * * *")), "there is no command after the "
                                                         "schedule"));
  EXPECT_TRUE(contains(only_warning(parse("@daily   # nothing")),
                       "there is no command after the schedule"));
}

TEST(Crontab, GarbageNamesTheFirstField) {
  auto warning = only_warning(parse("this is not a cron line"));
  EXPECT_TRUE(contains(warning, "line 1: minute field \"this\"")) << warning;
}

TEST(Crontab, EnvironmentLinesAreNotSupported) {
  auto read = parse("MAILTO=ops@example.com\nPATH=/bin\n* * * * * job\n");
  ASSERT_EQ(read.jobs.size(), 1u);
  EXPECT_EQ(read.jobs[0].name, "crontab:3");
  ASSERT_EQ(read.warnings.size(), 2u);
  EXPECT_TRUE(contains(read.warnings[0], "line 1: environment settings such as "
                                         "MAILTO=ops@example.com are not supported"));
  EXPECT_TRUE(contains(read.warnings[1], "line 2: environment settings"));
}

// -- doubtful lines (kept, with a warning) ---------------------------------------

TEST(Crontab, ShellSyntaxIsKeptButWarnedAbout) {
  const std::pair<const char*, const char*> cases[] = {
    {"* * * * * backup > /tmp/log", "'>'"},  {"* * * * * echo \"a b\"", "'\"'"},
    {"* * * * * echo $HOME", "'$'"},         {"* * * * * a | b", "'|'"},
    {"* * * * * rm /tmp/*.tmp", "'*'"},      {"* * * * * ls ~/data", "'~'"},
    {"* * * * * a && b", "'&'"},             {"* * * * * a ; b", "';'"},
  };
  for (const auto& [line, character] : cases) {
    auto read = parse(line);
    ASSERT_EQ(read.jobs.size(), 1u) << line;
    const auto warning = only_warning(read);
    EXPECT_TRUE(contains(warning, "line 1: the command runs without a shell, so "
                                    + std::string(character)))
      << warning;
  }
  // Characters a shell leaves alone give no warning.
  EXPECT_TRUE(parse("* * * * * date +%s.%N --x=1 a:b").warnings.empty());
}

TEST(Crontab, AScheduleThatNeverFiresIsKeptWithAWarning) {
  auto read = parse("0 0 30 2 * never");
  ASSERT_EQ(read.jobs.size(), 1u);
  EXPECT_TRUE(contains(only_warning(read), "line 1: schedule \"0 0 30 2 *\" matches no date"));
}

// -- the file in the config directory ----------------------------------------------

class CrontabFile : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "wm-unit-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir = pattern;
  }
  void TearDown() override { fs::remove_all(dir); }

  void write(const std::string& relative, const std::string& text, unsigned mode = 0644) {
    fs::path p = dir / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
  }

  loaded_config load() {
    config_request request;
    request.dir = dir.string();
    return load_config(request);
  }

  fs::path dir;
};

TEST_F(CrontabFile, MissingFileIsNotAnError) {
  auto read = read_crontab(dir);
  EXPECT_TRUE(read.jobs.empty());
  EXPECT_TRUE(read.warnings.empty());
  EXPECT_TRUE(read.error.empty());
}

TEST_F(CrontabFile, WarningsNameTheFile) {
  write("crontab", "* * * * * ok\nbad line here\n");
  auto read = read_crontab(dir);
  EXPECT_EQ(read.jobs.size(), 1u);
  EXPECT_TRUE(only_warning(read).starts_with((dir / "crontab").string() + " line 2: "));
}

TEST_F(CrontabFile, ADirectoryIsAnError) {
  fs::create_directories(dir / "crontab");
  auto read = read_crontab(dir);
  EXPECT_TRUE(contains(read.error, (dir / "crontab").string() + " is not a regular file"));
}

TEST_F(CrontabFile, AConfigWithOnlyACrontabIsValid) {
  write("crontab", "* * * * * /bin/true\n");
  auto config = load();
  EXPECT_TRUE(config.errors.empty());
  EXPECT_TRUE(config.services.empty());
  ASSERT_EQ(config.crons.size(), 1u);
  EXPECT_EQ(config.crons[0].name, "crontab:1");
}

TEST_F(CrontabFile, BadLinesBecomeConfigWarningsBesideTheServiceWarnings) {
  write("service/hidden-not-exec", "#!/bin/sh\n", 0644);
  write("crontab", "@daily ok\n@often nope\n");
  auto config = load();
  EXPECT_TRUE(config.errors.empty());
  EXPECT_EQ(config.crons.size(), 1u);
  ASSERT_EQ(config.warnings.size(), 2u);
  EXPECT_TRUE(contains(config.warnings[0], "hidden-not-exec"));
  EXPECT_TRUE(contains(config.warnings[1], "line 2: unknown macro \"@often\""));
}

TEST_F(CrontabFile, ACrontabWithNoGoodLineLeavesNothingToRun) {
  write("crontab", "# nothing here\nbroken\n");
  auto config = load();
  ASSERT_EQ(config.errors.size(), 1u);
  EXPECT_TRUE(contains(config.errors[0], "has nothing to run"));
  EXPECT_TRUE(contains(config.errors[0], (dir / "crontab").string()));
}

TEST_F(CrontabFile, AServiceMayNotTakeACronJobsName) {
  write("service/crontab:1", "#!/bin/sh\n", 0755);
  write("crontab", "* * * * * job\n");
  auto config = load();
  ASSERT_EQ(config.errors.size(), 1u);
  EXPECT_TRUE(contains(config.errors[0], "the name crontab:1 is already used by"));
}

} // namespace
} // namespace wm

// Pidfiles: parsing their text, reading them with the freshness check, and
// validating the pid they name before anything is sent to it.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "wmtools/pid_check.hpp"
#include "wmtools/pidfd.hpp"
#include "wmtools/pidfile.hpp"

namespace wm {
namespace {

pid_t parsed(std::string_view text) {
  auto result = parse_pidfile(text);
  EXPECT_TRUE(result) << "'" << text << "': " << result.error;
  return result.pid.value_or(-1);
}

std::string refused(std::string_view text) {
  auto result = parse_pidfile(text);
  EXPECT_FALSE(result) << "'" << text << "' parsed as " << result.pid.value_or(0);
  EXPECT_FALSE(result.error.empty());
  return result.error;
}

// -- parse_pidfile ------------------------------------------------------------

TEST(ParsePidfile, AcceptsAPidWithOptionalWhitespace) {
  EXPECT_EQ(parsed("1234"), 1234);
  EXPECT_EQ(parsed("1234\n"), 1234);
  EXPECT_EQ(parsed("  42 \t\r\n\n"), 42);
  EXPECT_EQ(parsed("\n7"), 7);
  EXPECT_EQ(parsed("0042\n"), 42);
  EXPECT_EQ(parsed("2147483647"), 2147483647);
}

TEST(ParsePidfile, RefusesEmptyText) {
  EXPECT_EQ(refused(""), "is empty");
  EXPECT_EQ(refused(" \n\t "), "is empty");
}

TEST(ParsePidfile, RefusesGarbage) {
  EXPECT_NE(refused("abc").find("not a process id"), std::string::npos);
  EXPECT_NE(refused("12abc").find("'12abc'"), std::string::npos);
  refused("0x10");
  refused("+5");
  refused("1.5");
  refused(std::string_view("12\0", 3));
  refused("-");
}

TEST(ParsePidfile, RefusesZeroAndNegativeNumbers) {
  EXPECT_NE(refused("0").find("0"), std::string::npos);
  EXPECT_NE(refused("-5\n").find("negative"), std::string::npos);
  refused("-0");
}

TEST(ParsePidfile, RefusesNumbersBeyondPidRange) {
  EXPECT_NE(refused("2147483648").find("too large"), std::string::npos);
  EXPECT_NE(refused("99999999999999999999999").find("too large"), std::string::npos);
}

TEST(ParsePidfile, RefusesMoreThanOneNumber) {
  EXPECT_NE(refused("12 34").find("more than one"), std::string::npos);
  refused("12\n34\n");
}

TEST(ParsePidfile, KeepsLongGarbageShortInMessages) {
  std::string error = refused(std::string(1000, 'x'));
  EXPECT_LT(error.size(), 100u);
}

// -- read_pidfile -------------------------------------------------------------

class ReadPidfile : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "wm-pidfile-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& content) {
    std::string path = (dir_ / "daemon.pid").string();
    std::ofstream(path, std::ios::trunc) << content;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(ReadPidfile, ReadsAFreshFile) {
  timespec start = file_clock_now();
  auto reading = read_pidfile(write("4321\n"), start);
  EXPECT_EQ(reading.state, pidfile_state::fresh);
  EXPECT_EQ(reading.pid, 4321);
  EXPECT_TRUE(reading.detail.empty());
}

TEST_F(ReadPidfile, AFileWrittenBeforeTheStartIsStale) {
  std::string path = write("4321\n");
  timespec past[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), past, 0), 0);
  auto reading = read_pidfile(path, file_clock_now());
  EXPECT_EQ(reading.state, pidfile_state::stale);
  EXPECT_EQ(reading.pid, 0);
}

TEST_F(ReadPidfile, SaysWhenMissingOrInvalid) {
  timespec start = file_clock_now();
  EXPECT_EQ(read_pidfile((dir_ / "none.pid").string(), start).state, pidfile_state::missing);
  auto garbage = read_pidfile(write("pid=12\n"), start);
  EXPECT_EQ(garbage.state, pidfile_state::invalid);
  EXPECT_NE(garbage.detail.find("not a process id"), std::string::npos);
  EXPECT_EQ(read_pidfile(dir_.string(), timespec{}).state, pidfile_state::invalid);
  EXPECT_EQ(read_pidfile(write(std::string(5000, '1')), start).state, pidfile_state::invalid);
}

// -- process_info_from_stat and refuse_pid -----------------------------------

TEST(ProcessInfoFromStat, ReadsStateAndParent) {
  auto info = process_info_from_stat("123 (sleep) S 45 123 123 0 -1 4194304");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->state, 'S');
  EXPECT_EQ(info->parent, 45);
}

TEST(ProcessInfoFromStat, CopesWithParenthesesAndSpacesInTheName) {
  auto info = process_info_from_stat("9 (a) b (c)) Z 1 9 9 0");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->state, 'Z');
  EXPECT_EQ(info->parent, 1);
}

TEST(ProcessInfoFromStat, RefusesMalformedLines) {
  EXPECT_FALSE(process_info_from_stat(""));
  EXPECT_FALSE(process_info_from_stat("123 (x)"));
  EXPECT_FALSE(process_info_from_stat("123 (x) S"));
  EXPECT_FALSE(process_info_from_stat("123 (x) S abc"));
}

// A process table: pid -> {parent, state}.
process_lookup table(std::map<pid_t, process_info> processes) {
  return [processes](pid_t pid) -> std::optional<process_info> {
    auto it = processes.find(pid);
    if (it == processes.end())
      return std::nullopt;
    return it->second;
  };
}

TEST(RefusePid, AcceptsDescendantsOfTheSupervisor) {
  // 100 supervises; 200 is its child, 300 a grandchild in its own session.
  auto lookup = table({{100, {1, 'S'}}, {200, {100, 'S'}}, {300, {200, 'R'}}});
  EXPECT_EQ(refuse_pid(200, 100, lookup), std::nullopt);
  EXPECT_EQ(refuse_pid(300, 100, lookup), std::nullopt);
}

TEST(RefusePid, AcceptsDescendantsOfASupervisorThatIsPid1) {
  auto lookup = table({{5, {1, 'S'}}, {6, {5, 'S'}}});
  EXPECT_EQ(refuse_pid(6, 1, lookup), std::nullopt);
}

TEST(RefusePid, RefusesPid1ItselfAndNonProcesses) {
  auto lookup = table({{1, {0, 'S'}}, {100, {1, 'S'}}});
  EXPECT_NE(refuse_pid(1, 100, lookup)->find("PID 1"), std::string::npos);
  EXPECT_NE(refuse_pid(1, 1, lookup)->find("PID 1"), std::string::npos);
  EXPECT_NE(refuse_pid(100, 100, lookup)->find("own pid"), std::string::npos);
  EXPECT_TRUE(refuse_pid(0, 100, lookup));
  EXPECT_TRUE(refuse_pid(-5, 100, lookup));
}

TEST(RefusePid, RefusesDeadProcessesAndZombies) {
  auto lookup = table({{100, {1, 'S'}}, {200, {100, 'Z'}}});
  EXPECT_EQ(*refuse_pid(200, 100, lookup), "is not running");
  EXPECT_EQ(*refuse_pid(999, 100, lookup), "is not running");
}

TEST(RefusePid, RefusesProcessesOutsideTheSupervisorsTree) {
  // 300 is a sibling's child: alive, but not ours.
  auto lookup = table({{100, {1, 'S'}}, {150, {1, 'S'}}, {300, {150, 'S'}}});
  auto why = refuse_pid(300, 100, lookup);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("not a descendant"), std::string::npos);
  EXPECT_NE(why->find("100"), std::string::npos);
}

TEST(RefusePid, TrustsTheChildCheckWithoutAProcessTable) {
  auto nothing = table({});
  auto is_child = [](pid_t pid) { return pid == 200; };
  EXPECT_EQ(refuse_pid(200, 100, nothing, is_child), std::nullopt);
  EXPECT_TRUE(refuse_pid(201, 100, nothing, is_child));
}

TEST(RefusePid, JudgesRealProcesses) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  EXPECT_EQ(refuse_pid_for_self(child), std::nullopt);
  EXPECT_TRUE(refuse_pid_for_self(::getppid())); // our parent is not below us
  EXPECT_TRUE(refuse_pid_for_self(1));
  EXPECT_TRUE(refuse_pid_for_self(::getpid()));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_EQ(*refuse_pid_for_self(child), "is not running");
}

// -- pidfd ------------------------------------------------------------------------

TEST(Pidfd, SeesAChildExit) {
  if (!pidfd_supported())
    GTEST_SKIP() << "no pidfd support in this kernel";
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  unique_fd fd = open_pidfd(child);
  ASSERT_TRUE(fd);
  EXPECT_FALSE(pidfd_exited(fd.get()));
  EXPECT_EQ(signal_pidfd(fd.get(), SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(pidfd_exited(fd.get()));
  EXPECT_EQ(signal_pidfd(fd.get(), SIGTERM), -1); // never reaches a recycled pid
}

TEST(Pidfd, FailsForAMissingProcess) {
  if (!pidfd_supported())
    GTEST_SKIP() << "no pidfd support in this kernel";
  EXPECT_FALSE(open_pidfd(0x3fffffff));
  EXPECT_EQ(errno, ESRCH);
}

} // namespace
} // namespace wm

// The spawn path with real children: what they inherit and how failures
// are reported. (Run in the test process; the children are reaped here.)

#include "actors/os/spawn.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "messages/environment.hpp"

namespace wm::os {
namespace {

namespace fs = std::filesystem;

std::string helper() {
  return std::string(WM_BUILD_DIR) + "/test/wm_test_child";
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool wait_for_file(const fs::path& path) {
  for (int i = 0; i < 500; ++i) {
    if (fs::exists(path) && !slurp(path).empty())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int reap(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

class Spawn : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "wm-spawn-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir = pattern;
  }
  void TearDown() override { fs::remove_all(dir); }

  launch_spec spec(std::vector<std::string> argv) {
    launch_spec s;
    s.name = "test";
    s.argv = std::move(argv);
    s.env = current_environment();
    return s;
  }

  fs::path dir;
  spawner spawn{std::nullopt};
};

TEST_F(Spawn, ChildStartsCleanEvenWhenTheParentBlocksAndIgnores) {
  // The test process blocks and ignores signals like wingmate's threads do
  // (and worse); none of it may reach the child.
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  auto old_hup = ::signal(SIGHUP, SIG_IGN);
  int stray = ::open("/dev/null", O_RDONLY); // not close-on-exec

  fs::path report = dir / "report";
  auto child = spawn.spawn(spec({helper(), "report", report.string()}));
  ASSERT_EQ(child.result.error, 0) << child.result.message;

  ::close(stray);
  ::signal(SIGHUP, old_hup);
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);

  ASSERT_TRUE(wait_for_file(report));
  std::string text = slurp(report);
  EXPECT_NE(text.find("SigIgn:\t0000000000000000"), std::string::npos) << text;
  EXPECT_NE(text.find("SigBlk:\t0000000000000000"), std::string::npos) << text;
  EXPECT_NE(text.find("fds: 0 1 2\n"), std::string::npos) << text;
  // Its own process group.
  EXPECT_NE(text.find("pgid: " + std::to_string(child.result.pid)), std::string::npos) << text;
  ::kill(child.result.pid, SIGKILL);
  reap(child.result.pid);
}

TEST_F(Spawn, NewSessionWhenAsked) {
  fs::path report = dir / "report";
  auto s = spec({helper(), "report", report.string()});
  s.new_session = true;
  auto child = spawn.spawn(s);
  ASSERT_EQ(child.result.error, 0);
  ASSERT_TRUE(wait_for_file(report));
  EXPECT_NE(slurp(report).find("sid: " + std::to_string(child.result.pid)), std::string::npos);
  ::kill(child.result.pid, SIGKILL);
  reap(child.result.pid);
}

TEST_F(Spawn, MissingProgramIsNotFound) {
  auto child = spawn.spawn(spec({"/nonexistent/program"}));
  EXPECT_EQ(child.result.error, ENOENT);
  EXPECT_EQ(child.result.shell_code, 127);
  EXPECT_NE(child.result.message.find("cannot execute /nonexistent/program"), std::string::npos);
  EXPECT_NE(child.result.message.find("No such file or directory"), std::string::npos);
  ASSERT_GT(child.result.pid, 0);
  EXPECT_EQ(WEXITSTATUS(reap(child.result.pid)), 127);
}

TEST_F(Spawn, NotExecutableIs126) {
  fs::path file = dir / "plain";
  std::ofstream(file) << "data";
  ::chmod(file.c_str(), 0644);
  auto child = spawn.spawn(spec({file.string()}));
  EXPECT_EQ(child.result.error, EACCES);
  EXPECT_EQ(child.result.shell_code, 126);
  if (child.result.pid > 0)
    reap(child.result.pid);
}

TEST_F(Spawn, NameNotInPathSaysWhereItLooked) {
  auto s = spec({"no-such-program-anywhere"});
  s.env = merge_environment(s.env, {"PATH=/usr/bin:/bin"});
  auto child = spawn.spawn(s);
  EXPECT_EQ(child.result.shell_code, 127);
  EXPECT_EQ(child.result.pid, 0);
  EXPECT_NE(child.result.message.find("not found in PATH (/usr/bin:/bin)"), std::string::npos);
}

TEST_F(Spawn, FindsProgramsInPath) {
  int error = 0;
  EXPECT_EQ(find_program("sh", "/nonexistent:/bin", error), "/bin/sh");
  EXPECT_EQ(find_program("./x", "/bin", error), "./x");
  EXPECT_FALSE(find_program("nope-nope", "/bin", error));
  EXPECT_EQ(error, ENOENT);
}

TEST_F(Spawn, MissingWorkingDirectoryIsAFailedStart) {
  auto s = spec({helper(), "sleep"});
  s.working_dir = (dir / "absent").string();
  auto child = spawn.spawn(s);
  EXPECT_EQ(child.result.error, ENOENT);
  EXPECT_NE(child.result.message.find("cannot change to the working directory "
                                      + (dir / "absent").string()),
            std::string::npos);
  if (child.result.pid > 0)
    reap(child.result.pid);
}

TEST_F(Spawn, CapturesOutputThroughPipes) {
  auto child = spawn.spawn(spec({"/bin/sh", "-c", "echo out; echo err >&2"}));
  ASSERT_EQ(child.result.error, 0);
  char buffer[64] = {};
  ASSERT_GT(::read(child.stdout_pipe.get(), buffer, sizeof buffer - 1), 0);
  EXPECT_STREQ(buffer, "out\n");
  char errbuf[64] = {};
  ASSERT_GT(::read(child.stderr_pipe.get(), errbuf, sizeof errbuf - 1), 0);
  EXPECT_STREQ(errbuf, "err\n");
  reap(child.result.pid);
}

} // namespace
} // namespace wm::os

// The files behind the status: replacing a file atomically, where the
// status file and the pid file go (with the fallback), and recognising a
// running wingmate.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "actors/os/atomic_file.hpp"
#include "main/find_wingmate.hpp"
#include "harness/process_harness.hpp"
#include "main/status_location.hpp"

namespace wm {
namespace {

namespace fs = std::filesystem;

using test::temp_dir;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {}));
}

TEST(AtomicFile, ReplacesTheFileAndLeavesNothingBehind) {
  temp_dir tmp;
  const auto file = tmp / "status.json";
  EXPECT_EQ(os::write_file_atomically(file, "first\n"), "");
  struct stat before {};
  ::stat(file.c_str(), &before);
  EXPECT_EQ(os::write_file_atomically(file, "second\n", 0640), "");
  struct stat after {};
  ::stat(file.c_str(), &after);
  EXPECT_EQ(slurp(file), "second\n");
  EXPECT_EQ(after.st_mode & 0777, 0640u);
  // A new file took the old one's name: a reader holding the old one keeps
  // reading the old content, whole.
  EXPECT_NE(before.st_ino, after.st_ino);
  EXPECT_EQ(entries(tmp.path()), 1u);
}

TEST(AtomicFile, SaysWhatWentWrong) {
  temp_dir tmp;
  const std::string error = os::write_file_atomically(tmp / "missing/status.json", "x");
  EXPECT_EQ(error, "cannot create a temporary file in " + (tmp / "missing").string()
                     + ": No such file or directory");
}

TEST(StatusLocation, ConfiguredAndFallbackPaths) {
  auto configured = configured_status_paths(nullptr);
  EXPECT_EQ(configured.status_file, "/run/wingmate/status.json");
  EXPECT_EQ(configured.pid_file, "/run/wingmate/wingmate.pid");
  EXPECT_EQ(configured_status_paths("").status_file, "/run/wingmate/status.json");
  auto custom = configured_status_paths("/data/state/now.json");
  EXPECT_EQ(custom.pid_file, "/data/state/wingmate.pid");

  auto fallback = fallback_status_paths(custom, nullptr, 1000);
  EXPECT_EQ(fallback.status_file, "/tmp/wingmate-1000/now.json");
  EXPECT_EQ(fallback.pid_file, "/tmp/wingmate-1000/wingmate.pid");
  EXPECT_EQ(fallback_status_paths(configured, "/var/tmp", 0).status_file,
            "/var/tmp/wingmate-0/status.json");
}

TEST(StatusLocation, ClaimsTheConfiguredPlace) {
  temp_dir tmp;
  auto configured = configured_status_paths((tmp / "run/wingmate/status.json").c_str());
  auto fallback = fallback_status_paths(configured, tmp.path().c_str(), ::geteuid());
  auto where = claim_status_location(configured, fallback, 4242);
  EXPECT_FALSE(where.fallback);
  EXPECT_EQ(where.note, "");
  EXPECT_EQ(where.paths.status_file, configured.status_file);
  EXPECT_EQ(slurp(configured.pid_file), "4242\n");
  EXPECT_EQ(read_pid_file(configured.pid_file), 4242);

  release_pid_file(configured.pid_file, 999); // not ours: stays
  EXPECT_TRUE(fs::exists(configured.pid_file));
  release_pid_file(configured.pid_file, 4242);
  EXPECT_FALSE(fs::exists(configured.pid_file));
}

TEST(StatusLocation, FallsBackToAPrivateDirectory) {
  temp_dir tmp;
  std::ofstream(tmp / "not-a-dir") << "x";
  auto configured = configured_status_paths((tmp / "not-a-dir/status.json").c_str());
  auto fallback = fallback_status_paths(configured, tmp.path().c_str(), ::geteuid());
  auto where = claim_status_location(configured, fallback, 77);
  EXPECT_TRUE(where.fallback);
  EXPECT_EQ(where.paths.status_file, fallback.status_file);
  EXPECT_EQ(read_pid_file(fallback.pid_file), 77);
  EXPECT_NE(where.note.find("cannot use " + (tmp / "not-a-dir").string()), std::string::npos)
    << where.note;
  EXPECT_NE(where.note.find("using " + fallback.status_file.parent_path().string() + " instead"),
            std::string::npos)
    << where.note;
  struct stat info {};
  ::stat(fallback.status_file.parent_path().c_str(), &info);
  EXPECT_EQ(info.st_mode & 0777, 0755u);
  // `wingmate status` looks there too.
  EXPECT_EQ(locate_status_paths(configured, fallback).status_file, fallback.status_file);
}

TEST(StatusLocation, RefusesAFallbackOthersMayWrite) {
  temp_dir tmp;
  std::ofstream(tmp / "not-a-dir") << "x";
  auto configured = configured_status_paths((tmp / "not-a-dir/status.json").c_str());
  auto fallback = fallback_status_paths(configured, tmp.path().c_str(), ::geteuid());
  fs::create_directory(fallback.status_file.parent_path());
  ::chmod(fallback.status_file.parent_path().c_str(), 0777);
  auto where = claim_status_location(configured, fallback, 77);
  EXPECT_TRUE(where.paths.status_file.empty());
  EXPECT_NE(where.note.find("may be written by others; remove it"), std::string::npos)
    << where.note;
  EXPECT_FALSE(fs::exists(fallback.pid_file));
}

TEST(StatusLocation, StatusLooksWhereTheFilesAre) {
  temp_dir tmp;
  auto configured = configured_status_paths((tmp / "a/status.json").c_str());
  auto fallback = configured_status_paths((tmp / "b/status.json").c_str());
  EXPECT_EQ(locate_status_paths(configured, fallback).status_file, configured.status_file);
  fs::create_directories(tmp / "b");
  std::ofstream(fallback.status_file) << "{}";
  EXPECT_EQ(locate_status_paths(configured, fallback).status_file, fallback.status_file);
  fs::create_directories(tmp / "a");
  std::ofstream(configured.pid_file) << "1\n";
  EXPECT_EQ(locate_status_paths(configured, fallback).status_file, configured.status_file);
}

TEST(StatusLocation, PidFilesThatHoldNoPid) {
  temp_dir tmp;
  EXPECT_EQ(read_pid_file(tmp / "none"), 0);
  std::ofstream(tmp / "junk") << "wingmate\n";
  EXPECT_EQ(read_pid_file(tmp / "junk"), 0);
  std::ofstream(tmp / "negative") << "-5\n";
  EXPECT_EQ(read_pid_file(tmp / "negative"), 0);
}

TEST(FindWingmate, RecognisesTheProgramByName) {
  EXPECT_TRUE(is_wingmate_program("/usr/local/bin/wingmate"));
  EXPECT_TRUE(is_wingmate_program("/usr/bin/wingmate (deleted)"));
  EXPECT_FALSE(is_wingmate_program("/usr/bin/wingmate-go"));
  EXPECT_FALSE(is_wingmate_program("/sbin/init"));
  EXPECT_FALSE(is_wingmate_program(""));
}

TEST(FindWingmate, IdentifiesProcesses) {
  auto self = identify_process(::getpid());
  EXPECT_EQ(self.kind, process_kind::other);
  EXPECT_EQ(self.detail, fs::canonical("/proc/self/exe").string());
  EXPECT_EQ(identify_process(4'194'304 + 1).kind, process_kind::gone);
}

TEST(FindWingmate, PassesOverAPidFileNamingAnotherProgram) {
  temp_dir tmp;
  std::ofstream(tmp / "wingmate.pid") << ::getpid() << "\n";
  auto search = find_wingmate(tmp / "wingmate.pid");
  EXPECT_NE(search.pid, ::getpid());
  ASSERT_FALSE(search.passed_over.empty());
  EXPECT_NE(search.passed_over[0].find("from the pid file " + (tmp / "wingmate.pid").string()
                                       + " is " + fs::canonical("/proc/self/exe").string()
                                       + ", not wingmate"),
            std::string::npos)
    << search.passed_over[0];
}

TEST(FindWingmate, SaysWhenThereIsNoPidFile) {
  temp_dir tmp;
  auto search = find_wingmate(tmp / "wingmate.pid");
  ASSERT_FALSE(search.passed_over.empty());
  EXPECT_EQ(search.passed_over[0], "there is no pid file at " + (tmp / "wingmate.pid").string());
}

} // namespace
} // namespace wm

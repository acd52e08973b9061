// Reading service/ and the rest of the config directory.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "main/config.hpp"
#include "main/service_dir.hpp"

namespace wm {
namespace {

namespace fs = std::filesystem;

class ConfigDir : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "wm-unit-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir = pattern;
  }
  void TearDown() override { fs::remove_all(dir); }

  fs::path file(const std::string& relative, unsigned mode) {
    fs::path p = dir / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "#!/bin/sh\n";
    ::chmod(p.c_str(), mode);
    return p;
  }

  std::string warning_about(const service_dir_scan& scan, const std::string& name) {
    for (const auto& w : scan.warnings)
      if (w.find("/service/" + name + ":") != std::string::npos)
        return w;
    return {};
  }

  static config_request request(const fs::path& d, std::vector<std::string> command = {},
                                bool dir_explicit = false) {
    config_request r;
    r.dir = d.string();
    r.main_command = std::move(command);
    r.dir_explicit = dir_explicit;
    return r;
  }

  fs::path dir;
};

TEST_F(ConfigDir, EveryExecutableFileIsAServiceNamedAfterIt) {
  file("service/web.sh", 0755);
  file("service/worker", 0700);
  auto scan = scan_service_dir(dir);
  ASSERT_EQ(scan.services.size(), 2u);
  EXPECT_EQ(scan.services[0].name, "web.sh");
  EXPECT_EQ(scan.services[0].run.command,
            std::vector<std::string>{(dir / "service/web.sh").string()});
  EXPECT_EQ(scan.services[0].source, "service/web.sh");
  EXPECT_EQ(scan.services[1].name, "worker");
  EXPECT_TRUE(scan.warnings.empty());
}

TEST_F(ConfigDir, SymlinkToAnExecutableCounts) {
  auto target = file("bin/real", 0755);
  fs::create_directories(dir / "service");
  fs::create_symlink(target, dir / "service/linked");
  auto scan = scan_service_dir(dir);
  ASSERT_EQ(scan.services.size(), 1u);
  EXPECT_EQ(scan.services[0].name, "linked");
}

TEST_F(ConfigDir, SkipsWithOneWarningEachNamingTheReason) {
  file("service/good", 0755);
  file("service/.hidden", 0755);
  file("service/notes.txt", 0644);
  fs::create_directories(dir / "service/subdir");
  file("service/subdir/nested", 0755);
  fs::create_symlink(dir / "missing", dir / "service/dangling");
  ::mkfifo((dir / "service/fifo").c_str(), 0755);

  auto scan = scan_service_dir(dir);
  ASSERT_EQ(scan.services.size(), 1u);
  EXPECT_EQ(scan.services[0].name, "good");
  EXPECT_EQ(scan.warnings.size(), 5u);
  EXPECT_NE(warning_about(scan, ".hidden").find("hidden files are not services"),
            std::string::npos);
  EXPECT_NE(warning_about(scan, "notes.txt").find("not executable (chmod +x"),
            std::string::npos);
  EXPECT_NE(warning_about(scan, "subdir").find("is a directory"), std::string::npos);
  EXPECT_NE(warning_about(scan, "dangling").find("symbolic link to a file that does not exist"),
            std::string::npos);
  EXPECT_NE(warning_about(scan, "fifo").find("not a regular file"), std::string::npos);
}

TEST_F(ConfigDir, MissingServiceDirIsEmptyNotAnError) {
  auto scan = scan_service_dir(dir);
  EXPECT_TRUE(scan.services.empty());
  EXPECT_TRUE(scan.error.empty());
}

TEST_F(ConfigDir, MissingDirectoryIsAnErrorNamingIt) {
  auto config = load_config(request(dir / "nope"));
  ASSERT_EQ(config.errors.size(), 1u);
  EXPECT_NE(config.errors[0].find((dir / "nope").string() + " does not exist"),
            std::string::npos);
}

TEST_F(ConfigDir, NothingToRunIsAnErrorNamingTheDirectory) {
  fs::create_directories(dir / "service");
  auto config = load_config(request(dir));
  ASSERT_EQ(config.errors.size(), 1u);
  EXPECT_NE(config.errors[0].find("has nothing to run"), std::string::npos);
  EXPECT_NE(config.errors[0].find(dir.string()), std::string::npos);
}

TEST_F(ConfigDir, MainCommandAloneIsEnoughWithTheDefaultDirectory) {
  auto config = load_config(request(dir / "absent", {"sh"}));
  EXPECT_TRUE(config.errors.empty());
  ASSERT_EQ(config.services.size(), 1u);
  EXPECT_EQ(config.services[0].name, "main");
  EXPECT_TRUE(config.services[0].main);
}

TEST_F(ConfigDir, ExplicitMissingDirectoryIsAnErrorEvenWithAMainCommand) {
  auto config = load_config(request(dir / "absent", {"sh"}, true));
  EXPECT_EQ(config.errors.size(), 1u);
}

TEST_F(ConfigDir, MainNameUsedTwiceIsAnError) {
  file("service/main", 0755);
  auto config = load_config(request(dir, {"sh"}));
  ASSERT_EQ(config.errors.size(), 1u);
  EXPECT_NE(config.errors[0].find("the name main is already used by service/main"),
            std::string::npos);
}

} // namespace
} // namespace wm

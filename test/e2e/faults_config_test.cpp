// Fault injection, end to end: config files that are not files (a
// directory, a named pipe), that cannot be read (wingmate running as a user
// who may not read them: as root, permissions do not stop a read), or that
// are binary garbage. wingmate, as PID 1, logs an error naming the file,
// starts nothing and exits 2; `wingmate check` says the same.

#include <sys/stat.h>

#include "faults_support.hpp"

namespace wm::test {
namespace {

namespace fs = std::filesystem;

constexpr uid_t k_nobody = 65534;

// A config directory with one service that leaves a stamp when it starts,
// so that "nothing started" can be checked.
struct broken_config {
  broken_config() { config.helper_service("witness", "stamp " + config.file("witness.stamps")); }

  bool witness_started() const { return fs::exists(config.file("witness.stamps")); }

  config_dir config;
};

// Random bytes from a fixed seed, NUL bytes included.
std::string garbage(std::size_t size, unsigned seed) {
  std::string bytes;
  for (std::size_t i = 0; i < size; ++i) {
    seed = seed * 1103515245u + 12345u;
    bytes.push_back(static_cast<char>(seed >> 16));
  }
  return bytes;
}

struct outcome {
  int code = -1;
  std::string output;
};

// `wingmate ARGS` as PID 1 of a new PID namespace, run to its end.
outcome run_as_pid1(const broken_config& broken, std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"-c", broken.config.path()});
  namespaced_wingmate wm(std::move(args));
  outcome result;
  result.code = wm.wait_exit(10s).value_or(-1);
  result.output = wm.all_output();
  return result;
}

// `wingmate check`, optionally as another user.
outcome check(const broken_config& broken, std::optional<uid_t> as = std::nullopt) {
  std::vector<std::string> argv{wingmate_bin(), "check", "-c", broken.config.path()};
  if (as) {
    const std::string id = std::to_string(*as);
    argv.insert(argv.begin(), {"setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups"});
  }
  child_process process(argv);
  outcome result;
  result.code = process.wait_exit(10s).value_or(-1);
  result.output = process.all_output();
  return result;
}

// What each broken case must show: exit 2 with `error` on both paths, and
// the witness never started.
void expect_refused(const broken_config& broken, const std::string& error) {
  const outcome started = run_as_pid1(broken);
  EXPECT_EQ(started.code, 2) << started.output;
  EXPECT_NE(started.output.find("error   wingmate: " + error), std::string::npos)
    << started.output;
  EXPECT_NE(started.output.find("nothing was started"), std::string::npos) << started.output;
  EXPECT_FALSE(broken.witness_started());
  const outcome checked = check(broken);
  EXPECT_EQ(checked.code, 2) << checked.output;
  EXPECT_NE(checked.output.find("error: " + error), std::string::npos) << checked.output;
}

TEST(FaultsConfig, AStructuredFileThatIsADirectory) {
  for (const char* name : {"wingmate.json", "wingmate.yaml", "wingmate.yml"}) {
    SCOPED_TRACE(name);
    broken_config broken;
    fs::create_directory(broken.config.file(name));
    expect_refused(broken, std::string(name) + ": " + broken.config.file(name)
                             + " is a directory, not a file; replace it with the config file "
                               "or remove it");
  }
}

TEST(FaultsConfig, ACrontabThatIsADirectory) {
  broken_config broken;
  fs::create_directory(broken.config.file("crontab"));
  expect_refused(broken, broken.config.file("crontab")
                           + " is not a regular file; the crontab must be a file");
}

TEST(FaultsConfig, ANamedPipeIsRefusedWithoutWaitingForAWriter) {
  broken_config broken;
  ASSERT_EQ(::mkfifo(broken.config.file("wingmate.json").c_str(), 0644), 0);
  expect_refused(broken, "wingmate.json: " + broken.config.file("wingmate.json")
                           + " is a named pipe, not a file; replace it with the config file "
                             "or remove it");
}

TEST(FaultsConfig, BinaryGarbage) {
  const std::pair<const char*, const char*> cases[] = {
    {"wingmate.json", "wingmate.json: is not valid JSON: parse error at line 1"},
    {"wingmate.yaml", "wingmate.yaml: is not valid YAML: "},
    {"crontab", "/crontab is not a text file (line "},
  };
  unsigned seed = 1;
  for (const auto& [name, error] : cases) {
    SCOPED_TRACE(name);
    broken_config broken;
    broken.config.dir().write(name, garbage(4096, seed++));
    expect_refused(broken, name == std::string("crontab") ? broken.config.path() + error
                                                          : std::string(error));
  }
}

// `wingmate ARGS` as another user (not PID 1: only root may make a PID
// namespace), run to its end.
outcome run_as(const broken_config& broken, uid_t uid) {
  const std::string id = std::to_string(uid);
  child_process process({"setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups",
                         wingmate_bin(), "-c", broken.config.path()});
  outcome result;
  result.code = process.wait_exit(10s).value_or(-1);
  result.output = process.all_output();
  return result;
}

void expect_refused_for(const broken_config& broken, uid_t uid, const std::string& error) {
  const outcome started = run_as(broken, uid);
  EXPECT_EQ(started.code, 2) << started.output;
  EXPECT_NE(started.output.find("error   wingmate: " + error), std::string::npos)
    << started.output;
  EXPECT_NE(started.output.find("nothing was started"), std::string::npos) << started.output;
  EXPECT_FALSE(broken.witness_started());
  const outcome checked = check(broken, uid);
  EXPECT_EQ(checked.code, 2) << checked.output;
  EXPECT_NE(checked.output.find("error: " + error), std::string::npos) << checked.output;
}

TEST(FaultsConfig, AnUnreadableFile) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to make a file that another user cannot read";
  for (const char* name : {"wingmate.json", "wingmate.yaml", "crontab"}) {
    SCOPED_TRACE(name);
    broken_config broken;
    broken.config.dir().write(name, "", 0);
    const std::string path = broken.config.file(name);
    const std::string prefix = name == std::string("crontab") ? "" : std::string(name) + ": ";
    const std::string advice = name == std::string("crontab") ? ""
                                                              : "; make it readable by wingmate";
    expect_refused_for(broken, k_nobody,
                       prefix + "cannot read " + path + ": Permission denied" + advice);
  }
}

TEST(FaultsConfig, AConfigDirectoryWithoutSearchPermission) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to make a directory that another user cannot enter";
  // Without x, no file inside can be opened by name, whether or not the
  // directory can be listed (r): every file would look missing.
  for (const mode_t mode : {0000, 0744}) {
    SCOPED_TRACE(mode);
    broken_config broken;
    ::chmod(broken.config.path().c_str(), mode);
    expect_refused_for(broken, k_nobody,
                       "cannot open files in the config directory " + broken.config.path()
                         + ": Permission denied; give wingmate's user search permission on it "
                           "(chmod +x)");
    ::chmod(broken.config.path().c_str(), 0755);
  }
}

TEST(FaultsConfig, SearchPermissionAloneIsEnough) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to make a directory that another user cannot list";
  // wingmate opens the files of its config directory by name and lists only
  // service/, so a directory others may enter but not list (0711) is fine.
  broken_config broken;
  ::chmod(broken.config.path().c_str(), 0711);
  const outcome checked = check(broken, k_nobody);
  ::chmod(broken.config.path().c_str(), 0755);
  EXPECT_EQ(checked.code, 0) << checked.output;
  EXPECT_NE(checked.output.find("\"witness\""), std::string::npos) << checked.output;
}

} // namespace
} // namespace wm::test

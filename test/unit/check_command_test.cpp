// `wingmate check`: the effective config on stdout and exit 0, or every
// error on stderr and exit 2.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fake_accounts.hpp"
#include "main/check_command.hpp"

namespace wm {
namespace {

namespace fs = std::filesystem;

class CheckCommand : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "wm-unit-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir = pattern;
  }
  void TearDown() override { fs::remove_all(dir); }

  void write(const std::string& name, const std::string& content) {
    std::ofstream(dir / name) << content;
  }

  int check(std::vector<std::string> command = {}) {
    config_request request;
    request.dir = dir.string();
    request.main_command = std::move(command);
    out.str("");
    err.str("");
    return check_command(request, out, err, accounts);
  }

  fs::path dir;
  fake_accounts accounts;
  std::ostringstream out, err;
};

TEST_F(CheckCommand, AValidConfigIsPrintedWithItsDefaultsAndExitsZero) {
  write("wingmate.yaml", "service:\n  web:\n    command: [nginx]\n");
  EXPECT_EQ(check({"/bin/app"}), 0);
  EXPECT_EQ(err.str(), "");
  auto printed = nlohmann::json::parse(out.str());
  EXPECT_EQ(printed["config_dir"], dir.string());
  EXPECT_EQ(printed["service"]["web"]["command"], nlohmann::json({"nginx"}));
  EXPECT_EQ(printed["service"]["web"]["stop_timeout"], 5.0);
  EXPECT_EQ(printed["service"]["web"]["restart"], "always");
  EXPECT_EQ(printed["service"]["main"]["main"], true);
  EXPECT_EQ(printed["service"]["main"]["source"], "the command line");
  EXPECT_TRUE(printed["cron"].is_object());
}

TEST_F(CheckCommand, StructuralErrorsAreAllPrintedAndNothingElse) {
  write("wingmate.yaml", "service:\n  web:\n    command: [nginx]\n    stop_timeout: -2\n"
                         "    restart: maybe\n  db:\n    environ: [X]\n");
  EXPECT_EQ(check(), 2);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(),
            "error: wingmate.yaml: service.web.stop_timeout: -2 is negative; durations are 0 or "
            "more\n"
            "error: wingmate.yaml: service.web.restart: \"maybe\" is not one of always, "
            "on-failure, never\n"
            "error: wingmate.yaml: service.db: has no command; add command: [\"/usr/bin/app\", "
            "\"--port\", \"8080\"]\n"
            "error: wingmate.yaml: service.db.environ[0]: \"X\" has no '='; write it as "
            "KEY=VALUE\n"
            "wingmate check: 4 errors in " + dir.string() + "; wingmate would start nothing\n");
}

TEST_F(CheckCommand, EntriesThatCouldNeverRunAreErrorsButTheConfigIsShown) {
  write("wingmate.yaml", "service:\n  web:\n    command: [nginx]\n    user: nobody-here\n"
                         "  ok:\n    command: [ok]\n"
                         "cron:\n  job:\n    command: [j]\n    schedule: '99 * * * *'\n");
  EXPECT_EQ(check(), 2);
  auto printed = nlohmann::json::parse(out.str());
  EXPECT_NE(printed["service"]["web"]["fatal"].get<std::string>().find("unknown user"),
            std::string::npos);
  EXPECT_TRUE(printed["service"]["ok"]["fatal"].is_null());
  const std::string errors = err.str();
  EXPECT_NE(errors.find("error: service web would be fatal and never run: unknown user "
                        "'nobody-here' (wingmate.yaml: service.web.user)"),
            std::string::npos)
    << errors;
  EXPECT_NE(errors.find("error: cron job job would be fatal and never run: bad schedule: "),
            std::string::npos)
    << errors;
  EXPECT_NE(errors.find("wingmate check: 2 errors in " + dir.string()
                        + "; the entries above would be fatal, the rest would run\n"),
            std::string::npos)
    << errors;
}

TEST_F(CheckCommand, BothKindsAreListedTogether) {
  write("wingmate.yaml", "service:\n  web:\n    command: [nginx]\n    user: nobody-here\n"
                         "  bad:\n    command: [b]\n    colour: red\n");
  EXPECT_EQ(check(), 2);
  EXPECT_EQ(out.str(), "");
  EXPECT_NE(err.str().find("error: wingmate.yaml: service.bad.colour: unknown key"),
            std::string::npos);
  EXPECT_NE(err.str().find("error: service web would be fatal"), std::string::npos);
  EXPECT_NE(err.str().find("2 errors"), std::string::npos);
}

TEST_F(CheckCommand, WarningsDoNotFailTheCheck) {
  write("wingmate.json", R"({"service": {"db": {"command": ["db"], "stop_timeout": 20}}})");
  EXPECT_EQ(check(), 0);
  EXPECT_TRUE(err.str().starts_with("warning: wingmate.json: service.db.stop_timeout: 20 s"))
    << err.str();
  EXPECT_FALSE(out.str().empty());
}

TEST_F(CheckCommand, AMissingDirectoryIsAnError) {
  config_request request;
  request.dir = (dir / "absent").string();
  request.dir_explicit = true;
  EXPECT_EQ(check_command(request, out, err, accounts), 2);
  EXPECT_NE(err.str().find("does not exist"), std::string::npos);
}

} // namespace
} // namespace wm

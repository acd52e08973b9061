// load_config with structured files: merging them with service/ and the
// main command, names checked across every source, one main service at
// most, users and groups resolved (against a fake account database).

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fake_accounts.hpp"
#include "main/config.hpp"
#include "main/config_json.hpp"
#include "main/config_render.hpp"
#include "main/config_schema.hpp"

namespace wm {
namespace {

namespace fs = std::filesystem;

class ConfigLoad : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "wm-unit-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir = pattern;
  }
  void TearDown() override { fs::remove_all(dir); }

  void write(const std::string& relative, const std::string& content, unsigned mode = 0644) {
    const fs::path p = dir / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
    ::chmod(p.c_str(), mode);
  }

  loaded_config load(std::vector<std::string> command = {}) {
    config_request request;
    request.dir = dir.string();
    request.main_command = std::move(command);
    return load_config(request, accounts);
  }

  static const service_spec* service(const loaded_config& config, const std::string& name) {
    for (const auto& spec : config.services)
      if (spec.name == name)
        return &spec;
    return nullptr;
  }

  fs::path dir;
  fake_accounts accounts;
};

TEST_F(ConfigLoad, EverySourceIsMerged) {
  write("service/legacy.sh", "#!/bin/sh\n", 0755);
  write("wingmate.json", R"({"service": {"api": {"command": ["api"]}}})");
  write("wingmate.yaml", "service:\n  worker:\n    command: [work]\ncron:\n  tidy:\n"
                         "    command: [tidy]\n    schedule: '@daily'\n");
  auto config = load({"/bin/app"});
  ASSERT_TRUE(config.errors.empty()) << config.errors.front();
  ASSERT_EQ(config.services.size(), 4u);
  EXPECT_EQ(config.services[0].name, "legacy.sh");
  EXPECT_EQ(config.services[1].name, "api");
  EXPECT_EQ(config.services[1].source, "wingmate.json: service.api");
  EXPECT_EQ(config.services[2].name, "worker");
  EXPECT_EQ(config.services[2].source, "wingmate.yaml: service.worker");
  EXPECT_EQ(config.services[3].name, "main");
  ASSERT_EQ(config.crons.size(), 1u);
  EXPECT_EQ(config.crons[0].name, "tidy");
}

TEST_F(ConfigLoad, TheGoProjectsYmlNameIsReadToo) {
  write("wingmate.yml", "service:\n  web:\n    command: [nginx]\n");
  auto config = load();
  ASSERT_TRUE(config.errors.empty()) << config.errors.front();
  ASSERT_EQ(config.services.size(), 1u);
  EXPECT_EQ(config.services[0].source, "wingmate.yml: service.web");
}

TEST_F(ConfigLoad, AStructuredFileAloneIsEnoughToRun) {
  write("wingmate.yaml", "service:\n  web:\n    command: [nginx]\n");
  EXPECT_TRUE(load().errors.empty());
}

TEST_F(ConfigLoad, AnEmptyStructuredFileLeavesNothingToRun) {
  write("wingmate.yaml", "# nothing yet\n");
  auto config = load();
  ASSERT_EQ(config.errors.size(), 1u);
  EXPECT_NE(config.errors[0].find("has nothing to run"), std::string::npos) << config.errors[0];
  EXPECT_NE(config.errors[0].find("wingmate.yaml"), std::string::npos) << config.errors[0];
}

TEST_F(ConfigLoad, ANameDefinedTwiceIsAnErrorNamingBothPlaces) {
  write("service/web", "#!/bin/sh\n", 0755);
  write("wingmate.json", R"({"service": {"web": {"command": ["a"]}, "db": {"command": ["d"]}}})");
  write("wingmate.yaml", "cron:\n  db:\n    command: [b]\n    schedule: '@daily'\n");
  auto config = load();
  ASSERT_EQ(config.errors.size(), 2u);
  EXPECT_EQ(config.errors[0], "wingmate.json: service.web: the name web is already used by "
                              "service/web; rename one of them");
  EXPECT_EQ(config.errors[1], "wingmate.yaml: cron.db: the name db is already used by "
                              "wingmate.json: service.db; rename one of them");
}

TEST_F(ConfigLoad, TwoServicesMayNotShareAPidfile) {
  write("wingmate.yaml", "service:\n"
                         "  a: {command: [a], pidfile: /run/x.pid}\n"
                         "  b: {command: [b], pidfile: /run/x.pid}\n"
                         "  c: {command: [c], pidfile: /run/c.pid}\n");
  auto config = load();
  ASSERT_EQ(config.errors.size(), 1u);
  EXPECT_EQ(config.errors[0], "wingmate.yaml: service.b: pidfile: /run/x.pid is also the "
                              "pidfile of a (wingmate.yaml: service.a); give each service its "
                              "own pidfile");
}

TEST_F(ConfigLoad, TheMainCommandCountsAsAName) {
  write("wingmate.yaml", "service:\n  main:\n    command: [app]\n");
  auto config = load({"/bin/app"});
  ASSERT_EQ(config.errors.size(), 1u);
  EXPECT_EQ(config.errors[0], "the command line: the name main is already used by "
                              "wingmate.yaml: service.main; rename one of them");
}

TEST_F(ConfigLoad, MainTrueInAFileMakesTheMainService) {
  write("wingmate.yaml", "service:\n  app:\n    command: [app]\n    main: true\n");
  auto config = load();
  ASSERT_TRUE(config.errors.empty()) << config.errors.front();
  EXPECT_TRUE(config.services[0].main);
  EXPECT_EQ(config.services[0].restart.mode, restart_mode::never);
}

TEST_F(ConfigLoad, AtMostOneMainServiceCountingTheCommandLine) {
  write("wingmate.yaml", "service:\n  app:\n    command: [app]\n    main: true\n");
  auto config = load({"/bin/other"});
  ASSERT_EQ(config.errors.size(), 1u);
  EXPECT_EQ(config.errors[0], "the command line: main is a main service, and so is app "
                              "(wingmate.yaml: service.app); only one may be: remove main: "
                              "true from one of them, or the command after --");

  write("wingmate.json", R"({"service": {"second": {"command": ["b"], "main": true}}})");
  config = load();
  ASSERT_EQ(config.errors.size(), 1u);
  EXPECT_TRUE(config.errors[0].starts_with("wingmate.yaml: service.app: app is a main service, "
                                           "and so is second (wingmate.json: service.second)"))
    << config.errors[0];
}

TEST_F(ConfigLoad, ErrorsFromEveryFileAreCollected) {
  write("wingmate.json", R"({"service": {"a": {"command": ["a"], "colour": "red"}}})");
  write("wingmate.yaml", "service: [oops\n");
  auto config = load();
  ASSERT_EQ(config.errors.size(), 2u);
  EXPECT_TRUE(config.errors[0].starts_with("wingmate.json: service.a.colour: unknown key"));
  EXPECT_TRUE(config.errors[1].starts_with("wingmate.yaml: is not valid YAML"));
}

TEST_F(ConfigLoad, ThreeMistakesGiveThreeErrors) {
  write("wingmate.yaml", "service:\n"
                         "  web:\n"
                         "    command: [nginx]\n"
                         "    stop_timeout: soon\n"
                         "    stop_sginal: INT\n"
                         "  db:\n"
                         "    command: []\n");
  auto config = load();
  ASSERT_EQ(config.errors.size(), 3u);
  EXPECT_TRUE(config.errors[0].starts_with("wingmate.yaml: service.web.stop_timeout: \"soon\" "
                                           "is not a duration"));
  EXPECT_EQ(config.errors[1], "wingmate.yaml: service.web.stop_sginal: unknown key; did you "
                              "mean stop_signal?");
  EXPECT_TRUE(config.errors[2].starts_with("wingmate.yaml: service.db.command: is empty"));
}

// -- users and groups -----------------------------------------------------------------

TEST_F(ConfigLoad, UsersAndGroupsAreResolvedAtLoad) {
  write("wingmate.yaml", "service:\n"
                         "  web:\n    command: [web]\n    user: alice\n"
                         "  staffed:\n    command: [s]\n    user: alice\n    group: staff\n"
                         "  numeric:\n    command: [n]\n    user: 4321\n"
                         "cron:\n  job:\n    command: [j]\n    schedule: '@daily'\n"
                         "    user: alice\n");
  auto config = load();
  ASSERT_TRUE(config.errors.empty()) << config.errors.front();
  const auto& web = service(config, "web")->run;
  ASSERT_TRUE(web.run_as);
  EXPECT_EQ(web.run_as->uid, 1000u);
  EXPECT_EQ(web.run_as->gid, 1000u);
  EXPECT_EQ(web.run_as->groups, (std::vector<gid_t>{1000, 50, 999}));
  EXPECT_EQ(web.run_as->home, "/home/alice");
  const auto& staffed = service(config, "staffed")->run;
  ASSERT_TRUE(staffed.run_as);
  EXPECT_EQ(staffed.run_as->gid, 50u);
  const auto& numeric = service(config, "numeric")->run;
  ASSERT_TRUE(numeric.run_as);
  EXPECT_EQ(numeric.run_as->uid, 4321u);
  EXPECT_EQ(numeric.run_as->groups, std::vector<gid_t>{4321});
  ASSERT_TRUE(config.crons[0].run.run_as);
  EXPECT_EQ(config.crons[0].run.run_as->uid, 1000u);
}

TEST_F(ConfigLoad, AnUnknownUserOrGroupMakesOnlyThatEntryFatal) {
  write("wingmate.yaml", "service:\n"
                         "  ghost:\n    command: [g]\n    user: nobody-here\n"
                         "  lost:\n    command: [l]\n    user: alice\n    group: nogroup-here\n"
                         "  fine:\n    command: [f]\n");
  auto config = load();
  EXPECT_TRUE(config.errors.empty());
  EXPECT_EQ(service(config, "ghost")->fatal_reason,
            "unknown user 'nobody-here' (wingmate.yaml: service.ghost.user); add it to the "
            "image or change the setting");
  EXPECT_FALSE(service(config, "ghost")->run.run_as);
  EXPECT_EQ(service(config, "lost")->fatal_reason,
            "unknown group 'nogroup-here' (wingmate.yaml: service.lost.group); add it to the "
            "image or change the setting");
  EXPECT_EQ(service(config, "fine")->fatal_reason, "");
}

TEST_F(ConfigLoad, ASwitchOfUserNeedsRoot) {
  accounts.current = 1000;
  write("wingmate.yaml", "service:\n  web:\n    command: [w]\n    user: alice\n"
                         "  grouped:\n    command: [g]\n    group: staff\n"
                         "  plain:\n    command: [p]\n");
  auto config = load();
  EXPECT_TRUE(config.errors.empty());
  EXPECT_EQ(service(config, "web")->fatal_reason,
            "wingmate runs as uid 1000, not as root, so it cannot switch to user 'alice' "
            "(wingmate.yaml: service.web); run wingmate as root, or remove user and group");
  EXPECT_NE(service(config, "grouped")->fatal_reason.find("cannot switch to group 'staff'"),
            std::string::npos);
  EXPECT_EQ(service(config, "plain")->fatal_reason, "");
}

TEST_F(ConfigLoad, AJobWithABadScheduleKeepsThatReason) {
  write("wingmate.yaml", "cron:\n  job:\n    command: [j]\n    schedule: 'nope'\n"
                         "    user: nobody-here\n"
                         "service:\n  web:\n    command: [w]\n");
  auto config = load();
  ASSERT_TRUE(config.errors.empty()) << config.errors.front();
  EXPECT_TRUE(config.crons[0].fatal_reason.starts_with("bad schedule"))
    << config.crons[0].fatal_reason;
}

// -- the effective config ---------------------------------------------------------------

TEST_F(ConfigLoad, TheRenderedConfigLoadsBackToTheSameSettings) {
  write("service/legacy", "#!/bin/sh\n", 0755);
  write("wingmate.yaml",
        "service:\n"
        "  web:\n    command: [nginx, -g, daemon off;]\n    environ: [A=1]\n"
        "    working_dir: /srv\n    user: alice\n    group: staff\n    setsid: true\n"
        "    pidfile: run/nginx.pid\n    pidfile_timeout: 10\n    startsecs: 2\n"
        "    autostart: false\n    restart: on-failure\n"
        "    backoff: {initial: 250ms, max: 1m, multiplier: 3}\n    max_restarts: 5\n"
        "    restart_window: 2m\n    on_fatal: shutdown\n    stop_signal: INT\n"
        "    stop_timeout: 1.5\n"
        "cron:\n  job:\n    command: [j]\n    schedule: '@hourly'\n    overlap: allow\n"
        "    timeout: 90s\n    stop_signal: HUP\n");
  auto config = load({"/bin/app", "--flag"});
  ASSERT_TRUE(config.errors.empty()) << config.errors.front();
  auto rendered = render_config(config);

  // Without what a file does not take, the rendering is itself a valid file.
  auto as_file = rendered;
  as_file.erase("config_dir");
  for (auto* section : {&as_file["service"], &as_file["cron"]})
    for (auto& [name, settings] : section->items()) {
      for (const char* extra : {"source", "fatal", "run_as"})
        settings.erase(extra);
      for (auto it = settings.begin(); it != settings.end();)
        it = it->is_null() ? settings.erase(it) : std::next(it);
    }
  auto reread = parse_json_config(as_file.dump(), "wingmate.json");
  ASSERT_TRUE(reread.document);
  auto entries = read_structured_config(*reread.document);
  ASSERT_TRUE(entries.errors.empty()) << entries.errors.front();
  ASSERT_EQ(entries.services.size(), config.services.size());
  ASSERT_EQ(entries.crons.size(), 1u);
  for (std::size_t i = 0; i < entries.services.size(); ++i) {
    auto again = render_service(entries.services[i]);
    auto first = render_service(config.services[i]);
    for (const char* extra : {"source", "fatal", "run_as"}) {
      again.erase(extra);
      first.erase(extra);
    }
    EXPECT_EQ(again, first) << config.services[i].name;
  }
  auto job_again = render_cron(entries.crons[0]);
  auto job_first = render_cron(config.crons[0]);
  for (const char* extra : {"source", "fatal", "run_as"}) {
    job_again.erase(extra);
    job_first.erase(extra);
  }
  EXPECT_EQ(job_again, job_first);
}

TEST_F(ConfigLoad, TheRenderingShowsDefaultsSourcesAndIdentities) {
  write("wingmate.yaml", "service:\n  web:\n    command: [nginx]\n    user: alice\n"
                         "  ghost:\n    command: [g]\n    user: nobody-here\n");
  auto rendered = render_config(load());
  EXPECT_EQ(rendered["config_dir"], dir.string());
  const auto& web = rendered["service"]["web"];
  EXPECT_EQ(web.dump(), nlohmann::ordered_json::parse(R"({
    "command": ["nginx"], "environ": [], "working_dir": null, "user": "alice", "group": null,
    "setsid": false, "pidfile": null, "pidfile_timeout": 30.0, "startsecs": 1.0,
    "autostart": true, "autorestart": true, "restart": "always",
    "backoff": {"initial": 0.1, "max": 30.0, "multiplier": 2.0},
    "max_restarts": 0, "restart_window": 60.0, "on_fatal": "ignore",
    "stop_signal": "SIGTERM", "stop_timeout": 5.0, "main": false,
    "source": "wingmate.yaml: service.web", "fatal": null,
    "run_as": {"uid": 1000, "gid": 1000, "groups": [1000, 50, 999], "user_name": "alice",
               "home": "/home/alice"}})").dump());
  EXPECT_EQ(rendered["service"]["ghost"]["fatal"],
            "unknown user 'nobody-here' (wingmate.yaml: service.ghost.user); add it to the "
            "image or change the setting");
  EXPECT_TRUE(rendered["cron"].empty());
}

} // namespace
} // namespace wm

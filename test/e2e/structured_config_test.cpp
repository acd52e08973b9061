// wingmate.yaml and wingmate.json end to end, with wingmate as PID 1 of its
// own PID namespace: restart policies, stop settings, environment,
// directory and identity as a user sees them, and a broken config that
// starts nothing.

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "e2e_support.hpp"

namespace wm::test {
namespace {

namespace fs = std::filesystem;

// A YAML (and JSON) flow list of quoted strings.
std::string list(const std::vector<std::string>& words) {
  return nlohmann::json(words).dump();
}

// `command:` running the test helper with `args`.
std::string helper(const std::vector<std::string>& args) {
  std::vector<std::string> words{helper_bin("wm_test_child")};
  words.insert(words.end(), args.begin(), args.end());
  return "    command: " + list(words) + "\n";
}

std::string quoted(const std::string& text) {
  return nlohmann::json(text).dump();
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.pop_back();
  return text;
}

std::size_t stamp_count(const config_dir& config, const std::string& name) {
  return stamps(config.file(name)).size();
}

TEST(StructuredConfig, AServiceWithAnUnknownUserIsFatalAndNeverRunsWhileTheOthersRun) {
  config_dir config;
  config.dir().write("wingmate.yaml",
                     "service:\n"
                     "  ghost:\n" + helper({"stamp", config.file("ghost.stamps")})
                     + "    user: wm-no-such-user-" + std::to_string(::getpid()) + "\n"
                     "  steady:\n" + helper({"stamp", config.file("steady.stamps")}));
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wait_until([&] { return stamp_count(config, "steady.stamps") == 1; }, 5s))
    << wm.all_output();
  EXPECT_TRUE(wm.wait_for_output("service[ghost]: gave up: unknown user 'wm-no-such-user-", 2s))
    << wm.all_output();
  std::this_thread::sleep_for(1s);
  EXPECT_FALSE(fs::exists(config.file("ghost.stamps")));
  EXPECT_EQ(wm.find("wm_test_child").size(), 1u);
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(5s), 0);
}

TEST(StructuredConfig, OnFailureRestartsFailuresOnly) {
  config_dir config;
  config.dir().write("wingmate.yaml",
                     "service:\n"
                     "  clean:\n" + helper({"stamp-exit", config.file("clean.stamps"), "0"})
                     + "    restart: on-failure\n"
                     "  failing:\n" + helper({"stamp-exit", config.file("failing.stamps"), "1"})
                     + "    restart: on-failure\n"
                     "  signalled:\n"
                     "    command: [/bin/sh, -c, " + quoted("echo >> " + config.file("sig.log")
                                                            + "; kill -KILL $$") + "]\n"
                     "    restart: on-failure\n");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wait_until([&] { return stamp_count(config, "failing.stamps") >= 3; }, 10s))
    << wm.all_output();
  ASSERT_TRUE(wait_until([&] { return read_file(config.file("sig.log")).size() >= 3; }, 10s))
    << wm.all_output();
  EXPECT_EQ(stamp_count(config, "clean.stamps"), 1u);
  EXPECT_TRUE(wm.wait_for_output("service[clean]: exited with code 0 after", 1s));
  EXPECT_TRUE(wm.wait_for_output("not started again (restart: on-failure)", 1s))
    << wm.all_output();
  EXPECT_TRUE(wm.wait_for_output("service[signalled]: killed by SIGKILL", 1s))
    << wm.all_output();
}

TEST(StructuredConfig, NeverMeansNeverAndAutorestartFalseToo) {
  config_dir config;
  config.dir().write("wingmate.yaml",
                     "service:\n"
                     "  once:\n" + helper({"stamp-exit", config.file("once.stamps"), "1"})
                     + "    restart: never\n"
                     "  go-style:\n" + helper({"stamp-exit", config.file("go.stamps"), "3"})
                     + "    autorestart: false\n"
                     "  steady:\n" + helper({"sleep"}));
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("service[once]: exited with code 1", 5s)) << wm.all_output();
  ASSERT_TRUE(wm.wait_for_output("service[go-style]: exited with code 3", 5s));
  std::this_thread::sleep_for(1500ms); // longer than the first backoffs
  EXPECT_EQ(stamp_count(config, "once.stamps"), 1u);
  EXPECT_EQ(stamp_count(config, "go.stamps"), 1u);
  EXPECT_EQ(wm.process().count_output("not started again (restart: never)"), 2u)
    << wm.all_output();
}

TEST(StructuredConfig, MaxRestartsMakesACrashLoopFatal) {
  config_dir config;
  config.dir().write("wingmate.yaml",
                     "service:\n"
                     "  crash:\n" + helper({"stamp-exit", config.file("crash.stamps"), "1"})
                     + "    max_restarts: 2\n    restart_window: 1m\n"
                     "    backoff: {initial: 50ms}\n"
                     "  steady:\n" + helper({"sleep"}));
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("service[crash]: gave up: restarted 2 times within 60 s "
                                 "(max_restarts)", 10s))
    << wm.all_output();
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(stamp_count(config, "crash.stamps"), 3u); // the first start and two restarts
  EXPECT_EQ(wm.find("wm_test_child sleep").size(), 1u); // on_fatal: ignore, the rest runs
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(5s), 0);
}

TEST(StructuredConfig, OnFatalShutdownStopsEverythingAndExitsOne) {
  config_dir config;
  const std::string child = helper_bin("wm_test_child");
  config.dir().write("wingmate.json", R"({"service": {
      "crash": {"command": )" + list({child, "exit", "1"}) + R"(, "max_restarts": 1,
                "backoff": {"initial": 0.05}, "on_fatal": "shutdown"},
      "steady": {"command": )" + list({child, "sleep"}) + "}}}");
  auto start = std::chrono::steady_clock::now();
  namespaced_wingmate wm({"-c", config.path()});
  auto code = wm.wait_exit(10s);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(code.has_value()) << wm.all_output();
  EXPECT_EQ(*code, 1) << wm.all_output();
  EXPECT_LT(took, 5s);
  EXPECT_NE(wm.all_output().find("stopping wingmate (on_fatal: shutdown)"), std::string::npos)
    << wm.all_output();
  EXPECT_NE(wm.all_output().find("service[steady]: stopped"), std::string::npos)
    << wm.all_output();
}

TEST(StructuredConfig, StopSignalSigintStopsAServiceWithoutWaitingForItsTimeout) {
  config_dir config;
  config.dir().write("wingmate.yaml", "service:\n  picky:\n" + helper({"only-int"})
                                        + "    stop_signal: SIGINT\n    stop_timeout: 8\n");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("waiting for SIGINT", 5s)) << wm.all_output();
  auto start = std::chrono::steady_clock::now();
  wm.signal(SIGTERM);
  auto code = wm.wait_exit(15s);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  EXPECT_LT(took, 2s);
  EXPECT_NE(wm.all_output().find("service[picky]: stopped (exited with code 0)"),
            std::string::npos)
    << wm.all_output();
  EXPECT_EQ(wm.all_output().find("sending SIGKILL"), std::string::npos) << wm.all_output();
}

TEST(StructuredConfig, APerServiceStopTimeoutIsHonoured) {
  config_dir config;
  config.dir().write("wingmate.yaml", "service:\n  stubborn:\n" + helper({"ignore-term"})
                                        + "    stop_timeout: 1s\n");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("ignoring SIGTERM", 5s)) << wm.all_output();
  auto start = std::chrono::steady_clock::now();
  wm.signal(SIGTERM);
  auto code = wm.wait_exit(10s);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 3500ms); // the default 5 s would be well over this
  EXPECT_NE(wm.all_output().find("service[stubborn]: still running 1 s after SIGTERM; sending "
                                 "SIGKILL"),
            std::string::npos)
    << wm.all_output();
}

TEST(StructuredConfig, EnvironValuesKeepTheirEqualsSigns) {
  config_dir config;
  config.dir().write("wingmate.yaml",
                     "service:\n  env:\n" + helper({"env", "WM_TEST_VALUE", config.file("value")})
                       + "    environ: [\"WM_TEST_VALUE=a=b==c d\", \"OTHER=1\"]\n");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wait_until([&] { return !read_file(config.file("value")).empty(); }, 5s))
    << wm.all_output();
  EXPECT_EQ(read_file(config.file("value")), "a=b==c d");
}

TEST(StructuredConfig, WorkingDirIsTheChildsCurrentDirectory) {
  config_dir config;
  const std::string work = config.file("work dir");
  fs::create_directories(work);
  config.dir().write("wingmate.yaml", "service:\n  here:\n" + helper({"cwd", config.file("cwd")})
                                        + "    working_dir: " + quoted(work) + "\n");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wait_until([&] { return !read_file(config.file("cwd")).empty(); }, 5s))
    << wm.all_output();
  EXPECT_EQ(read_file(config.file("cwd")), work);
}

TEST(StructuredConfig, AMissingWorkingDirIsAFailedStartThatIsRetried) {
  config_dir config;
  const std::string later = config.file("appears-later");
  config.dir().write("wingmate.yaml", "service:\n  patient:\n"
                                        + helper({"cwd", config.file("cwd")})
                                        + "    working_dir: " + quoted(later) + "\n");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("service[patient]: could not start", 5s)) << wm.all_output();
  EXPECT_NE(wm.all_output().find("appears-later"), std::string::npos) << wm.all_output();
  fs::create_directories(later);
  ASSERT_TRUE(wait_until([&] { return !read_file(config.file("cwd")).empty(); }, 10s))
    << wm.all_output();
  EXPECT_EQ(read_file(config.file("cwd")), later);
}

TEST(StructuredConfig, SetsidMakesASessionLeader) {
  config_dir config;
  config.dir().write("wingmate.yaml", "service:\n  leader:\n"
                                        + helper({"report", config.file("leader.report")})
                                        + "    setsid: true\n");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wait_until([&] { return !read_file(config.file("leader.report")).empty(); }, 5s))
    << wm.all_output();
  const std::string report = read_file(config.file("leader.report"));
  const auto value = [&](const std::string& key) {
    const auto at = report.find(key + ": ");
    return report.substr(at + key.size() + 2, report.find('\n', at) - at - key.size() - 2);
  };
  EXPECT_EQ(value("sid"), value("pid")) << report;
}

TEST(StructuredConfig, AutostartFalseLoadsButDoesNotStart) {
  config_dir config;
  config.dir().write("wingmate.yaml", "service:\n"
                                      "  later:\n" + helper({"stamp", config.file("later.stamps")})
                                      + "    autostart: false\n"
                                      "  now:\n" + helper({"sleep"}));
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("service[later]: not started (autostart is false)", 5s))
    << wm.all_output();
  ASSERT_TRUE(wm.wait_for_output("service[now]: started", 5s));
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(fs::exists(config.file("later.stamps")));
}

TEST(StructuredConfig, MainTrueEndsTheRunWithItsExitCode) {
  config_dir config;
  config.dir().write("wingmate.yaml", "service:\n"
                                      "  app:\n" + helper({"exit", "7", "500"})
                                      + "    main: true\n"
                                      "  helper:\n" + helper({"sleep"}));
  namespaced_wingmate wm({"-c", config.path()});
  EXPECT_EQ(wm.wait_exit(10s), 7) << wm.all_output();
  EXPECT_NE(wm.all_output().find("service[helper]: stopped"), std::string::npos);
}

TEST(StructuredConfig, AConfigWithThreeMistakesPrintsThreeErrorsAndStartsNothing) {
  config_dir config;
  config.helper_service("legacy", "stamp " + config.file("legacy.stamps"));
  config.dir().write("wingmate.yaml", "service:\n"
                                      "  web:\n" + helper({"sleep"})
                                      + "    stop_timeout: soon\n"
                                      "    restart: sometimes\n"
                                      "  db:\n"
                                      "    environ: [PGDATA=/data]\n");
  namespaced_wingmate wm({"-c", config.path()});
  EXPECT_EQ(wm.wait_exit(5s), 2);
  const std::string out = wm.all_output();
  EXPECT_NE(out.find("wingmate.yaml: service.web.stop_timeout: \"soon\" is not a duration"),
            std::string::npos)
    << out;
  EXPECT_NE(out.find("wingmate.yaml: service.web.restart: \"sometimes\" is not one of always, "
                     "on-failure, never"),
            std::string::npos)
    << out;
  EXPECT_NE(out.find("wingmate.yaml: service.db: has no command"), std::string::npos) << out;
  EXPECT_EQ(wm.process().count_output("wingmate.yaml: "), 3u) << out;
  EXPECT_NE(out.find("nothing was started"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(config.file("legacy.stamps")));
}

// -- users and groups ------------------------------------------------------------

// Two groups and a user in both, made for the test and removed after it.
class StructuredConfigUsers : public ::testing::Test {
protected:
  void SetUp() override {
    const std::string tag = std::to_string(::getpid());
    primary = "wmcfg-a" + tag;
    secondary = "wmcfg-b" + tag;
    user = "wmcfg-u" + tag;
    ASSERT_EQ(run("groupadd " + primary), 0);
    ASSERT_EQ(run("groupadd " + secondary), 0);
    ASSERT_EQ(run("useradd -M -N -d /home/" + user + " -s /usr/sbin/nologin -g " + primary
                  + " -G " + secondary + " " + user),
              0);
    uid = ::getpwnam(user.c_str())->pw_uid;
    primary_gid = ::getgrnam(primary.c_str())->gr_gid;
    secondary_gid = ::getgrnam(secondary.c_str())->gr_gid;
  }

  void TearDown() override {
    run("userdel " + user);
    run("groupdel " + secondary);
    run("groupdel " + primary);
  }

  // Retried a few times: useradd and friends give up when another process
  // holds the lock on /etc/passwd or /etc/group for a moment.
  static int run(const std::string& command) {
    int status = -1;
    for (int attempt = 0; attempt < 5 && status != 0; ++attempt) {
      if (attempt > 0)
        std::this_thread::sleep_for(200ms);
      status = std::system((command + " 2>&1").c_str());
    }
    return status;
  }

  static std::string ids(unsigned id) {
    const std::string one = std::to_string(id);
    return one + "\t" + one + "\t" + one + "\t" + one;
  }

  // The host pid of the one `sleep MARK` process.
  static pid_t sleeper(const namespaced_wingmate& wm, const std::string& mark) {
    pid_t found = 0;
    wait_until([&] {
      auto matches = wm.find("sleep " + mark);
      found = matches.size() == 1 ? matches[0].host_pid : 0;
      return found != 0;
    }, 5s);
    return found;
  }

  static std::string environment_of(pid_t pid) {
    std::string env = read_file("/proc/" + std::to_string(pid) + "/environ");
    for (char& c : env)
      if (c == '\0')
        c = '\n';
    return env;
  }

  std::string primary, secondary, user;
  uid_t uid = 0;
  gid_t primary_gid = 0, secondary_gid = 0;
};

TEST_F(StructuredConfigUsers, ServicesRunWithTheRightUidGidAndGroups) {
  config_dir config;
  config.dir().write("wingmate.yaml",
                     "service:\n"
                     "  as-user:\n    command: [/bin/sleep, \"4711001\"]\n"
                     "    user: " + user + "\n"
                     "  as-user-and-group:\n    command: [/bin/sleep, \"4711002\"]\n"
                     "    user: " + user + "\n    group: " + secondary + "\n"
                     "  as-numbers:\n    command: [/bin/sleep, \"4711003\"]\n"
                     "    user: 54321\n    group: \"54322\"\n"
                     "  own-home:\n    command: [/bin/sleep, \"4711004\"]\n"
                     "    user: " + user + "\n    environ: [HOME=/srv]\n");
  namespaced_wingmate wm({"-c", config.path()});

  const pid_t as_user = sleeper(wm, "4711001");
  ASSERT_NE(as_user, 0) << wm.all_output();
  EXPECT_EQ(status_field(as_user, "Uid"), ids(uid));
  EXPECT_EQ(status_field(as_user, "Gid"), ids(primary_gid));
  EXPECT_EQ(trimmed(status_field(as_user, "Groups")),
            std::to_string(std::min(primary_gid, secondary_gid)) + " "
              + std::to_string(std::max(primary_gid, secondary_gid)));
  const std::string env = environment_of(as_user);
  EXPECT_NE(env.find("\nHOME=/home/" + user + "\n"), std::string::npos) << env;
  EXPECT_NE(env.find("\nUSER=" + user + "\n"), std::string::npos) << env;
  EXPECT_NE(env.find("\nLOGNAME=" + user + "\n"), std::string::npos) << env;

  const pid_t with_group = sleeper(wm, "4711002");
  ASSERT_NE(with_group, 0) << wm.all_output();
  EXPECT_EQ(status_field(with_group, "Uid"), ids(uid));
  EXPECT_EQ(status_field(with_group, "Gid"), ids(secondary_gid));
  EXPECT_EQ(trimmed(status_field(with_group, "Groups")), std::to_string(secondary_gid));

  const pid_t numbers = sleeper(wm, "4711003");
  ASSERT_NE(numbers, 0) << wm.all_output();
  EXPECT_EQ(status_field(numbers, "Uid"), ids(54321));
  EXPECT_EQ(status_field(numbers, "Gid"), ids(54322));
  EXPECT_EQ(trimmed(status_field(numbers, "Groups")), "54322");

  const pid_t own_home = sleeper(wm, "4711004");
  ASSERT_NE(own_home, 0) << wm.all_output();
  EXPECT_NE(environment_of(own_home).find("\nHOME=/srv\n"), std::string::npos);
}

TEST(StructuredConfigCheck, PrintsTheEffectiveConfigAndExitsZero) {
  config_dir config;
  config.dir().write("wingmate.yaml", "service:\n  web:\n    command: [nginx]\n");
  child_process check({wingmate_bin(), "check", "-c", config.path(), "--", "/bin/app", "-v"});
  ASSERT_EQ(check.wait_exit(5s), 0) << check.all_output();
  auto printed = nlohmann::json::parse(check.out());
  EXPECT_EQ(printed["service"]["web"]["stop_signal"], "SIGTERM");
  EXPECT_EQ(printed["service"]["main"]["command"], nlohmann::json({"/bin/app", "-v"}));
}

// Found by the config_yaml fuzzer: a YAML string that is not UTF-8 made the
// JSON printer throw, and `wingmate check` died. It prints U+FFFD instead.
TEST(StructuredConfigCheck, PrintsACommandThatIsNotUtf8) {
  config_dir config;
  config.dir().write("wingmate.yaml", "service:\n  web:\n    command: /bin/app-\xff\n");
  child_process check({wingmate_bin(), "check", "-c", config.path()});
  ASSERT_EQ(check.wait_exit(5s), 0) << check.all_output();
  auto printed = nlohmann::json::parse(check.out());
  EXPECT_EQ(printed["service"]["web"]["command"], nlohmann::json({"/bin/app-\xef\xbf\xbd"}));
}

TEST(StructuredConfigCheck, ListsEveryErrorAndExitsTwo) {
  config_dir config;
  config.dir().write("wingmate.json", R"({"service": {"web": {"command": ["nginx"],
    "user": "wm-no-such-user", "stop_signal": "SIGNOPE"}}})");
  child_process check({wingmate_bin(), "check"}, with_env({{"WINGMATE_CONFIG_PATH",
                                                            config.path()}}));
  ASSERT_EQ(check.wait_exit(5s), 2) << check.all_output();
  EXPECT_EQ(check.out(), "");
  EXPECT_NE(check.err().find("error: wingmate.json: service.web.stop_signal: \"SIGNOPE\" is not "
                             "a signal"),
            std::string::npos)
    << check.err();
  EXPECT_NE(check.err().find("error: service web would be fatal and never run: unknown user"),
            std::string::npos)
    << check.err();
}

TEST(StructuredConfigCheck, OtherSubcommandsStillRefuseACommand) {
  child_process wm({wingmate_bin(), "cron-next", "@daily", "--", "x"});
  EXPECT_EQ(wm.wait_exit(5s), 2);
  EXPECT_NE(wm.err().find("takes no command after --"), std::string::npos) << wm.err();
}

} // namespace
} // namespace wm::test

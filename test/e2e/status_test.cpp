// The status dump end to end, with wingmate as PID 1 of its own PID
// namespace: SIGUSR1 writes a document that follows the documented schema
// and tells the truth about every service, a burst of signals never shows a
// reader a partial document, and `wingmate status` finds wingmate, prints
// the table and judges health for a liveness probe.

#include <signal.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "e2e_support.hpp"
#include "status_support.hpp"
#include "harness/status_schema.hpp"

namespace wm::test {
namespace {

using nlohmann::json;

pid_t ns_pid_of(const namespaced_wingmate& wm, const std::string& needle) {
  auto found = wm.find(needle);
  return found.size() == 1 ? found[0].ns_pid : -1;
}

struct ran {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `wingmate ARGS` inside wingmate's namespace.
ran inside(const namespaced_wingmate& wm, std::vector<std::string> args,
           start_options options = {}) {
  args.insert(args.begin(), wingmate_bin());
  auto process = wm.run_inside(std::move(args), std::move(options));
  ran result;
  result.code = process->wait_exit(15s).value_or(-1);
  result.out = process->out();
  result.err = process->err();
  return result;
}

TEST(Status, Sigusr1WritesATruthfulDocument) {
  config_dir config;
  config.helper_service("web", "sleep");
  config.helper_service("crash", "exit 3");
  config.helper_service("victim", "stamp " + config.file("victim.stamps"));
  namespaced_wingmate wm({"-c", config.path(), "--", helper_bin("wm_test_child"), "sleep"});
  ASSERT_TRUE(wait_until([&] { return stamps(config.file("victim.stamps")).size() == 1; }, 5s));
  // The pid file is there from the start.
  EXPECT_EQ(read_file(wm.status_file().parent_path() / "wingmate.pid"), "1\n");
  std::this_thread::sleep_for(1200ms); // past startsecs: the others are running
  // One SIGKILL for the victim; the crash loop (in its 0.8 s wait) runs on.
  auto victim = wm.find("victim.stamps");
  ASSERT_EQ(victim.size(), 1u);
  ::kill(victim[0].host_pid, SIGKILL);
  ASSERT_TRUE(wait_until([&] { return stamps(config.file("victim.stamps")).size() == 2; }, 5s));

  const json doc = dump(wm, 1);
  ASSERT_TRUE(doc.is_object()) << read_file(wm.status_file());
  EXPECT_EQ(status_schema_problems(doc), std::vector<std::string>{}) << doc.dump(2);
  EXPECT_EQ(doc["wingmate"]["pid"], 1);
  EXPECT_EQ(doc["wingmate"]["pid1"], true);
  EXPECT_EQ(doc["wingmate"]["state"], "running");
  EXPECT_EQ(doc["wingmate"]["config"], config.path());
  EXPECT_EQ(doc["wingmate"]["sequence"], 1);
  EXPECT_EQ(doc["wingmate"]["status_file"], wm.status_file().string());
  EXPECT_EQ(doc["wingmate"]["orphans_reaped"], 0);

  // web and the main command both run `wm_test_child sleep`.
  std::set<json> sleepers;
  for (const auto& p : wm.find("wm_test_child sleep"))
    sleepers.insert(p.ns_pid);
  const json& web = service_named(doc, "web");
  EXPECT_EQ(web["state"], "running");
  EXPECT_TRUE(sleepers.contains(web["pid"])) << web.dump();
  EXPECT_EQ(web["restarts"], 0);
  EXPECT_EQ(web["last_exit"], nullptr);
  EXPECT_EQ(web["main"], false);

  const json& main_service = service_named(doc, "main");
  EXPECT_EQ(main_service["state"], "running");
  EXPECT_TRUE(sleepers.contains(main_service["pid"])) << main_service.dump();
  EXPECT_NE(main_service["pid"], web["pid"]);
  EXPECT_EQ(main_service["main"], true);

  const json& crash = service_named(doc, "crash");
  EXPECT_EQ(crash["state"], "backoff");
  EXPECT_GE(crash["restarts"], 3);
  EXPECT_EQ(crash["last_exit"]["code"], 3);
  EXPECT_EQ(crash["last_exit"]["signal"], nullptr);
  EXPECT_TRUE(crash["next_restart_at"].is_string());
  EXPECT_EQ(crash["pid"], nullptr);
  EXPECT_EQ(crash["optional"], false);

  const json& killed = service_named(doc, "victim");
  EXPECT_EQ(killed["state"], "starting"); // restarted less than startsecs ago
  EXPECT_EQ(killed["restarts"], 1);
  EXPECT_EQ(killed["last_exit"]["signal"], "SIGKILL");
  EXPECT_EQ(killed["pid"], ns_pid_of(wm, "victim.stamps"));
  EXPECT_EQ(killed["pgid"], killed["pid"]);

  EXPECT_EQ(wm.process().count_output("status: wrote status #1 (4 services, 0 cron jobs) to "
                                      + wm.status_file().string()),
            1u)
    << wm.all_output();

  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(10s), 0);
  EXPECT_FALSE(std::filesystem::exists(wm.status_file().parent_path() / "wingmate.pid"));
}

TEST(Status, StatesDuringTheStopAfterTheMainCommandEnded) {
  config_dir config;
  config.helper_service("stubborn", "ignore-term");
  config.helper_service("quick", "sleep");
  namespaced_wingmate wm({"-c", config.path(), "--", helper_bin("wm_test_child"), "exit", "7",
                          "500"});
  // The main command ends, everything is stopped; the stubborn service
  // holds the stop up for its stop_timeout (5 s).
  ASSERT_TRUE(wm.wait_for_output("service[quick]: stopped", 5s)) << wm.all_output();

  const json doc = dump(wm, 1);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(status_schema_problems(doc), std::vector<std::string>{}) << doc.dump(2);
  EXPECT_EQ(doc["wingmate"]["state"], "stopping");
  EXPECT_EQ(service_named(doc, "main")["state"], "exited");
  EXPECT_EQ(service_named(doc, "main")["last_exit"]["code"], 7);
  EXPECT_EQ(service_named(doc, "quick")["state"], "stopped");
  EXPECT_EQ(service_named(doc, "quick")["last_exit"]["signal"], "SIGTERM");
  EXPECT_EQ(service_named(doc, "stubborn")["state"], "stopping");
  EXPECT_TRUE(service_named(doc, "stubborn")["pid"].is_number_integer());
  EXPECT_EQ(wm.wait_exit(10s), 7);
}

TEST(Status, ABurstOfSignalsNeverShowsAPartialDocument) {
  config_dir config;
  for (int i = 0; i < 20; ++i)
    config.helper_service("svc" + std::to_string(i), "sleep");
  config.helper_service("crash", "exit 1");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wait_until([&] { return wm.find("wm_test_child sleep").size() == 20; }, 5s));

  std::atomic<bool> done{false};
  std::atomic<int> valid{0}, broken{0}, backwards{0};
  std::thread reader([&] {
    long long last = 0;
    while (!done) {
      const std::string text = read_file(wm.status_file());
      if (text.empty())
        continue; // not written yet
      const json doc = json::parse(text, nullptr, false);
      if (doc.is_discarded() || !status_schema_problems(doc).empty()) {
        ++broken;
        continue;
      }
      const long long sequence = doc["wingmate"]["sequence"];
      backwards += sequence < last ? 1 : 0;
      last = sequence;
      ++valid;
    }
  });
  for (int i = 0; i < 100; ++i)
    wm.signal(SIGUSR1);
  std::this_thread::sleep_for(1s);
  done = true;
  reader.join();

  EXPECT_GT(valid, 0);
  EXPECT_EQ(broken, 0);
  EXPECT_EQ(backwards, 0);
  const json last = read_json(wm.status_file());
  EXPECT_GE(last["wingmate"]["sequence"], 1);
  EXPECT_LE(last["wingmate"]["sequence"], 100);
  // Supervision went on: a killed service comes back, and wingmate answers.
  auto before = wm.find("wm_test_child sleep");
  ::kill(before[0].host_pid, SIGKILL);
  EXPECT_TRUE(wait_until([&] { return wm.find("wm_test_child sleep").size() == 20; }, 5s));
  const long long next = last["wingmate"]["sequence"].get<long long>() + 1;
  EXPECT_EQ(dump(wm, next)["wingmate"]["sequence"], next);
  EXPECT_EQ(wm.zombies(), 0u);
}

TEST(Status, CheckFailsWhileAServiceCrashLoopsAndPassesOnceHealthy) {
  config_dir config;
  config.dir().write("broken", "");
  config.shell_service("flaky", "[ -e " + config.file("broken") + " ] && exit 1\nexec "
                                  + helper_bin("wm_test_child") + " sleep");
  config.helper_service("web", "sleep");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("starting it again in 0.4 s", 5s)) << wm.all_output();

  auto sick = inside(wm, {"status", "--check"});
  EXPECT_EQ(sick.code, 1) << sick.out << sick.err;
  EXPECT_NE(sick.err.find("wingmate status: unhealthy: service flaky is in backoff: restarted"),
            std::string::npos)
    << sick.err;
  EXPECT_NE(sick.out.find("flaky  service  backoff"), std::string::npos) << sick.out;

  std::filesystem::remove(config.file("broken"));
  ASSERT_TRUE(wait_until([&] { return wm.find("wm_test_child sleep").size() == 2; }, 10s));
  auto healthy = inside(wm, {"status", "--check"});
  EXPECT_EQ(healthy.code, 0) << healthy.out << healthy.err;
  EXPECT_EQ(healthy.err, "");
  EXPECT_NE(healthy.out.find("wingmate " WM_TEST_VERSION), std::string::npos) << healthy.out;
  EXPECT_NE(healthy.out.find("(PID 1)"), std::string::npos) << healthy.out;
}

TEST(Status, JsonPrintsTheFreshDocument) {
  config_dir config;
  config.helper_service("web", "sleep");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("service[web]: started", 5s));
  const json first = dump(wm, 1);
  auto shown = inside(wm, {"status", "--json"});
  ASSERT_EQ(shown.code, 0) << shown.err;
  const json doc = json::parse(shown.out, nullptr, false);
  EXPECT_EQ(status_schema_problems(doc), std::vector<std::string>{}) << shown.out;
  EXPECT_EQ(doc["wingmate"]["sequence"], 2); // newer than the one before it
  EXPECT_EQ(doc, read_json(wm.status_file()));
  EXPECT_EQ(shown.out.substr(0, 24), "{\n  \"schema_version\": 1,");
}

TEST(Status, FindsWingmateAsPid1WhenThePidFileIsMissingOrStale) {
  config_dir config;
  config.helper_service("web", "sleep");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("service[web]: started", 5s));
  const auto pid_file = wm.status_file().parent_path() / "wingmate.pid";

  std::filesystem::remove(pid_file);
  auto without = inside(wm, {"status"});
  EXPECT_EQ(without.code, 0) << without.err;
  EXPECT_NE(without.out.find("\nweb   service  "), std::string::npos) << without.out;

  // A pid file naming another program is passed over.
  std::ofstream(pid_file) << ns_pid_of(wm, "wm_test_child sleep") << "\n";
  auto stale = inside(wm, {"status"});
  EXPECT_EQ(stale.code, 0) << stale.err;
  EXPECT_EQ(read_json(wm.status_file())["wingmate"]["sequence"], 2);
}

TEST(Status, AUserWhoMayNotSignalGetsTheLastDocumentAndItsAge) {
  config_dir config;
  config.helper_service("web", "sleep");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("service[web]: started", 5s));
  ASSERT_TRUE(dump(wm, 1).is_object());

  auto other = wm.run_inside({"setpriv", "--reuid", "65534", "--regid", "65534",
                              "--clear-groups", wingmate_bin(), "status"});
  ASSERT_EQ(other->wait_exit(15s), 0) << other->err();
  EXPECT_NE(other->err().find("wingmate status: warning: "), std::string::npos) << other->err();
  EXPECT_NE(other->err().find("; showing the last status document, written "),
            std::string::npos)
    << other->err();
  EXPECT_NE(other->err().find(" ago by wingmate pid 1 "), std::string::npos) << other->err();
  EXPECT_NE(other->out().find("status #1 of"), std::string::npos) << other->out();
  EXPECT_EQ(read_json(wm.status_file())["wingmate"]["sequence"], 1); // not signalled
}

TEST(Status, FallsBackToAPerUserDirectory) {
  config_dir config;
  config.helper_service("web", "sleep");
  temp_dir tmp;
  tmp.write("file", "not a directory");
  const std::map<std::string, std::string> env{
    {"WINGMATE_STATUS_FILE", (tmp / "file/status.json").string()},
    {"TMPDIR", tmp.path().string()}};
  namespaced_wingmate wm({"-c", config.path()}, with_env(env));
  const std::string fallback = (tmp / "wingmate-0").string();
  ASSERT_TRUE(wm.wait_for_output("using " + fallback + " instead", 5s)) << wm.all_output();
  auto shown = inside(wm, {"status"}, with_env(env));
  EXPECT_EQ(shown.code, 0) << shown.err;
  EXPECT_TRUE(std::filesystem::exists(fallback + "/status.json"));
  EXPECT_TRUE(wm.wait_for_output("to " + fallback + "/status.json in", 2s)) << wm.all_output();
}

TEST(Status, ClearErrorsWhenThereIsNoWingmateOrNoDocument) {
  temp_dir empty;
  child_process lonely({wingmate_bin(), "status"},
                       with_env({{"WINGMATE_STATUS_FILE", (empty / "status.json").string()}}));
  EXPECT_EQ(lonely.wait_exit(10s), 3);
  EXPECT_EQ(lonely.out(), "");
  EXPECT_EQ(lonely.err().substr(0, 17), "wingmate status: ") << lonely.err();

  // A wingmate that writes elsewhere: asked, it never answers here.
  config_dir config;
  config.helper_service("web", "sleep");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("service[web]: started", 5s));
  auto waited = inside(wm, {"status", "--timeout", "0.3"},
                       with_env({{"WINGMATE_STATUS_FILE", (empty / "status.json").string()}}));
  EXPECT_EQ(waited.code, 3);
  EXPECT_NE(waited.err.find("wingmate status: wingmate (PID 1) wrote no new status document to "
                            + (empty / "status.json").string() + " within 0.3 s"),
            std::string::npos)
    << waited.err;
}

} // namespace
} // namespace wm::test

namespace wm::test {
namespace {

// The states that only the structured config can bring about, a cron job and
// a pidfile service, all in one document.
TEST(Status, PolicyStatesCronJobsAndDaemonsShowAsTheyAre) {
  config_dir config;
  const std::string child = helper_bin("wm_test_child");
  const std::string pidfile = config.file("d.pid");
  config.dir().write(
    "wingmate.yaml",
    "service:\n"
    "  idle:\n    command: [" + child + ", sleep]\n    autostart: false\n"
    "  done:\n    command: [" + child + ", exit, '0']\n    restart: on-failure\n"
    "  givesup:\n    command: [" + child + ", exit, '4']\n    max_restarts: 2\n"
    "    backoff: {initial: 0.05}\n    on_fatal: ignore\n"
    "  nobody:\n    command: [" + child + ", sleep]\n    user: no-such-user-wm-status\n"
    "  daemon:\n    command: [/bin/sh, -c, '" + child + " sleep & echo $! > " + pidfile
      + "']\n    pidfile: " + pidfile + "\n"
    "cron:\n"
    "  hourly:\n    command: [/bin/true]\n    schedule: '@hourly'\n    timeout: 30\n"
    "  broken:\n    command: [/bin/true]\n    schedule: '61 * * * *'\n");
  namespaced_wingmate wm({"-c", config.path()});
  ASSERT_TRUE(wm.wait_for_output("service[givesup]: gave up", 10s)) << wm.all_output();
  ASSERT_TRUE(wm.wait_for_output("service[daemon]: found daemon pid", 10s)) << wm.all_output();
  ASSERT_TRUE(wm.wait_for_output("service[done]: exited with code 0", 10s)) << wm.all_output();

  const json doc = dump(wm, 1);
  ASSERT_TRUE(doc.is_object()) << read_file(wm.status_file());
  EXPECT_EQ(status_schema_problems(doc), std::vector<std::string>{}) << doc.dump(2);

  EXPECT_EQ(service_named(doc, "idle")["state"], "stopped");
  EXPECT_EQ(service_named(doc, "idle")["autostart"], false);
  const json& done = service_named(doc, "done");
  EXPECT_EQ(done["state"], "exited");
  EXPECT_EQ(done["last_exit"]["code"], 0);
  EXPECT_EQ(done["policy"]["restart"], "on-failure");
  const json& givesup = service_named(doc, "givesup");
  EXPECT_EQ(givesup["state"], "fatal");
  EXPECT_EQ(givesup["restarts"], 2);
  EXPECT_NE(givesup["fatal_reason"].get<std::string>().find("max_restarts"), std::string::npos);
  EXPECT_EQ(givesup["optional"], true);
  const json& nobody = service_named(doc, "nobody");
  EXPECT_EQ(nobody["state"], "fatal");
  EXPECT_NE(nobody["fatal_reason"].get<std::string>().find("no-such-user-wm-status"),
            std::string::npos);
  EXPECT_EQ(nobody["optional"], false);
  const json& daemon = service_named(doc, "daemon");
  EXPECT_EQ(daemon["pidfile"], pidfile);
  EXPECT_EQ(daemon["watched_pid"], std::stoi(read_file(pidfile)));
  EXPECT_EQ(daemon["pid"], daemon["watched_pid"]);

  ASSERT_EQ(doc["cron"].size(), 2u);
  const json& hourly = doc["cron"][1];
  EXPECT_EQ(hourly["name"], "hourly");
  EXPECT_EQ(hourly["state"], "waiting");
  EXPECT_TRUE(hourly["next_run"].is_string());
  EXPECT_EQ(hourly["runs"], 0);
  EXPECT_EQ(hourly["policy"]["timeout"], 30.0);
  const json& broken = doc["cron"][0];
  EXPECT_EQ(broken["state"], "fatal");
  EXPECT_NE(broken["fatal_reason"].get<std::string>().find("61 is out of range"),
            std::string::npos);
  EXPECT_EQ(doc["errors"], json::array());

  // givesup declares on_fatal: ignore, so only the unknown user fails the
  // liveness check.
  auto check = inside(wm, {"status", "--check"});
  EXPECT_EQ(check.code, 1) << check.out << check.err;
  EXPECT_NE(check.err.find("service nobody is fatal"), std::string::npos) << check.err;
  EXPECT_EQ(check.err.find("givesup"), std::string::npos) << check.err;

  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(10s), 0) << wm.all_output();
}

} // namespace
} // namespace wm::test

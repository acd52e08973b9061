// The status document: every service state, cron job records and
// wingmate's own section rendered into JSON, with the shape the README ("Status")
// documents (every key present, null where it does not apply).

#include "messages/status_document.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include "harness/status_schema.hpp"
#include "test/unit/zone_helpers.hpp"

namespace wm {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::ordered_json;

// 2026-12-03T18:49:34.125Z, which Berlin shows as 19:49:34.125+01:00.
system_time t0() {
  return std::chrono::system_clock::from_time_t(1796323774) + 125ms;
}

class StatusDocument : public ::testing::Test {
protected:
  test::scoped_tz zone{"Europe/Berlin"};
};

service_status service(const std::string& name, service_state state) {
  service_status s;
  s.name = name;
  s.source = "service/" + name;
  s.state = state;
  return s;
}

service_status running(const std::string& name, pid_t pid, system_time since) {
  auto s = service(name, service_state::running);
  s.pid = pid;
  s.pgid = pid;
  s.started_at = since;
  return s;
}

const std::vector<std::string> k_service_keys{
  "name", "source", "state", "error", "pid", "pgid", "started_at", "uptime", "restarts",
  "last_exit", "next_restart_at", "next_restart_in", "fatal_reason", "main", "autostart",
  "optional", "pidfile", "watched_pid", "policy"};

std::vector<std::string> keys_of(const json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items())
    keys.push_back(key);
  return keys;
}

TEST_F(StatusDocument, TimesAreLocalWithMillisecondsAndOffset) {
  auto doc = render_service(running("web", 42, t0()), t0() + 90s);
  EXPECT_EQ(doc["started_at"], "2026-12-03T19:49:34.125+01:00");
  EXPECT_EQ(doc["uptime"], 90.0);
  test::scoped_tz utc{"UTC0"};
  EXPECT_EQ(render_service(running("web", 42, t0()), t0())["started_at"],
            "2026-12-03T18:49:34.125+00:00");
}

TEST_F(StatusDocument, RunningServiceHasItsProcessAndUptime) {
  auto s = running("web", 42, t0());
  s.restarts = 2;
  s.last_exit = exit_record{exit_status::killed(SIGKILL), t0() - 1s};
  auto doc = render_service(s, t0() + 1500ms);
  EXPECT_EQ(keys_of(doc), k_service_keys);
  EXPECT_EQ(doc["state"], "running");
  EXPECT_EQ(doc["error"], nullptr);
  EXPECT_EQ(doc["pid"], 42);
  EXPECT_EQ(doc["pgid"], 42);
  EXPECT_EQ(doc["uptime"], 1.5);
  EXPECT_EQ(doc["restarts"], 2);
  EXPECT_EQ(doc["last_exit"]["code"], nullptr);
  EXPECT_EQ(doc["last_exit"]["signal"], "SIGKILL");
  EXPECT_EQ(doc["last_exit"]["at"], "2026-12-03T19:49:33.125+01:00");
  EXPECT_EQ(doc["next_restart_at"], nullptr);
  EXPECT_EQ(doc["next_restart_in"], nullptr);
  EXPECT_EQ(doc["fatal_reason"], nullptr);
}

TEST_F(StatusDocument, StartingServiceHasAPidOnceLaunched) {
  auto launched = running("web", 7, t0());
  launched.state = service_state::starting;
  auto doc = render_service(launched, t0() + 200ms);
  EXPECT_EQ(doc["state"], "starting");
  EXPECT_EQ(doc["pid"], 7);
  EXPECT_EQ(doc["uptime"], 0.2);

  // While the launch is in flight there is no process yet.
  auto in_flight = service("web", service_state::starting);
  in_flight.started_at = t0() - 10s; // of the previous run
  doc = render_service(in_flight, t0());
  EXPECT_EQ(doc["pid"], nullptr);
  EXPECT_EQ(doc["started_at"], nullptr);
  EXPECT_EQ(doc["uptime"], nullptr);
}

TEST_F(StatusDocument, BackoffShowsTheNextRestart) {
  auto s = service("crash", service_state::backoff);
  s.restarts = 4;
  s.started_at = t0() - 2s;
  s.last_exit = exit_record{exit_status::exited(3), t0() - 100ms};
  s.next_start = t0() + 1600ms;
  auto doc = render_service(s, t0());
  EXPECT_EQ(doc["state"], "backoff");
  EXPECT_EQ(doc["pid"], nullptr);
  EXPECT_EQ(doc["uptime"], nullptr);
  EXPECT_EQ(doc["restarts"], 4);
  EXPECT_EQ(doc["last_exit"]["code"], 3);
  EXPECT_EQ(doc["last_exit"]["signal"], nullptr);
  EXPECT_EQ(doc["next_restart_at"], "2026-12-03T19:49:35.725+01:00");
  EXPECT_EQ(doc["next_restart_in"], 1.6);
}

TEST_F(StatusDocument, StoppingStillHasItsProcess) {
  auto s = running("web", 42, t0() - 60s);
  s.state = service_state::stopping;
  auto doc = render_service(s, t0());
  EXPECT_EQ(doc["state"], "stopping");
  EXPECT_EQ(doc["pid"], 42);
  EXPECT_EQ(doc["uptime"], 60.0);
}

TEST_F(StatusDocument, StoppedByAutostartFalse) {
  auto s = service("spare", service_state::stopped);
  s.autostart = false;
  auto doc = render_service(s, t0());
  EXPECT_EQ(doc["state"], "stopped");
  EXPECT_EQ(doc["autostart"], false);
  EXPECT_EQ(doc["pid"], nullptr);
  EXPECT_EQ(doc["last_exit"], nullptr);
  EXPECT_EQ(doc["restarts"], 0);
}

TEST_F(StatusDocument, ExitedByPolicyKeepsItsLastExit) {
  auto s = service("once", service_state::exited);
  s.restart.mode = restart_mode::never;
  s.last_exit = exit_record{exit_status::exited(0), t0() - 5s};
  auto doc = render_service(s, t0());
  EXPECT_EQ(doc["state"], "exited");
  EXPECT_EQ(doc["last_exit"]["code"], 0);
  EXPECT_EQ(doc["policy"]["restart"], "never");
  EXPECT_EQ(doc["next_restart_at"], nullptr);
}

TEST_F(StatusDocument, FatalCarriesItsReason) {
  auto s = service("db", service_state::fatal);
  s.fatal_reason = "restarted 5 times within 1 min (max_restarts)";
  s.restarts = 5;
  s.next_start = t0() + 1s; // stale: the machine clears it, the renderer ignores it
  auto doc = render_service(s, t0());
  EXPECT_EQ(doc["state"], "fatal");
  EXPECT_EQ(doc["fatal_reason"], "restarted 5 times within 1 min (max_restarts)");
  EXPECT_EQ(doc["next_restart_at"], nullptr);
}

TEST_F(StatusDocument, UnansweredServiceIsUnknownWithItsPolicy) {
  service_status s;
  s.name = "slow";
  s.source = "service/slow";
  s.error = "no reply in time (1 s)";
  s.restart.mode = restart_mode::on_failure;
  auto doc = render_service(s, t0());
  EXPECT_EQ(keys_of(doc), k_service_keys);
  EXPECT_EQ(doc["state"], "unknown");
  EXPECT_EQ(doc["error"], "no reply in time (1 s)");
  EXPECT_EQ(doc["restarts"], nullptr);
  EXPECT_EQ(doc["pid"], nullptr);
  EXPECT_EQ(doc["policy"]["restart"], "on-failure");
}

TEST_F(StatusDocument, PolicyInSecondsAndSignalNames) {
  auto s = running("web", 1, t0());
  s.restart.mode = restart_mode::on_failure;
  s.restart.startsecs = 2500ms;
  s.restart.backoff = {250ms, 10s, 3.0};
  s.restart.max_restarts = 5;
  s.restart.restart_window = 2min;
  s.restart.on_fatal = fatal_action::shutdown;
  s.stop_signal = SIGINT;
  s.stop_timeout = 1500ms;
  const json expected = json::parse(R"({
    "restart": "on-failure", "startsecs": 2.5,
    "backoff": {"initial": 0.25, "max": 10.0, "multiplier": 3.0},
    "max_restarts": 5, "restart_window": 120.0, "on_fatal": "shutdown",
    "stop_signal": "SIGINT", "stop_timeout": 1.5})");
  EXPECT_EQ(render_service(s, t0())["policy"], expected);
}

TEST_F(StatusDocument, OnlyADeclaredIgnoreMakesAServiceOptional) {
  auto s = service("extra", service_state::fatal);
  EXPECT_EQ(render_service(s, t0())["optional"], false); // the default ignore
  s.restart.on_fatal_declared = true;
  EXPECT_EQ(render_service(s, t0())["optional"], true);
  s.restart.on_fatal = fatal_action::shutdown;
  EXPECT_EQ(render_service(s, t0())["optional"], false);
}

TEST_F(StatusDocument, PidfileServiceShowsTheWatchedPid) {
  auto s = running("nginx", 10, t0());
  s.pidfile = "/run/nginx.pid";
  s.watched_pid = 12;
  auto doc = render_service(s, t0());
  EXPECT_EQ(doc["pidfile"], "/run/nginx.pid");
  EXPECT_EQ(doc["watched_pid"], 12);
  EXPECT_EQ(render_service(running("web", 1, t0()), t0())["pidfile"], nullptr);
}

cron_status job(const std::string& name, cron_state state) {
  cron_status j;
  j.name = name;
  j.source = "crontab line 1";
  j.schedule = "*/5 * * * *";
  j.state = state;
  return j;
}

TEST_F(StatusDocument, CronJobWaitingAfterARun) {
  auto j = job("crontab:1", cron_state::waiting);
  j.next_run = t0() + 5min;
  j.last_run = cron_run_record{t0() - 2s, t0() - 500ms, exit_status::exited(1), false, {}};
  j.runs = 12;
  j.skipped_runs = 2;
  auto doc = render_cron_job(j, t0());
  const std::vector<std::string> keys{
    "name", "source", "schedule", "state", "next_run", "pid", "running_for", "runs",
    "skipped_runs", "last_run", "fatal_reason", "policy"};
  EXPECT_EQ(keys_of(doc), keys);
  EXPECT_EQ(doc["schedule"], "*/5 * * * *");
  EXPECT_EQ(doc["state"], "waiting");
  EXPECT_EQ(doc["next_run"], "2026-12-03T19:54:34.125+01:00");
  EXPECT_EQ(doc["pid"], nullptr);
  EXPECT_EQ(doc["running_for"], nullptr);
  EXPECT_EQ(doc["runs"], 12);
  EXPECT_EQ(doc["skipped_runs"], 2);
  const json last = json::parse(R"({
    "started_at": "2026-12-03T19:49:32.125+01:00", "ended_at": "2026-12-03T19:49:33.625+01:00",
    "duration": 1.5, "code": 1, "signal": null, "timed_out": false, "error": null})");
  EXPECT_EQ(doc["last_run"], last);
  EXPECT_EQ(doc["policy"], json::parse(R"({"overlap": "skip", "timeout": 0.0,
                                           "stop_signal": "SIGTERM"})"));
}

TEST_F(StatusDocument, CronJobRunning) {
  auto j = job("backup", cron_state::running);
  j.pid = 99;
  j.next_run = t0() + 1h;
  j.last_run = cron_run_record{t0() - 30s, std::nullopt, std::nullopt, false, {}};
  j.overlap = overlap_policy::allow;
  j.timeout = 10min;
  auto doc = render_cron_job(j, t0());
  EXPECT_EQ(doc["state"], "running");
  EXPECT_EQ(doc["pid"], 99);
  EXPECT_EQ(doc["running_for"], 30.0);
  EXPECT_EQ(doc["last_run"]["ended_at"], nullptr);
  EXPECT_EQ(doc["last_run"]["duration"], nullptr);
  EXPECT_EQ(doc["last_run"]["code"], nullptr);
  EXPECT_EQ(doc["policy"]["overlap"], "allow");
  EXPECT_EQ(doc["policy"]["timeout"], 600.0);
}

TEST_F(StatusDocument, CronJobKilledFatalAndNeverRun) {
  auto killed = job("slow", cron_state::waiting);
  killed.last_run =
      cron_run_record{t0() - 10s, t0() - 5s, exit_status::killed(SIGTERM), false, {}};
  EXPECT_EQ(render_cron_job(killed, t0())["last_run"]["signal"], "SIGTERM");

  auto fatal = job("bad", cron_state::fatal);
  fatal.fatal_reason = "unknown user \"nobody2\"";
  fatal.next_run = t0(); // ignored: a fatal job never runs
  auto doc = render_cron_job(fatal, t0());
  EXPECT_EQ(doc["state"], "fatal");
  EXPECT_EQ(doc["fatal_reason"], "unknown user \"nobody2\"");
  EXPECT_EQ(doc["next_run"], nullptr);

  auto fresh = job("new", cron_state::waiting);
  doc = render_cron_job(fresh, t0());
  EXPECT_EQ(doc["last_run"], nullptr);
  EXPECT_EQ(doc["runs"], 0);
  EXPECT_EQ(render_cron_job(job("end", cron_state::stopped), t0())["state"], "stopped");
}

status_snapshot snapshot() {
  status_snapshot snap;
  snap.wingmate.version = "0.1.0";
  snap.wingmate.pid = 1;
  snap.wingmate.pid1 = true;
  snap.wingmate.started_at = t0() - 1h;
  snap.wingmate.config_dir = "/etc/wingmate";
  snap.wingmate.orphans_reaped = 3;
  snap.wingmate.sequence = 7;
  snap.wingmate.status_file = "/run/wingmate/status.json";
  snap.taken_at = t0();
  return snap;
}

TEST_F(StatusDocument, WingmateSection) {
  auto doc = render_status(snapshot());
  EXPECT_EQ(keys_of(doc), (std::vector<std::string>{"schema_version", "wingmate", "services",
                                                     "cron", "errors"}));
  EXPECT_EQ(doc["schema_version"], k_status_schema_version);
  const json expected = json::parse(R"({
    "version": "0.1.0", "pid": 1, "pid1": true,
    "started_at": "2026-12-03T18:49:34.125+01:00", "uptime": 3600.0, "state": "running",
    "config": "/etc/wingmate", "orphans_reaped": 3, "sequence": 7,
    "dumped_at": "2026-12-03T19:49:34.125+01:00", "status_file": "/run/wingmate/status.json"})");
  EXPECT_EQ(doc["wingmate"], expected);
  EXPECT_EQ(doc["services"], json::array());
  EXPECT_EQ(doc["cron"], json::array());
  EXPECT_EQ(doc["errors"], json::array());
}

TEST_F(StatusDocument, StoppingAndUnansweredReaper) {
  auto snap = snapshot();
  snap.wingmate.stopping = true;
  snap.wingmate.orphans_reaped.reset();
  snap.errors.push_back("orphans_reaped unknown: the reaper gave no reply in time (1 s)");
  auto doc = render_status(snap);
  EXPECT_EQ(doc["wingmate"]["state"], "stopping");
  EXPECT_EQ(doc["wingmate"]["orphans_reaped"], nullptr);
  EXPECT_EQ(doc["errors"][0], "orphans_reaped unknown: the reaper gave no reply in time (1 s)");
}

TEST_F(StatusDocument, ServicesAndJobsAreSortedByName) {
  auto snap = snapshot();
  for (const char* name : {"web", "api", "main", "db"})
    snap.services.push_back(service(name, service_state::running));
  snap.cron_jobs = {job("crontab:2", cron_state::waiting), job("crontab:10", cron_state::waiting),
                    job("backup", cron_state::waiting)};
  auto doc = render_status(snap);
  std::vector<std::string> services, jobs;
  for (const auto& s : doc["services"])
    services.push_back(s["name"]);
  for (const auto& j : doc["cron"])
    jobs.push_back(j["name"]);
  EXPECT_EQ(services, (std::vector<std::string>{"api", "db", "main", "web"}));
  EXPECT_EQ(jobs, (std::vector<std::string>{"backup", "crontab:10", "crontab:2"}));
}

// The schema the e2e tests check wingmate's files against holds for every
// kind of record the renderer can be given.
TEST_F(StatusDocument, EveryRecordFollowsTheDocumentedSchema) {
  auto snap = snapshot();
  auto backoff = service("crash", service_state::backoff);
  backoff.last_exit = exit_record{exit_status::exited(1), t0()};
  backoff.next_start = t0() + 1s;
  auto fatal = service("db", service_state::fatal);
  fatal.fatal_reason = "gave up";
  auto daemon = running("nginx", 3, t0());
  daemon.pidfile = "/run/nginx.pid";
  daemon.watched_pid = 4;
  service_status unknown;
  unknown.name = "slow";
  unknown.error = "no reply in time (1 s)";
  snap.services = {running("web", 2, t0()), backoff, fatal, daemon, unknown,
                   service("a", service_state::starting), service("b", service_state::stopping),
                   service("c", service_state::stopped), service("d", service_state::exited)};
  auto ran = job("ran", cron_state::waiting);
  ran.last_run = cron_run_record{t0() - 2s, t0() - 1s, exit_status::killed(SIGKILL), false, {}};
  ran.next_run = t0() + 1min;
  auto busy = job("busy", cron_state::running);
  busy.pid = 9;
  busy.last_run = cron_run_record{t0(), std::nullopt, std::nullopt, false, {}};
  snap.cron_jobs = {ran, busy, job("bad", cron_state::fatal), job("end", cron_state::stopped)};
  snap.errors = {"orphans_reaped unknown"};
  snap.wingmate.orphans_reaped.reset();
  const auto doc = nlohmann::json::parse(render_status(snap).dump());
  EXPECT_EQ(test::status_schema_problems(doc), std::vector<std::string>{});
  EXPECT_EQ(test::status_schema_problems(nlohmann::json::parse(R"({"wingmate": {}})")).size(),
            15u);
}

TEST_F(StatusDocument, TheFileTextSurvivesNamesThatAreNotUtf8) {
  auto snap = snapshot();
  snap.services.push_back(service("caf\xe9", service_state::running)); // Latin-1
  const std::string text = status_text(snap);
  EXPECT_EQ(text.back(), '\n');
  const auto doc = json::parse(text);
  EXPECT_EQ(doc["services"][0]["name"], "caf\xef\xbf\xbd");
  EXPECT_EQ(text.substr(0, 24), "{\n  \"schema_version\": 1,");
}

TEST_F(StatusDocument, AClockSetBackNeverGivesANegativeUptime) {
  auto doc = render_service(running("web", 5, t0() + 2s), t0());
  EXPECT_EQ(doc["uptime"], 0.0);
}

} // namespace
} // namespace wm

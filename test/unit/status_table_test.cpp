// What `wingmate status` prints and judges: the table for every state, and
// the --check verdict, both from documents made by the real renderer.

#include <gtest/gtest.h>

#include <csignal>

#include "main/status_check.hpp"
#include "main/status_table.hpp"
#include "messages/status_document.hpp"
#include "scoped_tz.hpp"

namespace wm {
namespace {

using namespace std::chrono_literals;

system_time t0() {
  return std::chrono::system_clock::from_time_t(1796323774);
}

service_status service(const std::string& name, service_state state) {
  service_status s;
  s.name = name;
  s.source = "service/" + name;
  s.state = state;
  return s;
}

class StatusTable : public ::testing::Test {
protected:
  StatusTable() {
    snap.wingmate.version = "0.1.0";
    snap.wingmate.pid = 1;
    snap.wingmate.pid1 = true;
    snap.wingmate.started_at = t0() - 150s;
    snap.wingmate.config_dir = "/etc/wingmate";
    snap.wingmate.orphans_reaped = 2;
    snap.wingmate.sequence = 7;
    snap.taken_at = t0();
  }

  // Rendered, written out and read back, as `wingmate status` sees it.
  status_json document() const { return status_json::parse(render_status(snap).dump()); }
  std::string table() const { return render_status_table(document()); }

  // The table line that starts with `name`.
  std::string row(const std::string& name) const {
    const std::string text = table();
    const auto start = text.find("\n" + name + " ");
    if (start == std::string::npos)
      return "";
    return text.substr(start + 1, text.find('\n', start + 1) - start - 1);
  }

  test::scoped_tz zone{"UTC0"};
  status_snapshot snap;
};

// Collapses runs of spaces, so a row reads as its cells.
std::string cells(const std::string& line) {
  std::string out;
  for (char c : line)
    if (c != ' ' || (!out.empty() && out.back() != ' '))
      out += c;
  return out;
}

TEST_F(StatusTable, SummaryAndHeader) {
  snap.services.push_back(service("web", service_state::running));
  const std::string text = table();
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "wingmate 0.1.0, pid 1 (PID 1), running for 2.5 min, 2 orphans reaped");
  EXPECT_NE(text.find("config /etc/wingmate; status #7 of 2026-12-03T18:49:34+00:00"),
            std::string::npos)
    << text;
  EXPECT_NE(text.find("NAME  TYPE     STATE    PID  UPTIME  RESTARTS  LAST EXIT  NEXT RUN"),
            std::string::npos)
    << text;
}

TEST_F(StatusTable, ARowForEveryState) {
  auto web = service("web", service_state::running);
  web.pid = 42;
  web.started_at = t0() - 90s;
  web.restarts = 1;
  web.last_exit = exit_record{exit_status::killed(SIGKILL), t0() - 91s};
  auto crash = service("crash", service_state::backoff);
  crash.restarts = 4;
  crash.last_exit = exit_record{exit_status::exited(3), t0() - 200ms};
  crash.next_start = t0() + 1600ms;
  auto boot = service("boot", service_state::starting);
  auto spare = service("spare", service_state::stopped);
  auto once = service("once", service_state::exited);
  once.last_exit = exit_record{exit_status::exited(0), t0() - 5s};
  auto db = service("db", service_state::fatal);
  db.fatal_reason = "unknown user \"postgres\"";
  auto going = service("going", service_state::stopping);
  going.pid = 50;
  going.started_at = t0() - 10s;
  auto slow = service("slow", service_state::running);
  slow.state.reset();
  slow.error = "no reply in time (1 s)";
  auto main_service = service("main", service_state::running);
  main_service.main = true;
  main_service.pid = 2;
  main_service.started_at = t0() - 150s;
  snap.services = {web, crash, boot, spare, once, db, going, slow, main_service};

  EXPECT_EQ(cells(row("web")), "web service running 42 90 s 1 SIGKILL, 91 s ago -");
  EXPECT_EQ(cells(row("crash")), "crash service backoff - - 4 code 3, 0.2 s ago in 1.6 s");
  EXPECT_EQ(cells(row("boot")), "boot service starting - - 0 - -");
  EXPECT_EQ(cells(row("spare")), "spare service stopped - - 0 - -");
  EXPECT_EQ(cells(row("once")), "once service exited - - 0 code 0, 5 s ago -");
  EXPECT_EQ(cells(row("db")), "db service fatal - - 0 - -");
  EXPECT_EQ(cells(row("going")), "going service stopping 50 10 s 0 - -");
  EXPECT_EQ(cells(row("slow")), "slow service unknown - - - - -");
  EXPECT_EQ(cells(row("main")), "main main running 2 2.5 min 0 - -");
  const std::string text = table();
  EXPECT_NE(text.find("\ndb: fatal: unknown user \"postgres\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nslow: no reply in time (1 s)\n"), std::string::npos) << text;
}

TEST_F(StatusTable, CronJobRows) {
  cron_status waiting;
  waiting.name = "crontab:3";
  waiting.schedule = "0 * * * *";
  waiting.next_run = t0() + 10min;
  waiting.last_run = cron_run_record{t0() - 50min, t0() - 49min, exit_status::exited(0)};
  cron_status running;
  running.name = "backup";
  running.state = cron_state::running;
  running.pid = 77;
  running.next_run = t0() + 1h;
  running.last_run = cron_run_record{t0() - 20s, std::nullopt, std::nullopt};
  cron_status broken;
  broken.name = "broken";
  broken.state = cron_state::fatal;
  broken.fatal_reason = "unknown user \"x\"";
  snap.cron_jobs = {waiting, running, broken};
  snap.errors = {"cron jobs unknown: the cron clock gave no reply in time (1 s)"};

  EXPECT_EQ(cells(row("crontab:3")),
            "crontab:3 cron waiting - - - code 0, 49 min ago "
            "2026-12-03T18:59:34+00:00 (in 10 min)");
  EXPECT_EQ(cells(row("backup")),
            "backup cron running 77 20 s - running 2026-12-03T19:49:34+00:00 (in 60 min)");
  EXPECT_EQ(cells(row("broken")), "broken cron fatal - - - - -");
  const std::string text = table();
  EXPECT_NE(text.find("\nbroken: fatal: unknown user \"x\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nnote: cron jobs unknown: the cron clock gave no reply in time (1 s)\n"),
            std::string::npos)
    << text;
}

TEST_F(StatusTable, EmptyAndForeignDocumentsStillPrint) {
  EXPECT_NE(table().find("no services and no cron jobs"), std::string::npos);
  const auto foreign = status_json::parse(R"({"services": [{"name": "x", "pid": "twelve"}]})");
  const std::string text = render_status_table(foreign);
  EXPECT_NE(text.find("no \"wingmate\" section"), std::string::npos) << text;
  EXPECT_EQ(cells(text.substr(text.find("\nx ") + 1)), "x service - - - - - -\n");
}

TEST_F(StatusTable, CheckFailsOnBackoffAndFatal) {
  auto crash = service("crash", service_state::backoff);
  crash.restarts = 4;
  crash.last_exit = exit_record{exit_status::exited(3), t0()};
  auto db = service("db", service_state::fatal);
  db.fatal_reason = "restarted 5 times within 1 min (max_restarts)";
  auto killed = service("killed", service_state::backoff);
  killed.restarts = 1;
  killed.last_exit = exit_record{exit_status::killed(SIGSEGV), t0()};
  snap.services = {crash, db, killed, service("web", service_state::running)};
  EXPECT_EQ(health_problems(document()),
            (std::vector<std::string>{
              "service crash is in backoff: restarted 4 times, last exit code 3",
              "service db is fatal: restarted 5 times within 1 min (max_restarts)",
              "service killed is in backoff: restarted 1 time, last killed by SIGSEGV"}));
}

TEST_F(StatusTable, CheckPassesWhenHealthyOrOptional) {
  auto optional = service("extra", service_state::fatal);
  optional.restart.on_fatal_declared = true; // on_fatal: ignore, written in the config
  auto unknown = service("slow", service_state::running);
  unknown.state.reset();
  snap.services = {optional,
                   unknown,
                   service("web", service_state::running),
                   service("boot", service_state::starting),
                   service("spare", service_state::stopped),
                   service("once", service_state::exited),
                   service("going", service_state::stopping)};
  EXPECT_TRUE(health_problems(document()).empty());
}

} // namespace
} // namespace wm

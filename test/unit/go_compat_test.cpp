// The Go wingmate's wingmate.yaml loads unchanged and means what it meant
// there: commands are argv lists (block or flow style, quoted or not),
// environ entries split at the first '=', user and group are names or ids
// (quoted or not), startsecs counts seconds, and services restart whenever
// they exit unless autorestart is false.

#include <gtest/gtest.h>

#include <csignal>

#include "main/config_schema.hpp"
#include "main/config_yaml.hpp"

namespace wm {
namespace {

using namespace std::chrono_literals;

// Written in the shape of the Go project's documented example: services
// started through its helper programs, one daemon with a pidfile, and cron
// jobs with environments and schedules of lists and steps.
constexpr const char* k_go_style_yaml = R"(service:
  spawner:
    command: [ wmspawner ]
    user: "1200"
    working_dir: "/var/run/test"

  bgtest:
    command:
      - "wmstarter"
      - "--no-wait"
      - "--"
      - "wmexec"
      - "--setsid"
      - "--"
      - "wmbg"
      - "--pause"
      - "10"
      - "--pid-file"
      - "/var/run/wmbg.pid"
    pidfile: "/var/run/wmbg.pid"

  sshd:
    command: [ /usr/sbin/sshd, -D, -e ]
    environ:
      - "SSHD_OPTS=-o LogLevel=VERBOSE"
    user: root
    group: 0
    setsid: true
    startsecs: 3
    autostart: true
    autorestart: true

  oneshot:
    command: [ /usr/local/bin/migrate ]
    autorestart: false

  later:
    command: [ /usr/local/bin/report ]
    autostart: false

cron:
  cron1:
    command: ["wmoneshot", "--", "sleep", "5"]
    schedule: "*/5 * * * *"
    working_dir: "/var/run/cron"
    environ:
      - "WINGMATE_LOG=/var/log/cron1.log"
      - "WINGMATE_LOG_MESSAGE=cron executed in minute 5,10,15"
  cron2:
    command:
      - "wmoneshot"
      - "--"
      - "sleep"
      - "5"
    schedule: "17,42 */2 * * *"
    user: "1200"
    group: "1200"
    setsid: true
)";

class GoCompat : public ::testing::Test {
protected:
  void SetUp() override {
    auto result = parse_yaml_config(k_go_style_yaml, "wingmate.yaml");
    ASSERT_TRUE(result.errors.empty()) << result.errors.front();
    ASSERT_TRUE(result.document);
    entries = read_structured_config(*result.document);
    ASSERT_TRUE(entries.errors.empty()) << entries.errors.front();
    ASSERT_TRUE(entries.warnings.empty()) << entries.warnings.front();
    ASSERT_EQ(entries.services.size(), 5u);
    ASSERT_EQ(entries.crons.size(), 2u);
  }

  const service_spec& service(std::size_t i) const { return entries.services.at(i); }
  const cron_spec& cron(std::size_t i) const { return entries.crons.at(i); }

  structured_entries entries;
};

TEST_F(GoCompat, ServicesKeepTheirNamesAndOrder) {
  std::vector<std::string> names;
  for (const auto& spec : entries.services)
    names.push_back(spec.name);
  EXPECT_EQ(names, (std::vector<std::string>{"spawner", "bgtest", "sshd", "oneshot", "later"}));
}

TEST_F(GoCompat, CommandsAreArgvListsInEitherStyle) {
  EXPECT_EQ(service(0).run.command, std::vector<std::string>{"wmspawner"});
  EXPECT_EQ(service(1).run.command,
            (std::vector<std::string>{"wmstarter", "--no-wait", "--", "wmexec", "--setsid", "--",
                                      "wmbg", "--pause", "10", "--pid-file",
                                      "/var/run/wmbg.pid"}));
  EXPECT_EQ(service(2).run.command, (std::vector<std::string>{"/usr/sbin/sshd", "-D", "-e"}));
  EXPECT_EQ(cron(1).run.command, (std::vector<std::string>{"wmoneshot", "--", "sleep", "5"}));
}

TEST_F(GoCompat, UserGroupAndWorkingDirectory) {
  EXPECT_EQ(service(0).run.user, "1200");
  EXPECT_EQ(service(0).run.group, "");
  EXPECT_EQ(service(0).run.working_dir, "/var/run/test");
  EXPECT_EQ(service(2).run.user, "root");
  EXPECT_EQ(service(2).run.group, "0");
  EXPECT_EQ(cron(1).run.user, "1200");
  EXPECT_EQ(cron(1).run.group, "1200");
  EXPECT_EQ(cron(0).run.working_dir, "/var/run/cron");
}

TEST_F(GoCompat, EnvironSplitsAtTheFirstEquals) {
  EXPECT_EQ(service(2).run.environ, std::vector<std::string>{"SSHD_OPTS=-o LogLevel=VERBOSE"});
  EXPECT_EQ(cron(0).run.environ,
            (std::vector<std::string>{"WINGMATE_LOG=/var/log/cron1.log",
                                      "WINGMATE_LOG_MESSAGE=cron executed in minute 5,10,15"}));
}

TEST_F(GoCompat, SetsidAndPidfile) {
  EXPECT_TRUE(service(2).run.setsid);
  EXPECT_FALSE(service(0).run.setsid);
  EXPECT_TRUE(cron(1).run.setsid);
  EXPECT_EQ(service(1).pidfile, "/var/run/wmbg.pid");
  EXPECT_EQ(service(1).pidfile_timeout, 30s);
  EXPECT_EQ(service(0).pidfile, "");
}

TEST_F(GoCompat, StartsecsAutostartAndAutorestart) {
  EXPECT_EQ(service(2).restart.startsecs, 3s);
  EXPECT_EQ(service(0).restart.startsecs, 1s); // the Go default grace, WINGMATE_STARTSECS=1
  // Go restarted every service that exited; autorestart: false stops that.
  EXPECT_EQ(service(0).restart.mode, restart_mode::always);
  EXPECT_EQ(service(2).restart.mode, restart_mode::always);
  EXPECT_EQ(service(3).restart.mode, restart_mode::never);
  EXPECT_TRUE(service(0).autostart);
  EXPECT_FALSE(service(4).autostart);
}

TEST_F(GoCompat, NothingTheGoFileDoesNotSayIsChanged) {
  for (const auto& spec : entries.services) {
    EXPECT_FALSE(spec.main) << spec.name;
    EXPECT_EQ(spec.stop_signal, SIGTERM) << spec.name;
    EXPECT_EQ(spec.stop_timeout, 5s) << spec.name;
    EXPECT_EQ(spec.fatal_reason, "") << spec.name;
    EXPECT_EQ(spec.restart.max_restarts, 0u) << spec.name;
  }
}

TEST_F(GoCompat, SchedulesAreFiveFieldCronLines) {
  EXPECT_EQ(cron(0).schedule_text, "*/5 * * * *");
  EXPECT_EQ(cron(1).schedule_text, "17,42 */2 * * *");
  for (const auto& job : entries.crons) {
    ASSERT_TRUE(job.when) << job.name << ": " << job.fatal_reason;
    EXPECT_EQ(job.overlap, overlap_policy::skip);
    EXPECT_EQ(job.timeout, 0ms);
  }
  std::tm at{};
  at.tm_min = 42;
  at.tm_hour = 4;
  at.tm_mday = 1;
  at.tm_wday = 3;
  EXPECT_TRUE(cron(1).when->matches(at));
  at.tm_hour = 5;
  EXPECT_FALSE(cron(1).when->matches(at));
}

} // namespace
} // namespace wm

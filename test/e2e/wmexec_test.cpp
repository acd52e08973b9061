// wmexec end to end: switching user and group (checked in /proc/self/status
// of the command it runs), exit codes, exec in place, and --setsid both
// directly and through the fork it needs when it leads its process group.

#include <gtest/gtest.h>

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>
#include <thread>

#include "harness/process_harness.hpp"

namespace wm::test {
namespace {

std::string wmexec_bin() {
  return build_path("wmtools/wmexec");
}

// Runs a command to completion (for useradd and friends).
int run_quietly(std::vector<std::string> argv) {
  child_process process(std::move(argv));
  return process.wait_exit(30s).value_or(-1);
}

// A throw-away user with its own primary group and one extra group, made
// with useradd/groupadd and deleted at the end of the test.
class test_user {
public:
  test_user() {
    const std::string suffix = std::to_string(::getpid());
    name_ = "wmx" + suffix;
    extra_group_ = "wmxg" + suffix;
    // Someone else may hold the account database lock for a moment.
    for (int attempt = 0; attempt < 10 && !created_group_; ++attempt) {
      created_group_ = run_quietly({"groupadd", extra_group_}) == 0;
      if (!created_group_)
        std::this_thread::sleep_for(200ms);
    }
    for (int attempt = 0; attempt < 10 && !created_user_; ++attempt) {
      created_user_ = run_quietly({"useradd", "-M", "-U", "-d", "/home/" + name_, "-s",
                                   "/bin/sh", "-G", extra_group_, name_})
                      == 0;
      if (!created_user_)
        std::this_thread::sleep_for(200ms);
    }
    if (passwd* pw = ::getpwnam(name_.c_str())) {
      uid_ = pw->pw_uid;
      gid_ = pw->pw_gid;
    }
    if (group* gr = ::getgrnam(extra_group_.c_str()))
      extra_gid_ = gr->gr_gid;
  }

  ~test_user() {
    if (created_user_) {
      run_quietly({"userdel", name_}); // usually removes the -U group too
      run_quietly({"groupdel", name_});
    }
    if (created_group_)
      run_quietly({"groupdel", extra_group_});
  }

  bool ok() const { return created_user_ && created_group_ && uid_ != 0 && extra_gid_ != 0; }
  const std::string& name() const { return name_; }
  uid_t uid() const { return uid_; }
  gid_t gid() const { return gid_; }
  gid_t extra_gid() const { return extra_gid_; }

private:
  std::string name_;
  std::string extra_group_;
  bool created_user_ = false;
  bool created_group_ = false;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  gid_t extra_gid_ = 0;
};

// What a command run through wmexec reports about itself.
constexpr const char* k_report_identity =
  "grep -E '^(Uid|Gid|Groups|CapPrm|CapEff):' /proc/self/status;"
  " echo \"HOME=$HOME\"; echo \"USER=$USER\"; echo \"LOGNAME=$LOGNAME\"";

// "pid pgrp session ppid" of the shell that runs it.
constexpr const char* k_report_session =
  "read -r pid comm state ppid pgrp session rest < /proc/$$/stat;"
  " echo \"ids $pid $pgrp $session $ppid\"";

struct run_result {
  int code = -1;
  std::string out;
  std::string err;
};

run_result run_wmexec(std::vector<std::string> args, start_options options = {}) {
  std::vector<std::string> argv{wmexec_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  child_process process(argv, std::move(options));
  run_result result;
  result.code = process.wait_exit(10s).value_or(-1);
  result.out = process.out();
  result.err = process.err();
  return result;
}

// The value of "Field:" in a status report, tabs turned into spaces.
std::string field(const std::string& report, const std::string& name) {
  std::istringstream in(report);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(name + ":") || line.starts_with(name + "=")) {
      std::string value = line.substr(name.size() + 1);
      std::replace(value.begin(), value.end(), '\t', ' ');
      auto begin = value.find_first_not_of(' ');
      auto end = value.find_last_not_of(' ');
      return begin == std::string::npos ? "" : value.substr(begin, end - begin + 1);
    }
  return "<missing>";
}

std::set<gid_t> group_set(const std::string& groups) {
  std::istringstream in(groups);
  std::set<gid_t> ids;
  for (gid_t id = 0; in >> id;)
    ids.insert(id);
  return ids;
}

std::string four(unsigned id) {
  std::string text = std::to_string(id);
  return text + " " + text + " " + text + " " + text;
}

// -- user and group -----------------------------------------------------------

TEST(Wmexec, RunsAsANamedUserWithItsGroups) {
  test_user user;
  ASSERT_TRUE(user.ok()) << "could not create a test user";
  auto result = run_wmexec({"--user", user.name(), "--", "sh", "-c", k_report_identity});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(field(result.out, "Uid"), four(user.uid()));
  EXPECT_EQ(field(result.out, "Gid"), four(user.gid()));
  EXPECT_EQ(group_set(field(result.out, "Groups")),
            (std::set<gid_t>{user.gid(), user.extra_gid()}));
  EXPECT_EQ(field(result.out, "CapPrm"), "0000000000000000");
  EXPECT_EQ(field(result.out, "CapEff"), "0000000000000000");
  EXPECT_EQ(field(result.out, "HOME"), "/home/" + user.name());
  EXPECT_EQ(field(result.out, "USER"), user.name());
  EXPECT_EQ(field(result.out, "LOGNAME"), user.name());
}

TEST(Wmexec, GroupOverridesThePrimaryGroupButKeepsMemberships) {
  test_user user;
  ASSERT_TRUE(user.ok()) << "could not create a test user";
  auto result =
    run_wmexec({"-u", user.name() + ":daemon", "--", "sh", "-c", k_report_identity});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(field(result.out, "Uid"), four(user.uid()));
  EXPECT_EQ(field(result.out, "Gid"), four(1)); // daemon
  EXPECT_EQ(group_set(field(result.out, "Groups")), (std::set<gid_t>{1, user.extra_gid()}));
}

TEST(Wmexec, TheUserCannotRegainRoot) {
  test_user user;
  ASSERT_TRUE(user.ok()) << "could not create a test user";
  // A second wmexec, now running as the user, tries to switch back to root.
  auto result =
    run_wmexec({"--user", user.name(), "--", wmexec_bin(), "--user", "root", "--", "true"});
  EXPECT_EQ(result.code, 125);
  EXPECT_NE(result.err.find("Operation not permitted"), std::string::npos) << result.err;
}

TEST(Wmexec, NumericUidWithoutEntryGetsTheSameGid) {
  auto result = run_wmexec({"--user", "4242", "--", "sh", "-c", k_report_identity});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(field(result.out, "Uid"), four(4242));
  EXPECT_EQ(field(result.out, "Gid"), four(4242));
  EXPECT_EQ(field(result.out, "Groups"), "4242");
  EXPECT_EQ(field(result.out, "CapEff"), "0000000000000000");
}

TEST(Wmexec, NumericUidAndNamedGroup) {
  auto result = run_wmexec({"--user", "4242:daemon", "--", "sh", "-c", k_report_identity});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(field(result.out, "Uid"), four(4242));
  EXPECT_EQ(field(result.out, "Gid"), four(1));
  EXPECT_EQ(field(result.out, "Groups"), "1");
}

TEST(Wmexec, SystemUserGetsItsHome) {
  auto result = run_wmexec({"--user", "nobody", "--", "sh", "-c", k_report_identity});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(field(result.out, "Uid"), four(65534));
  EXPECT_EQ(field(result.out, "HOME"), "/nonexistent");
  EXPECT_EQ(field(result.out, "USER"), "nobody");
}

// -- exit codes -----------------------------------------------------------------

TEST(Wmexec, ExitCodesLikeAShell) {
  temp_dir dir;
  auto not_executable = dir.write("data.txt", "just text\n", 0644);

  auto unknown_user = run_wmexec({"--user", "wm-no-such-user", "--", "true"});
  EXPECT_EQ(unknown_user.code, 125);
  EXPECT_NE(unknown_user.err.find("unknown user 'wm-no-such-user'"), std::string::npos)
    << unknown_user.err;

  auto unknown_group = run_wmexec({"--user", "nobody:wm-no-such-group", "--", "true"});
  EXPECT_EQ(unknown_group.code, 125);
  EXPECT_NE(unknown_group.err.find("unknown group 'wm-no-such-group'"), std::string::npos);

  EXPECT_EQ(run_wmexec({"--no-such-option", "--", "true"}).code, 125);
  EXPECT_EQ(run_wmexec({"--"}).code, 125);

  auto not_found = run_wmexec({"--", "wm-no-such-command"});
  EXPECT_EQ(not_found.code, 127);
  EXPECT_NE(not_found.err.find("wm-no-such-command"), std::string::npos);
  EXPECT_EQ(run_wmexec({"--", "/nonexistent/program"}).code, 127);

  auto cannot_execute = run_wmexec({"--", not_executable.string()});
  EXPECT_EQ(cannot_execute.code, 126);
  EXPECT_NE(cannot_execute.err.find("Permission denied"), std::string::npos);

  EXPECT_EQ(run_wmexec({"--", "sh", "-c", "exit 42"}).code, 42);
}

TEST(Wmexec, LooksTheCommandUpInPath) {
  temp_dir dir;
  dir.script("bin/wm-hello", "echo hello from path");
  auto result = run_wmexec({"--", "wm-hello"},
                           {{{"PATH", (dir / "bin").string() + ":/usr/bin:/bin"}}, {}});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(result.out, "hello from path\n");
}

TEST(Wmexec, ExecsInPlace) {
  child_process process({wmexec_bin(), "--", "sh", "-c", "echo pid $$"});
  ASSERT_EQ(process.wait_exit(10s), 0) << process.err();
  EXPECT_EQ(process.out(), "pid " + std::to_string(process.pid()) + "\n");
}

// -- sessions -------------------------------------------------------------------

std::string session_ids(pid_t pid, pid_t pgrp, pid_t session, pid_t ppid) {
  return "ids " + std::to_string(pid) + " " + std::to_string(pgrp) + " "
         + std::to_string(session) + " " + std::to_string(ppid) + "\n";
}

TEST(Wmexec, SetsidInPlaceWhenNotAGroupLeader) {
  // The harness's child shares the test's process group, so setsid() works
  // and CMD keeps wmexec's pid.
  child_process process({wmexec_bin(), "--setsid", "--", "sh", "-c", k_report_session});
  ASSERT_EQ(process.wait_exit(10s), 0) << process.err();
  pid_t pid = process.pid();
  EXPECT_EQ(process.out(), session_ids(pid, pid, pid, ::getpid()));
}

// Starts `sh -c 'exec wmexec --setsid -- ARGS'` as the leader of its own
// process group (as wingmate starts a service), through perl's setpgrp.
std::vector<std::string> as_group_leader(const std::string& wmexec_args) {
  return {"perl", "-e", "setpgrp(0, 0); exec @ARGV or exit 127", "sh", "-c",
          "exec " + wmexec_bin() + " --setsid -- " + wmexec_args};
}

TEST(Wmexec, SetsidForksWhenItLeadsItsProcessGroup) {
  child_process process(as_group_leader("sh -c '" + std::string(k_report_session) + "'"));
  ASSERT_EQ(process.wait_exit(10s), 0) << process.err();

  // CMD runs in a child of wmexec, as the leader of a new session.
  std::istringstream out(process.out());
  std::string word;
  pid_t pid = 0, pgrp = 0, session = 0, ppid = 0;
  out >> word >> pid >> pgrp >> session >> ppid;
  ASSERT_EQ(word, "ids") << process.out() << process.err();
  EXPECT_NE(pid, process.pid());
  EXPECT_EQ(ppid, process.pid());
  EXPECT_EQ(pgrp, pid);
  EXPECT_EQ(session, pid);
}

TEST(Wmexec, SetsidForkPassesSignalsOnAndReturnsTheCode) {
  temp_dir dir;
  auto script = dir.script("trapper",
                           "trap 'kill $sleeper; echo got HUP' HUP\n"
                           "trap 'kill $sleeper; echo got USR1' USR1\n"
                           "trap 'kill $sleeper; echo got TERM; exit 3' TERM\n"
                           "echo ready\n"
                           "while :; do sleep 10 & sleeper=$!; wait $sleeper; done");
  child_process process(as_group_leader(script.string()));
  ASSERT_TRUE(process.wait_for_output("ready", 5s)) << process.all_output();

  process.signal(SIGHUP);
  ASSERT_TRUE(process.wait_for_output("got HUP", 5s)) << process.all_output();
  process.signal(SIGUSR1);
  ASSERT_TRUE(process.wait_for_output("got USR1", 5s)) << process.all_output();
  process.signal(SIGTERM);
  EXPECT_EQ(process.wait_exit(5s), 3);
  EXPECT_NE(process.out().find("got TERM"), std::string::npos) << process.all_output();
}

TEST(Wmexec, SetsidForkReportsDeathBySignalAs128PlusN) {
  child_process process(as_group_leader("sh -c 'echo ready; exec sleep 30'"));
  ASSERT_TRUE(process.wait_for_output("ready", 5s)) << process.all_output();
  std::this_thread::sleep_for(100ms); // let the shell exec sleep
  process.signal(SIGINT);
  EXPECT_EQ(process.wait_exit(5s), 128 + SIGINT);
}

TEST(Wmexec, SetsidForkPassesExecFailuresOn) {
  child_process process(as_group_leader("wm-no-such-command"));
  EXPECT_EQ(process.wait_exit(10s), 127);
  EXPECT_NE(process.err().find("wm-no-such-command"), std::string::npos);
}

} // namespace
} // namespace wm::test

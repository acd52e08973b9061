// Fault injection, end to end with wingmate as PID 1: a service's program
// is deleted, or loses its execute permission, while the service runs. The
// running process is not disturbed; when it next ends, every start fails
// with the path and the reason, and is retried with backoff while the
// other services run on; once the file is back, the service starts again.

#include <sys/stat.h>

#include "faults_support.hpp"

namespace wm::test {
namespace {

namespace fs = std::filesystem;

struct broken_program {
  const char* what;
  // Breaks the program at `path`, and mends it.
  void (*harm)(const fs::path& path);
  void (*mend)(const fs::path& path);
  const char* reason;
  int code;
};

void copy_helper_to(const fs::path& path) {
  fs::copy_file(helper_bin("wm_test_child"), path, fs::copy_options::overwrite_existing);
  fs::permissions(path, fs::perms(0755));
}

const broken_program k_deleted{
  "deleted", [](const fs::path& path) { fs::remove(path); }, copy_helper_to,
  "No such file or directory", 127};

const broken_program k_not_executable{
  "made non-executable", [](const fs::path& path) { fs::permissions(path, fs::perms(0644)); },
  [](const fs::path& path) { fs::permissions(path, fs::perms(0755)); }, "Permission denied", 126};

void break_while_running(const broken_program& fault) {
  SCOPED_TRACE(fault.what);
  config_dir config;
  const fs::path program = config.file("bin/program");
  fs::create_directories(program.parent_path());
  copy_helper_to(program);
  json services;
  services["victim"]["command"] = {program.string(), "stamp", config.file("victim.stamps")};
  services["victim"]["backoff"] = {{"initial", 0.2}, {"max", 1}};
  services["steady"]["command"] = helper_command({"sleep"});
  config.dir().write("wingmate.json", json{{"service", services}}.dump(2));
  namespaced_wingmate wm({"-c", config.path()});
  auto starts = [&] { return stamps(config.file("victim.stamps")).size(); };
  ASSERT_TRUE(wait_until([&] { return starts() == 1; }, 10s)) << wm.all_output();
  std::this_thread::sleep_for(1200ms);
  const auto steady = only_process(wm, "wm_test_child sleep");
  const auto victim = only_process(wm, "victim.stamps");
  ASSERT_TRUE(steady && victim);

  fault.harm(program);
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(::kill(victim->host_pid, 0), 0) << "the running process was disturbed";
  ::kill(victim->host_pid, SIGKILL);
  const std::string failure = "service[victim]: could not start: cannot execute "
                              + program.string() + ": " + fault.reason
                              + "; starting it again in ";
  ASSERT_TRUE(wait_until([&] { return wm.process().count_output(failure) >= 3; }, 15s))
    << wm.all_output();
  EXPECT_TRUE(wm.wait_for_output("service[victim]: killed by SIGKILL after", 1s));

  const json doc = dump(wm, 1);
  ASSERT_TRUE(doc.is_object()) << wm.all_output();
  const json& down = service_named(doc, "victim");
  EXPECT_EQ(down["state"], "backoff") << down.dump();
  EXPECT_EQ(down["last_exit"]["code"], fault.code);
  EXPECT_GE(down["restarts"], 3);
  EXPECT_EQ(service_named(doc, "steady")["state"], "running");
  EXPECT_EQ(service_named(doc, "steady")["pid"], steady->ns_pid);
  EXPECT_EQ(starts(), 1u);

  fault.mend(program);
  ASSERT_TRUE(wait_until([&] { return starts() == 2; }, 5s)) << wm.all_output();
  EXPECT_EQ(only_process(wm, "wm_test_child sleep")->host_pid, steady->host_pid);
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(10s), 0) << wm.all_output();
}

TEST(FaultsExecutable, DeletedWhileRunning) {
  break_while_running(k_deleted);
}

TEST(FaultsExecutable, MadeNonExecutableWhileRunning) {
  break_while_running(k_not_executable);
}

TEST(FaultsExecutable, AServiceFileDeletedFromServiceDir) {
  // The Go layout: the service is the executable in service/ itself.
  config_dir config;
  config.helper_service("victim", "stamp " + config.file("victim.stamps"));
  config.helper_service("steady", "sleep");
  namespaced_wingmate wm({"-c", config.path()});
  auto starts = [&] { return stamps(config.file("victim.stamps")).size(); };
  ASSERT_TRUE(wait_until([&] { return starts() == 1; }, 10s)) << wm.all_output();
  const std::string script = read_file(config.file("service/victim"));
  fs::remove(config.file("service/victim"));
  const auto victim = only_process(wm, "victim.stamps");
  ASSERT_TRUE(victim);
  ::kill(victim->host_pid, SIGKILL);
  ASSERT_TRUE(wm.wait_for_output("service[victim]: could not start: cannot execute "
                                 + config.file("service/victim")
                                 + ": No such file or directory; starting it again in ",
                                 10s))
    << wm.all_output();
  EXPECT_EQ(wm.find("wm_test_child sleep").size(), 1u);
  config.dir().write("service/victim", script, 0755);
  // The default backoff doubles from 0.1 s: the next retry is a few seconds
  // away at most.
  ASSERT_TRUE(wait_until([&] { return starts() == 2; }, 15s)) << wm.all_output();
  wm.signal(SIGTERM);
  EXPECT_EQ(wm.wait_exit(10s), 0) << wm.all_output();
}

} // namespace
} // namespace wm::test

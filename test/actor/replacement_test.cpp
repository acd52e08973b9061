// The supervisor replaces actors that die: a replaced service actor takes
// over its running process, and a replaced reaper keeps every exit routed.
// The actors run in this test process with real children.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <caf/all.hpp>

#include "actors/io_bridge.hpp"
#include "actors/reaper.hpp"
#include "actors/signal_bridge.hpp"
#include "actors/supervisor.hpp"
#include "harness/process_harness.hpp"
#include "messages/messages.hpp"

namespace wm {
namespace {

using namespace std::chrono_literals;
using test::wait_until;

// Our own children running the test helper, by pid.
std::vector<pid_t> helper_children() {
  std::vector<pid_t> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    pid_t pid = std::atoi(entry.path().filename().c_str());
    if (pid <= 0)
      continue;
    std::string stat = test::read_file(entry.path() / "stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos || stat[close + 2] == 'Z')
      continue;
    if (std::atoi(stat.c_str() + close + 4) == ::getpid()
        && test::read_file(entry.path() / "cmdline").find("wm_test_child") != std::string::npos)
      found.push_back(pid);
  }
  return found;
}

class Replacement : public ::testing::Test {
protected:
  void SetUp() override {
    block_signals();
    io.start();
    cfg.set("scheduler.policy", caf::atom("sharing"));
    cfg.set("scheduler.max-threads", 2);
    system = std::make_unique<caf::actor_system>(cfg);
    service_spec spec;
    spec.name = "worker";
    spec.run.command = {test::helper_bin("wm_test_child"), "sleep"};
    reaper = spawn_reaper(*system, io, std::nullopt);
    supervisor =
      spawn_supervisor(*system, supervisor_config{{spec}, &io, std::nullopt, {}}, reaper);
    signals = std::make_unique<signal_bridge>(*system, supervisor);
    signals->start();
  }

  void TearDown() override {
    caf::anon_send(supervisor, os_signal{SIGTERM, 0});
    int code = -1;
    {
      // Scoped so that it ends before the actor system, which waits for it.
      caf::scoped_actor self{*system};
      self->request(supervisor, 10s, run_atom_v)
        .receive([&](int result) { code = result; }, [](const caf::error&) {});
    }
    EXPECT_EQ(code, 0);
    EXPECT_TRUE(helper_children().empty());
    signals.reset();
    system->registry().erase(reaper_registry_name());
    reaper = nullptr;
    supervisor = nullptr;
    system.reset();
    io.finish(200ms);
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, nullptr);
  }

  caf::actor lookup(const std::string& name) {
    caf::scoped_actor self{*system};
    caf::actor found;
    self->request(supervisor, 5s, lookup_atom_v, name)
      .receive([&](const caf::actor& a) { found = a; }, [](const caf::error&) {});
    return found;
  }

  io_bridge io;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  caf::actor reaper;
  caf::actor supervisor;
  std::unique_ptr<signal_bridge> signals;
};

TEST_F(Replacement, AReplacedServiceActorTakesOverItsProcess) {
  ASSERT_TRUE(wait_until([] { return helper_children().size() == 1; }, 5s));
  const pid_t child = helper_children()[0];
  auto first = lookup("worker");
  ASSERT_TRUE(first);

  caf::anon_send_exit(first, caf::exit_reason::kill);
  ASSERT_TRUE(wait_until([&] {
    auto now = lookup("worker");
    return now && now != first;
  }, 5s));
  // Still the same process: adopted, not restarted.
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(helper_children(), std::vector<pid_t>{child});

  // The new actor supervises it: its exit is seen and it is restarted.
  ::kill(child, SIGKILL);
  ASSERT_TRUE(wait_until([&] {
    auto now = helper_children();
    return now.size() == 1 && now[0] != child;
  }, 5s));
}

TEST_F(Replacement, AReplacedReaperKeepsExitsRouted) {
  ASSERT_TRUE(wait_until([] { return helper_children().size() == 1; }, 5s));
  const pid_t child = helper_children()[0];
  auto first = lookup("reaper");
  ASSERT_TRUE(first);

  caf::anon_send_exit(first, caf::exit_reason::kill);
  ASSERT_TRUE(wait_until([&] {
    auto now = lookup("reaper");
    return now && now != first;
  }, 5s));
  std::this_thread::sleep_for(200ms);

  ::kill(child, SIGKILL);
  ASSERT_TRUE(wait_until([&] {
    auto now = helper_children();
    return now.size() == 1 && now[0] != child;
  }, 5s));
}

} // namespace
} // namespace wm

// Status dumps in-process: one dump against stand-in actors (a slow one, a
// dead one, a cron clock), and the supervisor's SIGUSR1 with real services,
// including a burst of signals.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/io_bridge.hpp"
#include "actors/reaper.hpp"
#include "actors/signal_bridge.hpp"
#include "actors/status_dump.hpp"
#include "actors/supervisor.hpp"
#include "harness/process_harness.hpp"
#include "messages/messages.hpp"

namespace wm {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::wait_until;

void configure(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("scheduler.max-threads", 2);
  cfg.add_message_types<caf::id_block::wingmate>();
}

json read_json(const std::filesystem::path& path) {
  return json::parse(test::read_file(path), nullptr, false);
}

const json* service_named(const json& doc, const std::string& name) {
  for (const auto& s : doc["services"])
    if (s["name"] == name)
      return &s;
  return nullptr;
}

// -- one dump against stand-ins ------------------------------------------------

caf::behavior answering_service(caf::event_based_actor*, std::string name) {
  return {[name](status_atom) {
    service_status s;
    s.name = name;
    s.state = service_state::running;
    s.pid = 4242;
    return s;
  }};
}

// Answers a service status only after `delay`, long after any deadline.
struct late_answerer_state {
  std::vector<caf::typed_response_promise<service_status>> promises;
  static inline const char* name = "late-answerer";
};

caf::behavior late_answerer(caf::stateful_actor<late_answerer_state>* self,
                            caf::timespan delay) {
  return {[self, delay](status_atom) {
            auto promise = self->make_response_promise<service_status>();
            self->state.promises.push_back(promise);
            self->delayed_send(self, delay, caf::ok_atom::value);
            return promise;
          },
          [self](caf::ok_atom) {
            for (auto& promise : self->state.promises)
              promise.deliver(service_status{});
            self->state.promises.clear();
          }};
}

// The stand-ins below take an argument each: for a function actor spawned
// without any, CAF 0.17 dereferences a null argument tuple, which UBSan
// reports.
caf::behavior fake_reaper(caf::event_based_actor*, std::uint64_t orphans) {
  return {[orphans](status_atom) { return orphans; }};
}

caf::behavior fake_cron_job(caf::event_based_actor*, std::string name) {
  return {[name](cron_state_atom) {
    cron_job_state state;
    state.name = name;
    state.schedule = "@hourly";
    state.runs = 3;
    return state;
  }};
}

// A cron job actor that takes the question and never answers.
caf::behavior silent_cron_job(caf::event_based_actor* self, std::string) {
  return {[self](cron_state_atom) { return self->make_response_promise<cron_job_state>(); }};
}

cron_status cron_base(const std::string& name) {
  cron_status base;
  base.name = name;
  base.schedule = "@hourly";
  return base;
}

class StatusDump : public ::testing::Test {
protected:
  StatusDump() {
    configure(cfg);
    system = std::make_unique<caf::actor_system>(cfg);
    writer = spawn_status_writer(*system, caf::actor{});
  }

  ~StatusDump() override { caf::anon_send_exit(writer, caf::exit_reason::user_shutdown); }

  // Runs a dump and waits for its end; returns how long it took.
  std::chrono::milliseconds run(status_dump_request request) {
    caf::scoped_actor self{*system};
    const auto began = std::chrono::steady_clock::now();
    auto dump = spawn_status_dump(self.ptr(), std::move(request));
    bool ended = false;
    self->receive([&](const caf::down_msg& msg) { ended = msg.source == dump.address(); },
                  caf::after(10s) >> [] {});
    EXPECT_TRUE(ended);
    return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - began);
  }

  status_dump_request request_for(std::vector<std::pair<std::string, caf::actor>> services) {
    status_dump_request request;
    request.snapshot.wingmate.sequence = 9;
    for (auto& [name, actor] : services) {
      service_status base;
      base.name = name;
      request.snapshot.services.push_back(base);
      request.service_actors.push_back(actor);
    }
    request.reaper = system->spawn(fake_reaper, std::uint64_t{5});
    request.writer = writer;
    request.file = dir / "status.json";
    request.deadline = 1s; // roomy: sanitizer builds answer slowly
    return request;
  }

  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  caf::actor writer;
  test::temp_dir dir;
};

TEST_F(StatusDump, MarksWhatDoesNotAnswerInTime) {
  auto fast = system->spawn(answering_service, "fast");
  auto slow = system->spawn(late_answerer, caf::timespan{3s});
  auto dead = system->spawn(answering_service, "dead");
  caf::anon_send_exit(dead, caf::exit_reason::user_shutdown);
  {
    caf::scoped_actor self{*system};
    self->wait_for(dead);
  }
  auto request = request_for({{"fast", fast}, {"slow", slow}, {"dead", dead}, {"none", {}}});
  request.snapshot.cron_jobs.push_back(cron_base("crontab:1"));
  request.cron_actors.push_back(system->spawn(fake_cron_job, std::string{"crontab:1"}));

  const auto took = run(std::move(request));
  EXPECT_GE(took, 1s);
  EXPECT_LT(took, 2500ms); // the deadline, not the slow answer, ended it

  const json doc = read_json(dir / "status.json");
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["wingmate"]["sequence"], 9);
  EXPECT_EQ(doc["wingmate"]["orphans_reaped"], 5);
  EXPECT_EQ((*service_named(doc, "fast"))["state"], "running");
  EXPECT_EQ((*service_named(doc, "fast"))["pid"], 4242);
  EXPECT_EQ((*service_named(doc, "slow"))["state"], "unknown");
  EXPECT_EQ((*service_named(doc, "slow"))["error"], "no reply in time (1 s)");
  EXPECT_EQ((*service_named(doc, "dead"))["error"], "no reply: its actor has ended");
  EXPECT_EQ((*service_named(doc, "none"))["error"], "no actor supervises it right now");
  ASSERT_EQ(doc["cron"].size(), 1u);
  EXPECT_EQ(doc["cron"][0]["name"], "crontab:1");
  EXPECT_EQ(doc["cron"][0]["runs"], 3);
  EXPECT_EQ(doc["errors"], json::array());

  // The slow answer arrives after the dump has ended and harms nobody.
  std::this_thread::sleep_for(2500ms);
  caf::scoped_actor self{*system};
  bool alive = false;
  self->request(slow, 6s, status_atom_v).receive([&](const service_status&) { alive = true; },
                                                 [](const caf::error&) {});
  EXPECT_TRUE(alive);
  for (auto& actor : {fast, slow})
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}

TEST_F(StatusDump, ASilentCronJobIsNamedInErrors) {
  auto request = request_for({});
  request.snapshot.cron_jobs.push_back(cron_base("backup"));
  request.cron_actors.push_back(system->spawn(silent_cron_job, std::string{"backup"}));
  run(std::move(request));
  const json doc = read_json(dir / "status.json");
  // The job still shows, with what its spec says.
  ASSERT_EQ(doc["cron"].size(), 1u);
  EXPECT_EQ(doc["cron"][0]["schedule"], "@hourly");
  ASSERT_EQ(doc["errors"].size(), 1u);
  EXPECT_EQ(doc["errors"][0], "cron job backup unknown: no reply in time (1 s)");
}

TEST_F(StatusDump, AnUnwritableFileEndsTheDumpToo) {
  auto request = request_for({});
  request.file = dir / "missing/status.json";
  run(std::move(request));
  EXPECT_FALSE(std::filesystem::exists(dir / "missing"));
}

// -- the supervisor ------------------------------------------------------------

class SupervisorStatus : public ::testing::Test {
protected:
  void SetUp() override {
    block_signals();
    io.start();
    configure(cfg);
    system = std::make_unique<caf::actor_system>(cfg);
    supervisor_config config{{helper("steady", "sleep"), helper("crash", "exit 3")}, &io,
                             std::nullopt, {}};
    config.status.version = "test";
    config.status.config_dir = "/etc/wingmate-test";
    config.status.file = dir / "status.json";
    reaper = spawn_reaper(*system, io, std::nullopt);
    supervisor = spawn_supervisor(*system, std::move(config), reaper);
    signals = std::make_unique<signal_bridge>(*system, supervisor);
    signals->start();
  }

  void TearDown() override {
    caf::anon_send(supervisor, os_signal{SIGTERM, 0});
    {
      caf::scoped_actor self{*system};
      self->request(supervisor, 10s, run_atom_v).receive([](int) {}, [](const caf::error&) {});
    }
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

  static service_spec helper(const std::string& name, const std::string& act) {
    service_spec spec;
    spec.name = name;
    spec.source = "service/" + name;
    spec.run.command = {"/bin/sh", "-c", "exec " + test::helper_bin("wm_test_child") + " " + act};
    return spec;
  }

  // The document once its sequence reaches `sequence`.
  json await_dump(std::uint64_t sequence) {
    json doc;
    wait_until(
      [&] {
        doc = read_json(dir / "status.json");
        return doc.is_object() && doc["wingmate"]["sequence"] >= sequence;
      },
      5s);
    return doc;
  }

  test::temp_dir dir;
  io_bridge io;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  caf::actor reaper;
  caf::actor supervisor;
  std::unique_ptr<signal_bridge> signals;
};

TEST_F(SupervisorStatus, Sigusr1WritesEveryService) {
  std::this_thread::sleep_for(500ms); // the crash loop is under way
  caf::anon_send(supervisor, os_signal{SIGUSR1, 0});
  const json doc = await_dump(1);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["wingmate"]["version"], "test");
  EXPECT_EQ(doc["wingmate"]["pid"], ::getpid());
  EXPECT_EQ(doc["wingmate"]["state"], "running");
  EXPECT_EQ(doc["wingmate"]["config"], "/etc/wingmate-test");
  EXPECT_EQ(doc["wingmate"]["status_file"], (dir / "status.json").string());
  EXPECT_TRUE(doc["wingmate"]["orphans_reaped"].is_number_integer());
  ASSERT_EQ(doc["services"].size(), 2u);
  EXPECT_EQ(doc["services"][0]["name"], "crash");
  EXPECT_EQ(doc["services"][0]["last_exit"]["code"], 3);
  EXPECT_GE(doc["services"][0]["restarts"], 1);
  EXPECT_EQ(doc["services"][1]["name"], "steady");
  EXPECT_TRUE(doc["services"][1]["pid"].is_number_integer());
}

TEST_F(SupervisorStatus, ABurstIsFoldedIntoFewDumps) {
  for (int i = 0; i < 50; ++i)
    caf::anon_send(supervisor, os_signal{SIGUSR1, 0});
  const json first = await_dump(1);
  ASSERT_TRUE(first.is_object());
  std::this_thread::sleep_for(300ms); // any follow-up dump is written by now
  const json last = read_json(dir / "status.json");
  // A dump in progress absorbs the signals that arrive meanwhile.
  EXPECT_LE(last["wingmate"]["sequence"], 25);
  EXPECT_GE(last["wingmate"]["sequence"], 2);

  // And the next signal still gets a dump of its own.
  const std::uint64_t before = last["wingmate"]["sequence"];
  caf::anon_send(supervisor, os_signal{SIGUSR1, 0});
  EXPECT_EQ(await_dump(before + 1)["wingmate"]["sequence"], before + 1);
}

} // namespace
} // namespace wm

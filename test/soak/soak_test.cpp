// The soak: wingmate as PID 1 for a few minutes of steady abuse. Services
// are killed at random (by signals, or made to exit with random codes),
// SIGUSR1 dumps and SIGHUP forwards arrive at random, two cron jobs fire
// every minute. At the end:
//
//   - wingmate's memory (RSS) and descriptor count are back on the plateau
//     they reached after the warm-up;
//   - no zombie is left;
//   - every restart is accounted for: the restarts in the status document,
//     the starts the services stamped, and the deaths the test caused all
//     agree, and every SIGHUP reached every service;
//   - the status sequence numbers only ever went up;
//   - SIGTERM ends it with exit code 0.
//
// WM_SOAK_SECONDS sets the length (default 180), WM_SOAK_SEED the random
// seed (default: the time; it is printed). Built with WINGMATE_SANITIZE=ON
// it runs under AddressSanitizer; wingmate's quarantine is then kept small
// so that its memory can reach a plateau within the warm-up.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "harness/process_harness.hpp"

namespace wm::test {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using std::chrono::steady_clock;

constexpr int k_services = 8;
constexpr int k_steady = 2;
constexpr const char* k_crons[] = {"tick", "failing-tick"};

long long env_number(const char* name, long long fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::atoll(value) : fallback;
}

long long monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
}

// A start a soak service stamped: "STAMP PID".
struct start_stamp {
  long long at = 0;
  pid_t pid = 0;
};

std::vector<start_stamp> starts_in(const std::string& file) {
  std::istringstream in(read_file(file));
  std::vector<start_stamp> starts;
  for (start_stamp s; in >> s.at >> s.pid;)
    starts.push_back(s);
  return starts;
}

std::size_t lines_in(const std::string& file) {
  const std::string text = read_file(file);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

long rss_kib(pid_t pid) {
  return std::atol(status_field(pid, "VmRSS").c_str());
}

class soak {
public:
  soak()
    : duration_(seconds(env_number("WM_SOAK_SECONDS", 180))),
      seed_(static_cast<unsigned>(env_number("WM_SOAK_SEED", std::time(nullptr)))),
      random_(seed_) {
    json config;
    // The steady services are never killed: they only count SIGHUPs.
    for (int i = 0; i < k_services + k_steady; ++i) {
      auto& s = config["service"][name(i)];
      s["command"] = {helper_bin("wm_test_child"), "soak", stamp_file(i)};
      s["backoff"] = {{"initial", 0.05}, {"max", 0.5}};
    }
    for (const char* cron : k_crons)
      config["cron"][cron] = {
        {"command", {helper_bin("wm_test_child"), "stamp-exit", file(std::string(cron)),
                     cron == std::string("tick") ? "0" : "3"}},
        {"schedule", "* * * * *"}};
    dir_.write("wingmate.json", config.dump(2));
    kills_.assign(k_services, 0);
    last_killed_.assign(k_services, 0);
  }

  void run() {
    std::cout << "soak: " << duration_.count() << " s, seed " << seed_ << std::endl;
    // A small quarantine lets ASan's memory settle within the warm-up; it
    // means nothing to a build without ASan.
    std::string asan = std::getenv("ASAN_OPTIONS") ? std::getenv("ASAN_OPTIONS") : "";
    asan += std::string(asan.empty() ? "" : ":") + "quarantine_size_mb=1";
    wm_.emplace(std::vector<std::string>{"-c", dir_.path().string()},
                with_env({{"ASAN_OPTIONS", asan}}));
    ASSERT_TRUE(wait_until([&] { return settled(); }, seconds(30))) << wm_->all_output();
    steady_pids_ = steady_processes();
    ASSERT_EQ(steady_pids_.size(), static_cast<std::size_t>(k_steady));

    const auto began = steady_clock::now();
    const auto warm_up = std::max<steady_clock::duration>(seconds(20), duration_ / 4);
    bool plateau_taken = false;
    auto next_sample = began;
    while (steady_clock::now() - began < duration_) {
      if (!plateau_taken && steady_clock::now() - began >= warm_up) {
        ASSERT_NO_FATAL_FAILURE(take_plateau());
        plateau_taken = true;
      }
      if (steady_clock::now() >= next_sample) {
        max_rss_ = std::max(max_rss_, rss_kib(wm_->host_pid()));
        next_sample += seconds(1);
      }
      ASSERT_NO_FATAL_FAILURE(step());
    }
    ASSERT_NO_FATAL_FAILURE(finish());
  }

private:
  static std::string name(int i) {
    return i < k_services ? "soak" + std::to_string(i) : "steady" + std::to_string(i - k_services);
  }
  std::string file(const std::string& relative) const { return (dir_ / relative).string(); }
  std::string stamp_file(int i) const { return file(name(i) + ".stamps"); }

  int pick(int below) { return std::uniform_int_distribution<int>(0, below - 1)(random_); }
  void pause(int max_ms) { std::this_thread::sleep_for(std::chrono::milliseconds(pick(max_ms))); }

  std::vector<pid_t> steady_processes() const {
    std::vector<pid_t> pids;
    for (int i = k_services; i < k_services + k_steady; ++i)
      for (const auto& p : wm_->find(stamp_file(i)))
        pids.push_back(p.host_pid);
    return pids;
  }

  // The live process of service `i` when it has stamped its start at
  // least 100 ms ago (so wingmate knows its pid), else nothing.
  std::optional<ns_process> settled_process(int i) const {
    auto found = wm_->find(stamp_file(i));
    const auto starts = starts_in(stamp_file(i));
    if (found.size() != 1 || starts.empty() || starts.back().pid != found[0].ns_pid)
      return std::nullopt;
    if (monotonic_ns() - starts.back().at < 100'000'000LL)
      return std::nullopt;
    return found[0];
  }

  bool settled() const {
    for (int i = 0; i < k_services + k_steady; ++i)
      if (!settled_process(i))
        return false;
    return true;
  }

  // No start, cron run or dump under way, nothing waiting to be reaped.
  bool quiet() const {
    return settled() && wm_->find("stamp-exit").empty() && wm_->zombies() == 0;
  }

  void step() {
    const int dice = pick(100);
    if (dice < 60)
      crash_one();
    else if (dice < 75)
      status_burst();
    else if (dice < 85)
      ASSERT_NO_FATAL_FAILURE(hangup());
    else
      pause(300);
  }

  // Kills a settled service by a signal, or makes it exit with a code.
  void crash_one() {
    const int i = pick(k_services);
    const auto process = settled_process(i);
    // A process told to die may take a while to end (an exit code asked
    // for, LeakSanitizer's check at exit): never count its death twice.
    if (!process || process->host_pid == last_killed_[static_cast<std::size_t>(i)]) {
      pause(50);
      return;
    }
    last_killed_[static_cast<std::size_t>(i)] = process->host_pid;
    static const int deadly[] = {SIGKILL, SIGTERM, SIGINT, SIGUSR2, SIGALRM};
    const int signo = pick(2) == 0 ? deadly[pick(5)] : SIGRTMIN + pick(8);
    ::kill(process->host_pid, signo);
    ++kills_[static_cast<std::size_t>(i)];
    ++total_kills_;
    pause(200);
  }

  // One to five SIGUSR1 at once; any document read meanwhile is whole and
  // newer than or as new as the last one read.
  void status_burst() {
    const int count = 1 + pick(5);
    for (int n = 0; n < count; ++n)
      wm_->signal(SIGUSR1);
    usr1_sent_ += count;
    pause(100);
    read_sequence();
  }

  void read_sequence() {
    const std::string text = read_file(wm_->status_file());
    if (text.empty())
      return;
    const json doc = json::parse(text, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << "a partial status document: " << text.substr(0, 200);
    const long long sequence = doc["wingmate"]["sequence"];
    EXPECT_GE(sequence, last_sequence_) << "the status sequence went back";
    last_sequence_ = std::max(last_sequence_, sequence);
  }

  // SIGHUP once every service runs (a start that has not installed its
  // handler yet would die of it), then waits until each has counted it.
  void hangup() {
    if (!wait_until([&] { return settled(); }, seconds(10)))
      FAIL() << "the services did not settle: " << wm_->all_output().substr(0, 2000);
    wm_->signal(SIGHUP);
    ++hups_;
    const bool counted = wait_until(
      [&] {
        for (int i = 0; i < k_services + k_steady; ++i)
          if (lines_in(stamp_file(i) + ".hup") != hups_)
            return false;
        return true;
      },
      seconds(10));
    ASSERT_TRUE(counted) << "a SIGHUP did not reach every service";
  }

  void take_plateau() {
    ASSERT_TRUE(wait_until([&] { return quiet(); }, seconds(20)));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    plateau_rss_ = rss_kib(wm_->host_pid());
    plateau_fds_ = open_fds(wm_->host_pid()).size();
    std::cout << "soak: plateau after the warm-up: RSS " << plateau_rss_ << " KiB, "
              << plateau_fds_ << " descriptors" << std::endl;
  }

  void finish() {
    ASSERT_GT(plateau_rss_, 0) << "the soak was shorter than its warm-up";
    // Quiet again: the last restarts done, the last dump written.
    std::this_thread::sleep_for(seconds(1));
    ASSERT_TRUE(wait_until([&] { return quiet(); }, seconds(20))) << wm_->all_output();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long end_rss = rss_kib(wm_->host_pid());
    std::size_t end_fds = open_fds(wm_->host_pid()).size();
    wait_until(
      [&] {
        end_fds = open_fds(wm_->host_pid()).size();
        return end_fds == plateau_fds_;
      },
      seconds(5), std::chrono::milliseconds(200));
    max_rss_ = std::max(max_rss_, end_rss);
    EXPECT_EQ(end_fds, plateau_fds_) << "descriptors leaked";
    const long tolerance = std::max(2048L, plateau_rss_ / 10);
    EXPECT_LE(end_rss, plateau_rss_ + tolerance) << "memory grew past its plateau";
    EXPECT_EQ(wm_->zombies(), 0u);

    // The last document: restarts against stamps and kills.
    wm_->signal(SIGUSR1);
    ++usr1_sent_;
    json doc;
    ASSERT_TRUE(wait_until(
      [&] {
        doc = json::parse(read_file(wm_->status_file()), nullptr, false);
        return doc.is_object() && doc["wingmate"]["sequence"] > last_sequence_;
      },
      seconds(10)));
    long long restarts = 0;
    for (int i = 0; i < k_services; ++i) {
      SCOPED_TRACE(name(i));
      const json* service = nullptr;
      for (const auto& s : doc["services"])
        if (s["name"] == name(i))
          service = &s;
      ASSERT_NE(service, nullptr);
      const long long counted = (*service)["restarts"];
      restarts += counted;
      EXPECT_EQ(counted, kills_[static_cast<std::size_t>(i)]) << "restarts against deaths";
      EXPECT_EQ(starts_in(stamp_file(i)).size(), static_cast<std::size_t>(counted) + 1)
        << "stamped starts against restarts";
      EXPECT_EQ(lines_in(stamp_file(i) + ".hup"), hups_);
    }
    std::size_t cron_runs = 0;
    for (const auto& job : doc["cron"]) {
      const std::string cron = job["name"];
      SCOPED_TRACE(cron);
      const std::size_t stamped = lines_in(file(cron));
      EXPECT_EQ(job["runs"], stamped);
      const long long minutes = duration_ / std::chrono::minutes(1);
      EXPECT_GE(static_cast<long long>(stamped), minutes - 1);
      EXPECT_EQ(job["last_run"]["code"], cron == "tick" ? 0 : 3);
      cron_runs += stamped;
    }
    EXPECT_EQ(steady_processes(), steady_pids_) << "a steady service was touched";
    for (int i = k_services; i < k_services + k_steady; ++i) {
      for (const auto& s : doc["services"]) {
        if (s["name"] == name(i)) {
          EXPECT_EQ(s["restarts"], 0) << s.dump();
        }
      }
      EXPECT_EQ(lines_in(stamp_file(i) + ".hup"), hups_) << name(i);
    }

    const long long dumps = doc["wingmate"]["sequence"];
    std::cout << "soak: " << duration_.count() << " s, seed " << seed_ << ": " << restarts
              << " restarts (" << total_kills_ << " deaths caused), " << hups_ << " SIGHUP, "
              << usr1_sent_ << " SIGUSR1 -> " << dumps << " dumps, " << cron_runs
              << " cron runs; RSS " << plateau_rss_ << " KiB after the warm-up, " << end_rss
              << " KiB at the end (max " << max_rss_ << "); descriptors " << plateau_fds_
              << " -> " << end_fds << std::endl;
    ::testing::Test::RecordProperty("restarts", std::to_string(restarts));
    ::testing::Test::RecordProperty("rss_plateau_kib", std::to_string(plateau_rss_));
    ::testing::Test::RecordProperty("rss_end_kib", std::to_string(end_rss));
    ::testing::Test::RecordProperty("fds", std::to_string(end_fds));

    wm_->signal(SIGTERM);
    EXPECT_EQ(wm_->wait_exit(seconds(20)), 0);
  }

  temp_dir dir_;
  seconds duration_;
  unsigned seed_;
  std::mt19937 random_;
  std::optional<namespaced_wingmate> wm_;
  std::vector<pid_t> steady_pids_;
  std::vector<long long> kills_;
  std::vector<pid_t> last_killed_; // by service: the process last told to die
  long long total_kills_ = 0;
  std::size_t hups_ = 0;
  long long usr1_sent_ = 0;
  long long last_sequence_ = 0;
  long plateau_rss_ = 0;
  std::size_t plateau_fds_ = 0;
  long max_rss_ = 0;
};

TEST(Soak, StaysOnItsPlateauAndAccountsForEveryRestart) {
  soak().run();
}

} // namespace
} // namespace wm::test

// core_bench: the core supervisor's numbers, measured from outside with
// wingmate as PID 1 of a PID namespace, printed as Markdown tables.
//
//   restart   latency from a service's exit to its next exec, for a service
//             that ran longer than startsecs (so no backoff applies)
//   startup   time until every service has started, and wingmate's memory,
//             with 1, 100 and 1000 services
//   idle      wingmate's CPU time and wake-ups over a window with 100 idle
//             services
//   shutdown  time from SIGTERM to wingmate's exit with 1000 services
//
// Usage: core_bench [restart|startup|idle|shutdown]... [--idle-seconds N]
// (default: all of them, 30 s idle window). Not run by ctest: numbers are
// reported, not judged. Needs root (PID namespaces).

#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "e2e/e2e_support.hpp"
#include "harness/process_harness.hpp"

namespace wm::test {
namespace {

double ms_between(long long from_ns, long long to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e6;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

long field_kib(const std::string& text, const std::string& key) {
  auto pos = text.find(key + ":");
  return pos == std::string::npos ? 0 : std::atol(text.c_str() + pos + key.size() + 1);
}

// Wake-ups: voluntary and involuntary context switches of every thread.
long context_switches(pid_t pid) {
  long total = 0;
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
    std::string status = read_file(task.path() / "status");
    total += field_kib(status, "voluntary_ctxt_switches");
    total += field_kib(status, "nonvoluntary_ctxt_switches");
  }
  return total;
}

// On-CPU time of every thread in nanoseconds (schedstat, finer than ticks).
long long on_cpu_ns(pid_t pid) {
  long long total = 0;
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec))
    total += std::atoll(read_file(task.path() / "schedstat").c_str());
  return total;
}

void raise_own_fd_limit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

// -- restart ------------------------------------------------------------------

void bench_restart() {
  config_dir config;
  const std::string starts = config.file("starts"), ends = config.file("ends");
  config.helper_service("runner", "stamp-run " + starts + " " + ends + " 1100");
  namespaced_wingmate wm({"-c", config.path()});
  const std::size_t wanted = 8;
  wait_until([&] { return stamps(starts).size() > wanted; }, 30s, 50ms);
  auto s = stamps(starts), e = stamps(ends);
  std::vector<double> gaps;
  for (std::size_t i = 0; i + 1 < s.size() && i < e.size(); ++i)
    gaps.push_back(ms_between(e[i], s[i + 1]));
  std::printf("\n## Restart latency (service ran 1.1 s, exit -> next exec)\n\n");
  std::printf("| restarts | median (ms) | min (ms) | p90 (ms) | max (ms) |\n");
  std::printf("| ---: | ---: | ---: | ---: | ---: |\n");
  std::printf("| %zu | %.2f | %.2f | %.2f | %.2f |\n", gaps.size(), percentile(gaps, 0.5),
              percentile(gaps, 0), percentile(gaps, 0.9), percentile(gaps, 1));
  wm.signal(SIGTERM);
  wm.wait_exit(15s);
}

// -- startup ------------------------------------------------------------------

void bench_startup() {
  std::printf("\n## Time to all started, and memory\n\n");
  std::printf("| services | started | all started (ms) | VmRSS (MiB) | Pss (MiB) |"
              " threads |\n");
  std::printf("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (int n : {1, 100, 1000}) {
    config_dir config;
    const std::string stamp_file = config.file("stamps");
    for (int i = 0; i < n; ++i)
      config.helper_service("svc" + std::to_string(i), "stamp " + stamp_file);
    const long long begin = now_ns();
    namespaced_wingmate wm({"-c", config.path(), "--log-level", "warning"});
    wait_until([&] { return stamps(stamp_file).size() >= static_cast<std::size_t>(n); }, 120s,
               20ms);
    auto all = stamps(stamp_file);
    const double took = all.empty() ? 0 : ms_between(begin, *std::max_element(all.begin(),
                                                                                all.end()));
    std::this_thread::sleep_for(500ms);
    const std::string dir = "/proc/" + std::to_string(wm.host_pid());
    const std::string status = read_file(dir + "/status");
    const std::string rollup = read_file(dir + "/smaps_rollup");
    std::printf("| %d | %zu | %.1f | %.2f | %.2f | %ld |\n", n, all.size(), took,
                static_cast<double>(field_kib(status, "VmRSS")) / 1024.0,
                static_cast<double>(field_kib(rollup, "Pss")) / 1024.0,
                field_kib(status, "Threads"));
    std::fflush(stdout);
    wm.signal(SIGTERM);
    wm.wait_exit(30s);
  }
}

// -- idle ---------------------------------------------------------------------

void bench_idle(int seconds) {
  config_dir config;
  for (int i = 0; i < 100; ++i)
    config.helper_service("svc" + std::to_string(i), "sleep");
  namespaced_wingmate wm({"-c", config.path()});
  wait_until([&] { return wm.find("wm_test_child").size() == 100; }, 30s, 50ms);
  std::this_thread::sleep_for(3s); // past every startsecs timer
  const pid_t pid = wm.host_pid();
  const long ticks0 = cpu_ticks(pid), switches0 = context_switches(pid);
  const long long cpu0 = on_cpu_ns(pid);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const long ticks = cpu_ticks(pid) - ticks0, switches = context_switches(pid) - switches0;
  const double cpu_ms = static_cast<double>(on_cpu_ns(pid) - cpu0) / 1e6;
  const double tick_ms = 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::printf("\n## Idle cost (100 services, %d s)\n\n", seconds);
  std::printf("| utime+stime (ms) | on-CPU (ms) | share of a core | context switches |"
              " per second |\n");
  std::printf("| ---: | ---: | ---: | ---: | ---: |\n");
  std::printf("| %.0f | %.2f | %.4f %% | %ld | %.2f |\n", static_cast<double>(ticks) * tick_ms,
              cpu_ms, cpu_ms / (seconds * 1000.0) * 100.0, switches,
              static_cast<double>(switches) / seconds);
  wm.signal(SIGTERM);
  wm.wait_exit(15s);
}

// -- shutdown -----------------------------------------------------------------

void bench_shutdown() {
  std::printf("\n## Shutdown (SIGTERM -> wingmate exit, 1000 services)\n\n");
  std::printf("| services | exit code | SIGTERM -> exit (ms) | left in namespace |\n");
  std::printf("| ---: | ---: | ---: | ---: |\n");
  for (int n : {100, 1000}) {
    config_dir config;
    for (int i = 0; i < n; ++i)
      config.helper_service("svc" + std::to_string(i), "sleep");
    namespaced_wingmate wm({"-c", config.path(), "--log-level", "warning"});
    wait_until([&] { return wm.find("wm_test_child").size() == static_cast<std::size_t>(n); },
               120s, 50ms);
    std::this_thread::sleep_for(1500ms);
    const long long begin = now_ns();
    wm.signal(SIGTERM);
    auto code = wm.wait_exit(30s);
    const double took = ms_between(begin, now_ns());
    std::printf("| %d | %d | %.1f | %zu |\n", n, code.value_or(-1), took,
                wm.processes().size());
    std::fflush(stdout);
  }
}

} // namespace
} // namespace wm::test

int main(int argc, char** argv) {
  using namespace wm::test;
  raise_own_fd_limit();
  std::set<std::string> chosen;
  int idle_seconds = 30;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--idle-seconds") == 0 && i + 1 < argc)
      idle_seconds = std::atoi(argv[++i]);
    else
      chosen.insert(argv[i]);
  }
  auto wanted = [&](const char* name) { return chosen.empty() || chosen.contains(name); };
  std::printf("# wingmate core benchmark\n");
  if (wanted("restart"))
    bench_restart();
  if (wanted("startup"))
    bench_startup();
  if (wanted("idle"))
    bench_idle(idle_seconds);
  if (wanted("shutdown"))
    bench_shutdown();
  return 0;
}

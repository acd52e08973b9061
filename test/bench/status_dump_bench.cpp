// Benchmark (not part of ctest): the time from SIGUSR1 to the renamed
// status file, with wingmate as PID 1 supervising many services.
//
//   build/test/bench/wm_status_bench [SERVICES [DUMPS]]   (default 1000 30)
//
// Every service runs `wm_test_child sleep`. The rename is seen through
// inotify (IN_MOVED_TO), so the clock stops when the document appears
// under its name, as a reader would see it. Prints min, median, p90 and max.

#include <signal.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <thread>

#include "harness/process_harness.hpp"

namespace {

using namespace wm::test;
using clock_type = std::chrono::steady_clock;

// Waits for `name` to be renamed into the watched directory; false on timeout.
bool await_rename(int inotify_fd, const std::string& name, std::chrono::milliseconds timeout) {
  const auto deadline = clock_type::now() + timeout;
  alignas(inotify_event) char buffer[4096];
  while (clock_type::now() < deadline) {
    pollfd pfd{inotify_fd, POLLIN, 0};
    if (::poll(&pfd, 1, 50) <= 0)
      continue;
    const ssize_t n = ::read(inotify_fd, buffer, sizeof buffer);
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      if ((event->mask & IN_MOVED_TO) && event->len > 0 && name == event->name)
        return true;
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  return false;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[index];
}

} // namespace

int main(int argc, char** argv) {
  const int services = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int dumps = argc > 2 ? std::atoi(argv[2]) : 30;
  if (services < 1 || dumps < 1) {
    std::fprintf(stderr, "usage: %s [SERVICES [DUMPS]]\n", argv[0]);
    return 2;
  }

  temp_dir config;
  for (int i = 0; i < services; ++i)
    config.script("service/svc" + std::to_string(i), "exec " + helper_bin("wm_test_child") +
                                                       " sleep");
  namespaced_wingmate wm({"-c", config.path().string(), "--log-level", "warning"});
  std::printf("starting %d services...\n", services);
  if (!wait_until([&] { return wm.find("wm_test_child sleep").size() ==
                               static_cast<std::size_t>(services); },
                  120s, 200ms)) {
    std::fprintf(stderr, "not all services started:\n%s\n", wm.all_output().c_str());
    return 1;
  }
  std::this_thread::sleep_for(1500ms); // past startsecs: all running, nothing in flight

  const int inotify_fd = ::inotify_init1(IN_CLOEXEC);
  ::inotify_add_watch(inotify_fd, wm.status_file().parent_path().c_str(), IN_MOVED_TO);
  const std::string name = wm.status_file().filename().string();

  std::vector<double> ms;
  for (int i = -3; i < dumps; ++i) { // three to warm up
    const auto began = clock_type::now();
    wm.signal(SIGUSR1);
    if (!await_rename(inotify_fd, name, 10s)) {
      std::fprintf(stderr, "no status file after SIGUSR1 #%d\n%s\n", i, wm.all_output().c_str());
      return 1;
    }
    const std::chrono::duration<double, std::milli> took = clock_type::now() - began;
    if (i >= 0)
      ms.push_back(took.count());
    std::this_thread::sleep_for(50ms);
  }
  ::close(inotify_fd);

  const auto doc = nlohmann::json::parse(read_file(wm.status_file()), nullptr, false);
  const std::size_t listed = doc.is_object() ? doc["services"].size() : 0;
  std::printf("services: %d (document lists %zu, %zu bytes)\n", services, listed,
              read_file(wm.status_file()).size());
  std::printf("SIGUSR1 -> renamed file, %d dumps: min %.1f ms, median %.1f ms, p90 %.1f ms, "
              "max %.1f ms\n",
              dumps, percentile(ms, 0.0), percentile(ms, 0.5), percentile(ms, 0.9),
              percentile(ms, 1.0));
  wm.signal(SIGTERM);
  wm.wait_exit(30s);
  return listed == static_cast<std::size_t>(services) ? 0 : 1;
}

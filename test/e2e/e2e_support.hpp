#pragma once
// Shared bits of the end-to-end tests: config directories with services made
// of the test helper program, and reading its stamp files.

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "harness/process_harness.hpp"

namespace wm::test {

/// A config directory whose services are scripts in service/.
class config_dir {
public:
  /// Adds service `name` running `wm_test_child ARGS` (exec'd, so the
  /// service's main process is the helper itself).
  void helper_service(const std::string& name, const std::string& args) const {
    dir_.script("service/" + name, "exec " + helper_bin("wm_test_child") + " " + args);
  }

  /// Adds service `name` running a shell script body.
  void shell_service(const std::string& name, const std::string& body) const {
    dir_.script("service/" + name, body);
  }

  std::string path() const { return dir_.path().string(); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  const temp_dir& dir() const { return dir_; }

private:
  temp_dir dir_;
};

/// The monotonic nanosecond stamps a `stamp` helper appended, in order.
inline std::vector<long long> stamps(const std::string& path) {
  std::istringstream in(read_file(path));
  std::vector<long long> values;
  for (std::string line; std::getline(in, line);)
    if (!line.empty())
      values.push_back(std::atoll(line.c_str()));
  return values;
}

inline long long now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
}

/// wingmate's CPU time (user + system) in clock ticks, from outside.
inline long cpu_ticks(pid_t host_pid) {
  std::string stat = read_file("/proc/" + std::to_string(host_pid) + "/stat");
  auto close = stat.rfind(')');
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14)
      utime = std::atol(field.c_str());
    if (i == 15) {
      stime = std::atol(field.c_str());
      break;
    }
  }
  return utime + stime;
}

} // namespace wm::test

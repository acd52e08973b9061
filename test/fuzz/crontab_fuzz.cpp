// Fuzzes the crontab reader with whole files: parse_crontab() must take any
// bytes, keep every good line and explain every bad one.

#include <cstring>

#include "fuzz/fuzz_input.hpp"
#include "main/crontab.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm;
  const auto read = parse_crontab(fuzz::text_of(data, size), "crontab");
  // A NUL byte makes the file binary, not a crontab: that alone fails as a
  // whole (a config error), every other text only line by line.
  const bool binary = size > 0 && std::memchr(data, 0, size) != nullptr;
  fuzz::require(read.error.empty() != binary, "only a file holding a NUL byte fails as a whole");
  for (const auto& job : read.jobs) {
    fuzz::require(job.when.has_value(), "every job has a schedule");
    fuzz::require(!job.run.command.empty(), "every job has a command");
    fuzz::require(job.name.starts_with("crontab:"), "jobs are named after their line");
  }
  return 0;
}

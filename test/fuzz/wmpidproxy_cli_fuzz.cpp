// Fuzzes wmpidproxy's command line and WINGMATE_STARTSECS. The input is
// words separated by NUL bytes: the first is the variable's value (unset
// when empty), the rest is argv after argv[0].

#include "fuzz/fuzz_input.hpp"
#include "wmtools/wmpidproxy_cli.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm;
  auto words = fuzz::split_at_nul(fuzz::text_of(data, size));
  const std::string startsecs = words.front();
  words.front() = "wmpidproxy";
  std::vector<const char*> argv;
  for (const auto& word : words)
    argv.push_back(word.c_str());
  const auto parsed = parse_wmpidproxy_command_line(
    static_cast<int>(argv.size()), argv.data(), startsecs.empty() ? nullptr : startsecs.c_str());
  if (parsed.run) {
    fuzz::require(!parsed.run->command.empty(), "a command to run");
    fuzz::require(!parsed.run->pid_file.empty(), "a pidfile to watch");
    fuzz::require(parsed.run->pid_timeout.count() > 0, "a positive pidfile timeout");
    fuzz::require(parsed.run->start_grace.count() >= 0, "a grace that is not negative");
  } else if (parsed.exit_code != 0) {
    fuzz::require(!parsed.err.empty(), "a usage error says what is wrong");
  }
  return 0;
}

// Fuzzes wingmate's command line, subcommands included. The input is argv
// after argv[0], arguments separated by NUL bytes. A chosen subcommand is
// only recorded by the parser, never run here.

#include <cstdlib>
#include <sstream>

#include "fuzz/fuzz_input.hpp"
#include "main/cli.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The options that an environment variable can also set take no input
  // from the fuzzer's environment.
  for (const char* name : {"WINGMATE_CONFIG_PATH", "WINGMATE_LOG_FORMAT", "WINGMATE_LOG_LEVEL"})
    ::unsetenv(name);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm;
  auto words = fuzz::split_at_nul(fuzz::text_of(data, size));
  words.insert(words.begin(), "wingmate");
  std::vector<const char*> argv;
  for (const auto& word : words)
    argv.push_back(word.c_str());
  std::ostringstream out, err;
  const auto outcome =
    parse_command_line(static_cast<int>(argv.size()), argv.data(), out, err);
  const int ways = (outcome.run ? 1 : 0) + (outcome.subcommand ? 1 : 0);
  fuzz::require(ways <= 1, "run, a subcommand or an exit, never two");
  if (ways == 0 && outcome.exit_code != 0)
    fuzz::require(!err.str().empty(), "a usage error says what is wrong");
  return 0;
}

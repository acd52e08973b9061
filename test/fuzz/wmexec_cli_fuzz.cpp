// Fuzzes wmexec's command line: argv after argv[0], separated by NUL bytes.

#include "fuzz/fuzz_input.hpp"
#include "wmtools/wmexec_cli.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm;
  auto words = fuzz::split_at_nul(fuzz::text_of(data, size));
  words.insert(words.begin(), "wmexec");
  std::vector<const char*> argv;
  for (const auto& word : words)
    argv.push_back(word.c_str());
  const auto parsed = parse_wmexec_command_line(static_cast<int>(argv.size()), argv.data());
  if (parsed.run)
    fuzz::require(!parsed.run->command.empty(), "a command to run");
  else if (parsed.exit_code != 0)
    fuzz::require(!parsed.err.empty(), "a usage error says what is wrong");
  return 0;
}

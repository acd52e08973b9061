// Fuzzes pidfile contents, which a daemon (or anyone who can write the
// file) controls: a pid comes back only when the text is one.

#include "fuzz/fuzz_input.hpp"
#include "wmtools/pidfile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm;
  const auto result = parse_pidfile(fuzz::text_of(data, size));
  fuzz::require(result.pid.has_value() != !result.error.empty(),
                "a pid or an error, never both or neither");
  if (result.pid)
    fuzz::require(*result.pid > 0, "a pid is positive");
  return 0;
}

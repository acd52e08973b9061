// Fuzzes durations as config values give them ("250ms", "2.5 min"): a
// parsed duration is within the documented bounds, and what wingmate prints
// for it reads back.

#include "fuzz/fuzz_input.hpp"
#include "messages/duration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm;
  const auto parsed = parse_duration(fuzz::text_of(data, size));
  fuzz::require(parsed.value.has_value() != !parsed.error.empty(),
                "a value or an error, never both or neither");
  if (!parsed.value)
    return 0;
  fuzz::require(parsed.value->count() >= 0, "durations are never negative");
  fuzz::require(*parsed.value <= k_longest_config_duration, "durations are at most a year");
  fuzz::require(parse_duration(format_duration(*parsed.value)).value.has_value(),
                "a printed duration reads back");
  return 0;
}

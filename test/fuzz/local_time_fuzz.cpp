// Fuzzes the ISO 8601 local times `wingmate cron-next` takes as START (and
// the status table reads back from a status document). The first byte picks
// the zone; a parsed time printed by format_local_iso() reads back as the
// same instant.

#include "fuzz/fuzz_input.hpp"
#include "messages/local_time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm;
  if (size == 0)
    return 0;
  fuzz::use_zone(data[0]);
  const auto instant = parse_local_iso(fuzz::text_of(data + 1, size - 1));
  if (!instant)
    return 0;
  const std::string printed = format_local_iso(*instant);
  fuzz::require(!printed.empty(), "a parsed time prints");
  // An offset can take a time at the edge of the years 0000-9999 beyond
  // them, where the year no longer has the four digits the parser reads.
  const bool four_digit_year = printed.size() > 4 && printed[4] == '-' && printed[0] != '-';
  if (four_digit_year)
    fuzz::require(parse_local_iso(printed) == instant, "a printed time reads back the same");
  return 0;
}

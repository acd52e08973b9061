// Fuzzes cron schedule expressions: parsing, then the questions a parsed
// schedule answers (does it ever fire, when next) in zones with daylight
// saving. The first byte picks the zone, the rest is the expression.

#include <ctime>

#include "fuzz/fuzz_input.hpp"
#include "messages/schedule.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm;
  if (size == 0)
    return 0;
  fuzz::use_zone(data[0]);
  const auto parsed = schedule::parse(fuzz::text_of(data + 1, size - 1));
  fuzz::require(parsed.value.has_value() != !parsed.error.empty(),
                "a value or an error, never both or neither");
  if (!parsed.value)
    return 0;
  const schedule& job = *parsed.value;
  if (!job.ever_fires())
    return 0;
  // Mid-2026, and the night of a spring-forward change in Europe.
  for (std::time_t start : {std::time_t{1782000000}, std::time_t{1774740000}}) {
    const auto next = job.next_after(start);
    fuzz::require(next.has_value(), "a schedule that ever fires fires again");
    fuzz::require(*next > start, "the next fire time is strictly later");
    std::tm local{};
    ::localtime_r(&*next, &local);
    fuzz::require(local.tm_sec == 0, "fire times are whole minutes of local time");
  }
  return 0;
}

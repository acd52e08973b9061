// Fuzzes signal names as config values give them (stop_signal: SIGINT): a
// parsed signal can be sent, and its printed name reads back as the same
// signal.

#include <csignal>

#include "fuzz/fuzz_input.hpp"
#include "messages/signal_names.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm;
  const auto signo = parse_signal(fuzz::text_of(data, size));
  if (!signo)
    return 0;
  fuzz::require(*signo >= 1 && *signo <= SIGRTMAX, "a signal that can be sent");
  fuzz::require(parse_signal(signal_name(*signo)) == signo, "the signal's name reads back");
  return 0;
}

#pragma once
// Signal names and numbers, both ways. Used for configuration values
// (`stop_signal: SIGINT`) and for every log line that mentions a signal.

#include <optional>
#include <string>
#include <string_view>

namespace wm {

/// "SIGTERM" for 15, "SIGRTMIN+2" for a real-time signal, "signal 99" when
/// the number has no name.
std::string signal_name(int signo);

/// Accepts "SIGTERM", "TERM" (any case), "SIGRTMIN+2", "RTMAX-1" and plain
/// numbers ("15"). Returns nothing for anything that is not a signal that
/// can be sent (0, SIGKILL and SIGSTOP are valid to send; 65 is not), nor
/// for 32 and 33, which the C library keeps for itself; so the name
/// signal_name() gives a parsed signal always reads back.
std::optional<int> parse_signal(std::string_view text);

} // namespace wm

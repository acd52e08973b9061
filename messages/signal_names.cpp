#include "messages/signal_names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <csignal>
#include <utility>

namespace wm {

namespace {

// The standard signals by name, without the SIG prefix. Linux on the
// architectures we build for; SIGIOT/SIGPOLL are aliases kept for parsing.
constexpr std::array<std::pair<std::string_view, int>, 34> k_signals{{
  {"HUP", SIGHUP},       {"INT", SIGINT},       {"QUIT", SIGQUIT},
  {"ILL", SIGILL},       {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},
  {"BUS", SIGBUS},       {"FPE", SIGFPE},       {"KILL", SIGKILL},
  {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},     {"USR2", SIGUSR2},
  {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},     {"TERM", SIGTERM},
  {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},     {"CONT", SIGCONT},
  {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},
  {"TTOU", SIGTTOU},     {"URG", SIGURG},       {"XCPU", SIGXCPU},
  {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
  {"WINCH", SIGWINCH},   {"IO", SIGIO},         {"PWR", SIGPWR},
  {"SYS", SIGSYS},       {"IOT", SIGIOT},       {"POLL", SIGPOLL},
  {"CLD", SIGCHLD},
}};

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::optional<int> parse_number(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

// 32 and 33 lie between the standard signals and SIGRTMIN: the C library
// keeps them for its threads, so they have no name and no program can catch
// them.
bool is_valid_signal(int signo) {
  return (signo >= 1 && signo < 32) || (signo >= SIGRTMIN && signo <= SIGRTMAX);
}

// "RTMIN", "RTMIN+3", "RTMAX-2": offsets within the real-time range.
std::optional<int> parse_realtime(std::string_view name) {
  const bool from_min = name.starts_with("RTMIN");
  if (!from_min && !name.starts_with("RTMAX"))
    return std::nullopt;
  std::string_view rest = name.substr(5);
  int base = from_min ? SIGRTMIN : SIGRTMAX;
  if (rest.empty())
    return base;
  const char sign = rest.front();
  if ((from_min && sign != '+') || (!from_min && sign != '-'))
    return std::nullopt;
  auto offset = parse_number(rest.substr(1));
  if (!offset || *offset < 0)
    return std::nullopt;
  int signo = from_min ? base + *offset : base - *offset;
  if (signo < SIGRTMIN || signo > SIGRTMAX)
    return std::nullopt;
  return signo;
}

} // namespace

std::string signal_name(int signo) {
  for (auto& [name, number] : k_signals)
    if (number == signo)
      return "SIG" + std::string(name);
  if (signo >= SIGRTMIN && signo <= SIGRTMAX) {
    if (signo == SIGRTMIN)
      return "SIGRTMIN";
    if (signo == SIGRTMAX)
      return "SIGRTMAX";
    return "SIGRTMIN+" + std::to_string(signo - SIGRTMIN);
  }
  return "signal " + std::to_string(signo);
}

std::optional<int> parse_signal(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  if (auto number = parse_number(text))
    return is_valid_signal(*number) ? number : std::nullopt;
  std::string name = upper(text);
  std::string_view bare = name;
  if (bare.starts_with("SIG"))
    bare.remove_prefix(3);
  for (auto& [known, number] : k_signals)
    if (known == bare)
      return number;
  return parse_realtime(bare);
}

} // namespace wm

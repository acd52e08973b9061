#pragma once
// What the fuzz targets share: turning libFuzzer's bytes into the kinds of
// input our parsers take, and checking properties the parsers promise. A
// broken promise aborts, which libFuzzer reports as a crash with the input.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace wm::fuzz {

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Words separated by NUL bytes, as the kernel hands a program its argv
/// (an argument can hold anything but NUL).
inline std::vector<std::string> split_at_nul(std::string_view text) {
  std::vector<std::string> words;
  for (;;) {
    const auto end = text.find('\0');
    words.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos)
      return words;
    text.remove_prefix(end + 1);
  }
}

/// Aborts with `what` when a promised property does not hold.
inline void require(bool holds, const char* what) {
  if (holds)
    return;
  std::fprintf(stderr, "fuzz: property broken: %s\n", what);
  std::abort();
}

/// Zones with daylight saving of several shapes (none, one hour, half an
/// hour in Lord Howe), chosen by one input byte so that every zone is
/// explored; the C library reloads a zone only when TZ changes.
inline void use_zone(std::uint8_t choice) {
  static constexpr const char* zones[] = {"UTC0", "Europe/Berlin", "America/New_York",
                                          "Australia/Lord_Howe"};
  ::setenv("TZ", zones[choice % 4], 1);
}

} // namespace wm::fuzz

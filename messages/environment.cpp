#include "messages/environment.hpp"

#include <unistd.h>

#include <string_view>

namespace wm {

namespace {

std::string_view key_of(std::string_view entry) {
  return entry.substr(0, entry.find('='));
}

} // namespace

std::vector<std::string> merge_environment(std::vector<std::string> base,
                                           const std::vector<std::string>& additions) {
  for (const auto& entry : additions) {
    auto key = key_of(entry);
    bool replaced = false;
    for (auto& existing : base) {
      if (key_of(existing) == key) {
        existing = entry;
        replaced = true;
        break;
      }
    }
    if (!replaced)
      base.push_back(entry);
  }
  return base;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  for (char** p = ::environ; p && *p; ++p)
    env.emplace_back(*p);
  return env;
}

} // namespace wm

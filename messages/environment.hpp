#pragma once
// Building a child's environment: wingmate's own, with the service's
// "KEY=VALUE" entries added or replacing same-named ones.

#include <string>
#include <vector>

namespace wm {

/// `base` with each entry of `additions` applied in order: an entry
/// replaces the one with the same key (up to the first '='), or is added.
std::vector<std::string> merge_environment(std::vector<std::string> base,
                                           const std::vector<std::string>& additions);

/// wingmate's own environment, as it was given.
std::vector<std::string> current_environment();

} // namespace wm

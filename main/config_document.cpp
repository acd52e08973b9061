#include "main/config_document.hpp"

namespace wm {

namespace {

bool needs_quotes(const std::string& name) {
  return name.empty() || name.find_first_of(".[] \t\"") != std::string::npos;
}

} // namespace

key_path key_path::key(const std::string& name) const {
  key_path child = *this;
  child.segments_.emplace_back(name);
  return child;
}

key_path key_path::index(std::size_t position) const {
  key_path child = *this;
  child.segments_.emplace_back(position);
  return child;
}

std::string key_path::text() const {
  std::string out;
  for (const auto& segment : segments_) {
    if (const auto* position = std::get_if<std::size_t>(&segment)) {
      out += '[';
      out += std::to_string(*position);
      out += ']';
      continue;
    }
    const auto& name = std::get<std::string>(segment);
    if (!out.empty())
      out += '.';
    if (needs_quotes(name)) {
      out += '"';
      out += name;
      out += '"';
    } else {
      out += name;
    }
  }
  return out;
}

} // namespace wm

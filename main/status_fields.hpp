#pragma once
// Reading fields of a status document without trusting its shape: a
// document written by another version of wingmate (or a damaged one) gives
// "nothing" for a missing or mistyped field instead of an exception.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace wm {

/// A status document as read back: keys keep the order they were written in,
/// so `wingmate status --json` prints what the file holds.
using status_json = nlohmann::ordered_json;

/// The document in the text of a status file: JSON with an object at the
/// top, or nothing (a file half written by hand, or not a status document at
/// all). Never throws.
inline std::optional<status_json> parse_status_text(std::string_view text) {
  status_json content = status_json::parse(text, nullptr, false);
  if (content.is_discarded() || !content.is_object())
    return std::nullopt;
  return content;
}

} // namespace wm

namespace wm::status_fields {

inline const status_json* field(const status_json& object, const char* key) {
  if (!object.is_object())
    return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

inline std::string text(const status_json& object, const char* key) {
  const auto* value = field(object, key);
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

inline std::optional<long long> integer(const status_json& object, const char* key) {
  const auto* value = field(object, key);
  if (!value || !value->is_number_integer())
    return std::nullopt;
  return value->get<long long>();
}

inline std::optional<double> number(const status_json& object, const char* key) {
  const auto* value = field(object, key);
  if (!value || !value->is_number())
    return std::nullopt;
  return value->get<double>();
}

inline bool flag(const status_json& object, const char* key) {
  const auto* value = field(object, key);
  return value && value->is_boolean() && value->get<bool>();
}

/// The array at `key`, or an empty one.
inline const status_json& list(const status_json& object, const char* key) {
  static const status_json empty = status_json::array();
  const auto* value = field(object, key);
  return value && value->is_array() ? *value : empty;
}

} // namespace wm::status_fields

#pragma once
// A structured config file (wingmate.json, wingmate.yaml) as one JSON tree.
// Each format has a small reader that produces this; one schema walk
// (config_schema.hpp) then gives both formats the same meaning, so they can
// never disagree about a key, a default or an error.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace wm {

/// File order is kept, so services start and `wingmate check` lists them
/// in the order they were written.
using config_tree = nlohmann::ordered_json;

/// A place in a config file, for messages: `service.web.command[1]`. Names
/// that hold a dot, a bracket or a space are quoted: `service."web.sh".main`.
class key_path {
public:
  key_path() = default;

  key_path key(const std::string& name) const;
  key_path index(std::size_t position) const;

  /// Empty for the top of the file.
  std::string text() const;
  bool empty() const { return segments_.empty(); }

  friend bool operator<(const key_path& a, const key_path& b) { return a.segments_ < b.segments_; }
  friend bool operator==(const key_path&, const key_path&) = default;

private:
  std::vector<std::variant<std::string, std::size_t>> segments_;
};

// A false finding of clang-tidy 14: the implicit move constructor is
// noexcept because the moves of all members are.
// NOLINTNEXTLINE(bugprone-exception-escape)
struct config_document {
  /// The file's name in the config directory, the start of every message
  /// about it: "wingmate.yaml".
  std::string file;
  config_tree tree;
  /// YAML only: the text of each plain (unquoted) scalar that was read as a
  /// number or a boolean. A setting that wants a string takes the text as
  /// written, so `command: [sleep, 5]` and `chmod 0755` mean what they say.
  std::map<key_path, std::string> plain_text;
};

/// A file read into a document, or why it could not be.
struct document_result {
  /// Nothing when the file could not be read or parsed.
  std::optional<config_document> document;
  /// Structural errors found while reading (a syntax error, a key given
  /// twice), each starting with the file's name.
  std::vector<std::string> errors;
};

} // namespace wm

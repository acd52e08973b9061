#pragma once
// Reading the settings of one map in a structured config file (a service, a
// cron job, a backoff block) with every mistake collected, never just the
// first. Each read names its key; a key that no read asked for is unknown
// and reported by finish(), with a suggestion when it looks like a typo.
//
// Every message has the shape "<file>: <key path>: <what is wrong>; <what to
// do>", and finish() hands them on in the order of the keys in the file. A
// read leaves `out` untouched when the key is absent or wrong, so the
// caller's defaults stand and the errors stop the start.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "main/config_document.hpp"

namespace wm {

class field_reader {
public:
  /// Reads the map `object` found at `path` in `document`; finish() adds
  /// the messages to `errors`.
  field_reader(const config_document& document, const config_tree& object, key_path path,
               std::vector<std::string>& errors);

  const key_path& path() const { return path_; }
  bool has(std::string_view key) const;

  /// A non-empty string.
  void text(std::string_view key, std::string& out);
  /// true or false.
  void flag(std::string_view key, bool& out);
  /// Seconds as a number, or a string with a unit ("250ms", "5s").
  void duration(std::string_view key, std::chrono::milliseconds& out);
  /// A signal name ("SIGINT", "INT") or number.
  void signal(std::string_view key, int& out);
  /// A whole number, 0 or more.
  void count(std::string_view key, unsigned& out);
  /// A finite number.
  void number(std::string_view key, double& out);
  /// A user or group: a name, or an id as a number or a string of digits.
  void account(std::string_view key, std::string& out);
  /// argv: a list of strings, the first one not empty. A string without
  /// shell syntax is split at spaces (see config_fields.cpp).
  void command(std::string_view key, std::vector<std::string>& out);
  /// A list of "KEY=VALUE" strings with a non-empty KEY.
  void environ(std::string_view key, std::vector<std::string>& out);
  /// One of a few words; `allowed` lists them for the message.
  template <class T>
  void choice(std::string_view key, T& out, std::optional<T> (*parse)(std::string_view),
              std::string_view allowed) {
    const auto word = choice_word(key, allowed);
    if (!word)
      return;
    if (auto parsed = parse(*word))
      out = *parsed;
    else
      fail(key, quoted(*word) + " is not one of " + std::string(allowed));
  }

  /// The map under `key`, read by `read`; nothing happens when absent.
  void section(std::string_view key, const std::function<void(field_reader&)>& read);
  /// Every entry of the map under `key` (name -> settings), in file order.
  /// A missing key or null is no entries.
  void entries(std::string_view key,
               const std::function<void(const std::string& name, field_reader&)>& read);

  /// Adds an error at `key` (under this map's path).
  void fail(std::string_view key, const std::string& what);
  /// Adds an error about this map itself.
  void fail_here(const std::string& what);

  /// Reports every key present that no read asked for, then adds all
  /// messages to the errors, in file order.
  void finish();

  static std::string quoted(std::string_view text);

private:
  /// The value under `key`, or nothing; later messages are about `key`.
  const config_tree* find(std::string_view key);
  /// Where `key` is among this map's keys: 1 for the first, and so on.
  std::size_t position_of(std::string_view key) const;
  void report(std::size_t position, std::string message);
  void report_inner(std::string_view key, const std::vector<std::string>& messages);
  void report_unknown_keys();
  std::optional<std::string> choice_word(std::string_view key, std::string_view allowed);
  void error_at(const key_path& at, const std::string& what);
  bool read_string(const config_tree& value, const key_path& at, std::string& out,
                   const std::string& wanted);
  std::string describe(const config_tree& value, const key_path& at) const;
  void command_string(const std::string& text, const key_path& at,
                      std::vector<std::string>& out);

  const config_document& document_;
  const config_tree& object_;
  key_path path_;
  std::vector<std::string>& errors_;
  std::vector<std::string> asked_;
  /// Messages with the position of the key they are about (0: this map).
  std::vector<std::pair<std::size_t, std::string>> pending_;
  std::size_t current_position_ = 0;
};

} // namespace wm

#include "main/config_fields.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "messages/duration.hpp"
#include "messages/signal_names.hpp"

namespace wm {

namespace {

constexpr std::string_view k_command_example = "[\"/usr/bin/app\", \"--port\", \"8080\"]";

// Characters that would mean something to a shell. wingmate runs no shell,
// so a command string holding one would not do what it says.
constexpr std::string_view k_shell_syntax = "'\"`\\$|&;<>()*?[]{}\n";

// A command given as one string: split at spaces and tabs when it holds no
// shell syntax, like a crontab line. Nothing when it does.
std::optional<std::vector<std::string>> simple_words(const std::string& text) {
  if (text.find_first_of(k_shell_syntax) != std::string::npos)
    return std::nullopt;
  std::vector<std::string> words;
  std::size_t start = text.find_first_not_of(" \t");
  while (start != std::string::npos) {
    const std::size_t end = text.find_first_of(" \t", start);
    words.push_back(text.substr(start, end - start));
    start = text.find_first_not_of(" \t", end);
  }
  const bool special_start = std::any_of(words.begin(), words.end(), [](const auto& word) {
    return word.starts_with('~') || word.starts_with('#');
  });
  if (special_start)
    return std::nullopt;
  return words;
}

// Edit distance, to suggest the key a typo was meant to be.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words)
    out += (out.empty() ? "" : ", ") + word;
  return out;
}

bool usable_name(const std::string& name) {
  return !name.empty() && std::none_of(name.begin(), name.end(), [](unsigned char c) {
    return c <= ' ' || c == 0x7f || c == '/';
  });
}

} // namespace

field_reader::field_reader(const config_document& document, const config_tree& object,
                           key_path path, std::vector<std::string>& errors)
  : document_(document), object_(object), path_(std::move(path)), errors_(errors) {}

std::string field_reader::quoted(std::string_view text) {
  std::string out;
  out += '"';
  out += text;
  out += '"';
  return out;
}

bool field_reader::has(std::string_view key) const {
  return object_.is_object() && object_.contains(key);
}

const config_tree* field_reader::find(std::string_view key) {
  asked_.emplace_back(key);
  current_position_ = position_of(key);
  if (!has(key))
    return nullptr;
  return &object_.at(std::string(key));
}

std::size_t field_reader::position_of(std::string_view key) const {
  std::size_t position = 1;
  for (const auto& [name, value] : object_.items()) {
    if (name == key)
      return position;
    ++position;
  }
  return 0;
}

void field_reader::report(std::size_t position, std::string message) {
  pending_.emplace_back(position, std::move(message));
}

void field_reader::report_inner(std::string_view key, const std::vector<std::string>& messages) {
  for (const auto& message : messages)
    report(position_of(key), message);
}

void field_reader::error_at(const key_path& at, const std::string& what) {
  report(current_position_,
         document_.file + ": " + (at.empty() ? "" : at.text() + ": ") + what);
}

void field_reader::fail(std::string_view key, const std::string& what) {
  current_position_ = position_of(key);
  error_at(path_.key(std::string(key)), what);
}

void field_reader::fail_here(const std::string& what) {
  current_position_ = 0;
  error_at(path_, what);
}

std::string field_reader::describe(const config_tree& value, const key_path& at) const {
  if (auto plain = document_.plain_text.find(at); plain != document_.plain_text.end())
    return plain->second;
  if (value.is_string())
    return quoted(value.get<std::string>());
  if (value.is_array())
    return "a list";
  if (value.is_object())
    return "a map";
  return value.dump();
}

bool field_reader::read_string(const config_tree& value, const key_path& at, std::string& out,
                               const std::string& wanted) {
  if (value.is_string()) {
    out = value.get<std::string>();
    return true;
  }
  if (auto plain = document_.plain_text.find(at); plain != document_.plain_text.end()) {
    out = plain->second;
    return true;
  }
  if (value.is_null())
    error_at(at, "has no value; give " + wanted + " or remove the key");
  else if (value.is_number() || value.is_boolean())
    error_at(at, "must be " + wanted + ", not " + describe(value, at) + "; put it in quotes");
  else
    error_at(at, "must be " + wanted + ", not " + describe(value, at));
  return false;
}

void field_reader::text(std::string_view key, std::string& out) {
  const auto* value = find(key);
  std::string given;
  const key_path at = path_.key(std::string(key));
  if (!value || !read_string(*value, at, given, "a string"))
    return;
  if (given.empty()) {
    error_at(at, "is empty; give a value or remove the key");
    return;
  }
  out = std::move(given);
}

void field_reader::flag(std::string_view key, bool& out) {
  const auto* value = find(key);
  if (!value)
    return;
  if (value->is_boolean())
    out = value->get<bool>();
  else
    fail(key, "must be true or false, not " + describe(*value, path_.key(std::string(key))));
}

void field_reader::duration(std::string_view key, std::chrono::milliseconds& out) {
  const auto* value = find(key);
  if (!value)
    return;
  duration_parse_result parsed;
  if (value->is_number())
    parsed = duration_from_seconds(value->get<double>());
  else if (value->is_string())
    parsed = parse_duration(value->get<std::string>());
  else
    parsed.error = "must be a duration, not " + describe(*value, path_.key(std::string(key)))
                   + "; write seconds as a number (5) or a string with a unit (\"250ms\", "
                     "\"5s\", \"2m\", \"1h\")";
  if (parsed.value)
    out = *parsed.value;
  else
    fail(key, parsed.error);
}

void field_reader::signal(std::string_view key, int& out) {
  const auto* value = find(key);
  if (!value)
    return;
  if (value->is_array() || value->is_object() || value->is_null()) {
    fail(key, "must be a signal name such as SIGTERM or INT, or a number, not "
                + describe(*value, path_.key(std::string(key))));
    return;
  }
  std::optional<int> signo;
  if (value->is_number_integer())
    signo = parse_signal(std::to_string(value->get<long long>()));
  else if (value->is_string())
    signo = parse_signal(value->get<std::string>());
  if (signo)
    out = *signo;
  else
    fail(key, describe(*value, path_.key(std::string(key)))
                + " is not a signal; use a name such as SIGTERM or INT, or a number such as 15");
}

void field_reader::count(std::string_view key, unsigned& out) {
  const auto* value = find(key);
  if (!value)
    return;
  const std::string as_written = describe(*value, path_.key(std::string(key)));
  if (value->is_number_unsigned() && value->get<std::uint64_t>() <= UINT32_MAX)
    out = static_cast<unsigned>(value->get<std::uint64_t>());
  else if (value->is_number_integer() && value->get<long long>() < 0)
    fail(key, as_written + " is negative; give 0 or more");
  else if (value->is_number_unsigned())
    fail(key, as_written + " is too large");
  else
    fail(key, "must be a whole number, not " + as_written);
}

void field_reader::number(std::string_view key, double& out) {
  const auto* value = find(key);
  if (!value)
    return;
  if (value->is_number() && std::isfinite(value->get<double>()))
    out = value->get<double>();
  else
    fail(key, "must be a number, not " + describe(*value, path_.key(std::string(key))));
}

void field_reader::account(std::string_view key, std::string& out) {
  const auto* value = find(key);
  if (!value)
    return;
  const key_path at = path_.key(std::string(key));
  std::string given;
  if (value->is_number_unsigned() && !document_.plain_text.contains(at))
    given = std::to_string(value->get<std::uint64_t>());
  else if (!read_string(*value, at, given, "a name or a numeric id"))
    return;
  if (given.empty())
    error_at(at, "is empty; give a name or a numeric id, or remove the key");
  else
    out = std::move(given);
}

void field_reader::command(std::string_view key, std::vector<std::string>& out) {
  const auto* value = find(key);
  const key_path at = path_.key(std::string(key));
  if (!value) {
    fail_here("has no command; add command: " + std::string(k_command_example));
    return;
  }
  if (value->is_string()) {
    command_string(value->get<std::string>(), at, out);
    return;
  }
  if (!value->is_array()) {
    error_at(at, "must be a list of strings, like " + std::string(k_command_example) + ", not "
                   + describe(*value, at));
    return;
  }
  if (value->empty()) {
    error_at(at, "is empty; give the program and its arguments, like "
                   + std::string(k_command_example));
    return;
  }
  std::vector<std::string> words;
  bool all_good = true;
  for (std::size_t i = 0; i < value->size(); ++i) {
    std::string word;
    if (!read_string((*value)[i], at.index(i), word, "a string"))
      all_good = false;
    else if (i == 0 && word.empty()) {
      error_at(at.index(0), "is empty; give the program to run");
      all_good = false;
    }
    words.push_back(std::move(word));
  }
  if (all_good)
    out = std::move(words);
}

void field_reader::command_string(const std::string& text, const key_path& at,
                                  std::vector<std::string>& out) {
  auto words = simple_words(text);
  if (!words)
    error_at(at, quoted(text) + " needs a shell, and wingmate runs commands without one; give "
                   "a list, like " + std::string(k_command_example)
                   + ", or [\"sh\", \"-c\", \"...\"] to use a shell");
  else if (words->empty())
    error_at(at, "is empty; give the program and its arguments, like "
                   + std::string(k_command_example));
  else
    out = std::move(*words);
}

void field_reader::environ(std::string_view key, std::vector<std::string>& out) {
  const auto* value = find(key);
  if (!value)
    return;
  const key_path at = path_.key(std::string(key));
  if (!value->is_array()) {
    error_at(at, "must be a list of \"KEY=VALUE\" strings, like [\"LANG=C.UTF-8\"], not "
                   + describe(*value, at));
    return;
  }
  std::vector<std::string> list;
  bool all_good = true;
  for (std::size_t i = 0; i < value->size(); ++i) {
    std::string entry;
    if (!read_string((*value)[i], at.index(i), entry, "a \"KEY=VALUE\" string")) {
      all_good = false;
      continue;
    }
    const auto equals = entry.find('=');
    if (equals == std::string::npos || equals == 0) {
      error_at(at.index(i), quoted(entry)
                              + (equals == 0 ? " has no name before '='" : " has no '='")
                              + "; write it as KEY=VALUE");
      all_good = false;
      continue;
    }
    list.push_back(std::move(entry));
  }
  if (all_good)
    out = std::move(list);
}

std::optional<std::string> field_reader::choice_word(std::string_view key,
                                                     std::string_view allowed) {
  const auto* value = find(key);
  if (!value)
    return std::nullopt;
  const key_path at = path_.key(std::string(key));
  const std::string wanted = "one of " + std::string(allowed);
  // Quoting a number or a boolean would not make it one of the words, so
  // this message, unlike read_string's, does not suggest it.
  if (value->is_null() || value->is_string() || document_.plain_text.contains(at)) {
    std::string word;
    return read_string(*value, at, word, wanted) ? std::optional(word) : std::nullopt;
  }
  error_at(at, "must be " + wanted + ", not " + describe(*value, at));
  return std::nullopt;
}

void field_reader::section(std::string_view key, const std::function<void(field_reader&)>& read) {
  const auto* value = find(key);
  if (!value)
    return;
  const key_path at = path_.key(std::string(key));
  if (!value->is_object()) {
    error_at(at, "must be a map of settings, not " + describe(*value, at));
    return;
  }
  std::vector<std::string> messages;
  field_reader inner(document_, *value, at, messages);
  read(inner);
  inner.finish();
  report_inner(key, messages);
}

void field_reader::entries(std::string_view key,
                           const std::function<void(const std::string&, field_reader&)>& read) {
  const auto* value = find(key);
  if (!value || value->is_null())
    return;
  const key_path at = path_.key(std::string(key));
  if (!value->is_object()) {
    error_at(at, "must be a map from names to their settings, not " + describe(*value, at));
    return;
  }
  for (const auto& [name, settings] : value->items()) {
    const key_path entry = at.key(name);
    if (!usable_name(name)) {
      error_at(entry, quoted(name) + " cannot be a name: names must not be empty or hold "
                                     "spaces, control characters or '/'; rename it");
      continue;
    }
    if (!settings.is_object()) {
      error_at(entry, settings.is_null()
                        ? "has no settings; give at least command"
                        : "must be a map of settings, not " + describe(settings, entry));
      continue;
    }
    std::vector<std::string> messages;
    field_reader inner(document_, settings, entry, messages);
    read(name, inner);
    inner.finish();
    report_inner(key, messages);
  }
}

void field_reader::finish() {
  report_unknown_keys();
  std::stable_sort(pending_.begin(), pending_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [position, message] : pending_)
    errors_.push_back(std::move(message));
  pending_.clear();
}

void field_reader::report_unknown_keys() {
  if (!object_.is_object())
    return;
  for (const auto& [key, value] : object_.items()) {
    if (std::find(asked_.begin(), asked_.end(), key) != asked_.end())
      continue;
    std::string best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (const auto& known : asked_) {
      const std::size_t d = distance(key, known);
      if (d < best_distance) {
        best = known;
        best_distance = d;
      }
    }
    const std::size_t close_enough = key.size() <= 4 ? 1 : 2;
    if (best_distance <= close_enough)
      fail(key, "unknown key; did you mean " + best + "?");
    else
      fail(key, "unknown key; the keys " + (path_.empty() ? "at the top" : "of " + path_.text())
                  + " are " + joined(asked_));
  }
}

} // namespace wm

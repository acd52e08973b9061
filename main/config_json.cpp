#include "main/config_json.hpp"

#include <set>

#include "main/config_file.hpp"

namespace wm {

namespace {

// Follows the parser through the document to know where each key is, so a
// key given twice can be reported with its path.
class duplicate_key_finder {
public:
  duplicate_key_finder(const std::string& file, std::vector<std::string>& errors)
    : file_(file), errors_(errors) {}

  bool operator()(int, config_tree::parse_event_t event, config_tree& parsed) {
    using event_t = config_tree::parse_event_t;
    switch (event) {
      case event_t::object_start:
      case event_t::array_start:
        open(event == event_t::array_start);
        break;
      case event_t::object_end:
      case event_t::array_end:
        if (!open_.empty())
          open_.pop_back();
        break;
      case event_t::key:
        on_key(parsed.get<std::string>());
        break;
      case event_t::value:
        if (!open_.empty() && open_.back().is_array)
          ++open_.back().next_index;
        break;
    }
    return true;
  }

private:
  struct container {
    key_path path;
    bool is_array = false;
    std::size_t next_index = 0;
    std::string last_key;
    std::set<std::string> keys;
  };

  void open(bool is_array) {
    key_path path;
    if (!open_.empty()) {
      auto& parent = open_.back();
      path = parent.is_array ? parent.path.index(parent.next_index++)
                             : parent.path.key(parent.last_key);
    }
    open_.push_back(container{std::move(path), is_array, 0, {}, {}});
  }

  void on_key(const std::string& key) {
    if (open_.empty())
      return;
    auto& current = open_.back();
    current.last_key = key;
    if (!current.keys.insert(key).second)
      errors_.push_back(file_ + ": " + current.path.key(key).text()
                        + ": given twice; keep one of them (JSON would silently use the last)");
  }

  const std::string& file_;
  std::vector<std::string>& errors_;
  std::vector<container> open_;
};

// nlohmann's messages start with "[json.exception.parse_error.101] ";
// the user needs only what follows.
std::string without_exception_id(const std::string& what) {
  const auto end = what.find("] ");
  return what.starts_with("[json.exception") && end != std::string::npos ? what.substr(end + 2)
                                                                         : what;
}

} // namespace

document_result parse_json_config(std::string_view text, const std::string& file) {
  document_result result;
  duplicate_key_finder finder(file, result.errors);
  try {
    config_document document;
    document.file = file;
    document.tree = config_tree::parse(text, std::ref(finder), true, true);
    result.document = std::move(document);
  } catch (const config_tree::exception& e) {
    // Mostly parse_error; out_of_range for a number beyond a double (1e400).
    result.errors.push_back(file + ": is not valid JSON: " + without_exception_id(e.what())
                            + "; fix the syntax (comments with // and /* */ are allowed)");
  }
  return result;
}

document_result read_json_config(const std::filesystem::path& path, const std::string& file) {
  std::string error;
  auto text = read_config_file(path, file, error);
  if (!text)
    return document_result{std::nullopt, {error}};
  return parse_json_config(*text, file);
}

} // namespace wm

#include "main/config_yaml.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <limits>
#include <optional>
#include <sstream>

#include "main/config_file.hpp"

namespace wm {

namespace {

std::string where(const YAML::Mark& mark) {
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

std::optional<config_tree> integer_of(std::string_view text) {
  std::string_view digits = text;
  const bool negative = digits.starts_with('-');
  if (negative || digits.starts_with('+'))
    digits.remove_prefix(1);
  int base = 10;
  if (digits.starts_with("0x") || digits.starts_with("0o")) {
    base = digits[1] == 'x' ? 16 : 8;
    digits.remove_prefix(2);
    if (negative || text.starts_with('+'))
      return std::nullopt;
  }
  if (digits.empty())
    return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (ec != std::errc{} || end != digits.data() + digits.size())
    return std::nullopt;
  if (!negative)
    return config_tree(value);
  if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return std::nullopt;
  return config_tree(-static_cast<std::int64_t>(value));
}

std::optional<config_tree> float_of(std::string_view text) {
  for (std::string_view inf : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})
    if (text == inf)
      return config_tree(std::numeric_limits<double>::infinity());
  for (std::string_view inf : {"-.inf", "-.Inf", "-.INF"})
    if (text == inf)
      return config_tree(-std::numeric_limits<double>::infinity());
  if (text == ".nan" || text == ".NaN" || text == ".NAN")
    return config_tree(std::numeric_limits<double>::quiet_NaN());
  // The core schema's float: digits with a point and/or an exponent.
  if (text.empty() || text.find_first_not_of("0123456789.eE+-") != std::string_view::npos
      || text.find_first_of("0123456789") == std::string_view::npos)
    return std::nullopt;
  std::string_view number = text.starts_with('+') ? text.substr(1) : text;
  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc{} || end != number.data() + number.size())
    return std::nullopt;
  return config_tree(value);
}

// The core schema's reading of a plain scalar; nothing means a string.
std::optional<config_tree> typed_plain_scalar(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE")
    return config_tree(true);
  if (text == "false" || text == "False" || text == "FALSE")
    return config_tree(false);
  if (auto integer = integer_of(text))
    return integer;
  return float_of(text);
}

bool is_plain(const YAML::Node& node) {
  // "?" is the non-specific tag of a plain scalar; the core schema's own
  // tags (!!int and friends) ask for the same resolution. Quoted scalars
  // carry "!", and any other tag (!!str, custom ones) keeps the text.
  const std::string& tag = node.Tag();
  return tag == "?" || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float"
         || tag == "tag:yaml.org,2002:bool";
}

// Limits of the converted tree. A config needs a few levels and a few
// hundred values, but aliases can make a small file huge (an alias inside
// the node it names is even infinite: yaml-cpp builds the cycle), and the
// conversion expands every alias.
constexpr std::size_t k_max_depth = 64;
constexpr std::size_t k_max_values = 100'000;

class converter {
public:
  explicit converter(config_document& document, std::vector<std::string>& errors)
    : document_(document), errors_(errors) {}

  config_tree convert(const YAML::Node& node, const key_path& path) {
    if (!within_limits(node))
      return nullptr;
    ++depth_;
    auto tree = convert_node(node, path);
    --depth_;
    return tree;
  }

private:
  bool within_limits(const YAML::Node& node) {
    if (too_large_)
      return false;
    if (++values_ > k_max_values) {
      errors_.push_back(document_.file + ": holds more than " + std::to_string(k_max_values)
                        + " values once its aliases are expanded; write the settings out "
                          "with fewer aliases");
      too_large_ = true;
      return false;
    }
    if (depth_ >= k_max_depth) {
      errors_.push_back(document_.file + ": " + where(node.Mark()) + ": nested more than "
                        + std::to_string(k_max_depth) + " levels deep (an alias inside the "
                        "node it names?); a config needs only a few levels");
      too_large_ = true;
      return false;
    }
    return true;
  }

  config_tree convert_node(const YAML::Node& node, const key_path& path) {
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        return scalar(node, path);
      case YAML::NodeType::Sequence: {
        config_tree list = config_tree::array();
        std::size_t position = 0;
        for (const auto& element : node) {
          list.push_back(convert(element, path.index(position)));
          ++position;
        }
        return list;
      }
      case YAML::NodeType::Map:
        return mapping(node, path);
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        break;
    }
    return nullptr;
  }

  config_tree scalar(const YAML::Node& node, const key_path& path) {
    const std::string& text = node.Scalar();
    if (!is_plain(node))
      return text;
    auto typed = typed_plain_scalar(text);
    if (!typed)
      return text;
    document_.plain_text[path] = text;
    return *typed;
  }

  config_tree mapping(const YAML::Node& node, const key_path& path) {
    config_tree object = config_tree::object();
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) {
        errors_.push_back(document_.file + ": " + where(entry.first.Mark())
                          + ": a key must be a plain name, not a list or a map");
        continue;
      }
      const std::string& key = entry.first.Scalar();
      const key_path child = path.key(key);
      if (object.contains(key)) {
        errors_.push_back(document_.file + ": " + child.text() + ": given twice (again at "
                          + where(entry.first.Mark()) + "); keep one of them");
        continue;
      }
      object[key] = convert(entry.second, child);
    }
    return object;
  }

  config_document& document_;
  std::vector<std::string>& errors_;
  std::size_t depth_ = 0;
  std::size_t values_ = 0;
  /// A limit was hit and reported: the rest is not converted.
  bool too_large_ = false;
};

// Takes the events of a document only to learn where it starts.
class document_starts : public YAML::EventHandler {
public:
  YAML::Mark start;

  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// How many documents `text` holds: 0, 1, 2, or 3 for three or more. Throws
// YAML::Exception for a syntax error. yaml-cpp 0.7 (Debian 12) never gets
// past a ',' outside [] and {}: it reports one empty document after another
// from there (yaml-cpp issue 1040), so YAML::LoadAll() would fill memory
// forever. A document that starts where the one before it started is that
// comma, reported here as the syntax error it is.
std::size_t count_documents(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  document_starts events;
  std::size_t count = 0;
  std::optional<int> previous_start;
  while (count < 3 && parser.HandleNextDocument(events)) {
    if (previous_start == events.start.pos) {
      const auto at = static_cast<std::size_t>(events.start.pos);
      // Built by appending: "literal" + std::string trips a false -Wrestrict
      // warning in g++ 12 (GCC bug 105329).
      std::string what = "unexpected ";
      if (at < text.size())
        what.append(1, '\'').append(1, text[at]).append(1, '\'');
      else
        what += "text";
      throw YAML::ParserException(events.start, what);
    }
    previous_start = events.start.pos;
    ++count;
  }
  return count;
}

} // namespace

document_result parse_yaml_config(std::string_view text, const std::string& file) {
  document_result result;
  const std::string input(text);
  std::size_t documents = 0;
  YAML::Node root;
  try {
    documents = count_documents(input);
    if (documents == 1)
      root = YAML::Load(input);
  } catch (const YAML::Exception& e) {
    result.errors.push_back(file + ": is not valid YAML: " + e.msg + " at " + where(e.mark)
                            + "; fix the syntax");
    return result;
  }
  if (documents > 1) {
    result.errors.push_back(file + ": holds " + (documents > 2 ? "3 or more" : "2")
                            + " YAML documents (separated by ---); put everything in one");
    return result;
  }
  config_document document;
  document.file = file;
  if (documents == 1)
    document.tree = converter(document, result.errors).convert(root, key_path{});
  result.document = std::move(document);
  return result;
}

document_result read_yaml_config(const std::filesystem::path& path, const std::string& file) {
  std::string error;
  auto text = read_config_file(path, file, error);
  if (!text)
    return document_result{std::nullopt, {error}};
  return parse_yaml_config(*text, file);
}

} // namespace wm

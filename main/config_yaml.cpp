#include "main/config_yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <limits>

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

class converter {
public:
  explicit converter(config_document& document, std::vector<std::string>& errors)
    : document_(document), errors_(errors) {}

  config_tree convert(const YAML::Node& node, const key_path& path) {
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

private:
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
};

} // namespace

document_result parse_yaml_config(std::string_view text, const std::string& file) {
  document_result result;
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    result.errors.push_back(file + ": is not valid YAML: " + e.msg + " at " + where(e.mark)
                            + "; fix the syntax");
    return result;
  }
  if (documents.size() > 1) {
    result.errors.push_back(file + ": holds " + std::to_string(documents.size())
                            + " YAML documents (separated by ---); put everything in one");
    return result;
  }
  config_document document;
  document.file = file;
  if (!documents.empty())
    document.tree = converter(document, result.errors).convert(documents.front(), key_path{});
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

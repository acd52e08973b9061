#pragma once
// Reading wingmate.yaml (and wingmate.yml) with yaml-cpp into the same JSON
// tree wingmate.json gives. Plain scalars are typed by the YAML 1.2 core
// schema (null, true/false, integers, floats; anything else is a string);
// quoted scalars are always strings. A key given twice in one mapping is an
// error, as YAML requires; a file with more than one document is an error.
// An empty file (or one with only comments) configures nothing. Aliases
// are expanded; a tree nested more than 64 levels deep or holding more than
// 100000 values once expanded is an error, which also stops an alias inside
// the node it names.

#include <filesystem>
#include <string>
#include <string_view>

#include "main/config_document.hpp"

namespace wm {

/// Parses `text`; `file` names it in messages ("wingmate.yaml").
document_result parse_yaml_config(std::string_view text, const std::string& file);

/// Reads and parses the file at `path`.
document_result read_yaml_config(const std::filesystem::path& path, const std::string& file);

} // namespace wm

#pragma once
// Reading wingmate.json: JSON with // and /* */ comments allowed. A key
// given twice in one object is an error (plain JSON parsers keep the last
// one silently, which would hide a mistake).

#include <filesystem>
#include <string>
#include <string_view>

#include "main/config_document.hpp"

namespace wm {

/// Parses `text`; `file` names it in messages ("wingmate.json").
document_result parse_json_config(std::string_view text, const std::string& file);

/// Reads and parses the file at `path`.
document_result read_json_config(const std::filesystem::path& path, const std::string& file);

} // namespace wm

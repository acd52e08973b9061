#pragma once
// Reading a whole config file into memory, with an error for the user when
// it cannot be read.

#include <filesystem>
#include <optional>
#include <string>

namespace wm {

/// The content of `path`, or nothing with `error` set to a message that
/// starts with `file` ("wingmate.yaml: cannot read ...: ..."). Anything but
/// a regular file (a directory, a named pipe) is refused without waiting.
std::optional<std::string> read_config_file(const std::filesystem::path& path,
                                            const std::string& file, std::string& error);

} // namespace wm

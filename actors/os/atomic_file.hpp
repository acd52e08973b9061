#pragma once
// Replacing a file so that a reader sees either the old content or all of
// the new one, never a part: the content goes to a temporary file in the
// same directory (same filesystem), which is then renamed over the target.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace wm::os {

/// Writes `content` to `path` atomically with permissions `mode`. Returns
/// an empty string, or what went wrong, naming the file and the reason
/// ("cannot create a temporary file in /run/wingmate: Permission denied").
/// The temporary file is hidden (".status.json.XXXXXX") and removed on
/// failure.
std::string write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                  mode_t mode = 0644);

} // namespace wm::os

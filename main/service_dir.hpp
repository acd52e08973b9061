#pragma once
// Reading the `service/` directory of a config directory: every regular
// executable file directly inside it (or a symbolic link to one) is a
// service named after the file, extension included.

#include <filesystem>
#include <string>
#include <vector>

#include "messages/service_spec.hpp"

namespace wm {

struct service_dir_scan {
  std::vector<service_spec> services; ///< sorted by name
  /// One line per skipped entry, naming it and saying why.
  std::vector<std::string> warnings;
  /// Set when the directory exists but cannot be read.
  std::string error;
};

/// Scans `config_dir`/service. A missing service/ directory is not an error
/// (the services may come from elsewhere).
service_dir_scan scan_service_dir(const std::filesystem::path& config_dir);

} // namespace wm

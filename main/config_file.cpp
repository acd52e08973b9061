#include "main/config_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace wm {

std::optional<std::string> read_config_file(const std::filesystem::path& path,
                                            const std::string& file, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  if (in)
    content << in.rdbuf();
  if (!in || in.bad()) {
    error = file + ": cannot read " + path.string() + ": " + std::strerror(errno)
            + "; make it readable by wingmate";
    return std::nullopt;
  }
  return content.str();
}

} // namespace wm

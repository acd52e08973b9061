#include "main/service_dir.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace wm {

namespace fs = std::filesystem;

namespace {

// Why an entry is not a service; empty when it is one.
std::string skip_reason(const fs::path& path, const std::string& name) {
  if (name.starts_with("."))
    return "hidden files are not services";
  struct stat info {};
  if (::stat(path.c_str(), &info) < 0) {
    struct stat link_info {};
    if (::lstat(path.c_str(), &link_info) == 0 && S_ISLNK(link_info.st_mode))
      return "it is a symbolic link to a file that does not exist";
    return std::string("cannot read it: ") + std::strerror(errno);
  }
  if (S_ISDIR(info.st_mode))
    return "it is a directory (services are executable files directly inside service/)";
  if (!S_ISREG(info.st_mode))
    return "it is not a regular file";
  if ((info.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0)
    return "it is not executable (chmod +x it to run it as a service)";
  return {};
}

} // namespace

service_dir_scan scan_service_dir(const fs::path& config_dir) {
  service_dir_scan scan;
  const fs::path dir = config_dir / "service";
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    if (ec && ec != std::errc::no_such_file_or_directory)
      scan.error = "cannot look at " + dir.string() + ": " + ec.message();
    return scan;
  }
  fs::directory_iterator it(dir, ec);
  if (ec) {
    scan.error = "cannot read " + dir.string() + ": " + ec.message();
    return scan;
  }
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    const std::string reason = skip_reason(entry.path(), name);
    if (!reason.empty()) {
      scan.warnings.push_back("skipping " + entry.path().string() + ": " + reason);
      continue;
    }
    service_spec spec;
    spec.name = name;
    spec.source = "service/" + name;
    spec.run.command = {entry.path().string()};
    scan.services.push_back(std::move(spec));
  }
  std::sort(scan.services.begin(), scan.services.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  std::sort(scan.warnings.begin(), scan.warnings.end());
  return scan;
}

} // namespace wm

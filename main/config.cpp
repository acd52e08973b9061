#include "main/config.hpp"

#include <set>

#include "main/crontab.hpp"
#include "main/service_dir.hpp"

namespace wm {

namespace fs = std::filesystem;

namespace {

service_spec main_service(const std::vector<std::string>& command, bool interactive) {
  service_spec spec;
  spec.name = "main";
  spec.source = "the command line";
  spec.run.command = command;
  spec.main = true;
  spec.restart.mode = restart_mode::never;
  spec.owns_terminal = interactive;
  return spec;
}

void check_unique_names(loaded_config& config) {
  std::set<std::string> seen;
  auto check = [&](const std::string& name, const std::string& source) {
    if (!seen.insert(name).second)
      config.errors.push_back("the name " + name + " is used twice (again in " + source
                              + "); rename one of them");
  };
  for (const auto& spec : config.services)
    check(spec.name, spec.source);
  for (const auto& spec : config.crons)
    check(spec.name, spec.source);
}

} // namespace

loaded_config load_config(const config_request& request) {
  loaded_config config;
  std::error_code ec;
  config.dir = fs::absolute(request.dir, ec).lexically_normal();
  const bool dir_exists = fs::is_directory(config.dir, ec);
  const auto& main_command = request.main_command;

  if (!dir_exists && (main_command.empty() || request.dir_explicit)) {
    config.errors.push_back("config directory " + config.dir.string()
                            + " does not exist; point wingmate at one with -c DIR or "
                              "WINGMATE_CONFIG_PATH, or give a command after --");
    return config;
  }

  if (dir_exists) {
    auto scan = scan_service_dir(config.dir);
    if (!scan.error.empty())
      config.errors.push_back(scan.error);
    config.warnings = std::move(scan.warnings);
    config.services = std::move(scan.services);
    load_crontab(config);
  }
  if (!main_command.empty())
    config.services.push_back(main_service(main_command, request.interactive));

  check_unique_names(config);
  if (config.services.empty() && config.crons.empty() && config.errors.empty())
    config.errors.push_back("config directory " + config.dir.string()
                            + " has nothing to run: put executable files in "
                            + (config.dir / "service").string() + "/, cron jobs in "
                            + (config.dir / "crontab").string() + ", or give a command after --");
  return config;
}

} // namespace wm

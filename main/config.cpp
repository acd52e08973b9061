#include "main/config.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "main/config_identity.hpp"
#include "main/config_json.hpp"
#include "main/config_schema.hpp"
#include "main/config_yaml.hpp"
#include "main/crontab.hpp"
#include "main/service_dir.hpp"

namespace wm {

namespace fs = std::filesystem;

namespace {

// The structured config files, in the order they are read. wingmate.yml is
// what the Go wingmate also found (through viper), so its users' files load.
struct structured_file {
  const char* name;
  document_result (*read)(const fs::path&, const std::string&);
};
constexpr structured_file k_structured_files[] = {
  {"wingmate.json", read_json_config},
  {"wingmate.yaml", read_yaml_config},
  {"wingmate.yml", read_yaml_config},
};

template <class T>
void append(std::vector<T>& to, std::vector<T>&& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

void load_service_dir(loaded_config& config) {
  auto scan = scan_service_dir(config.dir);
  if (!scan.error.empty())
    config.errors.push_back(scan.error);
  append(config.warnings, std::move(scan.warnings));
  append(config.services, std::move(scan.services));
}

void load_structured_files(loaded_config& config) {
  for (const auto& file : k_structured_files) {
    const fs::path path = config.dir / file.name;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      if (ec && ec != std::errc::no_such_file_or_directory)
        config.errors.push_back(std::string(file.name) + ": cannot look at " + path.string()
                                + ": " + ec.message());
      continue;
    }
    add_structured_file(config, file.read(path, file.name));
  }
}

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

// Services and cron jobs share one namespace: logs, status and `wingmate
// check` name them without saying which kind they are.
void check_unique_names(loaded_config& config) {
  std::map<std::string, std::string> first_source;
  auto check = [&](const std::string& name, const std::string& source) {
    auto [it, fresh] = first_source.emplace(name, source);
    if (!fresh)
      config.errors.push_back(source + ": the name " + name + " is already used by "
                              + it->second + "; rename one of them");
  };
  for (const auto& spec : config.services)
    check(spec.name, spec.source);
  for (const auto& job : config.crons)
    check(job.name, job.source);
}

// Two services watching one pidfile would each take the other's daemon.
void check_unique_pidfiles(loaded_config& config) {
  std::map<std::string, const service_spec*> first;
  for (const auto& spec : config.services) {
    if (spec.pidfile.empty())
      continue;
    auto [it, fresh] = first.emplace(spec.pidfile, &spec);
    if (!fresh)
      config.errors.push_back(spec.source + ": pidfile: " + spec.pidfile
                              + " is also the pidfile of " + it->second->name + " ("
                              + it->second->source + "); give each service its own pidfile");
  }
}

void check_single_main(loaded_config& config) {
  const service_spec* first = nullptr;
  for (const auto& spec : config.services) {
    if (!spec.main)
      continue;
    if (!first) {
      first = &spec;
      continue;
    }
    config.errors.push_back(spec.source + ": " + spec.name + " is a main service, and so is "
                            + first->name + " (" + first->source
                            + "); only one may be: remove main: true from one of them, or "
                              "the command after --");
  }
}

} // namespace

void add_structured_file(loaded_config& config, document_result result) {
  append(config.errors, std::move(result.errors));
  if (!result.document)
    return;
  auto entries = read_structured_config(*result.document);
  append(config.errors, std::move(entries.errors));
  append(config.warnings, std::move(entries.warnings));
  append(config.services, std::move(entries.services));
  append(config.crons, std::move(entries.crons));
}

void check_loaded_config(loaded_config& config, const account_database& accounts) {
  check_unique_names(config);
  check_unique_pidfiles(config);
  check_single_main(config);
  if (config.services.empty() && config.crons.empty() && config.errors.empty())
    config.errors.push_back("config directory " + config.dir.string()
                            + " has nothing to run: put executable files in "
                            + (config.dir / "service").string()
                            + "/, services or cron jobs in wingmate.yaml or wingmate.json, "
                              "cron jobs in " + (config.dir / "crontab").string()
                            + ", or give a command after --");
  resolve_identities(config, accounts);
}

loaded_config load_config(const config_request& request, const account_database& accounts) {
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
    // Its files are opened by name, which needs search (x) permission on
    // the directory, not read: without it every file would look missing,
    // so say so once, by the directory's name.
    if (::access(config.dir.c_str(), X_OK) < 0) {
      config.errors.push_back("cannot open files in the config directory " + config.dir.string()
                              + ": " + std::strerror(errno)
                              + "; give wingmate's user search permission on it (chmod +x)");
      return config;
    }
    load_service_dir(config);
    load_structured_files(config);
    load_crontab(config);
  }
  if (!main_command.empty())
    config.services.push_back(main_service(main_command, request.interactive));

  check_loaded_config(config, accounts);
  return config;
}

} // namespace wm

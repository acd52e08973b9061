#include "main/check_command.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "main/cli.hpp"
#include "main/config_render.hpp"
#include "main/subcommands.hpp"

namespace wm {

namespace {

constexpr int k_valid = 0;
constexpr int k_invalid = 2;

template <class Spec>
void fatal_lines(const std::vector<Spec>& specs, const char* kind, std::vector<std::string>& out) {
  for (const auto& spec : specs)
    if (!spec.fatal_reason.empty())
      out.push_back(std::string(kind) + " " + spec.name + " would be fatal and never run: "
                    + spec.fatal_reason);
}

} // namespace

int check_command(const config_request& request, std::ostream& out, std::ostream& err,
                  const account_database& accounts) {
  const auto config = load_config(request, accounts);
  std::vector<std::string> fatal;
  fatal_lines(config.services, "service", fatal);
  fatal_lines(config.crons, "cron job", fatal);

  // With a structural error nothing would start, so there is no effective
  // config to show; entries that could never run are listed either way.
  if (config.errors.empty())
    out << render_config(config).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
        << "\n";
  for (const auto& warning : config.warnings)
    err << "warning: " << warning << "\n";
  for (const auto& error : config.errors)
    err << "error: " << error << "\n";
  for (const auto& line : fatal)
    err << "error: " << line << "\n";

  const auto problems = config.errors.size() + fatal.size();
  if (problems == 0)
    return k_valid;
  err << "wingmate check: " << problems << (problems == 1 ? " error" : " errors") << " in "
      << config.dir.string()
      << (config.errors.empty() ? "; the entries above would be fatal, the rest would run\n"
                                : "; wingmate would start nothing\n");
  return k_invalid;
}

void add_check_command(CLI::App& app, cli_outcome& outcome) {
  struct arguments {
    std::string dir = "/etc/wingmate";
  };
  auto given = std::make_shared<arguments>();
  auto* cmd = app.add_subcommand(
    "check", "Load the config as a start would, print it as JSON with every default, and exit");
  auto* dir = cmd->add_option("-c,--config", given->dir,
                              "Config directory (service/, wingmate.yaml, wingmate.json)")
                ->envname("WINGMATE_CONFIG_PATH")
                ->capture_default_str()
                ->type_name("DIR");
  cmd->footer("\nA command after -- is checked as the main service, as in a real start.\n"
              "Exit codes: 0 valid; 2 for any error (listed on stderr), including entries\n"
              "that could never run, such as one with an unknown user.\n"
              "Example: wingmate check -c /etc/wingmate -- /usr/local/bin/app");
  cmd->callback([given, dir, &outcome] {
    config_request request;
    request.dir = given->dir;
    request.dir_explicit = dir->count() > 0;
    request.main_command = outcome.main_command;
    outcome.subcommand_takes_command = true;
    outcome.subcommand = [request] { return check_command(request, std::cout, std::cerr); };
  });
}

} // namespace wm
